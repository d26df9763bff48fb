"""Output bytes against sharp 0.35's at the same parameters: no larger (within 5%), at the
same quality (PSNR of each encoded output against its own lossless render), for every
output format, sharp's defaults and the options of the output methods. AVIF that SVT-AV1
writes (AVIF_SPEED) is not sharp's encoder: its pixels are compared with sharp's instead.
Also the options' validation, the output methods choosing the format, and the encoders'
work limits."""

from __future__ import annotations

import json
from typing import Any

import pytest

from directus_assets.budget import Header, Limits, OverBudget, check
from directus_assets.conf import app_settings
from directus_assets.encoding import saver_arguments
from directus_assets.render import render
from directus_assets.spec import InvalidQuery, TransformSpec, build_spec
from example_project.demo.samples import (
    landscape_jpeg,
    portrait_with_exif_rotation,
    transparent_png,
)
from tests import sharp_reference
from tests.conftest import NO_DATABASE
from tests.images import decode

pytestmark = NO_DATABASE

SOURCES = {
    "photo": (landscape_jpeg(), "image/jpeg"),
    "exif": (portrait_with_exif_rotation(), "image/jpeg"),
    "alpha": (transparent_png(), "image/png"),
}
RESIZES = [{"width": 200, "height": 200, "fit": "cover"}, {"width": 600}]
# (format, quality, transforms): sharp's defaults, a quality, and output methods' options.
OUTPUTS: list[tuple[str, int | None, list[list[Any]]]] = [
    ("jpeg", None, []),
    ("jpeg", 60, []),
    ("jpeg", None, [["jpeg", {"progressive": True, "chromaSubsampling": "4:4:4"}]]),
    ("jpeg", None, [["jpeg", {"mozjpeg": True}]]),
    ("png", None, []),
    ("png", 80, []),
    ("png", None, [["png", {"colours": 16, "dither": 0.5}]]),
    ("png", None, [["png", {"compressionLevel": 9, "adaptiveFiltering": True}]]),
    ("webp", None, []),
    ("webp", 50, []),
    ("webp", None, [["webp", {"lossless": True}]]),
    # sharp's defaults for AVIF, spelled out: an effort makes it libaom's, as sharp's.
    ("avif", None, [["avif", {"effort": 4}]]),
    ("avif", None, [["avif", {"effort": 2, "chromaSubsampling": "4:2:0"}]]),
    ("tiff", None, []),
    ("tiff", None, [["tiff", {"compression": "deflate"}]]),
    ("gif", None, []),
    ("gif", None, [["gif", {"colours": 32}]]),
]
SIZE_MARGIN = 1.05
# AVIF that SVT-AV1 writes (AVIF_SPEED), against sharp's AVIF (libaom) at the same parameters.
SVT_OUTPUTS: list[tuple[str, int | None, list[list[Any]]]] = [
    ("avif", None, []),
    ("avif", 80, []),
    ("avif", None, [["avif", {"quality": 30, "chromaSubsampling": "4:2:0"}]]),
]


def _output_id(output: tuple[str, int | None, list[list[Any]]]) -> str:
    name, quality, transforms = output
    return f"{name}-q{quality}-{json.dumps(transforms, separators=(',', ':'))[:40]}"


def _spec(source: str, resize: dict[str, Any], fmt: str, quality, transforms) -> TransformSpec:
    values = {**resize, "format": fmt, "quality": quality, "transforms": json.dumps(transforms)}
    return build_spec(values).resolved(SOURCES[source][1], "", None)


def _ours(source: str, resize: dict[str, Any], fmt: str, quality, transforms) -> bytes:
    return render(SOURCES[source][0], _spec(source, resize, fmt, quality, transforms)).data


def _lossless(source: str, resize: dict[str, Any]) -> bytes:
    return _ours(source, resize, "png", None, [])


@pytest.fixture(scope="module")
def reference() -> dict[tuple[str, int, str], Any]:
    """sharp's encoded output and its lossless render, for every case, from one Node run."""
    keys, jobs = [], []
    for source, (data, _) in SOURCES.items():
        for index, resize in enumerate(RESIZES):
            keys.append((source, index, "lossless"))
            jobs.append(sharp_reference.job(data, resize=resize, format="png"))
            for output in OUTPUTS + SVT_OUTPUTS:
                name, quality, transforms = output
                keys.append((source, index, _output_id(output)))
                ours = _spec(source, resize, name, quality, transforms)
                theirs = sharp_reference.as_resolved(transforms, ours)
                jobs.append(sharp_reference.job(data, theirs, resize, name, quality))
    return dict(zip(keys, sharp_reference.run(jobs), strict=True))


def _quality(encoded: bytes, lossless: bytes) -> float:
    """PSNR of an encoded output against the lossless render it was made from (a palette
    image is compared in the colours it stands for)."""
    original = decode(lossless)
    image = decode(encoded)
    mode = "RGBA" if "A" in original.mode or "transparency" in image.info else "RGB"
    return sharp_reference.psnr(image.convert(mode), original.convert(mode))


def _sharps(reference, source, resize_index, output) -> sharp_reference.SharpOutput:
    theirs = reference[source, resize_index, _output_id(output)]
    assert not isinstance(theirs, Exception), theirs
    return theirs


@pytest.mark.parametrize("source", sorted(SOURCES))
@pytest.mark.parametrize("resize_index", range(len(RESIZES)))
@pytest.mark.parametrize("output", OUTPUTS, ids=_output_id)
def test_no_larger_than_sharps_at_the_same_quality(reference, source, resize_index, output):
    resize = RESIZES[resize_index]
    theirs = _sharps(reference, source, resize_index, output)

    mine = _ours(source, resize, *output)

    assert decode(mine).size == (theirs.width, theirs.height)
    assert len(mine) <= SIZE_MARGIN * len(theirs.data), (len(mine), len(theirs.data))
    their_lossless = reference[source, resize_index, "lossless"].data
    assert _quality(mine, _lossless(source, resize)) >= _quality(theirs.data, their_lossless) - 0.1


