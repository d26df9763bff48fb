"""Private files: served only with the view permission (global or per object)."""

import pytest
from django.contrib.auth.models import Permission

from tests.expected import FORBIDDEN
from tests.images import bands, encode

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret(make_file):
    return make_file(encode(bands((90, 30)), "JPEG"), filename="secret.jpg", private=True)


def fetch(client, file, query=""):
    response = client.get(f"/assets/{file.pk}{query}")
    if response.streaming:
        b"".join(response.streaming_content)
    return response


def test_public_files_are_public(client, make_file):
    response = fetch(client, make_file())
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=2592000"


@pytest.mark.parametrize("query", ["", "?width=30", "?key=system-small-cover"])
def test_private_files_are_refused_like_unknown_ones(client, secret, query):
    response = fetch(client, secret, query)
    assert (response.status_code, response.json()) == (403, FORBIDDEN)


def test_signed_in_without_the_permission_is_refused(client, secret, django_user_model):
    client.force_login(django_user_model.objects.create(username="ann"))
    assert fetch(client, secret).status_code == 403


@pytest.mark.parametrize("query", ["", "?width=30"])
def test_the_view_permission_grants_it_privately(client, secret, django_user_model, query):
    user = django_user_model.objects.create(username="ann")
    user.user_permissions.add(Permission.objects.get(codename="view_file"))
    client.force_login(user)
    response = fetch(client, secret, query)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, max-age=2592000"
    again = client.get(f"/assets/{secret.pk}{query}", headers={"If-None-Match": response["ETag"]})
    assert (again.status_code, again["Cache-Control"]) == (304, "private, max-age=2592000")


def test_superusers_may(admin_client, secret):
    assert fetch(admin_client, secret).status_code == 200


def test_object_permissions_from_another_backend(client, make_file, django_user_model, settings):
    settings.AUTHENTICATION_BACKENDS = [
        "django.contrib.auth.backends.ModelBackend",
        "tests.hooks.SharedFilesBackend",
    ]
    shared = make_file(filename="a.png", private=True, title="shared")
    other = make_file(filename="b.png", private=True, title="other")
    client.force_login(django_user_model.objects.create(username="bob"))
    assert fetch(client, shared).status_code == 200
    assert fetch(client, other).status_code == 403


def test_a_cached_thumbnail_is_still_checked(client, admin_client, secret):
    assert fetch(admin_client, secret, "?width=30").status_code == 200
    assert fetch(client, secret, "?width=30").status_code == 403  # the one-query hit path


def test_private_in_the_admin(admin_client, secret):
    listing = admin_client.get("/admin/directus_assets/file/?private__exact=1")
    assert str(secret.pk) in listing.content.decode()
