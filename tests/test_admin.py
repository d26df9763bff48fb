import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile

from directus_assets.models import File, ThumbnailPreset
from tests.conftest import image_bytes, stored

pytestmark = pytest.mark.django_db


def test_uploading_creates_a_file_with_every_field(admin_client, admin_user):
    upload = SimpleUploadedFile("beach.jpg", image_bytes((64, 48), "JPEG"))
    response = admin_client.post(
        "/admin/directus_assets/file/add/", {"upload": upload, "title": "Beach"}
    )
    assert response.status_code == 302
    file = File.objects.get()
    assert (file.title, file.filename_download, file.type) == ("Beach", "beach.jpg", "image/jpeg")
    assert (file.width, file.height, file.uploaded_by) == (64, 48, admin_user)
    assert stored(file.filename_disk) == image_bytes((64, 48), "JPEG")


def test_adding_without_an_upload_is_a_form_error(admin_client):
    response = admin_client.post("/admin/directus_assets/file/add/", {"title": "x"})
    assert response.status_code == 200
    assert "Choose a file to upload." in response.content.decode()
    assert not File.objects.exists()


def test_replacing_content_keeps_the_id(
    admin_client, make_file, django_capture_on_commit_callbacks
):
    file = make_file(image_bytes((10, 10)), filename="old.png", title="Kept")
    old_blob = file.filename_disk
    upload = SimpleUploadedFile("new.png", image_bytes((30, 20)))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/directus_assets/file/{file.pk}/change/",
            {"upload": upload, "title": "Kept", "filename_download": "old.png"},
        )
    assert response.status_code == 302
    file.refresh_from_db()
    assert (file.width, file.height, file.filename_download) == (30, 20, "new.png")
    assert File.objects.count() == 1
    assert not storages["default"].exists(old_blob)


def test_editing_fields_without_an_upload_keeps_the_content(admin_client, make_file):
    file = make_file(filename="a.png")
    response = admin_client.post(
        f"/admin/directus_assets/file/{file.pk}/change/",
        {"title": "New title", "filename_download": "renamed.png", "focal_point_x": "5"},
    )
    assert response.status_code == 302
    file.refresh_from_db()
    assert (file.title, file.filename_download, file.focal_point_x) == (
        "New title",
        "renamed.png",
        5,
    )
    assert storages["default"].exists(file.filename_disk)


def test_list_and_change_form_show_previews_and_filters(admin_client, make_file):
    file = make_file(image_bytes((40, 20)), filename="pic.png")
    listing = admin_client.get("/admin/directus_assets/file/?type=image/png&q=pic")
    assert listing.status_code == 200
    assert f'src="/assets/{file.pk}?key=system-small-cover"' in listing.content.decode()
    change = admin_client.get(f"/admin/directus_assets/file/{file.pk}/change/").content.decode()
    assert f'src="/assets/{file.pk}?key=system-medium-contain"' in change
    assert "40 × 20" in change
    assert file.checksum in change


def test_preset_list_is_editable_and_previews_on_a_sample(admin_client, make_file):
    sample = make_file(image_bytes((40, 20)))
    photo = make_file(image_bytes((300, 200), "JPEG"))
    make_file(image_bytes((400, 400)), private=True)
    make_file(image_bytes((48, 32)))  # the newest: a tiny icon
    preset = ThumbnailPreset.objects.create(key="card", width=200, height=200)
    listing = admin_client.get("/admin/directus_assets/thumbnailpreset/").content.decode()
    assert 'name="form-0-width"' in listing
    # Shown on a representative photo: the largest public image, not the newest.
    assert f"/assets/{photo.pk}?key=card" in listing
    change = admin_client.get(f"/admin/directus_assets/thumbnailpreset/{preset.pk}/change/")
    page = change.content.decode()
    assert 'data-url="/admin/directus_assets/thumbnailpreset/preview/"' in page
    assert f'<option value="{sample.pk}">' in page
    assert "directus_assets/preset_preview.js" in page


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"width": 0}, "width"), ({"height": 0}, "height"), ({"transforms": {"a": 1}}, "transforms")],
)
def test_preset_validation(fields, field):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as raised:
        ThumbnailPreset(key="p", **fields).full_clean()
    assert field in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:  # made in code, not the admin
        ThumbnailPreset.objects.create(key="p", **fields)
    assert field in raised.value.message_dict
    assert not ThumbnailPreset.objects.exists()


@pytest.mark.parametrize("fields", [{"width": 0}, {"height": 0}, {"quality": 0}, {"quality": 101}])
def test_writes_that_skip_save_meet_the_databases_constraints(fields):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ThumbnailPreset.objects.bulk_create([ThumbnailPreset(key="p", **fields)])
    preset = ThumbnailPreset.objects.create(key="q", width=10)
    with pytest.raises(IntegrityError), transaction.atomic():
        ThumbnailPreset.objects.filter(pk=preset.pk).update(**fields)


def test_uploads_go_to_the_configured_storage(admin_client, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "uploads": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "uploads"},
        },
    }
    settings.DIRECTUS_ASSETS = {"STORAGE": "uploads"}
    upload = SimpleUploadedFile("a.png", image_bytes())
    admin_client.post("/admin/directus_assets/file/add/", {"upload": upload})
    file = File.objects.get()
    assert file.storage == "uploads"
    assert (tmp_path / "uploads" / file.filename_disk).read_bytes() == image_bytes()
