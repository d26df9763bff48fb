"""GET /assets/<id>?<transformation>: thumbnails over HTTP, cached in storage."""

import pytest

from directus_assets.models import ThumbnailPreset
from tests.conftest import get_asset as get
from tests.images import BLUE, GREEN, RED, bands, decode, encode, near

pytestmark = pytest.mark.django_db


@pytest.fixture
def photo(make_file):
    return make_file(encode(bands((300, 100)), "JPEG", quality=95), filename="Beach day.jpg")


def test_a_thumbnail_with_its_own_headers(client, photo):
    response, data = get(client, photo, "fit=cover&width=100&height=100&quality=80")
    image = decode(data)
    assert response.status_code == 200
    assert (image.format, image.size) == ("JPEG", (100, 100))
    assert near(image.getpixel((50, 50)), GREEN)
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Length"] == str(len(data))
    assert response["Content-Disposition"] == 'inline; filename="Beach day.jpg"'
    assert response["Cache-Control"] == "public, max-age=2592000"
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert response["ETag"] != get(client, photo, "")[0]["ETag"]


def test_the_second_request_is_served_from_storage(client, photo, renders, media_storage):
    first, first_data = get(client, photo, "width=50")
    second, second_data = get(client, photo, "width=50")
    assert len(renders) == 1
    assert first_data == second_data
    assert first["ETag"] == second["ETag"]
    stored = list((media_storage / "thumbnails" / str(photo.pk)).iterdir())
    assert [path.read_bytes() for path in stored] == [first_data]


def test_equivalent_requests_share_one_rendition(client, photo, renders):
    ThumbnailPreset.objects.create(key="card", fit="cover", width=60, height=60, quality=80)
    etags = {
        get(client, photo, query)[0]["ETag"]
        for query in (
            "key=card",
            "width=60&height=60",
            "height=60&width=60&fit=cover&quality=80",
            "width=60&height=60&format=jpg",
        )
    }
    assert len(etags) == 1
    assert len(renders) == 1


def test_conditional_and_range_requests_on_thumbnails(client, photo):
    response, data = get(client, photo, "width=60")
    etag = response["ETag"]
    assert get(client, photo, "width=60", If_None_Match=etag)[0].status_code == 304
    partial, part = get(client, photo, "width=60", Range="bytes=0-9")
    assert partial.status_code == 206
    assert part == data[:10]
    assert partial["Content-Range"] == f"bytes 0-9/{len(data)}"
    head = client.head(f"/assets/{photo.pk}?width=60")
    assert (head.status_code, head.content, head["Content-Length"]) == (200, b"", str(len(data)))


def test_download_uses_the_output_extension(client, photo):
    response, _ = get(client, photo, "width=60&format=webp&download")
    assert response["Content-Type"] == "image/webp"
    assert response["Content-Disposition"] == 'attachment; filename="Beach day.webp"'


def test_auto_format_negotiates_and_varies_on_accept(client, photo):
    webp, data = get(client, photo, "width=60&format=auto", Accept="image/webp,*/*")
    avif, _ = get(client, photo, "width=60&format=auto", Accept="image/avif,image/webp")
    plain, _ = get(client, photo, "width=60&format=auto", Accept="*/*")
    assert (webp["Content-Type"], avif["Content-Type"]) == ("image/webp", "image/avif")
    assert plain["Content-Type"] == "image/jpeg"
    assert webp["Vary"] == "Accept"
    assert decode(data).format == "WEBP"
    assert len({webp["ETag"], avif["ETag"], plain["ETag"]}) == 3


def test_presets_and_their_overrides(client, photo):
    ThumbnailPreset.objects.create(key="wide", fit="inside", width=150, height=150)
    assert decode(get(client, photo, "key=wide")[1]).size == (150, 50)
    assert decode(get(client, photo, "key=wide&width=30")[1]).size == (30, 10)
    assert decode(get(client, photo, "key=system-small-cover")[1]).size == (64, 64)


