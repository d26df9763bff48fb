"""The thumbnail cache on local disk and on real S3 (SeaweedFS), through one code path."""

import threading
import urllib.request
from collections import Counter
from datetime import timedelta

import pytest
from django.core.files.storage import storages
from django.db import connection
from django.utils import timezone

from directus_assets import thumbnails
from directus_assets.models import File, Rendition, ThumbnailPreset
from tests.conftest import body
from tests.conftest import get_asset as get
from tests.images import bands, decode, encode

pytestmark = pytest.mark.django_db


@pytest.fixture
def photo(storage_kind, make_file):
    return make_file(encode(bands((300, 100)), "JPEG", quality=95), filename="photo.jpg")


@pytest.fixture
def storage_calls(monkeypatch):
    """Every call the endpoint makes on the storage object, and every S3 API request."""
    storage = storages["default"]
    calls = Counter()
    # The methods that touch storage (path() and url() only compute names).
    for method in ("open", "exists", "size", "listdir", "save", "delete", "get_modified_time"):
        real = getattr(storage, method)

        def spy(*args, _real=real, _method=method, **kwargs):
            calls[_method] += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(storage, method, spy)
    if hasattr(storage, "connection"):
        events = storage.connection.meta.client.meta.events
        events.register("before-call.s3", lambda model, **_: calls.update([f"S3 {model.name}"]))
    return calls


def blob(rendition: Rendition) -> bytes:
    with storages[rendition.storage].open(rendition.name) as handle:
        return handle.read()


def test_a_miss_renders_stores_and_indexes(client, photo, renders):
    response, data = get(client, photo, "width=60")
    rendition = Rendition.objects.get()
    assert (rendition.ready, rendition.size, rendition.width, rendition.height) == (
        True,
        len(data),
        60,
        20,
    )
    assert rendition.format == "jpeg"
    assert rendition.name == f"thumbnails/{photo.pk}/{rendition.cache_key}.jpg"
    assert blob(rendition) == data
    assert response["ETag"] == f'"{rendition.cache_key}"'
    assert len(renders) == 1


def test_a_hit_is_one_index_query_and_one_read(
    client, photo, renders, storage_calls, storage_kind, django_assert_num_queries
):
    _, first = get(client, photo, "width=60")
    storage_calls.clear()
    with django_assert_num_queries(1):  # the rendition index, with its file joined
        _, second = get(client, photo, "width=60")
    assert second == first
    assert len(renders) == 1
    s3_requests = {k: v for k, v in storage_calls.items() if k.startswith("S3 ")}
    storage_methods = {k: v for k, v in storage_calls.items() if not k.startswith("S3 ")}
    assert storage_methods == {"open": 1}  # no exists(), no size()
    if storage_kind == "s3":
        assert s3_requests == {"S3 GetObject": 1}  # no HEAD


def test_the_original_is_read_with_one_request_too(client, photo, storage_calls, storage_kind):
    _, data = get(client, photo, "")
    if storage_kind == "s3":
        assert {k: v for k, v in storage_calls.items() if k.startswith("S3 ")} == {
            "S3 GetObject": 1
        }
    assert data == blob_of_original(photo)
    ranged = client.get(f"/assets/{photo.pk}", headers={"Range": "bytes=100-199"})
    assert b"".join(ranged.streaming_content) == data[100:200]


def blob_of_original(file: File) -> bytes:
    with file.open() as handle:
        return handle.read()


def test_a_file_changed_by_another_process_is_never_served_stale(client, photo, renders):
    from tests.images import BLUE, GREEN, near

    before = decode(get(client, photo, "width=50&height=50")[1])
    # Another process moves the focal point: no signal reaches this one, only the database.
    File.objects.filter(pk=photo.pk).update(focal_point_x=290, focal_point_y=50)
    after = decode(get(client, photo, "width=50&height=50")[1])
    assert near(before.getpixel((25, 25)), GREEN) and near(after.getpixel((25, 25)), BLUE)
    assert len(renders) == 2


def test_a_preset_changed_by_another_process_is_never_served_stale(client, photo, renders):
    preset = ThumbnailPreset.objects.create(key="card", width=60, height=60)
    assert decode(get(client, photo, "key=card")[1]).size == (60, 60)
    preset.width = 40
    preset.save()  # this process's hint of "card" still says 60
    assert decode(get(client, photo, "key=card")[1]).size == (40, 60)
    ThumbnailPreset.objects.filter(pk=preset.pk).delete()
    response, _ = get(client, photo, "key=card")
    assert response.status_code == 400


def test_a_blob_lost_behind_the_index_is_made_again(client, photo, renders):
    _, first = get(client, photo, "width=60")
    lost = Rendition.objects.get()
    storages[lost.storage].delete(lost.name)
    response, again = get(client, photo, "width=60")
    assert (response.status_code, again) == (200, first)
    assert len(renders) == 2
    assert blob(Rendition.objects.get()) == first


def test_a_failed_render_leaves_no_row_and_no_blob(client, photo, monkeypatch, media_storage):
    def broken(source, spec):
        raise RuntimeError("the renderer crashed")

    monkeypatch.setattr(thumbnails, "run_render", broken)
    response = client.get(f"/assets/{photo.pk}?width=60")
    assert response.status_code == 422  # logged; the client gets a clear error, not a 500
    assert not Rendition.objects.exists()
    assert not (media_storage / "thumbnails").exists() or not any(
        (media_storage / "thumbnails").rglob("*.jpg")
    )


