import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.utils import timezone

from directus_assets import thumbnails
from directus_assets.models import File, Rendition, ThumbnailPreset
from directus_assets.spec import build_spec
from tests.images import bands, encode

pytestmark = pytest.mark.django_db(transaction=True)  # blobs go on commit: let it happen


def cleanup(*args):
    out = io.StringIO()
    call_command("cleanup_thumbnails", *args, stdout=out)
    return out.getvalue()


def thumbnail(client, file, query):
    response = client.get(f"/assets/{file.pk}?{query}")
    assert response.status_code == 200
    b"".join(response.streaming_content)
    return Rendition.objects.get(file=file, cache_key=response["ETag"].strip('"'))


def test_finds_and_removes_everything_stale_and_orphaned(client, storage_kind, make_file):
    storage = storages["default"]
    photo = make_file(encode(bands((300, 100)), "JPEG"), filename="a.jpg")
    other = make_file(encode(bands((90, 30)), "PNG"), filename="b.png")
    preset = ThumbnailPreset.objects.create(key="card", width=60, height=60)
    gone = ThumbnailPreset.objects.create(key="gone", width=20)
    ThumbnailPreset.objects.create(key="still", width=25)
    kept = thumbnail(client, photo, "width=50")
    kept_preset = thumbnail(client, other, "key=still")
    changed_preset = thumbnail(client, photo, "key=card")
    deleted_preset = thumbnail(client, photo, "key=gone")
    old_renderer = thumbnail(client, photo, "width=40")
    old_source = thumbnail(client, other, "width=40")
    dead = thumbnail(client, other, "width=30")
    missing = thumbnail(client, other, "width=20")

    preset.width = 70
    preset.save()
    gone.delete()
    Rendition.objects.filter(pk=old_renderer.pk).update(renderer="0/old")
    File.objects.filter(pk=other.pk).update(checksum="0" * 64)  # bypasses the signal
    Rendition.objects.filter(pk__in=[kept_preset.pk, dead.pk, missing.pk]).update(
        source_checksum="0" * 64
    )
    Rendition.objects.filter(pk=dead.pk).update(
        ready=False, claimed_at=timezone.now() - timedelta(hours=1)
    )
    storage.delete(missing.name)
    orphan = storage.save(f"thumbnails/{photo.pk}/{'ab' * 16}.jpg", ContentFile(b"x"))

    report = cleanup("--dry-run")
    assert "would delete 4 stale renditions" in report
    assert "would delete 1 dead render claims" in report
    assert "would delete 1 index rows with a missing blob" in report
    assert "would delete 1 orphaned blobs" in report
    assert Rendition.objects.count() == 8 and storage.exists(orphan)

    cleanup()
    assert set(Rendition.objects.values_list("pk", flat=True)) == {kept.pk, kept_preset.pk}
    assert storage.exists(kept.name) and storage.exists(kept_preset.name)
    for row in (changed_preset, deleted_preset, old_renderer, old_source, dead):
        assert not storage.exists(row.name), row
    assert not storage.exists(orphan)
    assert "would delete 0 stale renditions" in cleanup("--dry-run")


def test_cleanup_deletes_only_what_the_cache_could_have_written(client, settings, make_file):
    # Even with folders that overlap (`check` refuses them), no original and no file of
    # another shape is ever deleted.
    settings.DIRECTUS_ASSETS = {
        "ORIGINALS_PATH": "uploads/originals",
        "THUMBNAILS_PATH": "uploads",
    }
    photo = make_file(encode(bands((90, 60)), "JPEG"), filename="photo.jpg")
    storage = photo.get_storage()
    kept = thumbnails.ensure(photo, build_spec({"width": 50}))[1]  # the endpoint would refuse
    others = [
        storage.save("uploads/notes.txt", ContentFile(b"notes")),
        storage.save(f"uploads/{photo.pk}/leftover.jpg", ContentFile(b"x")),
        storage.save(f"uploads/{photo.pk}/{'ab' * 16}.jpg.bak", ContentFile(b"x")),
    ]
    orphan = storage.save(f"uploads/{photo.pk}/{'cd' * 16}.webp", ContentFile(b"x"))

    cleanup()

    assert storage.exists(photo.filename_disk) and storage.exists(kept.name)
    assert all(storage.exists(name) for name in others)
    assert not storage.exists(orphan)


def test_folders_left_empty_on_local_disk_are_removed(client, make_file):
    storage = storages["default"]
    photo = make_file(encode(bands((300, 100)), "JPEG"), filename="a.jpg")
    other = make_file(encode(bands((90, 30)), "PNG"), filename="b.png")
    rendering = make_file(encode(bands((90, 30)), "PNG"), filename="c.png")
    kept = thumbnail(client, photo, "width=50")
    thumbnail(client, other, "width=40")
    Rendition.objects.filter(file=other).update(renderer="0/old")  # stale: cleanup takes it
    # A render in flight: claimed, its folder made, its blob not written yet.
    Rendition.objects.create(
        file=rendering, cache_key="f" * 32, name="n", ready=False, claimed_at=timezone.now()
    )
    Path(storage.path(f"thumbnails/{rendering.pk}")).mkdir()

    assert "removed 1 empty folders" in cleanup()
    folders = {p.name for p in Path(storage.path("thumbnails")).iterdir()}
    assert folders == {str(photo.pk), str(rendering.pk)}
    assert storage.exists(kept.name)
