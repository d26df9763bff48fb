"""Every ``transforms`` method against sharp 0.35 itself (the library Directus renders with).

Each case runs through sharp (installed with npm, called as Directus calls it: auto-orient,
the transforms, resize, toFormat) and through our renderer, on a photo-like JPEG, a PNG with
graded alpha and an EXIF-rotated JPEG. Both write PNG, so the pixels compared are exactly
the ones each pipeline produced: same size, same mode (bands and alpha), and a PSNR of at
least 40 dB for geometric methods and 35 dB for the others. Cases sharp refuses must be
refused by us too (400), and the bound itself must fail a wrong answer.
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from PIL import Image

from directus_assets.budget import DEFAULT_LIMITS, OverBudget, planned_size
from directus_assets.render import RenderError, read_header, render
from directus_assets.spec import IllegalTransformation, InvalidQuery, build_spec
from example_project.demo.samples import landscape_jpeg, portrait_with_exif_rotation
from tests import sharp_reference
from tests.conftest import NO_DATABASE
from tests.images import decode, encode

pytestmark = NO_DATABASE

GEOMETRIC_PSNR = 40.0
OTHER_PSNR = 35.0
GEOMETRIC = {"rotate", "flip", "flop", "extract", "extend", "trim"}
RESIZE = {"width": 80}  # smaller than every source and every extract: both sides shrink


def _alpha_png() -> bytes:
    photo = decode(landscape_jpeg()).resize((240, 160)).convert("RGBA")
    # Opaque at the bottom, a quarter at the top: under a near-zero alpha the colour is
    # rounding noise (premultiplied to 8 bits and back) that each library rounds its own way.
    ramp = Image.linear_gradient("L").resize((240, 160)).point(lambda v: 64 + v * 3 // 4)
    photo.putalpha(ramp)
    return encode(photo)


SOURCES = {
    "photo": landscape_jpeg(),
    "alpha": _alpha_png(),
    "exif": portrait_with_exif_rotation(),
}

# (transforms, resized?): cases whose output jumps at a threshold (threshold, bandbool) run
# without a resize, so both sides start from the same decoded pixels.
CASES: list[tuple[list[list[Any]], bool]] = [
    ([["rotate", 90]], True),
    ([["rotate", -270]], True),
    ([["rotate", 180]], False),
    ([["rotate", 45]], True),
    ([["rotate", 30, {"background": "#ff000080"}]], True),
    ([["rotate", 12.5, {"background": {"r": 0, "g": 0, "b": 255, "alpha": 1}}]], False),
    ([["flip"]], True),
    ([["flop", True]], True),
    ([["flip"], ["flop"], ["rotate", 90]], True),
    ([["extract", {"left": 10, "top": 20, "width": 100, "height": 90}]], True),
    ([["rotate", 90], ["extract", {"left": 5, "top": 5, "width": 80, "height": 60}]], False),
    (
        [
            ["extract", {"left": 10, "top": 10, "width": 120, "height": 100}],
            ["extract", {"left": 5, "top": 5, "width": 50, "height": 40}],
        ],
        True,
    ),
    ([["extend", 8]], True),
    ([["extend", {"top": 4, "left": 12, "background": "#00ff0080"}]], True),
    ([["extend", {"bottom": 10, "right": 6, "extendWith": "mirror"}]], True),
    ([["trim"]], False),
    ([["trim", {"threshold": 40, "margin": 2}]], True),
    ([["flatten", {"background": "#3060a0"}]], True),
    ([["gamma"]], True),
    ([["gamma", 2.8, 1.4]], True),
    ([["greyscale"]], True),
    ([["grayscale"], ["gamma"]], True),
    ([["median"]], True),
    ([["median", 7]], True),
    ([["threshold", 100]], False),
    ([["threshold", 140, {"greyscale": False}]], False),
    ([["blur"]], True),
    ([["blur", 2.5]], True),
    ([["blur", {"sigma": 1.2, "precision": "float", "minAmplitude": 0.05}]], True),
    ([["convolve", {"width": 3, "height": 3, "kernel": [-1, 0, 1, -2, 0, 2, -1, 0, 1]}]], True),
    ([["convolve", {"width": 3, "height": 3, "kernel": [1, 2, 1, 2, 4, 2, 1, 2, 1]}]], True),
    ([["recomb", [[0.393, 0.769, 0.189], [0.349, 0.686, 0.168], [0.272, 0.534, 0.131]]]], True),
    ([["modulate", {"brightness": 1.3}]], True),
    ([["modulate", {"saturation": 0.4, "hue": 120}]], True),
    ([["modulate", {"lightness": 20, "hue": -45}]], True),
    ([["sharpen"]], True),
    ([["sharpen", {"sigma": 1.5}]], True),
    ([["sharpen", {"sigma": 2, "m1": 0.5, "m2": 4, "x1": 3, "y2": 15, "y3": 25}]], True),
    ([["linear", 1.4, -30]], True),
    ([["linear", [1.2, 0.9, 1.0], [0, 10, -10]]], True),
    ([["normalise"]], True),
    ([["normalize", {"lower": 5, "upper": 90}]], True),
    ([["clahe", {"width": 16, "height": 16}]], True),
    ([["clahe", {"width": 40, "height": 30, "maxSlope": 5}]], True),
    ([["bandbool", "and"]], False),
    ([["bandbool", "eor"]], False),
    ([["tint", "#ff8000"]], True),
    ([["tint", {"r": 20, "g": 80, "b": 200}]], True),
    ([["removeAlpha"]], True),
    ([["ensureAlpha"]], True),
    ([["ensureAlpha", 0.3]], True),
    ([["toColourspace", "b-w"]], True),
    ([["toColorspace", "srgb"], ["greyscale"]], True),
    ([["extractChannel", "green"]], True),
    ([["extractChannel", 0]], True),
    ([["negate"]], True),
    ([["negate", {"alpha": False}]], True),
    ([["greyscale"], ["negate"], ["blur", 1]], True),  # sharp's order, not the calls'
    ([["negate"], ["greyscale"], ["blur", 1]], True),
    ([["modulate", {"saturation": 2}], ["sharpen"], ["extend", 3], ["rotate", 15]], True),
]
REFUSED_BY_BOTH = [
    [["extract", {"left": 1750, "top": 0, "width": 100, "height": 100}]],
    [["extractChannel", 3]],  # the photo has no alpha
    [["linear", [1, 1, 1, 1, 1], [0, 0, 0, 0, 0]]],
    [["blur", 0.1]],
    [["clahe"]],
    [["bandbool", "xor"]],
    [["modulate", {"hue": 1.5}]],
    [["normalise", {"lower": 50, "upper": 40}]],
]


def _case_id(case: tuple[list[list[Any]], bool]) -> str:
    return json.dumps(case[0], separators=(",", ":"))[:60]


def _ours(source: bytes, transforms: list[list[Any]], resized: bool) -> Image.Image:
    spec = build_spec({"transforms": json.dumps(transforms), "format": "png", **_resize(resized)})
    return decode(render(source, spec).data)


def _resize(resized: bool) -> dict[str, int]:
    return RESIZE if resized else {}


@pytest.fixture(scope="module")
def reference() -> dict[tuple[str, str], sharp_reference.SharpOutput | Exception]:
    """sharp's output for every case and source, from one Node process."""
    keys, jobs = [], []
    for name, source in SOURCES.items():
        for transforms, resized in CASES:
            keys.append((name, _case_id((transforms, resized))))
            jobs.append(sharp_reference.job(source, transforms, resize=_resize(resized) or None))
    return dict(zip(keys, sharp_reference.run(jobs), strict=True))


