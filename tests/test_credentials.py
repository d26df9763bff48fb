"""Directus clients' tokens (``?access_token=``, ``Authorization: Bearer``) through the
``AUTHENTICATE_TOKEN`` hook: the token's user for the access check, 401 for a bad token,
ignored when no hook is set. (Over a real server: test_http_parity.)"""

import pytest
from django.contrib.auth.models import Permission
from django.core.checks import run_checks
from rest_framework.authtoken.models import Token

from tests.expected import FORBIDDEN
from tests.images import bands, decode, encode

pytestmark = pytest.mark.django_db
DRF_HOOK = "directus_assets.drf.authenticate_token"
INVALID_CREDENTIALS = {
    "errors": [
        {"message": "Invalid user credentials.", "extensions": {"code": "INVALID_CREDENTIALS"}}
    ]
}


@pytest.fixture
def secret(make_file):
    return make_file(encode(bands((90, 30)), "JPEG"), filename="secret.jpg", private=True)


@pytest.fixture
def token(django_user_model):
    user = django_user_model.objects.create(username="api")
    user.user_permissions.add(Permission.objects.get(codename="view_file"))
    return Token.objects.create(user=user).key


@pytest.fixture
def hook(settings):
    settings.DIRECTUS_ASSETS = {"AUTHENTICATE_TOKEN": DRF_HOOK}


def fetch(client, file, query="", **headers):
    response = client.get(f"/assets/{file.pk}{query}", headers=headers)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


@pytest.mark.usefixtures("hook")
@pytest.mark.parametrize("query", ["", "?width=30&format=png", "?key=system-small-cover"])
def test_a_valid_token_opens_a_private_file(client, secret, token, query):
    by_parameter, body = fetch(
        client, secret, f"{query}{'&' if query else '?'}access_token={token}"
    )
    by_header, same_body = fetch(client, secret, query, Authorization=f"Bearer {token}")
    assert by_parameter.status_code == by_header.status_code == 200
    assert body == same_body and decode(body).size[0] in (90, 30, 64)


@pytest.mark.usefixtures("hook")
@pytest.mark.parametrize(
    ("query", "headers"),
    [
        ("?access_token=nope", {}),
        ("", {"Authorization": "Bearer nope"}),
        ("?access_token=", {}),
    ],
)
def test_a_token_the_hook_rejects_is_401(client, make_file, secret, query, headers):
    for file in (secret, make_file()):  # public files too, as Directus
        response, _ = fetch(client, file, query, **headers)
        assert (response.status_code, response.json()) == (401, INVALID_CREDENTIALS)


@pytest.mark.usefixtures("hook")
def test_a_valid_token_of_a_user_without_the_permission_is_403(client, secret, django_user_model):
    key = Token.objects.create(user=django_user_model.objects.create(username="nobody")).key
    response, _ = fetch(client, secret, f"?access_token={key}")
    assert (response.status_code, response.json()) == (403, FORBIDDEN)


def test_without_a_hook_tokens_are_not_read(client, make_file, secret, token):
    assert fetch(client, secret, f"?access_token={token}")[0].status_code == 403
    assert fetch(client, make_file(), "?access_token=nope")[0].status_code == 200


def test_other_authorization_schemes_are_left_alone(client, make_file, hook):
    response, _ = fetch(client, make_file(), Authorization="Basic YTpi")
    assert response.status_code == 200


def test_a_hook_that_is_not_a_callable_fails_the_system_checks(settings):
    settings.DIRECTUS_ASSETS = {"AUTHENTICATE_TOKEN": "directus_assets.nowhere.hook"}
    messages = [message.msg for message in run_checks()]
    assert any("AUTHENTICATE_TOKEN" in message for message in messages)
