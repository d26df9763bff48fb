"""Our thumbnails against libvips (the engine behind Directus's sharp) on a photo-like image.

Same output size, and visually close: a PSNR bound that a wrong crop or a shifted window
fails by a wide margin (checked below by comparing against a deliberately wrong crop).
"""

import math

import pytest
import pyvips
from PIL import Image, ImageChops, ImageStat

from directus_assets.render import render
from directus_assets.spec import TransformSpec
from example_project.demo.samples import landscape_jpeg, portrait_with_exif_rotation
from tests.conftest import NO_DATABASE
from tests.images import decode

pytestmark = NO_DATABASE

MIN_PSNR = 40.0  # a wrong crop is below 20


def psnr(a: Image.Image, b: Image.Image) -> float:
    difference = ImageChops.difference(a.convert("RGB"), b.convert("RGB"))
    mse = sum(value**2 for value in ImageStat.Stat(difference).rms) / 3
    return math.inf if mse == 0 else 20 * math.log10(255 / math.sqrt(mse))


def vips_thumbnail(source: bytes, width: int, height: int | None, crop: bool) -> Image.Image:
    options = {"height": height} if height else {}
    if crop:
        options["crop"] = "centre"
    thumbnail = pyvips.Image.thumbnail_buffer(source, width, **options)
    return decode(thumbnail.write_to_buffer(".png"))


def ours(source: bytes, **fields) -> Image.Image:
    return decode(render(source, TransformSpec(format="png", **fields)).data)


@pytest.fixture(scope="module")
def photo() -> bytes:
    return landscape_jpeg()


@pytest.mark.parametrize(
    ("fields", "vips_args"),
    [
        ({"fit": "cover", "width": 200, "height": 200}, (200, 200, True)),
        ({"fit": "cover", "width": 300, "height": 100}, (300, 100, True)),
        ({"fit": "inside", "width": 200, "height": 200}, (200, 200, False)),
        ({"fit": "inside", "width": 800, "height": 800}, (800, 800, False)),
        ({"width": 500}, (500, None, False)),
    ],
)
def test_same_size_and_close_pixels(photo, fields, vips_args):
    reference = vips_thumbnail(photo, *vips_args)
    mine = ours(photo, **fields)
    assert mine.size == reference.size
    assert psnr(mine, reference) > MIN_PSNR


def test_exif_rotated_input_matches(photo):
    source = portrait_with_exif_rotation()
    reference = vips_thumbnail(source, 200, 200, True)
    mine = ours(source, fit="cover", width=200, height=200)
    assert mine.size == reference.size == (200, 200)
    assert psnr(mine, reference) > MIN_PSNR


def test_the_bound_rejects_a_wrong_crop(photo):
    reference = vips_thumbnail(photo, 200, 200, True)
    shifted = ours(photo, fit="cover", width=200, height=200, focal_point=(1500, 600))
    assert psnr(shifted, reference) < MIN_PSNR - 15
