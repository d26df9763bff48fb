"""Cache busting: a URL with the file's current version is immutable for a year, a stale one
redirects to the current URL, an unversioned one keeps the configured lifetime."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import User

from directus_assets.links import asset_url
from directus_assets.models import Rendition, ThumbnailPreset
from directus_assets.signing import signed_url
from tests.conftest import body
from tests.images import bands, decode, encode

pytestmark = pytest.mark.django_db
IMMUTABLE = "public, max-age=31536000, immutable"


def get(client, url):
    response = client.get(url)
    return response, body(response)


def query_of(url):
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


@pytest.fixture
def photo(make_file):
    return make_file(encode(bands((300, 200)), "JPEG"), filename="photo.jpg")


@pytest.mark.parametrize("params", [{}, {"width": 60}, {"key": "system-small-cover"}])
def test_a_current_version_is_immutable_on_misses_and_hits(client, photo, params):
    url = asset_url(photo, **params)
    for _ in range(2):  # the first may render, the second is a cached hit
        response, _ = get(client, url)
        assert response.status_code == 200
        assert response["Cache-Control"] == IMMUTABLE


def test_unversioned_urls_keep_the_configured_lifetime(client, photo, settings):
    settings.DIRECTUS_ASSETS = {"CACHE_MAX_AGE": 60}
    response, _ = get(client, f"/assets/{photo.pk}?width=60")
    assert response["Cache-Control"] == "public, max-age=60"
    assert response["ETag"]


def test_a_replaced_file_redirects_old_urls_to_the_new_version(client, photo):
    old_url = asset_url(photo, width=60, fit="cover", height=30)
    get(client, old_url)
    photo.save_content(encode(bands((300, 200), vertical=False), "JPEG"), filename="new.jpg")

    response, _ = get(client, old_url)

    assert response.status_code == 302
    assert response["Cache-Control"] == "no-cache"
    location = response["Location"]
    assert location == asset_url(photo, width=60, fit="cover", height=30)
    assert query_of(location)["v"] != query_of(old_url)["v"]
    assert {k: v for k, v in query_of(location).items() if k != "v"} == {
        "width": ["60"],
        "fit": ["cover"],
        "height": ["30"],
    }
    response, body = get(client, location)
    assert (response.status_code, response["Cache-Control"]) == (200, IMMUTABLE)
    # The new content: horizontal bands, red on top.
    assert decode(body).getpixel((30, 2))[0] > 200


def test_changing_the_preset_or_the_focal_point_changes_the_version(client, photo):
    ThumbnailPreset.objects.create(key="card", width=40, height=40)
    card = asset_url(photo, key="card")
    plain = asset_url(photo, width=40, height=40)

    preset = ThumbnailPreset.objects.get(key="card")
    preset.width = 50
    preset.save()
    assert get(client, card)[0].status_code == 302
    assert get(client, plain)[0].status_code == 200  # not made from the preset

    photo.focal_point_x, photo.focal_point_y = 10, 10
    photo.save()
    assert get(client, plain)[0].status_code == 302


def test_the_version_is_not_part_of_the_thumbnail(client, photo):
    get(client, asset_url(photo, width=60))
    get(client, f"/assets/{photo.pk}?width=60")
    get(client, f"/assets/{photo.pk}?width=60&v=whatever")
    assert Rendition.objects.count() == 1


def test_a_stale_version_of_an_unknown_or_denied_file_is_forbidden(client, photo):
    photo.private = True
    photo.save()
    assert get(client, f"/assets/{photo.pk}?v=old")[0].status_code == 403
    assert get(client, "/assets/00000000-0000-0000-0000-000000000000?v=old")[0].status_code == 403


def test_private_files_are_immutable_but_private(client, photo):
    photo.private = True
    photo.save()
    client.force_login(User.objects.create_superuser("boss", "b@example.com", "pw"))
    response, _ = get(client, asset_url(photo, width=60))
    assert response["Cache-Control"] == "private, max-age=31536000, immutable"


def test_a_signed_url_with_a_stale_version_is_served_not_redirected(client, photo):
    url = signed_url(photo, width=60, v="stale")
    response, body = get(client, url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=2592000"
    assert decode(body).width == 60


def test_versions_work_with_presets_only_mode(client, photo, settings):
    settings.DIRECTUS_ASSETS = {"TRANSFORM_MODE": "presets"}
    ThumbnailPreset.objects.create(key="card", width=40, height=40)
    response, body = get(client, asset_url(photo, key="card"))
    assert (response.status_code, decode(body).size) == (200, (40, 40))
