"""The budget's memory figure is a real bound: for any transformation the budget accepts,
the render's peak memory (measured in its own render process, from /proc) stays under it."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from PIL import Image

from directus_assets.budget import Limits, OverBudget, check
from directus_assets.errors import RenderTimedOut
from directus_assets.render import TransformFailed, read_header
from directus_assets.render_pool import pool
from directus_assets.spec import FITS, build_spec
from tests import render_jobs
from tests.conftest import NO_DATABASE
from tests.images import encode

pytestmark = NO_DATABASE

MiB = 1024 * 1024
LIMITS = Limits(max_dimension=4000, max_pixels=8_000_000, max_memory=160 * MiB)


def noisy(size, mode):
    """Photo-like noise: it compresses badly, so encoders work as hard as they can."""
    grey = Image.effect_noise(size, 64).convert("L")
    if mode == "L":
        return grey
    image = Image.merge("RGB", (grey, grey.transpose(Image.Transpose.FLIP_LEFT_RIGHT), grey))
    if mode == "RGBA":
        image.putalpha(grey.transpose(Image.Transpose.FLIP_TOP_BOTTOM))
    return image.convert(mode) if mode == "P" else image


def rotated_jpeg():
    exif = Image.Exif()
    exif[0x0112] = 6
    return encode(noisy((2400, 1600), "RGB"), "JPEG", quality=92, exif=exif.tobytes())


def noisy_animation(fmt, size, frames):
    images = [noisy(size, "RGB").rotate(90 * index) for index in range(frames)]
    options = {"quality": 90} if fmt == "WEBP" else {}
    return encode(images[0], fmt, save_all=True, append_images=images[1:], duration=80, **options)


SOURCES = {
    "photo.jpg": (lambda: encode(noisy((3000, 2000), "RGB"), "JPEG", quality=92), "image/jpeg"),
    "rotated.jpg": (rotated_jpeg, "image/jpeg"),
    "alpha.png": (lambda: encode(noisy((1600, 1200), "RGBA"), "PNG"), "image/png"),
    "palette.png": (lambda: encode(noisy((1500, 1000), "P"), "PNG"), "image/png"),
    "grey.webp": (lambda: encode(noisy((1200, 1200), "L"), "WEBP"), "image/webp"),
    "photo.heic": (lambda: encode(noisy((2400, 1600), "RGB"), "HEIF", quality=90), "image/heic"),
    "alpha.heic": (lambda: encode(noisy((1600, 1200), "RGBA"), "HEIF", quality=90), "image/heic"),
    "anim.gif": (lambda: noisy_animation("GIF", (600, 600), 8), "image/gif"),
    "anim.webp": (lambda: noisy_animation("WEBP", (1600, 1200), 4), "image/webp"),
}
_made: dict[str, bytes] = {}


def source(name):
    if name not in _made:
        _made[name] = SOURCES[name][0]()
    return _made[name]


sides = st.none() | st.integers(1, 4200)
steps = st.sampled_from(
    [
        ["rotate", 33],
        ["rotate", 90],
        ["extend", 300],
        ["blur", 4],
        ["sharpen"],
        ["median", 3],
        ["flatten"],
        ["greyscale"],
        ["negate"],
        ["extract", {"left": 10, "top": 10, "width": 900, "height": 700}],
        ["trim"],
        ["clahe", {"width": 30, "height": 30}],
        ["convolve", {"width": 5, "height": 5, "kernel": [1] * 25}],
        ["modulate", {"saturation": 1.5, "hue": 30}],
        ["normalise"],
        ["tint", "#3060a0"],
        ["ensureAlpha"],
        ["recomb", [[0.4, 0.7, 0.2], [0.3, 0.7, 0.2], [0.3, 0.5, 0.1]]],
        ["gamma"],
        ["webp", {"lossless": True}],
        ["avif", {"chromaSubsampling": "4:2:0"}],  # SVT-AV1 (AVIF_SPEED)
        ["avif", {"effort": 0}],  # libaom at its fastest
    ]
)


@pytest.mark.slow
@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)
@given(
    name=st.sampled_from(sorted(SOURCES)),
    width=sides,
    height=sides,
    fit=st.sampled_from(FITS),
    output=st.sampled_from(["jpeg", "png", "webp", "avif", "tiff", "gif"]),
    quality=st.none() | st.integers(1, 100),  # with PNG: a palette image
    transforms=st.lists(steps, max_size=2),
)
# Found by CI: a small extract of a large photo holds the whole photo twice (Pillow's
# image and the packed copy libvips reads), not once.
@example(
    name="photo.jpg",
    width=None,
    height=1,
    fit="cover",
    output="jpeg",
    quality=None,
    transforms=[["extract", {"left": 10, "top": 10, "width": 90, "height": 70}]],
)
# libwebp's animation decoder holds several canvases even for the first frame alone.
@example(
    name="anim.webp",
    width=100,
    height=None,
    fit="cover",
    output="jpeg",
    quality=None,
    transforms=[],
)
# An animation's decoder keeps its canvases while each frame is turned.
@example(
    name="anim.webp",
    width=1,
    height=1,
    fit="outside",
    output="webp",
    quality=1,
    transforms=[["rotate", 33]],
)
# SVT-AV1's most: an image with alpha, noise at quality 100.
@example(
    name="alpha.png",
    width=1600,
    height=None,
    fit="cover",
    output="avif",
    quality=100,
    transforms=[],
)
def test_no_accepted_render_needs_more_memory_than_its_budget(
    name, width, height, fit, output, quality, transforms
):
    data = source(name)
    values = {"width": width, "height": height, "fit": fit, "format": output, "quality": quality}
    spec = build_spec({**values, "transforms": transforms}).resolved(SOURCES[name][1], "", None)
    try:
        cost = check(read_header(data), spec, LIMITS)
    except OverBudget:
        return  # refused before decoding: nothing to measure
    try:
        size, peak = pool.run(render_jobs.measure_render, data, spec, LIMITS)
    except TransformFailed:
        return  # e.g. a second extract outside what the first left: a clear 400, no render
    except RenderTimedOut:
        return  # stopped by the time limit (AVIF or a palette of noise): killed, not measured

    assert size == cost.output
    assert peak <= cost.memory, f"{peak / MiB:.0f} MiB > budget {cost.memory / MiB:.0f} MiB"
