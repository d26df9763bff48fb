import io
import uuid

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from PIL import Image

from directus_assets.models import File
from tests.conftest import image_bytes, stored

pytestmark = pytest.mark.django_db


def blobs(media_storage) -> list[str]:
    return sorted(p.name for p in media_storage.rglob("*") if p.is_file())


def test_bytes_are_stored_and_every_field_filled(django_user_model):
    content = image_bytes((300, 200), "JPEG")
    user = django_user_model.objects.create(username="ann")
    file = File.objects.create_from(content, filename="Holiday.jpg", uploaded_by=user, title="Hi")
    file.refresh_from_db()
    assert stored(file.filename_disk) == content
    assert (file.type, file.width, file.height) == ("image/jpeg", 300, 200)
    assert file.filesize == len(content)
    assert file.filename_download == "Holiday.jpg"
    assert file.title == "Hi"
    assert file.uploaded_by == user
    assert file.storage == "default"
    assert len(file.checksum) == 64
    assert file.filename_disk == f"originals/{file.pk}-{file.checksum[:12]}.jpg"
    assert file.uploaded_on and file.modified_on


def test_a_path_and_an_upload_work_the_same_way(tmp_path):
    path = tmp_path / "on-disk.png"
    path.write_bytes(image_bytes())
    from_path = File.objects.create_from(path)
    upload = SimpleUploadedFile("uploaded.png", image_bytes(), content_type="text/html")
    from_upload = File.objects.create_from(upload)
    assert from_path.filename_download == "on-disk.png"
    assert from_upload.filename_download == "uploaded.png"
    # The client's claimed content type is ignored: the bytes say PNG.
    assert from_path.type == from_upload.type == "image/png"
    assert from_path.checksum == from_upload.checksum


def test_exif_rotation_gives_the_displayed_size_and_metadata_is_json():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90: stored 300x200 shows as 200x300
    exif[0x010F] = "Camera\x00Maker"  # NUL would be rejected by PostgreSQL jsonb
    file = File.objects.create_from(image_bytes((300, 200), "JPEG", exif=exif.tobytes()))
    file.refresh_from_db()
    assert (file.width, file.height) == (200, 300)
    assert file.metadata["exif"]["Orientation"] == 6
    assert file.metadata["exif"]["Make"] == "CameraMaker"


def test_non_images_have_no_pixel_size():
    file = File.objects.create_from(b"%PDF-1.4 hello", filename="doc.pdf")
    assert (file.type, file.width, file.height) == ("application/pdf", None, None)
    assert not file.is_image


def test_a_corrupt_image_is_stored_as_a_file_without_dimensions():
    broken = image_bytes(format="PNG")[:40]
    file = File.objects.create_from(broken, filename="broken.png")
    assert file.type == "image/png"
    assert file.width is None
    assert stored(file.filename_disk) == broken


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\evil.png", "evil.png"),
        ('a"b\r\nSet-Cookie: x.png', 'a"bSet-Cookie: x.png'),
        ("x" * 300 + ".jpeg", "x" * 250 + ".jpeg"),
        ("", "file"),
    ],
)
def test_download_names_are_cleaned_and_disk_names_generated(given, expected):
    file = File.objects.create_from(b"data", filename=given)
    assert file.filename_download == expected
    assert file.filename_disk.startswith(f"originals/{file.pk}-")


def test_a_failed_row_leaves_no_blob(media_storage, monkeypatch):
    def fail(*args, **kwargs):
        raise IntegrityError("simulated")

    monkeypatch.setattr(File, "save", fail)
    with pytest.raises(IntegrityError):
        File.objects.create_from(image_bytes())
    assert blobs(media_storage) == []
    assert File.objects.count() == 0


def test_a_failed_store_leaves_no_row(monkeypatch):
    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(type(storages["default"]), "save", fail)
    with pytest.raises(OSError, match="disk full"):
        File.objects.create_from(image_bytes())
    assert File.objects.count() == 0


def test_replacing_content_keeps_the_id_and_removes_the_old_blob_after_commit(
    media_storage, django_capture_on_commit_callbacks
):
    file = File.objects.create_from(image_bytes((10, 10)), filename="a.png")
    old_blob = file.filename_disk
    new_content = image_bytes((20, 30), "JPEG")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        file.save_content(io.BytesIO(new_content), filename="b.jpg")
    # Until the transaction commits, the old bytes are still there to be served.
    assert storages["default"].exists(old_blob)
    for callback in callbacks:
        callback()
    file.refresh_from_db()
    assert File.objects.count() == 1
    assert (file.type, file.width, file.height) == ("image/jpeg", 20, 30)
    assert stored(file.filename_disk) == new_content
    assert not storages["default"].exists(old_blob)
    assert blobs(media_storage) == [file.filename_disk.split("/")[-1]]


def test_replacing_with_identical_content_keeps_the_blob(django_capture_on_commit_callbacks):
    content = image_bytes()
    file = File.objects.create_from(content)
    with django_capture_on_commit_callbacks(execute=True):
        file.save_content(content)
    assert stored(file.filename_disk) == content


def test_unnamed_new_content_keeps_the_download_name(db):
    file = File.objects.create_from(image_bytes((10, 10)), filename="Holiday.png")
    file.save_content(io.BytesIO(image_bytes((20, 20))))
    file.save_content(image_bytes((30, 30)))
    file.refresh_from_db()
    assert (file.filename_download, file.width) == ("Holiday.png", 30)
    file.save_content(image_bytes((40, 40)), filename="Renamed.png")  # a name given wins
    assert File.objects.get().filename_download == "Renamed.png"
    assert File.objects.create_from(image_bytes()).filename_download == "file"


def test_a_file_can_keep_the_id_it_had_in_directus(client, db):
    directus_id = uuid.UUID("4f1e2d3c-0000-4000-8000-00000000abcd")
    file = File.objects.create_from(image_bytes(), filename="kept.png", id=directus_id)
    assert File.objects.get().pk == directus_id == file.pk
    response = client.get(f"/assets/{directus_id}")
    assert b"".join(response.streaming_content) == image_bytes()
