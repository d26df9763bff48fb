"""What a render will cost, worked out from the image header and the spec, before any decode.

:func:`estimate` walks the render pipeline on sizes alone (decode, with JPEG's scaled decode;
every ``transforms`` step before the fit; the fit; every step after it; the encoder) and
returns the output size and a bound on the memory the render needs. :func:`check` refuses,
with :class:`OverBudget`, anything that would exceed the limits: a side or a canvas too
large at any step, an output the encoder cannot write, work a step cannot finish in time,
or more memory than one render may take. Nothing here touches pixels.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .encoding import uses_svt, wants_palette
from .geometry import Plan, Size, plan_fit, shrinks
from .ingest import TRANSPOSING_ORIENTATIONS
from .spec import TransformSpec

MiB = 1024 * 1024
# Pillow keeps RGB, RGBA, LA, CMYK and 32-bit modes in 4 bytes a pixel; fewer never more.
BYTES_PER_PIXEL = 4
# What encoding holds besides the image, in bytes per output pixel, without and with an
# alpha channel (measured on noise, the worst case, with libvips 8.18's savers: the copy
# handed to libvips, libwebp's and libaom's YUV planes and analysis buffers; an alpha plane
# is compressed separately; JPEG output of an image with alpha is flattened first).
ENCODER_BYTES_PER_PIXEL = {"jpeg": 12, "png": 10, "webp": 32, "avif": 44, "tiff": 12, "gif": 8}
ENCODER_BYTES_PER_PIXEL_WITH_ALPHA = {
    "jpeg": 16,
    "png": 12,
    "webp": 52,
    "avif": 56,
    "tiff": 16,
    "gif": 10,
}
# SVT-AV1 (AVIF_SPEED), one thread: its YUV planes, lookahead and output, up to 36 and 62
# bytes a pixel (noise at quality 100, measured), and ~10 MiB at any size the first time in
# a process (its code paged in, ~2 MiB of state).
SVT_BYTES_PER_PIXEL = 40
SVT_BYTES_PER_PIXEL_WITH_ALPHA = 64
SVT_STATE = 10 * MiB
# Lossless WebP: libwebp's VP8L analysis (hash chains, backward references, its histograms)
# holds up to ~130 bytes a pixel (measured on noise, animated: every frame's until the end).
LOSSLESS_WEBP_BYTES_PER_PIXEL = 136
# Palette output (GIF, PNG with a quality): libvips copies the image to memory and
# libimagequant holds it as four floats a pixel, with its histogram and the remapped
# indexes: up to 57 bytes a pixel measured (noise with alpha, quality 1).
PALETTE_ENCODER_BYTES_PER_PIXEL = 72
# Decoders that hold the image again while Pillow copies it out, in copies of Pillow's size:
# libheif's YUV planes (16-bit samples in a 10- or 12-bit file) and its RGB(A) output.
DECODER_COPIES = {"HEIF": 2}
# Decoders of animations hold more: libwebp's demuxer its canvas, the previous frame and
# the copy it hands Pillow (even for the first frame alone); Pillow's GIF reader the
# previous frame and the area to dispose of. Measured: up to 6.5 and 3.5 canvases in all,
# with each frame's RGBA copy.
ANIMATION_DECODER_COPIES = {"WEBP": 6, "GIF": 2}
# Outputs that keep every frame of an animated source; the others take its first.
ANIMATED_OUTPUTS = ("gif", "webp")
# The decoder's state, the encoded output, libvips' buffers and the render's Python objects.
RENDER_OVERHEAD = 24 * MiB
# Modes the renderer works in; any other is converted first (a second full-size copy).
WORKING_MODES = ("RGB", "RGBA", "L", "LA")
# Modes that have, or may have, an alpha channel; and steps that can add one.
MAY_HAVE_ALPHA = ("RGBA", "LA", "PA", "P", "RGBa", "La")
ALPHA_STEPS = ("extend", "rotate", "post-rotate", "ensureAlpha")
# The largest side each encoder can write.
FORMAT_MAX_SIDE = {
    "jpeg": 65_500,
    "png": 2**31 - 1,
    "webp": 16_383,
    "avif": 65_536,
    "tiff": 2**31 - 1,
    "gif": 65_535,
}
# Neighbourhood steps cost per pixel what their window holds ("cells", ~2-5 ns each in
# libvips on one core, measured): 600 million cells is about two seconds.
MAX_STEP_WORK = 600_000_000
# Encoders that take seconds, on one core at sharp's default effort, measured on photos:
# libheif/aom's AVIF 3.5 s a megapixel (noise: 15); libimagequant's palette (PNG with a
# quality, GIF) 0.3-0.5 s (noise with alpha: 11, where its search for the fewest colours
# never converges). Photo-like work must fit; the time limit stops the rest.
AVIF_SECONDS_PER_MEGAPIXEL = 4.0
# SVT-AV1 (one thread), measured: at speed 7 and above up to 0.7 s a megapixel (noise; photos
# 0.07-0.3), and each speed below 7 twice the one above on photos (0.15 s at 7, 15 at 0).
SVT_SECONDS_PER_MEGAPIXEL = 0.8
SVT_PHOTO_SECONDS_PER_MEGAPIXEL_AT_7 = 0.2
PALETTE_SECONDS_PER_MEGAPIXEL = 1.0
# A step holds its input twice (the image and the packed copy libvips reads) and its
# result up to three times (libvips' output, Pillow's copy of it, an alpha split off and
# put back), counted in Pillow's 4-byte pixels.
_STEP_INPUT_COPIES = 2
_STEP_OUTPUT_COPIES = 3


class OverBudget(Exception):
    """The render would exceed a limit; the message names the limit."""


@dataclass(frozen=True)
class Limits:
    """What one render may cost: per side, per canvas, in memory and in time."""

    max_dimension: int = 6000
    max_pixels: int = 6000 * 6000
    max_memory: int = 256 * MiB
    max_seconds: float = 10.0
    max_frames: int = 500


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Header:
    """What a render needs to know of its source, read from the header alone."""

    size: Size  # as stored, before the EXIF orientation
    format: str  # Pillow's name: JPEG, PNG, ...
    orientation: int = 1
    mode: str = "RGB"  # Pillow's mode as decoded
    frames: int = 1  # an animation's frames, each decoded whole

    @property
    def oriented(self) -> Size:
        """The displayed size: the EXIF orientation applied."""
        width, height = self.size
        return (height, width) if self.orientation in TRANSPOSING_ORIENTATIONS else self.size


@dataclass(frozen=True)
class Cost:
    """The output size and a bound on the memory a render needs, above an idle process."""

    output: Size
    memory: int


def check(header: Header, spec: TransformSpec, limits: Limits) -> Cost:
    """The cost of rendering ``spec`` from a source with ``header``; raises if over a limit."""
    _check_canvas("The source image", header.size, limits)
    if animates(header, spec):
        _check_frames(header, limits)
    cost = estimate(header, spec, limits)
    output_format = spec.format or "jpeg"
    widest = FORMAT_MAX_SIDE[output_format]
    if max(cost.output) > widest:
        raise OverBudget(
            f"{output_format.upper()} images can be at most {widest} pixels a side; "
            f"this output would be {_size(cost.output)}."
        )
    if cost.memory > limits.max_memory:
        raise OverBudget(
            f"This transformation needs about {math.ceil(cost.memory / MiB)} MiB; the limit "
            f"is {limits.max_memory // MiB} MiB a render (MAX_RENDER_MEMORY)."
        )
    _check_encoder_time(spec, cost.output, rendered_frames(header, spec), limits)
    return cost


def estimate(header: Header, spec: TransformSpec, limits: Limits | None = None) -> Cost:
    """The output size and memory of a render; with ``limits``, every canvas is checked.
    An animation holds its decoder's canvases while each frame is worked on, and every
    finished frame until the end (Pillow's and the copy libvips reads); libwebp's animation
    encoder keeps every frame's work until it writes the file (lossless most: measured),
    libvips' GIF saver a frame's at a time."""
    canvases = list(_canvases(header, spec, checks_work=limits is not None))
    if limits is not None:
        for what, size, _ in canvases:
            _check_canvas(what, size, limits)
    held = [pixels for _, _, pixels in canvases]
    output = canvases[-1][1]
    frames = rendered_frames(header, spec)
    if frames == 1:
        peak = max(held)
    else:
        decoding, *work = held
        peak = decoding + max(work) + 2 * frames * _pixels(output)
    encoded = frames if spec.format == "webp" else 1
    encoder = _encoder_bytes_per_pixel(header, spec, output) * _pixels(output) * encoded
    if _svt_writes(spec, output):
        encoder += SVT_STATE
    return Cost(output, BYTES_PER_PIXEL * peak + encoder + RENDER_OVERHEAD)


def animates(header: Header, spec: TransformSpec) -> bool:
    """Whether the render writes every frame (an animated source, an animated output)."""
    return header.frames > 1 and (spec.format or "jpeg") in ANIMATED_OUTPUTS


def rendered_frames(header: Header, spec: TransformSpec) -> int:
    """How many frames go through the steps and the encoder: each does all their work."""
    return header.frames if animates(header, spec) else 1


def _check_frames(header: Header, limits: Limits) -> None:
    if header.frames > limits.max_frames:
        raise OverBudget(
            f"The animation has {header.frames} frames: more than {limits.max_frames} "
            "(MAX_FRAMES). Ask for a still format (jpg, png, avif) for its first frame."
        )
    total = header.frames * _pixels(header.size)
    if total > limits.max_pixels:
        raise OverBudget(
            f"The animation's {header.frames} frames of {_size(header.size)} are {total} "
            f"pixels: more than {limits.max_pixels} (MAX_PIXELS)."
        )


def _svt_writes(spec: TransformSpec, size: Size) -> bool:
    return spec.format == "avif" and uses_svt(spec.options_for("avif"), size)


def _encoder_bytes_per_pixel(header: Header, spec: TransformSpec, size: Size) -> int:
    output = spec.format or "jpeg"
    if _svt_writes(spec, size):
        alpha = _has_alpha(header, spec)
        return SVT_BYTES_PER_PIXEL_WITH_ALPHA if alpha else SVT_BYTES_PER_PIXEL
    if output == "gif" or wants_palette(output, spec.quality, spec.options_for(output)):
        return PALETTE_ENCODER_BYTES_PER_PIXEL
    if output == "webp" and dict(spec.options_for(output)).get("lossless"):
        return LOSSLESS_WEBP_BYTES_PER_PIXEL
    if _has_alpha(header, spec):
        return ENCODER_BYTES_PER_PIXEL_WITH_ALPHA[output]
    return ENCODER_BYTES_PER_PIXEL[output]


def _has_alpha(header: Header, spec: TransformSpec) -> bool:
    return header.mode in MAY_HAVE_ALPHA or any(name in ALPHA_STEPS for name, _ in spec.transforms)


def planned_size(spec: TransformSpec, source: Size, source_format: str = "PNG") -> Size:
    """The size a render of ``spec`` gives from a source displayed at ``source`` (a JPEG's
    scaled decode, as sharp's, can move the result by a pixel)."""
    return estimate(Header(source, source_format), spec).output


def plan(spec: TransformSpec, size: Size, displayed: Size | None = None) -> Plan | None:
    """How the fit resizes an image of ``size``: the decoded image, which may be a scaled
    decode of a source ``displayed`` larger (the focal point is in its pixels).
    ``None`` when no size is asked for."""
    if not (spec.width or spec.height):
        return None
    focal = spec.focal_point
    if focal is not None and displayed is not None and displayed != size:
        focal = (
            round(focal[0] * size[0] / displayed[0]),
            round(focal[1] * size[1] / displayed[1]),
        )
    return plan_fit(size, spec.width, spec.height, spec.fit, spec.without_enlargement, focal)


def jpeg_shrink(header: Header, spec: TransformSpec) -> int:
    """The factor (1, 2, 4 or 8) a JPEG is decoded smaller by: sharp's shrink-on-load rule,
    so the pixels that reach the resize are the ones sharp resizes."""
    if header.format not in ("JPEG", "MPO") or spec.transforms_before_fit:
        return 1
    if not (spec.width or spec.height):
        return 1
    shrink = min(shrinks(header.oriented, spec.width, spec.height, spec.fit))
    factor = next((s for s in (8, 4, 2) if shrink >= s), 1)
    # sharp: one step less where libjpeg's rounding would leave too little to resize.
    if factor > 1 and int(shrink) == factor:
        factor //= 2
    # Pillow's draft() cannot go below one pixel a side (sharp's libjpeg rounds up instead).
    while min(header.size) < factor:
        factor //= 2
    return factor


def draft_target(header: Header, spec: TransformSpec) -> Size | None:
    """The size to ask Pillow's ``draft`` for so it decodes at :func:`jpeg_shrink`."""
    factor = jpeg_shrink(header, spec)
    if factor == 1:
        return None
    # draft() picks the largest of 8, 4, 2 that the size divided by this still allows.
    return header.size[0] // factor, header.size[1] // factor


def draft_size(header: Header, spec: TransformSpec) -> Size:
    """The size the source is decoded at: a JPEG at 1/2, 1/4 or 1/8 of its size when
    :func:`jpeg_shrink` says so. libvips (so sharp) drops a last partial pixel where Pillow's
    draft() keeps it; the renderer crops it off, so the pixels are the same."""
    factor = jpeg_shrink(header, spec)
    width, height = header.size
    return width // factor, height // factor


def _canvases(
    header: Header, spec: TransformSpec, checks_work: bool
) -> Iterator[tuple[str, Size, int]]:
    """Each image the render makes: what it is, its size, and the pixels held meanwhile."""
    decoded = draft_size(header, spec)
    copies = 1 + (header.mode not in WORKING_MODES) + (header.oriented != header.size)
    copies += DECODER_COPIES.get(header.format, 0)
    copies += ANIMATION_DECODER_COPIES.get(header.format, 0) if header.frames > 1 else 0
    yield "The decoded image", decoded, copies * _pixels(decoded)  # converted, turned
    size = decoded[::-1] if header.orientation in TRANSPOSING_ORIENTATIONS else decoded
    for name, args in spec.transforms_before_fit:
        after = step_size(name, args, size)
        yield f'"{name}"', after, _step_held(size, after)
        size = after
    fit = plan(spec, size, None if spec.transforms_before_fit else header.oriented)
    if fit is not None:
        window = (fit.window.width, fit.window.height)
        if window != size or fit.scaled != size:
            # Resampling holds the source, a reduced copy, one pass and the result.
            yield "The resized image", window, 2 * _pixels(size) + 2 * _pixels(window)
        yield "The output", fit.canvas, _pixels(window) + _pixels(fit.canvas)
        size = fit.canvas
    for name, args in spec.transforms_after_fit:
        if checks_work:
            _check_step_work(name, args, size, rendered_frames(header, spec))
        after = step_size(name, args, size)
        yield f'"{name}"', after, _step_held(size, after)
        size = after
    yield "The output", size, _pixels(size)  # what the encoder reads (its own: above)


def _step_held(size: Size, after: Size) -> int:
    return _STEP_INPUT_COPIES * _pixels(size) + _STEP_OUTPUT_COPIES * _pixels(after)


def step_size(name: str, args: tuple[Any, ...], size: Size) -> Size:
    """The size of an image of ``size`` after the ``transforms`` step ``name``."""
    width, height = size
    if name in ("extract", "post-extract"):
        return args[2], args[3]
    if name == "extend":
        top, right, bottom, left = args[:4]
        return width + left + right, height + top + bottom
    if name in ("rotate", "post-rotate"):
        return _rotated(size, args[0])
    return size


def _rotated(size: Size, angle: float) -> Size:
    if angle % 180 == 0:
        return size
    if angle % 90 == 0:
        return size[::-1]
    # libvips' rotate (as sharp and effects.py call it): the bounding box of the turned
    # image, each side rounded to the nearest integer (C's rint: ties to even, as Python's).
    radians = math.radians(angle)
    cos, sin = abs(math.cos(radians)), abs(math.sin(radians))
    width, height = size
    return round(width * cos + height * sin), round(width * sin + height * cos)


def _check_step_work(name: str, args: tuple[Any, ...], size: Size, frames: int) -> None:
    cells = _cells_per_pixel(name, args)
    work = frames * _pixels(size) * cells
    if work > MAX_STEP_WORK:
        over = f"{frames} frames of {_size(size)}" if frames > 1 else _size(size)
        raise OverBudget(
            f'"{name}" over {over} pixels is {work:.0f} pixel-window operations; the '
            f"limit is {MAX_STEP_WORK}. Use a smaller window or sigma, or a smaller image."
        )


def _check_encoder_time(spec: TransformSpec, size: Size, frames: int, limits: Limits) -> None:
    """Refuse an output whose encoder alone would take half the render's time limit."""
    output = spec.format or "jpeg"
    options = spec.options_for(output)
    if _svt_writes(spec, size):
        slower = 2 ** (7 - dict(options)["speed"])
        per_megapixel = max(
            SVT_SECONDS_PER_MEGAPIXEL, SVT_PHOTO_SECONDS_PER_MEGAPIXEL_AT_7 * slower
        )
    elif output == "avif":
        per_megapixel = AVIF_SECONDS_PER_MEGAPIXEL * (dict(options).get("effort", 4) + 1) / 5
    elif output == "gif" or wants_palette(output, spec.quality, options):
        per_megapixel = PALETTE_SECONDS_PER_MEGAPIXEL
    else:
        return  # the other encoders take milliseconds a megapixel
    seconds = frames * _pixels(size) / 1_000_000 * per_megapixel
    if seconds > limits.max_seconds / 2:
        pixels = f"{frames} frames of {_size(size)}" if frames > 1 else _size(size)
        raise OverBudget(
            f"Encoding {pixels} pixels as {output.upper()} takes about {seconds:.0f} s; a "
            f"render may take {limits.max_seconds:g} s (RENDER_TIME_LIMIT). Ask for a smaller "
            "image or another format."
        )


def _cells_per_pixel(name: str, args: tuple[Any, ...]) -> float:
    """The window a neighbourhood step reads for each pixel (1 for pointwise steps)."""
    if name == "median":
        return float(args[0] ** 2)
    if name == "convolve":
        return float(args[0] * args[1])
    if name == "blur" and args[0] is not None:
        return 8.0 * float(args[0])  # separable Gaussian: two passes of about 4 sigma
    if name == "sharpen" and args[0] is not None:
        return 24.0 * float(args[0])  # a Gaussian on lightness, with two colour conversions
    if name == "clahe":
        return (
            2.0 * float(args[1]) + 256
        )  # a sliding histogram: a column in, a column out, the bins
    return 1.0


def _check_canvas(what: str, size: Size, limits: Limits) -> None:
    if max(size) > limits.max_dimension:
        raise OverBudget(
            f"{what} would be {_size(size)}: more than {limits.max_dimension} pixels a side "
            "(MAX_DIMENSION)."
        )
    if _pixels(size) > limits.max_pixels:
        raise OverBudget(
            f"{what} would be {_size(size)}: more than {limits.max_pixels} pixels (MAX_PIXELS)."
        )


def _pixels(size: Size) -> int:
    return size[0] * size[1]


def _size(size: Size) -> str:
    return f"{size[0]}x{size[1]}"
