"""Access hooks used by the tests through the ACCESS_CHECK setting."""


def deny_titled_secret(request, file) -> bool:
    return file.title != "secret"
