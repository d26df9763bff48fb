"""AVIF thumbnails written by SVT-AV1 (AVIF_SPEED, the default), through the endpoint, on
local disk and S3: what it writes (4:2:0, where sharp's libaom writes 4:4:4), every size
(libaom takes the sizes SVT-AV1 cannot write), the pixels, the ICC profile kept and other
metadata dropped; and AVIF decoding left as Pillow's own, though pillow-avif-plugin, which
brings SVT-AV1, registers its AVIF reader when imported."""

from __future__ import annotations

import io

import pytest
from PIL import AvifImagePlugin, Image, ImageChops, ImageCms
from pillow_avif import AvifImagePlugin as PluginAvifImagePlugin

from directus_assets.render import render
from directus_assets.spec import build_spec
from tests.conftest import get_asset as get
from tests.images import BLUE, GREEN, RED, bands, decode, encode, near

pytestmark = pytest.mark.django_db


def chroma_subsampling(avif: bytes) -> str:
    """What an AVIF's AV1 configuration (its av1C box) says of the chroma planes."""
    flags = avif[avif.index(b"av1C") + 6]  # after the marker/version and profile/level bytes
    horizontal, vertical = flags >> 3 & 1, flags >> 2 & 1
    return {(1, 1): "4:2:0", (1, 0): "4:2:2", (0, 0): "4:4:4"}[horizontal, vertical]


@pytest.fixture
def photo(make_file, storage_kind):
    return make_file(encode(bands((300, 150)), "PNG"), filename="bands.png")


def test_an_avif_thumbnail_is_svt_av1s_with_the_right_pixels(client, photo):
    response, data = get(client, photo, "width=150&format=avif")

    assert (response.status_code, response["Content-Type"]) == (200, "image/avif")
    assert chroma_subsampling(data) == "4:2:0"
    image = decode(data)
    assert image.size == (150, 75)
    for x, colour in ((25, RED), (75, GREEN), (125, BLUE)):
        assert near(image.getpixel((x, 37)), colour)


def test_avif_speed_none_is_sharps_encoder(client, photo, settings):
    settings.DIRECTUS_ASSETS = {"AVIF_SPEED": None}
    response, data = get(client, photo, "width=150&format=avif")
    assert response.status_code == 200
    assert chroma_subsampling(data) == "4:4:4"  # sharp's default


@pytest.mark.parametrize(
    ("width", "height"),
    [
        (300, 10),  # SVT-AV1 with more than one thread never returned from these
        (24, 200),
        (4, 4),  # the smallest SVT-AV1 writes
        (3, 100),  # narrower: libaom's
        (1, 1),
    ],
)
def test_every_size_is_written(client, photo, width, height):
    response, data = get(client, photo, f"width={width}&height={height}&fit=fill&format=avif")
    assert response.status_code == 200
    assert decode(data).size == (width, height)


def test_transparency_survives(client, make_file):
    image = bands((90, 60), mode="RGBA")
    image.putpixel((0, 0), (0, 0, 0, 0))
    image.paste((0, 0, 0, 0), (60, 0, 90, 60))
    file = make_file(encode(image, "PNG"), filename="clear.png")

    response, data = get(client, file, "format=avif")

    assert response.status_code == 200
    thumbnail = decode(data)
    assert thumbnail.mode == "RGBA"
    assert thumbnail.getpixel((75, 30))[3] < 8
    assert near(thumbnail.getpixel((15, 30)), (*RED, 255))


def test_the_icc_profile_is_kept_and_other_metadata_dropped():
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"
    source = encode(bands((90, 60)), "PNG", icc_profile=profile, exif=exif.tobytes())
    spec = build_spec({"width": 60, "format": "avif"}).resolved("image/png", "", None)

    thumbnail = decode(render(source, spec).data)

    assert thumbnail.info.get("icc_profile") == profile
    assert not thumbnail.getexif()
    assert "xmp" not in thumbnail.info


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "L"])
@pytest.mark.parametrize("speed", [8, None])
def test_avif_decoding_is_pillows_own(settings, mode, speed):
    settings.DIRECTUS_ASSETS = {"AVIF_SPEED": speed}
    spec = build_spec({"width": 60, "format": "avif"}).resolved("image/png", "", None)
    avif = render(encode(bands((90, 60), mode="RGBA").convert(mode), "PNG"), spec).data

    pillows, plugins = (
        reader(io.BytesIO(avif))
        for reader in (AvifImagePlugin.AvifImageFile, PluginAvifImagePlugin.AvifImageFile)
    )

    assert (pillows.mode, pillows.size) == (plugins.mode, plugins.size)
    assert ImageChops.difference(pillows, plugins).getbbox() is None
