"""What a miss must pass before it may render: a remembered failure is answered at once,
renders per client are rate-limited (429 REQUESTS_EXCEEDED), and ad-hoc thumbnails stored
per file are capped (past the cap they are made and served, not stored)."""

from __future__ import annotations

import json

import pytest

from directus_assets.models import Rendition, ThumbnailPreset
from tests.conftest import body
from tests.images import bands, decode, encode

pytestmark = pytest.mark.django_db


@pytest.fixture
def photo(make_file):
    return make_file(encode(bands((300, 200)), "JPEG"), filename="photo.jpg")


def code(response):
    return json.loads(body(response))["errors"][0]["extensions"]["code"]


def test_a_failed_render_is_answered_from_memory(client, make_file, renders):
    broken = make_file(encode(bands((300, 100)), "JPEG")[:400], filename="torn.jpg")
    first = client.get(f"/assets/{broken.pk}?width=50")
    again = client.get(f"/assets/{broken.pk}?width=50")
    assert first.status_code == again.status_code == 422
    assert body(first) == body(again)
    assert len(renders) == 1  # the replay cost no render
    assert client.get(f"/assets/{broken.pk}?width=60").status_code == 422
    assert len(renders) == 2  # another URL is another try


def test_failures_are_forgotten_after_their_time(client, make_file, renders, settings):
    settings.DIRECTUS_ASSETS = {"FAILED_RENDER_TTL": 0}
    broken = make_file(encode(bands((300, 100)), "JPEG")[:400], filename="torn.jpg")
    for _ in range(2):
        assert client.get(f"/assets/{broken.pk}?width=50").status_code == 422
    assert len(renders) == 2


def test_renders_per_client_are_rate_limited(client, photo, renders, settings):
    settings.DIRECTUS_ASSETS = {"RENDER_RATE_LIMIT": "3/m"}
    for width in (40, 41, 42):
        assert client.get(f"/assets/{photo.pk}?width={width}").status_code == 200
    over = client.get(f"/assets/{photo.pk}?width=43")
    assert over.status_code == 429
    assert code(over) == "REQUESTS_EXCEEDED"
    assert 1 <= int(over["Retry-After"]) <= 60
    assert len(renders) == 3
    # Stored thumbnails and originals never count: they are still served.
    assert client.get(f"/assets/{photo.pk}?width=40").status_code == 200
    assert client.get(f"/assets/{photo.pk}").status_code == 200
    # Another client has its own allowance.
    other = client.get(f"/assets/{photo.pk}?width=43", REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 200


def test_no_client_address_turns_the_limit_off_with_an_error_not_a_500(
    client, photo, settings, caplog
):
    settings.DIRECTUS_ASSETS = {"RENDER_RATE_LIMIT": "1/m"}
    for width in (40, 41):  # a server on a Unix socket gives no REMOTE_ADDR
        assert client.get(f"/assets/{photo.pk}?width={width}", REMOTE_ADDR="").status_code == 200
    assert "RENDER_RATE_LIMIT is not applied" in caplog.text


def test_the_rate_limit_can_be_turned_off(client, photo, settings):
    settings.DIRECTUS_ASSETS = {"RENDER_RATE_LIMIT": None}
    statuses = {client.get(f"/assets/{photo.pk}?width={w}").status_code for w in range(40, 110)}
    assert statuses == {200}


def test_adhoc_thumbnails_past_the_cap_are_served_but_not_stored(client, photo, renders, settings):
    settings.DIRECTUS_ASSETS = {"MAX_ADHOC_RENDITIONS_PER_FILE": 2}
    for width in (40, 41):
        assert client.get(f"/assets/{photo.pk}?width={width}").status_code == 200
    past = client.get(f"/assets/{photo.pk}?width=42")
    assert past.status_code == 200
    assert decode(body(past)).size[0] == 42
    assert past["ETag"] and past["Cache-Control"].startswith("public")
    assert sorted(Rendition.objects.values_list("width", flat=True)) == [40, 41]
    # Every focal point is another ad-hoc key: none of them fills the storage either.
    for x in range(5):
        query = f"width=20&height=20&focal_point_x={x}&focal_point_y=0"
        assert client.get(f"/assets/{photo.pk}?{query}").status_code == 200
    assert Rendition.objects.count() == 2
    # Presets are not ad hoc: they are always stored.
    ThumbnailPreset.objects.create(key="card", width=30)
    assert client.get(f"/assets/{photo.pk}?key=card").status_code == 200
    assert Rendition.objects.filter(preset_key="card").exists()