def test_replacing_content_removes_its_renditions_after_commit(
    client, photo, django_capture_on_commit_callbacks
):
    get(client, photo, "width=60")
    old = Rendition.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        photo.save_content(encode(bands((90, 30)), "PNG"))
    assert not Rendition.objects.filter(pk=old.pk).exists()
    assert not storages[old.storage].exists(old.name)
    _, data = get(client, photo, "width=60")
    assert decode(data).format == "PNG"


def test_deleting_a_file_removes_its_blobs_after_commit(
    client, photo, django_capture_on_commit_callbacks
):
    get(client, photo, "width=60")
    rendition = Rendition.objects.get()
    original = photo.filename_disk
    storage = storages["default"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        photo.delete()
    assert storage.exists(original) and storage.exists(rendition.name)  # not before commit
    for callback in callbacks:
        callback()
    assert not storage.exists(original)
    assert not storage.exists(rendition.name)
    assert not Rendition.objects.exists()


def test_a_changed_preset_is_never_served_from_its_old_rendition(client, photo, renders):
    preset = ThumbnailPreset.objects.create(key="card", width=60, height=60)
    _, before = get(client, photo, "key=card")
    preset.width = 30
    preset.save()
    _, after = get(client, photo, "key=card")
    assert decode(before).size == (60, 60) and decode(after).size == (30, 60)
    assert len(renders) == 2
    assert set(Rendition.objects.values_list("preset_key", flat=True)) == {"card"}


def test_a_dead_workers_claim_is_taken_over(client, photo, renders, settings):
    settings.DIRECTUS_ASSETS = {"RENDER_TIMEOUT": 5}
    get(client, photo, "width=60")
    Rendition.objects.update(ready=False, claimed_at=timezone.now() - timedelta(seconds=10))
    response, data = get(client, photo, "width=60")
    assert response.status_code == 200 and decode(data).size == (60, 20)
    assert Rendition.objects.get().ready
    assert len(renders) == 2


def test_a_render_in_progress_elsewhere_is_waited_for_then_503(client, photo, renders, settings):
    settings.DIRECTUS_ASSETS = {"RENDER_WAIT_TIMEOUT": 0.2}
    get(client, photo, "width=60")
    Rendition.objects.update(ready=False, claimed_at=timezone.now())
    response, _ = get(client, photo, "width=60")
    assert response.status_code == 503
    assert response["Retry-After"] == "1"
    assert response.json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    assert len(renders) == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_render_once(client, photo, renders):
    """Eight threads, each with its own DB connection, ask for the same missing thumbnail."""
    from django.test import Client

    results, errors = [], []
    barrier = threading.Barrier(8)

    def request():
        try:
            barrier.wait()
            response = Client().get(f"/assets/{photo.pk}?width=77&height=55")
            results.append((response.status_code, b"".join(response.streaming_content)))
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(renders) == 1
    assert {status for status, _ in results} == {200}
    assert len({data for _, data in results}) == 1
    assert Rendition.objects.count() == 1


def test_serve_by_redirect_to_the_storage_url(client, photo, settings, storage_kind):
    get(client, photo, "width=60")
    settings.DIRECTUS_ASSETS = {"SERVE": "redirect"}
    response = client.get(f"/assets/{photo.pk}?width=60")
    if storage_kind == "local":
        # Local storage has no URLs that expire: redirecting would publish the file at a
        # permanent address without our headers, so it is streamed instead.
        assert response.status_code == 200
        assert body(response) == blob(Rendition.objects.get())
        return
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    # A pre-signed URL that the S3 server itself honours.
    assert "X-Amz-Signature" in response["Location"]
    with urllib.request.urlopen(response["Location"], timeout=10) as fetched:
        assert fetched.read() == blob(Rendition.objects.get())


@pytest.mark.parametrize(
    ("mode", "header"), [("x-accel-redirect", "X-Accel-Redirect"), ("x-sendfile", "X-Sendfile")]
)
def test_serve_through_a_front_proxy(client, make_file, settings, media_storage, mode, header):
    photo = make_file(encode(bands((300, 100)), "JPEG"), filename="p.jpg")
    settings.DIRECTUS_ASSETS = {"SERVE": mode, "X_ACCEL_PREFIX": "/internal/"}
    response = client.get(f"/assets/{photo.pk}?width=60")
    rendition = Rendition.objects.get()
    assert response.status_code == 200 and response.content == b""
    expected = {
        "x-accel-redirect": f"/internal/{rendition.name}",
        "x-sendfile": str(media_storage / rendition.name),
    }[mode]
    assert response[header] == expected
    assert response["ETag"] == f'"{rendition.cache_key}"'
    assert response["Content-Type"] == "image/jpeg"
    original = client.get(f"/assets/{photo.pk}")
    assert original[header].endswith(photo.filename_disk)


def test_denied_access_is_checked_before_any_serving_mode(client, photo, settings):
    settings.DIRECTUS_ASSETS = {
        "SERVE": "redirect",
        "ACCESS_CHECK": "tests.hooks.deny_titled_secret",
    }
    photo.title = "secret"
    photo.save()
    assert client.get(f"/assets/{photo.pk}?width=60").status_code == 403
    assert client.get(f"/assets/{photo.pk}").status_code == 403