@pytest.mark.parametrize("source", sorted(SOURCES))
@pytest.mark.parametrize("resize_index", range(len(RESIZES)))
@pytest.mark.parametrize("output", SVT_OUTPUTS, ids=_output_id)
def test_svt_avif_is_sharps_picture(reference, source, resize_index, output):
    resize = RESIZES[resize_index]
    theirs = _sharps(reference, source, resize_index, output)
    assert dict(_spec(source, resize, *output).options_for("avif"))["speed"] == 8

    mine = decode(_ours(source, resize, *output))

    assert mine.size == (theirs.width, theirs.height)
    assert mine.mode == theirs.image.mode
    # The same picture (size, turn, colours, alpha) as sharp's: 34-43 dB measured, where a
    # wrong turn is 19-24 dB on the photos.
    assert sharp_reference.psnr(mine, theirs.image) >= 32


@pytest.mark.parametrize(
    ("transforms", "expected"),
    [
        ([["webp", {"quality": 55}]], ("webp", 55)),
        ([["avif"]], ("avif", 50)),
        ([["jpeg", {"quality": 90}], ["png"]], ("png", 90)),
    ],
)
def test_an_output_method_chooses_the_format_and_its_quality(transforms, expected):
    spec = build_spec({"transforms": json.dumps(transforms)}).resolved("image/jpeg", "", None)
    assert (spec.format, spec.quality) == expected


def test_an_explicit_format_overrides_an_output_method():
    spec = build_spec({"transforms": '[["webp",{"lossless":true}]]', "format": "png"})
    assert spec.format == "png" and spec.options_for("webp") == (("lossless", True),)


def test_saver_arguments_are_sharps_defaults():
    assert saver_arguments("jpeg", 80, ()) == {
        "Q": 80,
        "interlace": False,
        "subsample_mode": "on",
        "trellis_quant": False,
        "quant_table": 0,
        "overshoot_deringing": False,
        "optimize_scans": False,
        "optimize_coding": True,
    }
    assert saver_arguments("png", None, ())["palette"] is False
    assert saver_arguments("png", 80, ())["palette"] is True
    assert saver_arguments("avif", 50, ())["subsample_mode"] == "off"  # sharp: 4:4:4


@pytest.mark.parametrize(
    "transforms",
    [
        '[["jpeg",{"quality":0}]]',
        '[["jpeg",{"chromaSubsampling":"4:1:1"}]]',
        '[["png",{"colours":300}]]',
        '[["webp",{"effort":7}]]',
        '[["avif",{"bitdepth":9}]]',
        '[["tiff",{"compression":"lzma"}]]',
        '[["gif",{"dither":2}]]',
        '[["jpeg",{"quality":80},{}]]',
        '[["jpeg","80"]]',
    ],
)
def test_options_sharp_refuses_are_400(transforms):
    with pytest.raises(InvalidQuery):
        build_spec({"transforms": transforms})


@pytest.mark.parametrize(
    ("fmt", "quality", "transforms", "side", "refused"),
    [
        ("avif", None, [], 2000, False),  # 4 MP of SVT-AV1 (AVIF_SPEED 8): at most 3.2 s
        ("avif", None, [], 3000, True),  # 9 MP: 7.2 s
        ("avif", None, [["avif", {"effort": 4}]], 1000, False),  # libaom: 4 s a megapixel
        ("avif", None, [["avif", {"effort": 4}]], 1200, True),
        ("png", 80, [], 2000, False),
        ("png", 80, [], 3000, True),  # a palette of 9 MP
        ("png", None, [], 3000, False),  # a full-colour PNG takes no search
        ("gif", None, [], 3000, True),
    ],
)
def test_encoders_that_cannot_finish_in_time_are_refused(fmt, quality, transforms, side, refused):
    values = {
        "width": side,
        "format": fmt,
        "quality": quality,
        "transforms": json.dumps(transforms),
    }
    spec = build_spec(values).resolved("image/jpeg", "", None)
    header = Header((side, side), "JPEG")
    limits = Limits(max_memory=2**40)  # only time is in question here
    if refused:
        with pytest.raises(OverBudget, match="RENDER_TIME_LIMIT"):
            check(header, spec, limits)
    else:
        check(header, spec, limits)


def test_webp_effort_reaches_the_encoder(settings):
    def encoded(transforms):
        return _ours("photo", RESIZES[1], "webp", None, transforms)

    default = app_settings.WEBP_EFFORT
    assert encoded([]) == encoded([["webp", {"effort": default}]])
    assert encoded([]) != encoded([["webp", {"effort": 6}]])
    settings.DIRECTUS_ASSETS = {"WEBP_EFFORT": 6}
    assert encoded([]) == encoded([["webp", {"effort": 6}]])


@pytest.mark.parametrize("width", [600, 3])
def test_avif_speed_reaches_the_encoder(settings, width):
    def encoded(transforms=()):
        return _ours("photo", {"width": width}, "avif", None, list(transforms))

    svt = encoded()
    settings.DIRECTUS_ASSETS = {"AVIF_SPEED": 10}
    faster = encoded()
    settings.DIRECTUS_ASSETS = {"AVIF_SPEED": None}
    sharps = encoded([["avif", {"effort": 4}]])  # libaom at sharp's default effort
    assert encoded() == sharps
    if width >= 4:
        assert len({svt, faster, sharps}) == 3
    else:  # narrower than SVT-AV1 writes: libaom's, whatever the speed
        assert svt == faster == sharps
