"""Output bytes per format: ours against sharp (Directus's renderer) and pyvips, each making
the same thumbnail from the same source at the same quality (sharp at our encoder effort;
AVIF with sharp's encoder, libaom at effort 4: formats_bench compares our defaults, SVT-AV1
for AVIF, with libvips'), with each output's PSNR against its own lossless render (bytes are
only comparable at equal quality)."""

from __future__ import annotations

import io
from typing import Any

import pyvips
from PIL import Image

from directus_assets.render import render
from directus_assets.spec import TransformSpec, build_spec
from tests import sharp_reference

RESIZES = {
    "cover 200x200": {"fit": "cover", "width": 200, "height": 200},
    "inside 800x800": {"fit": "inside", "width": 800, "height": 800},
}
# (format, quality): each format at its default, and PNG with a quality (a palette image).
FORMATS = [
    ("jpeg", 80),
    ("png", None),
    ("png", 80),
    ("webp", 80),
    ("avif", 50),
    ("tiff", 80),
    ("gif", None),
]


def run(sources: dict[str, tuple[bytes, str]]) -> list[dict[str, Any]]:
    cases = [
        (source, resize, fmt, quality)
        for source in sources
        for resize in RESIZES
        for fmt, quality in FORMATS
    ]
    jobs = []
    for source, resize, fmt, quality in cases:
        data, mime = sources[source]
        transforms = sharp_reference.as_resolved([], _spec(mime, RESIZES[resize], fmt, quality))
        jobs.append(sharp_reference.job(data, transforms, RESIZES[resize], fmt, quality))
        jobs.append(sharp_reference.job(data, resize=RESIZES[resize], format="png"))
    answers = sharp_reference.run(jobs)
    rows = []
    for index, (source, resize, fmt, quality) in enumerate(cases):
        theirs, their_lossless = answers[2 * index], answers[2 * index + 1]
        assert not isinstance(theirs, Exception) and not isinstance(their_lossless, Exception)
        data, mime = sources[source]
        ours = _ours(data, mime, RESIZES[resize], fmt, quality)
        our_lossless = _ours(data, mime, RESIZES[resize], "png", None)
        vips, vips_lossless = _vips(data, RESIZES[resize], fmt, quality)
        rows.append(
            {
                "source": source,
                "operation": resize,
                "format": fmt if quality is None or fmt != "png" else f"png q{quality}",
                "bytes": {"ours": len(ours), "sharp": len(theirs.data), "pyvips": len(vips)},
                "psnr": {
                    "ours": _psnr(ours, our_lossless),
                    "sharp": _psnr(theirs.data, their_lossless.data),
                    "pyvips": _psnr(vips, vips_lossless),
                },
            }
        )
    return rows


# sharp's encoder for AVIF: an effort makes the thumbnail libaom's (AVIF_SPEED is SVT-AV1's).
SHARPS_ENCODER = {"avif": '[["avif",{"effort":4}]]'}


def _spec(mime: str, resize: dict[str, Any], fmt: str, quality: int | None) -> TransformSpec:
    values = {**resize, "format": fmt, "quality": quality, "transforms": SHARPS_ENCODER.get(fmt)}
    return build_spec(values).resolved(mime, "", None)


def _ours(data: bytes, mime: str, resize: dict[str, Any], fmt: str, quality: int | None) -> bytes:
    return render(data, _spec(mime, resize, fmt, quality)).data


def _vips(
    data: bytes, resize: dict[str, Any], fmt: str, quality: int | None
) -> tuple[bytes, bytes]:
    """pyvips' thumbnail (its own shrink-on-load and resize) saved with libvips' defaults."""
    crop = {"crop": "centre"} if resize["fit"] == "cover" else {}
    image = pyvips.Image.thumbnail_buffer(data, resize["width"], height=resize["height"], **crop)
    image = image.copy_memory()  # read twice: the output and its lossless reference
    options = {"Q": quality} if quality is not None else {}
    if fmt == "png" and quality is not None:
        options["palette"] = True
    if fmt == "jpeg" and image.hasalpha():
        image = image.flatten(background=[0])
    saved = image.write_to_buffer(f".{fmt}", keep="none", **options)
    return bytes(saved), bytes(image.write_to_buffer(".png"))


def _psnr(encoded: bytes, lossless: bytes) -> float:
    reference = Image.open(io.BytesIO(lossless))
    mode = "RGBA" if "A" in reference.mode else "RGB"
    image = Image.open(io.BytesIO(encoded)).convert(mode)
    return round(sharp_reference.psnr(image, reference.convert(mode)), 2)
