"""A corpus of awkward and malformed images through the endpoint: a correct thumbnail or a
clear 4xx for each, never a 500."""

import io

import pytest
from PIL import Image

from tests.conftest import body
from tests.images import bands, decode, encode, png_claiming

pytestmark = pytest.mark.django_db

QUERIES = ["width=50", "fit=contain&width=50&height=50&format=png", "format=webp&quality=40"]


def with_orientation(value: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = value
    return encode(bands((90, 30)), "JPEG", exif=exif.tobytes())


def animated_webp() -> bytes:
    frames = [Image.new("RGB", (60, 40), colour) for colour in ("red", "green", "blue")]
    buffer = io.BytesIO()
    frames[0].save(buffer, "WEBP", save_all=True, append_images=frames[1:], duration=100)
    return buffer.getvalue()


def sixteen_bit() -> bytes:
    return encode(Image.new("I;16", (60, 40), 40000))


def palette_with_transparency() -> bytes:
    image = bands((90, 30)).convert("P")
    return encode(image, transparency=0)


# name: (bytes, expected status)
CORPUS = {
    "truncated JPEG": (encode(bands((300, 100)), "JPEG")[:400], 422),
    "JPEG magic, garbage after": (b"\xff\xd8\xff\xe0" + b"\x13" * 500, 422),
    "decompression bomb header": (png_claiming(100_000, 100_000), 400),
    "wider than the limit": (png_claiming(7000, 10), 400),
    "CMYK JPEG": (encode(Image.new("CMYK", (90, 30), (0, 255, 255, 0)), "JPEG"), 200),
    "16-bit greyscale PNG": (sixteen_bit(), 200),
    "palette PNG with transparency": (palette_with_transparency(), 200),
    "orientation 0": (with_orientation(0), 200),
    "orientation 9": (with_orientation(9), 200),
    "animated WebP": (animated_webp(), 200),
    "progressive JPEG": (encode(bands((300, 100)), "JPEG", progressive=True), 200),
    "one pixel": (encode(Image.new("RGB", (1, 1), "red"), "PNG"), 200),
}


@pytest.mark.parametrize("name", CORPUS)
@pytest.mark.parametrize("query", QUERIES)
def test_each_gets_a_thumbnail_or_a_clear_4xx(client, make_file, name, query):
    content, expected = CORPUS[name]
    file = make_file(content, filename="upload.img")
    response = client.get(f"/assets/{file.pk}?{query}")
    data = body(response)
    assert response.status_code == expected, data[:300]
    if expected == 200:
        image = decode(data)
        assert 1 <= image.width <= 50 or "quality" in query
        assert image.format in ("JPEG", "PNG", "WEBP")
    else:
        assert response.json()["errors"][0]["extensions"]["code"] in (
            "UNPROCESSABLE_CONTENT",
            "ILLEGAL_ASSET_TRANSFORMATION",
        )


def test_an_empty_file_is_served_as_it_is(client, make_file):
    file = make_file(b"", filename="empty.jpg")
    response = client.get(f"/assets/{file.pk}?width=50")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b""
    assert client.get(f"/assets/{file.pk}", headers={"Range": "bytes=0-1"}).status_code == 416
