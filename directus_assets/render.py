"""Render a thumbnail: source bytes + a resolved TransformSpec -> encoded bytes. Pure.

No Django here: it can be tested, benchmarked and run in worker processes on its own. It
decodes as little as it can (JPEG DCT-domain downscaling via ``draft``, Pillow's
``reducing_gap``, resizing only the cropped window), applies EXIF orientation first, strips
metadata from the output and keeps the ICC profile so colours do not shift.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError

from .geometry import Plan, Size, plan_fit
from .operations import OPERATIONS, flatten, gamma_encode
from .spec import DEFAULT_QUALITY, Step, TransformSpec

DECODABLE_FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "AVIF", "TIFF"}
PILLOW_FORMATS = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP", "avif": "AVIF", "tiff": "TIFF"}
ALPHA_MODES = ("RGBA", "LA")
BLACK = (0, 0, 0, 255)
_TRANSPOSING_ORIENTATIONS = {5, 6, 7, 8}


class RenderError(Exception):
    """The source cannot be decoded (corrupt, truncated, not an image we transform)."""


class SourceTooLarge(RenderError):
    """The source is larger than the limits allow; it is refused before decoding."""


class TransformFailed(RenderError):
    """An operation cannot apply to this image (e.g. an extract outside it)."""


@dataclass(frozen=True)
class Limits:
    """The largest source a render accepts: per side and in all."""

    max_dimension: int = 6000
    max_pixels: int = 6000 * 6000


@dataclass(frozen=True)
class Rendition:
    """Encoded output bytes with their format and pixel size."""

    data: bytes
    format: str
    width: int
    height: int


def render(source: bytes, spec: TransformSpec, limits: Limits = Limits()) -> Rendition:
    """Encode ``source`` transformed by ``spec`` (whose format must be resolved)."""
    assert spec.format in PILLOW_FORMATS, "resolve the spec's format before rendering"
    image = _open(source, limits)
    icc_profile = image.info.get("icc_profile")
    logical_size = _oriented_size(image)
    pre, post = _split_steps(spec)
    if not pre:
        _draft(image, spec, logical_size)
    try:
        image.load()
        ImageOps.exif_transpose(image, in_place=True)  # no full-size copy when upright
        image, same_colour_space = _working_mode(image)
        image = _transform(image, spec, pre, post, logical_size)
    except RenderError:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise RenderError(f"The image cannot be decoded: {error}") from error
    return _encode(image, spec, icc_profile if same_colour_space else None)


def _open(source: bytes, limits: Limits) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(source))
    except Image.DecompressionBombError as error:
        raise SourceTooLarge(str(error)) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise RenderError("The file is not a readable image.") from error
    if image.format not in DECODABLE_FORMATS:
        raise RenderError(f"{image.format} images cannot be transformed.")
    width, height = image.size
    if max(width, height) > limits.max_dimension or width * height > limits.max_pixels:
        raise SourceTooLarge(
            f"The image is {width}x{height}; the largest that can be transformed is "
            f"{limits.max_dimension} pixels a side and {limits.max_pixels} pixels in all."
        )
    return image


def _oriented_size(image: Image.Image) -> Size:
    width, height = image.size
    orientation = image.getexif().get(0x0112)
    return (height, width) if orientation in _TRANSPOSING_ORIENTATIONS else (width, height)


def planned_size(spec: TransformSpec, source: Size) -> Size | None:
    """The size :func:`render` will produce from a source of ``source`` (its displayed size,
    EXIF orientation applied), without decoding anything; ``None`` when ``transforms`` may
    change it. Lets pages give ``<img>`` its width and height before the thumbnail exists."""
    if spec.transforms:
        return None
    plan = _plan(spec, source)
    return source if plan is None else plan.canvas


def _split_steps(spec: TransformSpec) -> tuple[list[Step], list[Step]]:
    pre = [step for step in spec.transforms if OPERATIONS[step[0]].stage == "pre"]
    post = [step for step in spec.transforms if OPERATIONS[step[0]].stage == "post"]
    return pre, post


def _plan(spec: TransformSpec, size: Size) -> Plan | None:
    if not (spec.width or spec.height):
        return None
    return plan_fit(
        size, spec.width, spec.height, spec.fit, spec.without_enlargement, spec.focal_point
    )


def _draft(image: Image.Image, spec: TransformSpec, logical_size: Size) -> None:
    """Let libjpeg decode at 1/2, 1/4 or 1/8 scale when the thumbnail is that much smaller.

    libjpeg's scaled IDCT is itself a good downsampling filter, so (as sharp's fast
    shrink-on-load) it may decode right down to the thumbnail's scale; LANCZOS does the rest.
    Measured against libvips this stays above 44 dB PSNR and halves the cost of large outputs.
    """
    plan = _plan(spec, logical_size)
    if plan is None or image.format not in ("JPEG", "MPO"):
        return
    wanted = plan.scaled
    if logical_size != image.size:
        wanted = (wanted[1], wanted[0])
    image.draft(image.mode, wanted)


def _working_mode(image: Image.Image) -> tuple[Image.Image, bool]:
    """RGB, RGBA, L or LA; and whether the colour space (and so the ICC profile) is kept."""
    if image.mode in ("RGB", "RGBA", "L", "LA"):
        return image, True
    if image.mode in ("P", "PA"):
        has_alpha = image.mode == "PA" or "transparency" in image.info
        return image.convert("RGBA" if has_alpha else "RGB"), True
    if image.mode == "1":
        return image.convert("L"), True
    if image.mode.startswith("I;16") or image.mode in ("I", "F"):
        # 16-bit and float samples: scale to 8 bits instead of clipping.
        extrema = image.getextrema()  # (lowest, highest) for a one-band image
        highest = extrema[1] if isinstance(extrema[1], int | float) else 1
        scale = 255 / 65535 if highest > 255 else 1
        return image.convert("I").point(lambda v: v * scale).convert("L"), True
    return image.convert("RGB"), False  # CMYK, YCbCr, LAB: their ICC profile no longer fits


def _transform(
    image: Image.Image,
    spec: TransformSpec,
    pre: list[Step],
    post: list[Step],
    logical_size: Size,
) -> Image.Image:
    for name, args in pre:
        image = _apply(image, name, args)
    size = logical_size if not pre else image.size
    image = _fit(image, _plan(spec, size))
    for name, args in pre:
        if name == "gamma":
            image = gamma_encode(image, args[1])
    for name, args in post:
        image = _apply(image, name, args)
    return image


def _apply(image: Image.Image, name: str, args: tuple[Any, ...]) -> Image.Image:
    try:
        return OPERATIONS[name].apply(image, *args)
    except ValueError as error:
        raise TransformFailed(f'Transformation "{name}" failed: {error}') from error


def _fit(image: Image.Image, plan: Plan | None) -> Image.Image:
    if plan is None:
        return image
    # The image may be smaller than its logical size after draft(): map the window onto it.
    box = plan.window.scaled_box(image.width / plan.scaled[0], image.height / plan.scaled[1])
    size = (plan.window.width, plan.window.height)
    if size != image.size or box != (0, 0, *image.size):
        image = image.resize(size, Image.Resampling.LANCZOS, box=box, reducing_gap=3.0)
    if plan.is_identity:
        return image
    # Letterboxing: transparent where the image has alpha, else black (as sharp).
    canvas = Image.new(image.mode, plan.canvas, (0,) * len(image.getbands()))
    canvas.paste(image, plan.offset)
    return canvas


def _encode(image: Image.Image, spec: TransformSpec, icc_profile: bytes | None) -> Rendition:
    output = spec.format or "jpeg"
    if output == "jpeg" and image.mode in ALPHA_MODES:
        image = flatten(image, BLACK)  # as Directus: transparency onto black
    if output in ("webp", "avif") and image.mode in ("L", "LA"):
        image = image.convert("RGBA" if image.mode == "LA" else "RGB")
    options: dict[str, object] = {}
    if output in ("jpeg", "webp", "avif"):
        options["quality"] = spec.quality or DEFAULT_QUALITY[output]
    if output == "png":
        options["compress_level"] = 6
    if output == "tiff":
        options["compression"] = "tiff_adobe_deflate"
    if icc_profile:
        options["icc_profile"] = icc_profile
    buffer = io.BytesIO()
    image.save(buffer, PILLOW_FORMATS[output], **options)
    return Rendition(buffer.getvalue(), output, image.width, image.height)