def test_changing_a_preset_changes_what_is_served(client, photo):
    preset = ThumbnailPreset.objects.create(key="card", width=60, height=60)
    before = get(client, photo, "key=card")[1]
    preset.width = 90
    preset.save()
    after = get(client, photo, "key=card")[1]
    assert (decode(before).size, decode(after).size) == ((60, 60), (90, 60))


def test_the_files_focal_point_moves_the_crop(client, photo):
    photo.focal_point_x, photo.focal_point_y = 280, 50
    photo.save()
    assert near(decode(get(client, photo, "width=50&height=50")[1]).getpixel((25, 25)), BLUE)
    query = "width=50&height=50&focal_point_x=10&focal_point_y=50"
    assert near(decode(get(client, photo, query)[1]).getpixel((25, 25)), RED)


def test_transparency_is_kept_in_png_thumbnails(client, make_file):
    image = bands((300, 100), mode="RGBA")
    image.paste((0, 0, 0, 0), (0, 0, 100, 100))
    logo = make_file(encode(image), filename="logo.png")
    thumb = decode(get(client, logo, "fit=contain&width=100&height=100")[1])
    assert (thumb.format, thumb.mode, thumb.size) == ("PNG", "RGBA", (100, 100))
    assert thumb.getpixel((50, 5))[3] == 0  # letterbox
    assert thumb.getpixel((10, 50))[3] == 0  # the transparent band
    assert thumb.getpixel((90, 50))[3] == 255


@pytest.mark.parametrize("content", [b"%PDF-1.4 document", b"BM" + b"\x00" * 40, b"text"])
def test_other_types_ignore_transformations(client, make_file, content, renders):
    file = make_file(content, filename="thing.bin")
    response, data = get(client, file, "width=10&height=10&format=webp")
    assert (response.status_code, data) == (200, content)
    assert renders == []


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ("width=abc", 400, "INVALID_QUERY"),
        ("quality=0", 400, "INVALID_QUERY"),
        ("key=missing", 400, "INVALID_QUERY"),
        ("width=99999", 400, "ILLEGAL_ASSET_TRANSFORMATION"),
        (
            'transforms=[["extract",{"left":900,"top":0,"width":10,"height":10}]]',
            400,
            "ILLEGAL_ASSET_TRANSFORMATION",
        ),
    ],
)
def test_bad_requests_get_json_errors(client, photo, query, status, code):
    response, _ = get(client, photo, query)
    assert response.status_code == status
    assert response.json()["errors"][0]["extensions"]["code"] == code


def test_a_corrupt_image_is_a_4xx_and_nothing_is_stored(client, make_file, media_storage):
    broken = make_file(encode(bands((300, 100)), "JPEG")[:300], filename="broken.jpg")
    response, _ = get(client, broken, "width=50")
    assert response.status_code == 422
    assert response.json()["errors"][0]["extensions"]["code"] == "UNPROCESSABLE_CONTENT"
    assert not (media_storage / "thumbnails").exists()


def test_a_source_over_the_limits_is_refused(client, photo, settings):
    settings.DIRECTUS_ASSETS = {"MAX_DIMENSION": 200}
    response, _ = get(client, photo, "width=50")
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "ILLEGAL_ASSET_TRANSFORMATION"


def test_thumbnails_can_live_in_another_storage(client, photo, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "thumbs": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "thumbs"},
        },
    }
    settings.DIRECTUS_ASSETS = {"THUMBNAIL_STORAGE": "thumbs", "THUMBNAILS_PATH": "t"}
    _, data = get(client, photo, "width=40")
    assert [p.read_bytes() for p in (tmp_path / "thumbs" / "t" / str(photo.pk)).iterdir()] == [
        data
    ]


def test_replacing_the_original_changes_the_thumbnail(client, photo):
    before = decode(get(client, photo, "width=30")[1])
    photo.save_content(encode(bands((300, 100)).rotate(180), "JPEG", quality=95))
    after = decode(get(client, photo, "width=30")[1])
    assert near(before.getpixel((2, 5)), RED) and near(after.getpixel((2, 5)), BLUE)
