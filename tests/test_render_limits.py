"""Per-process limits on rendering, with real render processes: concurrency, the queue and
the time limit, which kills a render stuck in C code that never lets go of the GIL."""

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor

import pytest
from django.db import connection
from django.test import Client

from directus_assets import render_pool, thumbnails
from directus_assets.models import Rendition
from directus_assets.render import render
from directus_assets.render_pool import pool
from directus_assets.spec import build_spec
from tests import render_jobs
from tests.conftest import body
from tests.images import bands, encode

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def photo(make_file):
    return make_file(encode(bands((300, 100)), "JPEG"), filename="p.jpg")


def get(path):
    response = Client().get(path)
    return response, body(response)


def wait_for(condition, what, seconds=30):
    event = threading.Event()
    for _ in range(int(seconds * 100)):
        if condition():
            return
        event.wait(0.01)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def gate(tmp_path):
    folder = tmp_path / "gate"
    folder.mkdir()
    return folder


def run_as(monkeypatch, job, gate):
    """Renders run ``job`` (in real render processes), talking to the test through ``gate``."""

    def dispatch(source, spec):
        return render_pool.pool.run(job, str(gate), source, spec, render_pool.limits())

    monkeypatch.setattr(thumbnails, "run_render", dispatch)


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


def test_renders_beyond_the_limit_and_the_queue_get_503(photo, settings, monkeypatch, gate):
    settings.DIRECTUS_ASSETS = {"MAX_CONCURRENT_RENDERS": 1, "MAX_QUEUED_RENDERS": 0}
    run_as(monkeypatch, render_jobs.held_render, gate)
    results = {}
    first = in_thread(f"/assets/{photo.pk}?width=50", results)
    wait_for(lambda: render_jobs.started_pids(gate), "the first render to start")
    assert_busy(get(f"/assets/{photo.pk}?width=60")[0])
    (gate / "release").touch()
    first.join(30)
    assert results[f"/assets/{photo.pk}?width=50"][0].status_code == 200
    assert get(f"/assets/{photo.pk}?width=60")[0].status_code == 200  # the slot is free again


def test_renders_over_the_limit_wait_in_the_queue(photo, settings, monkeypatch, gate):
    settings.DIRECTUS_ASSETS = {"MAX_CONCURRENT_RENDERS": 1, "MAX_QUEUED_RENDERS": 1}
    run_as(monkeypatch, render_jobs.held_render, gate)
    results = {}
    first = in_thread(f"/assets/{photo.pk}?width=50", results)
    wait_for(lambda: render_jobs.started_pids(gate), "the first render to start")
    second = in_thread(f"/assets/{photo.pk}?width=60", results)
    # The second waits for the one slot, so a third has no place.
    wait_for(lambda: render_pool.pool.admitted == 2, "the second render to queue")
    assert_busy(get(f"/assets/{photo.pk}?width=70")[0])
    assert len(render_jobs.started_pids(gate)) == 1  # the second has not started
    (gate / "release").touch()
    for thread in (first, second):
        thread.join(30)
    assert [results[f"/assets/{photo.pk}?width={w}"][0].status_code for w in (50, 60)] == [200] * 2
    assert sorted(Rendition.objects.values_list("width", flat=True)) == [50, 60]


def test_a_render_stuck_holding_the_gil_is_killed_at_the_time_limit(
    photo, settings, monkeypatch, media_storage, gate
):
    settings.DIRECTUS_ASSETS = {"RENDER_TIME_LIMIT": 1}
    run_as(monkeypatch, render_jobs.render_stuck_holding_the_gil, gate)
    response, _ = get(f"/assets/{photo.pk}?width=50")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    [pid] = render_jobs.started_pids(gate)
    wait_for(lambda: not _alive(pid), "the stuck render process to be gone")
    assert not Rendition.objects.exists()
    assert list(media_storage.glob("thumbnails/**/*.jpg")) == []

    # The same URL is answered from memory, without starting another render...
    again, _ = get(f"/assets/{photo.pk}?width=50")
    assert again.status_code == 503
    assert render_jobs.started_pids(gate) == [pid]
    # ...and another URL renders (with the real renderer) as usual.
    monkeypatch.undo()
    assert get(f"/assets/{photo.pk}?width=51")[0].status_code == 200


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A killed child that nobody has reaped yet is a zombie: it runs no more.
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split(")")[-1].split()[0] != "Z"


def test_renders_are_forked_from_the_fork_server_not_from_the_server():
    # The child of a process that has run libvips threads can hang in libvips: this test
    # process has, so a render must come from the fork server, which never renders.
    render(encode(bands((30, 20))), build_spec({"width": 10, "format": "png"}))
    parent = pool.run(render_jobs.parent_command_line)
    assert "multiprocessing.forkserver" in parent


def test_a_forked_child_renders_through_a_fork_server_of_its_own():
    # As a pregeneration worker does: forked from a process whose fork server is running.
    pool.run(render_jobs.parent_command_line)
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as workers:
        parent = workers.submit(render_jobs.parent_of_a_render).result(timeout=60)
    assert "multiprocessing.forkserver" in parent
