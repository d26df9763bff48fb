"""Access hooks used by the tests through the ACCESS_CHECK setting."""


def deny_titled_secret(request, file) -> bool:
    return file.title != "secret"


class SharedFilesBackend:
    """An object-permission backend (like django-guardian's): view_file on files titled
    "shared", for any signed-in user."""

    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user, perm, obj=None):
        return perm == "directus_assets.view_file" and getattr(obj, "title", "") == "shared"