@pytest.mark.parametrize("source_name", sorted(SOURCES))
@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_same_pixels_as_sharp(reference, source_name, case):
    transforms, resized = case
    theirs = reference[source_name, _case_id(case)]
    assert not isinstance(theirs, Exception), f"sharp refused a case we expect it to run: {theirs}"
    expected = theirs.image

    mine = _ours(SOURCES[source_name], transforms, resized)

    assert (mine.size, mine.mode) == (expected.size, expected.mode)
    methods = {step[0] for step in transforms}
    bound = GEOMETRIC_PSNR if methods <= GEOMETRIC else OTHER_PSNR
    assert sharp_reference.psnr(mine, expected) >= bound


@pytest.mark.parametrize("transforms", REFUSED_BY_BOTH, ids=lambda t: json.dumps(t)[:50])
def test_what_sharp_refuses_we_refuse(transforms):
    source = SOURCES["photo"]
    (theirs,) = sharp_reference.run([sharp_reference.job(source, transforms)])
    assert isinstance(theirs, sharp_reference.SharpFailed)
    with pytest.raises((InvalidQuery, IllegalTransformation, RenderError)):
        _ours(source, transforms, resized=False)


def test_greyscale_is_linear_light_luminance():
    # The example: sharp turns (220, 40, 40) into 114; Rec.601 on gamma values gives 94.
    source = encode(Image.new("RGB", (4, 4), (220, 40, 40)))
    assert _ours(source, [["greyscale"]], resized=False).getpixel((0, 0)) == (114, 114, 114)


