"""Per-process limits on rendering: concurrency and time, answered with 503."""

import threading
import time

import pytest
from django.db import connection
from django.test import Client

from directus_assets import thumbnails
from directus_assets.models import Rendition
from tests.images import bands, encode

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def photo(make_file):
    return make_file(encode(bands((300, 100)), "JPEG"), filename="p.jpg")


def get(path):
    response = Client().get(path)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def test_renders_beyond_the_limit_get_503(photo, settings, monkeypatch):
    settings.DIRECTUS_ASSETS = {"MAX_CONCURRENT_RENDERS": 1}
    started, release = threading.Event(), threading.Event()
    real = thumbnails.render

    def slow(source, spec, limits):
        started.set()
        release.wait(10)
        return real(source, spec, limits)

    monkeypatch.setattr(thumbnails, "render", slow)
    results = {}

    def first_request():
        try:
            results["first"] = get(f"/assets/{photo.pk}?width=50")
        finally:
            connection.close()  # this thread's own connection

    first = threading.Thread(target=first_request)
    first.start()
    assert started.wait(10)
    response, _ = get(f"/assets/{photo.pk}?width=60")
    assert response.status_code == 503
    assert response["Retry-After"] == "1"
    assert response.json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    release.set()
    first.join(10)
    assert results["first"][0].status_code == 200
    monkeypatch.setattr(thumbnails, "render", real)
    assert get(f"/assets/{photo.pk}?width=60")[0].status_code == 200  # the slot is free again


def test_a_render_over_the_time_limit_gets_503_and_leaves_nothing(
    photo, settings, monkeypatch, media_storage
):
    settings.DIRECTUS_ASSETS = {"RENDER_TIME_LIMIT": 0.2}
    real = thumbnails.render
    finished = threading.Event()

    def stuck(source, spec, limits):
        time.sleep(0.6)
        try:
            return real(source, spec, limits)
        finally:
            finished.set()

    monkeypatch.setattr(thumbnails, "render", stuck)
    response, _ = get(f"/assets/{photo.pk}?width=50")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert finished.wait(5)
    time.sleep(0.1)
    assert not Rendition.objects.exists()
    assert list(media_storage.glob("thumbnails/**/*.jpg")) == []
    monkeypatch.setattr(thumbnails, "render", real)
    assert get(f"/assets/{photo.pk}?width=50")[0].status_code == 200
