"""Per-process limits on rendering: concurrency and time, answered with 503."""

import threading
import time

import pytest
from django.db import connection
from django.test import Client

from directus_assets import thumbnails
from directus_assets.models import Rendition
from tests.conftest import body
from tests.images import bands, encode

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def photo(make_file):
    return make_file(encode(bands((300, 100)), "JPEG"), filename="p.jpg")


def get(path):
    response = Client().get(path)
    return response, body(response)


@pytest.fixture
def held_renders(monkeypatch):
    """Renders that start (and are counted) but finish only when the test releases them."""
    started, release = threading.Semaphore(0), threading.Event()
    real = thumbnails.render

    def held(source, spec, limits):
        started.release()
        release.wait(10)
        return real(source, spec, limits)

    monkeypatch.setattr(thumbnails, "render", held)
    return started, release


def in_thread(path, results):
    def request():
        try:
            results[path] = get(path)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=request)
    thread.start()
    return thread


def assert_busy(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "1"
    assert response.json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"


def test_renders_beyond_the_limit_and_the_queue_get_503(photo, settings, held_renders):
    settings.DIRECTUS_ASSETS = {"MAX_CONCURRENT_RENDERS": 1, "MAX_QUEUED_RENDERS": 0}
    started, release = held_renders
    results = {}
    first = in_thread(f"/assets/{photo.pk}?width=50", results)
    assert started.acquire(timeout=10)
    assert_busy(get(f"/assets/{photo.pk}?width=60")[0])
    release.set()
    first.join(10)
    assert results[f"/assets/{photo.pk}?width=50"][0].status_code == 200
    assert get(f"/assets/{photo.pk}?width=60")[0].status_code == 200  # the slot is free again


def test_renders_over_the_limit_wait_in_the_queue(photo, settings, held_renders):
    settings.DIRECTUS_ASSETS = {"MAX_CONCURRENT_RENDERS": 1, "MAX_QUEUED_RENDERS": 1}
    started, release = held_renders
    results = {}
    first = in_thread(f"/assets/{photo.pk}?width=50", results)
    assert started.acquire(timeout=10)
    second = in_thread(f"/assets/{photo.pk}?width=60", results)
    # The second waits for the one slot: it has not started, and a third has no place.
    assert not started.acquire(timeout=0.3)
    assert_busy(get(f"/assets/{photo.pk}?width=70")[0])
    release.set()
    for thread in (first, second):
        thread.join(10)
    assert [results[f"/assets/{photo.pk}?width={w}"][0].status_code for w in (50, 60)] == [200] * 2
    assert sorted(Rendition.objects.values_list("width", flat=True)) == [50, 60]


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
