"""A render whose process is killed mid-way (after a torn write of its blob) leaves a claim
that is never served: requests wait for it, and after RENDER_TIMEOUT the next request takes
it over and stores a whole thumbnail; cleanup_thumbnails removes the claim and the torn blob.
"""

from __future__ import annotations

import io
import json
import select
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import storages
from django.core.management import call_command
from django.db.models import F

from directus_assets.models import File, Rendition
from directus_assets.render import render
from directus_assets.spec import build_spec
from tests.conftest import stored
from tests.images import bands, decode, encode
from tests.topology import suite_machine

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
ROOT = Path(__file__).resolve().parent.parent
QUERY = "width=60&height=40&fit=cover"


def kill_mid_render(photo: File, media: Path) -> dict[str, Any]:
    """Start a process that renders a thumbnail of ``photo``; SIGKILL it mid-way."""
    machine = {**suite_machine(media), "assets": {"RENDER_TIME_LIMIT": 600}}
    path = f"/assets/{photo.pk}?{QUERY}"
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.render_then_die", json.dumps(machine), path],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        readable, _, _ = select.select([child.stdout], [], [], 60)
        line = child.stdout.readline() if readable else ""
    finally:
        child.kill()  # SIGKILL, by this child's PID: it gets no chance to clean up
        _, errors = child.communicate(timeout=30)
    assert line, f"the render process never reached its render: {errors}"
    return json.loads(line)


def age_claims_past_render_timeout() -> None:
    """What waiting RENDER_TIMEOUT seconds does to the claim, without the wait."""
    Rendition.objects.update(claimed_at=F("claimed_at") - timedelta(seconds=61))


@pytest.fixture
def photo() -> File:
    return File.objects.create_from(encode(bands((300, 200)), "JPEG"), filename="photo.jpg")


def test_a_killed_render_leaves_a_claim_and_a_torn_blob_that_are_never_served(
    client, settings, media_storage, photo
):
    torn = kill_mid_render(photo, media_storage)

    claim = Rendition.objects.get()
    assert (claim.ready, claim.name) == (False, torn["claim"])
    assert storages["default"].size(claim.name) == torn["torn_size"]
    settings.DIRECTUS_ASSETS = {"RENDER_WAIT_TIMEOUT": 0.2}
    response = client.get(f"/assets/{photo.pk}?{QUERY}")
    assert response.status_code == 503
    assert response.json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"


def test_the_next_request_after_render_timeout_takes_the_claim_over(client, media_storage, photo):
    torn = kill_mid_render(photo, media_storage)
    age_claims_past_render_timeout()

    response = client.get(f"/assets/{photo.pk}?{QUERY}")
    body = b"".join(response.streaming_content)
    assert response.status_code == 200
    spec = build_spec({"width": 60, "height": 40, "fit": "cover"}).resolved("image/jpeg", "", None)
    assert body == render(stored(photo.filename_disk), spec).data
    assert decode(body).size == (60, 40)
    row = Rendition.objects.get()
    assert (row.ready, row.name) == (True, torn["claim"])
    assert stored(row.name) == body
    folder = row.name.rsplit("/", 1)[0]
    assert storages["default"].listdir(folder)[1] == [row.name.rsplit("/", 1)[1]]


def test_cleanup_removes_the_dead_claim_and_its_torn_blob(media_storage, photo):
    torn = kill_mid_render(photo, media_storage)
    age_claims_past_render_timeout()

    call_command("cleanup_thumbnails", stdout=io.StringIO())

    assert not Rendition.objects.exists()
    assert not storages["default"].exists(torn["claim"])
    assert storages["default"].exists(photo.filename_disk)  # the original is untouched
