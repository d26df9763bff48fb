"""HEIC/HEIF originals (phones' photos): recorded as displayed, served as they are, and
thumbnailed with every parameter, as JPEG (or AVIF/WebP by Accept) since a browser cannot
show HEIC. The files are encoded here, with pillow-heif."""

from __future__ import annotations

import io

import pillow_heif
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageChops, ImageStat

from directus_assets.models import File
from tests.conftest import get_asset as get
from tests.conftest import stored
from tests.images import BLUE, GREEN, RED, bands, decode, encode, near

pytestmark = pytest.mark.django_db

ORIENTATION = 0x0112


def heic(image: Image.Image, orientation: int = 1, quality: int = 92) -> bytes:
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    return encode(image, "HEIF", quality=quality, exif=exif.tobytes())


def ten_bit_heic(image: Image.Image) -> bytes:
    """The same pixels in 16-bit samples, which pillow-heif writes as a 10-bit HEIC."""
    samples = bytes(b for value in image.convert("RGB").tobytes() for b in (0, value))
    buffer = io.BytesIO()
    pillow_heif.from_bytes(mode="RGB;16", size=image.size, data=samples).save(buffer, quality=92)
    return buffer.getvalue()


def mean_difference(a: Image.Image, b: Image.Image) -> float:
    difference = ImageChops.difference(a.convert("RGB"), b.convert("RGB"))
    return max(ImageStat.Stat(difference).mean)


@pytest.fixture
def photo(make_file, storage_kind):
    return make_file(heic(bands((300, 100))), filename="IMG_0001.HEIC")


def test_a_heic_is_recorded_with_its_type_and_size(make_file):
    file = make_file(heic(bands((300, 100))), filename="IMG_0001.HEIC")
    assert (file.type, file.width, file.height) == ("image/heic", 300, 100)
    assert file.is_image


def test_an_oriented_heic_is_recorded_as_displayed(make_file):
    file = make_file(heic(bands((300, 100)), orientation=6), filename="IMG_0002.HEIC")
    assert (file.width, file.height) == (100, 300)
    assert file.metadata["exif"]["Orientation"] == 1  # turned already, as recorded


def test_uploaded_in_the_admin(admin_client):
    upload = SimpleUploadedFile("IMG_0003.HEIC", heic(bands((90, 60))))
    response = admin_client.post("/admin/directus_assets/file/add/", {"upload": upload})
    assert response.status_code == 302
    assert File.objects.values_list("type", "width", "height").get() == ("image/heic", 90, 60)


def test_the_original_is_served_as_it_is(client, photo):
    response, data = get(client, photo, "")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/heic"
    assert data == stored(photo.filename_disk)


def test_a_thumbnail_is_a_jpeg_with_the_right_pixels(client, photo):
    response, data = get(client, photo, "width=150")
    assert (response.status_code, response["Content-Type"]) == (200, "image/jpeg")
    image = decode(data)
    assert image.size == (150, 50)
    for x, colour in ((20, RED), (75, GREEN), (130, BLUE)):
        assert near(image.getpixel((x, 25)), colour), (x, image.getpixel((x, 25)))


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("image/avif,image/webp,*/*", "image/avif"),
        ("image/webp,*/*", "image/webp"),
        ("*/*", "image/jpeg"),
    ],
)
def test_format_auto_is_avif_or_webp_by_accept_else_jpeg(client, photo, accept, media_type):
    response, data = get(client, photo, "width=60&format=auto", Accept=accept)
    assert response["Content-Type"] == media_type
    assert decode(data).size == (60, 20)


@pytest.mark.parametrize(
    "query",
    [
        "width=120&height=120&fit=cover",
        "width=120&height=120&fit=contain",
        "width=120&height=120&fit=inside",
        "width=120&height=120&fit=outside",
        "width=600&withoutEnlargement=true",
        "width=90&quality=30",
        "width=90&format=png",
        "width=90&format=webp&quality=70",
        'width=90&transforms=[["rotate",90],["flip"]]',
        'transforms=[["extract",{"left":100,"top":0,"width":100,"height":100}]]',
    ],
)
def test_every_parameter_gives_what_the_same_picture_as_a_png_gives(client, make_file, query):
    picture = bands((300, 100))
    from_heic = get(client, make_file(heic(picture), filename="a.heic"), query)[1]
    from_png = get(client, make_file(encode(picture), filename="a.png"), query)[1]
    made, expected = decode(from_heic), decode(from_png)
    assert made.size == expected.size
    assert mean_difference(made, expected) < 12  # HEVC at quality 92, then the output's codec


def test_an_oriented_heic_is_thumbnailed_as_displayed(client, make_file):
    file = make_file(heic(bands((300, 100)), orientation=6), filename="IMG_0004.HEIC")
    image = decode(get(client, file, "width=50")[1])
    assert image.size == (50, 150)
    # Orientation 6 shows the picture turned a quarter clockwise: left band on top.
    for y, colour in ((20, RED), (75, GREEN), (130, BLUE)):
        assert near(image.getpixel((25, y)), colour), (y, image.getpixel((25, y)))


def test_alpha_is_kept_in_a_png_thumbnail(client, make_file):
    picture = Image.new("RGBA", (120, 80), (0, 0, 255, 255))
    picture.paste((255, 0, 0, 0), (0, 0, 60, 80))  # left half transparent
    file = make_file(heic(picture), filename="alpha.heic")
    image = decode(get(client, file, "width=60&format=png")[1])
    assert image.mode == "RGBA"
    assert image.getpixel((10, 20))[3] < 20 and near(image.getpixel((50, 20)), (0, 0, 255, 255))


def test_a_ten_bit_heic_is_thumbnailed(client, make_file):
    data = ten_bit_heic(bands((300, 100)))
    assert pillow_heif.open_heif(data, convert_hdr_to_8bit=False).info["bit_depth"] == 10
    file = make_file(data, filename="ten-bit.heic")
    assert (file.type, file.width, file.height) == ("image/heic", 300, 100)
    image = decode(get(client, file, "width=150")[1])
    for x, colour in ((20, RED), (75, GREEN), (130, BLUE)):
        assert near(image.getpixel((x, 25)), colour), (x, image.getpixel((x, 25)))


def test_the_limits_refuse_a_heic_before_it_is_decoded(client, photo, settings, renders):
    settings.DIRECTUS_ASSETS = {"MAX_PIXELS": 20_000}
    response, _ = get(client, photo, "width=50")
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "ILLEGAL_ASSET_TRANSFORMATION"
    assert renders == []
