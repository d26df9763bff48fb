"""Presets made at upload: new content (and a saved preset) has its thumbnails made off the
request, on the site's task backend, so the first visitor gets a hit."""

from __future__ import annotations

import logging
import re
import sys
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tasks_db.models import DBTaskResult

from directus_assets import pregenerate
from directus_assets.models import File, Rendition, ThumbnailPreset
from tests.conftest import body, image_bytes, stored
from tests.images import decode, near
from tests.servers import stop
from tests.topology import start_worker, suite_machine, thumbnails_made

CARD = {"key": "card", "fit": "cover", "width": 120, "height": 90, "format": "webp"}


def upload_in_the_admin(admin_user, content: bytes, name: str) -> File:
    """The admin's add form, as a browser posts it: CSRF checks on, the form's token."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    form = client.get("/admin/directus_assets/file/add/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    assert token, "the add form has no CSRF token"
    upload = SimpleUploadedFile(name, content)
    response = client.post(
        "/admin/directus_assets/file/add/",
        {"csrfmiddlewaretoken": token[1], "upload": upload, "title": name},
    )
    assert response.status_code == 302, response.content[:500]
    return File.objects.get(filename_download=name)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_an_upload_in_the_admin_is_made_by_a_worker_and_the_first_request_is_a_hit(
    settings, tmp_path, media_storage, admin_user, renders, django_assert_num_queries
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    ThumbnailPreset.objects.create(**CARD, make_at_upload=True)
    log = tmp_path / "worker.log"
    worker = start_worker(suite_machine(media_storage), log)
    try:
        upload_in_the_admin(admin_user, image_bytes((300, 300), "JPEG"), "first.jpg")
        wait_until_done(worker, log)
        Client().get(f"/assets/{File.objects.get().pk}?key=card")  # a server that serves card
        renders.clear()

        file = upload_in_the_admin(admin_user, image_bytes((400, 300), "JPEG"), "beach.jpg")
        wait_until_done(worker, log)
        assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
        with django_assert_num_queries(1):
            response = Client().get(f"/assets/{file.pk}?key=card")
        assert response.status_code == 200
        assert renders == []  # nothing rendered in this (the web) process
        row, served = Rendition.objects.get(file=file), body(response)
        assert served == stored(row.name)
        assert decode(served).size == (120, 90)
        assert thumbnails_made(log)[-1] == f"default:{row.name}"
        assert len(thumbnails_made(log)) == 2
    finally:
        stop(worker)


def wait_until_done(worker, log) -> None:
    """Until every task enqueued (the preset's, then the upload's) has run."""
    deadline = time.monotonic() + 300
    while DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists():
        assert worker.poll() is None, log.read_text()[-3000:]
        assert time.monotonic() < deadline, "the worker never finished the job"
        time.sleep(0.05)


@pytest.mark.django_db
def test_new_content_is_made_for_the_presets_marked_only(
    make_file, renders, django_capture_on_commit_callbacks
):
    ThumbnailPreset.objects.create(**CARD, make_at_upload=True)
    ThumbnailPreset.objects.create(key="later", width=50)
    with django_capture_on_commit_callbacks(execute=True):
        file = make_file(image_bytes((300, 200)))
    assert list(Rendition.objects.filter(file=file, ready=True).values_list("preset_key")) == [
        ("card",)
    ]
    assert len(renders) == 1


@pytest.mark.django_db
def test_replaced_content_is_made_again(make_file, renders, django_capture_on_commit_callbacks):
    ThumbnailPreset.objects.create(**CARD, make_at_upload=True)
    with django_capture_on_commit_callbacks(execute=True):
        file = make_file(image_bytes((300, 200), color=(0, 0, 255)))
        file.save_content(image_bytes((200, 300), color=(0, 255, 0)), filename="new.png")
    row = Rendition.objects.get(file=file)
    assert row.source_checksum == file.checksum
    assert near(decode(stored(row.name)).getpixel((60, 45)), (0, 255, 0))


@pytest.mark.django_db
def test_without_the_tasks_framework_they_are_made_in_process(
    make_file, renders, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setitem(sys.modules, "directus_assets.tasks", None)  # as if not installed
    ThumbnailPreset.objects.create(**CARD, make_at_upload=True)
    with django_capture_on_commit_callbacks(execute=True):
        file = make_file(image_bytes((300, 200)))
    assert Rendition.objects.get(file=file).ready
    assert len(renders) == 1


@pytest.mark.django_db
def test_files_that_are_not_images_make_nothing(make_file, django_capture_on_commit_callbacks):
    ThumbnailPreset.objects.create(**CARD, make_at_upload=True)
    with django_capture_on_commit_callbacks() as callbacks:
        make_file(b"just text", filename="notes.txt")
    assert callbacks == []


@pytest.mark.django_db
def test_an_upload_never_fails_because_its_thumbnails_cannot_be_queued(
    make_file, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def unreachable_backend(*args):
        raise ConnectionError("the task backend is down")

    monkeypatch.setattr(pregenerate, "make_soon", unreachable_backend)
    ThumbnailPreset.objects.create(**CARD, make_at_upload=True)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        file = make_file(image_bytes((300, 200)))
    assert File.objects.filter(pk=file.pk).exists()
    assert "the task backend is down" in caplog.text


@pytest.mark.django_db
def test_a_saved_preset_is_made_for_every_image_and_a_changed_one_never_serves_the_old(
    client, make_file, renders, django_capture_on_commit_callbacks
):
    files = [make_file(image_bytes((300, 200))) for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        preset = ThumbnailPreset.objects.create(**CARD, make_at_upload=True)
    assert Rendition.objects.filter(preset_key="card", ready=True).count() == 3
    assert len(renders) == 3

    preset.width = 60
    preset.save()  # committed; its thumbnails are not made yet (callbacks not run)
    response = client.get(f"/assets/{files[0].pk}?key=card")
    assert decode(body(response)).size == (60, 90)  # rendered now: the old one is not served
    with django_capture_on_commit_callbacks(execute=True):
        preset.save()
    assert len(renders) == 4 + 2  # the one asked for, then the two nobody asked for yet


@pytest.mark.django_db
def test_ticking_make_at_upload_in_the_admin_makes_the_preset_for_every_image(
    admin_client, make_file, renders, django_capture_on_commit_callbacks
):
    files = [make_file(image_bytes((300, 200))) for _ in range(2)]
    form = admin_client.get("/admin/directus_assets/thumbnailpreset/add/").content.decode()
    assert 'name="make_at_upload"' in form
    fields = {"key": "card", "fit": "cover", "width": "120", "height": "90", "transforms": "[]"}
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/directus_assets/thumbnailpreset/add/", {**fields, "make_at_upload": "on"}
        )
    assert response.status_code == 302
    made = Rendition.objects.filter(preset_key="card", ready=True)
    assert sorted(row.file_id for row in made) == sorted(file.pk for file in files)
    assert len(renders) == 2