def test_the_bound_fails_a_wrong_answer(reference):
    expected = reference["photo", _case_id(([["rotate", 45]], True))]
    assert not isinstance(expected, Exception)
    turned_the_other_way = _ours(SOURCES["photo"], [["rotate", -45]], resized=True)
    assert turned_the_other_way.size == expected.image.size
    assert sharp_reference.psnr(turned_the_other_way, expected.image) < GEOMETRIC_PSNR - 15


def _size_cases() -> list[tuple[bytes, str, dict[str, Any]]]:
    """Odd sizes, scaled JPEG decodes, EXIF rotation, every fit, one side or two."""
    chooser = random.Random(20261126)
    cases = []
    for _ in range(120):
        size = (chooser.randint(3, 1500), chooser.randint(3, 1500))
        rotated = chooser.random() < 0.3
        kind = chooser.choice(["JPEG", "PNG"])
        exif = Image.Exif()
        exif[0x0112] = 6 if rotated and kind == "JPEG" else 1
        stored = Image.new("RGB", size, (90, 140, 200))
        data = encode(stored, kind, **({"exif": exif.tobytes()} if kind == "JPEG" else {}))
        resize: dict[str, Any] = {"fit": chooser.choice(["cover", "contain", "inside", "outside"])}
        for side in chooser.choice([["width"], ["height"], ["width", "height"]]):
            resize[side] = chooser.randint(1, 900)
        if chooser.random() < 0.3:
            resize["withoutEnlargement"] = True
        cases.append((data, f"image/{kind.lower()}", resize))
    return cases


def test_output_sizes_are_sharps_and_planned_before_rendering():
    cases = _size_cases()
    answers = sharp_reference.run([sharp_reference.job(data, resize=r) for data, _, r in cases])
    for (data, mime, resize), theirs in zip(cases, answers, strict=True):
        assert not isinstance(theirs, Exception), theirs
        values = {**resize, "format": "png"}
        values["without_enlargement"] = values.pop("withoutEnlargement", False)
        spec = build_spec(values).resolved(mime, "", None)
        header = read_header(data)
        try:
            mine = decode(render(data, spec).data).size
        except OverBudget:  # e.g. 3 pixels wide at height 900: refused before any decode
            assert max(theirs.width, theirs.height) > DEFAULT_LIMITS.max_dimension
            continue
        planned = planned_size(spec, header.oriented, header.format)
        assert mine == planned == (theirs.width, theirs.height), (header, resize)
