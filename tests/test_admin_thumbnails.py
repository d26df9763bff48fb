"""The admin's picture tools: the preset live preview, the focal point picker, links to each
preset's output, and the bulk actions that make or clear thumbnails."""

import pytest
from django.contrib.auth.models import Permission
from django.core.files.storage import storages

from directus_assets.models import File, Rendition, ThumbnailPreset
from tests.conftest import stored
from tests.images import bands, decode, encode

pytestmark = pytest.mark.django_db
PREVIEW = "/admin/directus_assets/thumbnailpreset/preview/"
FILES = "/admin/directus_assets/file/"


@pytest.fixture
def photo(make_file):
    return make_file(encode(bands((300, 200)), "JPEG"), filename="photo.jpg")


def preview(client, photo, **values):
    return client.get(PREVIEW, {"file": str(photo.pk), **values})


def test_the_preview_renders_the_values_on_screen_and_stores_nothing(admin_client, photo):
    response = preview(
        admin_client, photo, fit="contain", width="90", height="90", format="png", transforms="[]"
    )
    assert (response.status_code, response["Content-Type"]) == (200, "image/png")
    assert "no-store" in response["Cache-Control"]
    image = decode(response.content)
    assert image.size == (90, 90)
    assert image.getpixel((45, 5)) == (0, 0, 0)  # contain letterboxes 300x200 top and bottom
    assert not Rendition.objects.exists()
    assert not storages["default"].exists("thumbnails")


def test_the_preview_follows_the_checkbox_and_the_files_focal_point(admin_client, photo):
    grown = preview(admin_client, photo, width="600", without_enlargement="")
    kept = preview(admin_client, photo, width="600", without_enlargement="true")
    assert decode(grown.content).width == 600 and decode(kept.content).width == 300
    photo.focal_point_x, photo.focal_point_y = 290, 100
    photo.save()
    # A centred 10x30 crop would be green; around the focal point it is the blue band.
    crop = decode(preview(admin_client, photo, width="10", height="30").content)
    assert crop.getpixel((5, 15))[2] > 200 and crop.getpixel((5, 15))[1] < 60


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"width": "0"}, "width"),
        ({"fit": "sideways"}, "fit"),
        ({"transforms": "not json"}, "transforms"),
        ({"transforms": '[["nope"]]'}, "nope"),
    ],
)
def test_bad_preview_values_are_a_json_400(admin_client, photo, values, message):
    response = preview(admin_client, photo, **values)
    assert response.status_code == 400
    assert message in response.json()["errors"][0]["message"]


def test_the_preview_needs_an_image_and_staff(client, admin_client, make_file, photo):
    text = make_file(b"plain text", filename="a.txt")
    assert preview(admin_client, text, width="10").status_code == 400
    assert admin_client.get(PREVIEW, {"file": "not-an-id"}).status_code == 400
    assert preview(client, photo, width="10").status_code == 302  # to the login page


def test_the_change_form_has_a_focal_point_picker_and_preset_links(admin_client, photo):
    ThumbnailPreset.objects.create(key="card", width=40, height=40)
    page = admin_client.get(f"{FILES}{photo.pk}/change/").content.decode()
    assert 'class="directus-assets-focal" data-width="300" data-height="200"' in page
    assert "directus_assets/focal_point.js" in page
    for key in ("card", "system-small-cover", "system-large-contain"):
        assert f'href="/assets/{photo.pk}?key={key}"' in page


def test_bulk_actions_make_and_clear_thumbnails(
    admin_client, photo, make_file, django_capture_on_commit_callbacks
):
    ThumbnailPreset.objects.create(key="card", width=40, height=40, format="png")
    ThumbnailPreset.objects.create(key="wide", width=80)
    other = make_file(encode(bands((60, 60)), "PNG"), filename="other.png")
    selected = {"_selected_action": [str(photo.pk)], "index": 0}

    response = admin_client.post(FILES, {**selected, "action": "pregenerate_thumbnails"})
    assert response.status_code == 302
    rows = Rendition.objects.filter(ready=True)
    assert sorted((r.file_id, r.width, r.height) for r in rows) == sorted(
        [(photo.pk, 40, 40), (photo.pk, 80, 53)]
    )
    for row in rows:
        assert decode(stored(row.name)).size == (row.width, row.height)
    names = [row.name for row in rows]

    admin_client.get(f"/assets/{other.pk}?width=10")  # another file's thumbnail stays
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(FILES, {**selected, "action": "clear_thumbnails"})
    assert response.status_code == 302
    assert list(Rendition.objects.values_list("file_id", flat=True)) == [other.pk]
    assert not any(storages["default"].exists(name) for name in names)
    assert File.objects.count() == 2


def test_the_preview_of_a_private_file_needs_its_permission(client, django_user_model, photo):
    photo.private = True
    photo.save()
    editor = django_user_model.objects.create_user("editor", password="pw", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="view_thumbnailpreset"))
    client.force_login(editor)
    assert preview(client, photo, width="10").status_code == 403
    editor.user_permissions.add(Permission.objects.get(codename="view_file"))
    editor = django_user_model.objects.get(pk=editor.pk)  # permissions are cached per object
    client.force_login(editor)
    response = preview(client, photo, width="10")
    assert (response.status_code, decode(response.content).width) == (200, 10)
