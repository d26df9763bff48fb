"""AVIF and WebP thumbnails with our defaults (``AVIF_SPEED``: SVT-AV1; ``WEBP_EFFORT``) against
pyvips at libvips' defaults (libaom and libwebp at effort 4, as sharp and so Directus), on real
photographs (scikit-image's sample data): the time a render takes in process, its bytes, and
its SSIM (of the luma, Gaussian window) against the lossless render of the same thumbnail.
And our AVIF at the lowest quality that reaches our WebP's SSIM, its bytes and time: bytes
are only comparable at equal quality."""

from __future__ import annotations

import bisect
import io
from functools import partial
from typing import Any

import numpy
import pyvips
import skimage.data
from PIL import Image
from skimage.metrics import structural_similarity

from bench.render_bench import median_seconds
from directus_assets.render import render
from directus_assets.spec import build_spec

# The box of pyvips' thumbnail given a width alone: the same on both sides.
BOX = {"width": 400, "height": 400, "fit": "inside"}
FORMATS = ("webp", "avif")
PHOTOS = ("astronaut", "chelsea", "coffee", "rocket", "hubble_deep_field", "retina")
AVIF_QUALITIES = range(1, 101)


def photos() -> dict[str, bytes]:
    """scikit-image's sample photographs (in its wheel), as camera-like JPEGs."""
    encoded = {}
    for name in PHOTOS:
        buffer = io.BytesIO()
        Image.fromarray(getattr(skimage.data, name)()).save(buffer, "JPEG", quality=92)
        encoded[name] = buffer.getvalue()
    return encoded


def run(sources: dict[str, bytes], repeat: int) -> list[dict[str, Any]]:
    rows = []
    for name, data in sources.items():
        ours_lossless = _luma(_ours(data, "png"))
        vips_lossless = _luma(_vips(data, "png"))
        for output in FORMATS:
            ours = _ours(data, output)
            vips = _vips(data, output)
            rows.append(
                {
                    "source": name,
                    "format": output,
                    "seconds": {
                        "ours": median_seconds(partial(_ours, data, output), repeat),
                        "pyvips": median_seconds(partial(_vips, data, output), repeat),
                    },
                    "bytes": {"ours": len(ours), "pyvips": len(vips)},
                    "ssim": {
                        "ours": _ssim(ours, ours_lossless),
                        "pyvips": _ssim(vips, vips_lossless),
                    },
                }
            )
        webp, avif = rows[-2:]  # FORMATS' order
        avif["at_webp_ssim"] = _avif_at(data, webp["ssim"]["ours"], ours_lossless, repeat)
    return rows


def _avif_at(data: bytes, ssim: float, lossless: numpy.ndarray, repeat: int) -> dict[str, Any]:
    """Our AVIF at the lowest quality whose SSIM reaches ``ssim`` (SSIM grows with the
    quality: a binary search), else at quality 100."""

    def reaches(quality: int) -> bool:
        return _ssim(_ours(data, "avif", quality), lossless) >= ssim

    found = bisect.bisect_left(AVIF_QUALITIES, True, key=reaches)
    quality = AVIF_QUALITIES[min(found, len(AVIF_QUALITIES) - 1)]
    encoded = _ours(data, "avif", quality)
    reached = _ssim(encoded, lossless)
    seconds = median_seconds(partial(_ours, data, "avif", quality), repeat)
    return {"quality": quality, "bytes": len(encoded), "seconds": seconds, "ssim": reached}


def _ours(data: bytes, output: str, quality: int | None = None) -> bytes:
    values = {**BOX, "format": output, "quality": quality}
    return render(data, build_spec(values).resolved("image/jpeg", "", None)).data


def _vips(data: bytes, output: str) -> bytes:
    """pyvips' thumbnail saved with libvips' defaults (WebP Q 75, AVIF Q 50, effort 4)."""
    image = pyvips.Image.thumbnail_buffer(data, BOX["width"], height=BOX["height"])
    return bytes(image.write_to_buffer(f".{output}", keep="none"))


def _luma(data: bytes) -> numpy.ndarray:
    return numpy.asarray(Image.open(io.BytesIO(data)).convert("L"), dtype=numpy.float64)


def _ssim(encoded: bytes, lossless: numpy.ndarray) -> float:
    value = structural_similarity(
        _luma(encoded),
        lossless,
        data_range=255,
        gaussian_weights=True,
        sigma=1.5,
        use_sample_covariance=False,
    )
    return round(float(value), 4)
