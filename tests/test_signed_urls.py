"""Signed URLs: exactly one file and transformation, until the expiry; keys rotate."""

from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from directus_assets.signing import signed_url
from tests.conftest import body
from tests.images import bands, decode, encode

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret(make_file):
    return make_file(encode(bands((90, 30)), "JPEG"), filename="secret.jpg", private=True)


def fetch(client, url):
    response = client.get(url)
    return response.status_code, body(response)


def with_query(url, **changes):
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query.update({k: str(v) for k, v in changes.items()})
    return f"{parts.path}?{urlencode(query)}"


def test_a_signed_url_opens_a_private_file(client, secret):
    status, body = fetch(client, signed_url(secret))
    assert status == 200
    assert body == encode(bands((90, 30)), "JPEG")


def test_it_grants_exactly_its_transformation(client, secret):
    url = signed_url(secret, width=30)
    status, body = fetch(client, url)
    assert (status, decode(body).size) == (200, (30, 10))
    assert fetch(client, with_query(url, width=60))[0] == 403
    assert fetch(client, with_query(url, height=5))[0] == 403  # an added parameter
    assert (
        fetch(
            client,
            with_query(url, expires=int(dict(parse_qsl(urlsplit(url).query))["expires"]) + 999),
        )[0]
        == 403
    )


def test_parameter_order_does_not_matter(client, secret):
    url = signed_url(secret, width=30, fit="inside")
    parts = urlsplit(url)
    reordered = "&".join(reversed(parts.query.split("&")))
    assert fetch(client, f"{parts.path}?{reordered}")[0] == 200


def test_it_names_one_file(client, secret, make_file):
    other = make_file(filename="other.png", private=True)
    url = signed_url(secret)
    assert fetch(client, url.replace(str(secret.pk), str(other.pk)))[0] == 403


def test_it_expires(client, secret):
    assert fetch(client, signed_url(secret, expires_in=-1))[0] == 403


def test_a_bad_token_is_refused_even_on_public_files(client, make_file):
    public = make_file()
    assert fetch(client, f"/assets/{public.pk}?expires=9999999999&token=forged")[0] == 403


def test_keys_rotate_through_secret_key_fallbacks(client, secret, settings):
    url = signed_url(secret)
    settings.SECRET_KEY = "a-new-secret-key"
    assert fetch(client, url)[0] == 403
    settings.SECRET_KEY_FALLBACKS = ["demo-only-not-secret"]
    assert fetch(client, url)[0] == 200
