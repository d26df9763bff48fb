"""Render a thumbnail: source bytes + a resolved TransformSpec -> encoded bytes. Pure.

No Django here: it can be tested, benchmarked and run in worker processes on its own. It
makes what sharp makes: Pillow decodes (a JPEG at 1/2, 1/4 or 1/8 by sharp's shrink-on-load
rule), then libvips (:mod:`directus_assets.effects`) runs sharp's pipeline: the ``transforms``
steps before the resize, the resize, the EXIF turn, the crop, the steps after it, and the
encoder with sharp's settings. Metadata is stripped; the ICC profile is kept so colours do
not shift.
"""

from __future__ import annotations

import dataclasses
import io
import struct
import warnings
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from . import effects, svt
from .budget import (
    DEFAULT_LIMITS,
    Header,
    Limits,
    OverBudget,
    animates,
    check,
    draft_size,
    draft_target,
    plan,
)
from .encoding import OPTIONS, saver_arguments, svt_arguments
from .geometry import Plan, Size, Window, shrinks
from .ingest import EXIF_ORIENTATION, TRANSPOSING_ORIENTATIONS, header_exif
from .operations import MIRRORS, orients_first
from .spec import TransformSpec

DECODABLE_FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "AVIF", "TIFF", "HEIF", "GIF"}
# A larger ICC profile is not copied into every thumbnail: the pixels are converted to sRGB.
MAX_ICC_PROFILE_BYTES = 64 * 1024
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
# Register every format plugin now, not on the first open: render processes are forked
# from a server that imported this module, so each starts ready instead of paying for it.
Image.init()


class RenderError(Exception):
    """The source cannot be decoded (corrupt, truncated, not an image we transform)."""


class TransformFailed(RenderError):
    """An operation cannot apply to this image (e.g. an extract outside it)."""


@dataclass(frozen=True)
class Rendition:
    """Encoded output bytes with their format and pixel size."""

    data: bytes
    format: str
    width: int
    height: int


def render(source: bytes, spec: TransformSpec, limits: Limits = DEFAULT_LIMITS) -> Rendition:
    """Encode ``source`` transformed by ``spec`` (whose format must be resolved).

    Raises :class:`~directus_assets.budget.OverBudget` before decoding anything if the
    render would exceed ``limits``, and :class:`RenderError` if the source cannot be read.
    """
    assert spec.format in OPTIONS, "resolve the spec's format before rendering"
    image = _open(source)
    header = header_of(image)
    check(header, spec, limits)
    icc_profile = image.info.get("icc_profile")
    _draft(image, header, spec)
    try:
        image.load()
        decoded = draft_size(header, spec)
        if image.size != decoded:  # libvips' scaled decode: the last partial pixel dropped
            image = image.crop((0, 0, *decoded))
        if animates(header, spec):
            return _render_frames(image, spec, header, limits)
        # sharp turns an image by its EXIF orientation after its resize (we do the same, so
        # the pixels match to the bit), unless a step needs the image upright before.
        orientation = header.orientation
        if orients_first(spec.transforms):
            ImageOps.exif_transpose(image, in_place=True)  # no full-size copy when upright
            orientation = 1
        image, same_colour_space = _working_mode(image)
        image = _transform(image, spec, header.oriented, limits, orientation)
        return _encode(image, spec, icc_profile if same_colour_space else None)
    except RenderError:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise RenderError(f"The image cannot be decoded: {error}") from error


def _render_frames(
    image: Image.Image, spec: TransformSpec, header: Header, limits: Limits
) -> Rendition:
    """Every frame through the same steps, written as one animation with the source's frame
    durations and loop count (frames are decoded whole: disposal is already applied)."""
    upright_first = orients_first(spec.transforms) and header.orientation != 1
    orientation = 1 if upright_first else header.orientation
    frames, durations = [], []
    for index in range(header.frames):
        image.seek(index)
        frame = image.convert("RGBA")  # a working mode: every frame alike
        if upright_first:  # seeking decodes the frame anew: each is turned on its own
            frame = ImageOps.exif_transpose(frame)
        durations.append(int(image.info.get("duration") or 0))  # WebP's is read on load
        frames.append(_transform(frame, spec, header.oriented, limits, orientation))
    output = spec.format or "gif"
    arguments = saver_arguments(output, spec.quality, spec.options_for(output))
    data = effects.save_animation(frames, output, arguments, durations, _plays(image))
    return Rendition(data, output, frames[0].width, frames[0].height)


def _plays(image: Image.Image) -> int:
    """How many times the animation plays (0: for ever), as libvips counts: a GIF's loop
    count (Pillow's ``loop``) says how many times it repeats, and none plays it once."""
    loop = image.info.get("loop")
    if loop is None:
        return 1
    return int(loop) + 1 if image.format == "GIF" and loop else int(loop)


def read_header(source: bytes) -> Header:
    """The header of ``source``, read without decoding its pixels."""
    return header_of(_open(source))


def header_of(image: Image.Image) -> Header:
    """What the budget needs of an opened (not yet decoded) image."""
    orientation = header_exif(image).get(EXIF_ORIENTATION, 1)
    try:
        frames = getattr(image, "n_frames", 1)  # GIF and WebP count without decoding
    except (OSError, SyntaxError, ValueError, IndexError, struct.error) as error:
        # Counting walks every frame's header: Pillow fails on a cut one with these.
        raise RenderError(f"The image cannot be decoded: {error}") from error
    return Header(image.size, image.format or "", orientation, image.mode, frames)


def _open(source: bytes) -> Image.Image:
    try:
        with warnings.catch_warnings():
            # Our own limits apply (budget.check), before any decode; not Pillow's guess.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(source))
    except Image.DecompressionBombError as error:
        raise OverBudget(str(error)) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise RenderError("The file is not a readable image.") from error
    if image.format not in DECODABLE_FORMATS:
        raise RenderError(f"{image.format} images cannot be transformed.")
    return image


def _draft(image: Image.Image, header: Header, spec: TransformSpec) -> None:
    """Let libjpeg decode at 1/2, 1/4 or 1/8 scale when sharp's shrink-on-load would
    (:func:`~directus_assets.budget.jpeg_shrink`): the resize then starts from sharp's pixels."""
    target = draft_target(header, spec)
    if target is not None:
        image.draft(image.mode, target)


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
    image: Image.Image, spec: TransformSpec, logical_size: Size, limits: Limits, orientation: int
) -> Image.Image:
    before_fit = spec.transforms_before_fit
    if before_fit:
        image = _apply(effects.before_fit, image, before_fit)
        # trim's result depends on the pixels: check the rest of the work on the real size.
        rest = dataclasses.replace(spec, transforms=spec.transforms_after_fit)
        check(Header(image.size, "PNG", orientation, image.mode), rest, limits)
        logical_size = _upright(image.size, orientation)
    # After a scaled decode the image is smaller than its logical size: sharp plans the fit
    # on the decoded image (so may we), the focal point scaled to it.
    upright = _upright(image.size, orientation)
    fit = plan(spec, upright, None if before_fit else logical_size)
    resized = fit is not None and fit.scaled != upright
    after_fit = spec.transforms_after_fit
    mirrors = tuple(name for name, _ in after_fit if name in MIRRORS)
    image = _fit(image, fit, orientation, mirrors, _scales(spec, upright))
    if spec.transforms:
        rest_after = tuple(step for step in after_fit if step[0] not in MIRRORS)
        image = _apply(effects.after_fit, image, rest_after, resized)
    return image


def _scales(spec: TransformSpec, upright: Size) -> tuple[float, float]:
    """The resize's scales, as sharp computes them (1 / its ResolveShrink)."""
    x_shrink, y_shrink = shrinks(
        upright, spec.width, spec.height, spec.fit, spec.without_enlargement
    )
    return 1.0 / x_shrink, 1.0 / y_shrink


def _upright(size: Size, orientation: int) -> Size:
    return (size[1], size[0]) if orientation in TRANSPOSING_ORIENTATIONS else size


def _apply(stage: Callable[..., Image.Image], image: Image.Image, *args: object) -> Image.Image:
    try:
        return stage(image, *args)
    except effects.EffectFailed as error:
        raise TransformFailed(f"A transformation failed: {error}") from error


def _fit(
    image: Image.Image,
    plan: Plan | None,
    orientation: int,
    mirrors: tuple[str, ...],
    scales: tuple[float, float],
) -> Image.Image:
    """Resize, turn upright, mirror, crop: sharp's order. ``None``: no resize or crop."""
    upright = _upright(image.size, orientation)
    size = plan.scaled if plan else upright
    window = plan.window if plan else Window(0, 0, *upright)
    if orientation != 1 or mirrors or size != upright or window != Window(0, 0, *size):
        box = (window.left, window.top, window.width, window.height)
        image = effects.resize(image, scales if plan else (1.0, 1.0), box, orientation, mirrors)
    if plan is None or plan.is_identity:
        return image
    # Letterboxing: transparent where the image has alpha, else black (as sharp).
    canvas = Image.new(image.mode, plan.canvas, (0,) * len(image.getbands()))
    canvas.paste(image, plan.offset)
    return canvas


def _bounded_profile(
    image: Image.Image, icc_profile: bytes | None
) -> tuple[Image.Image, bytes | None]:
    """The image and the profile to embed: a large profile is applied, not copied."""
    if icc_profile is None or len(icc_profile) <= MAX_ICC_PROFILE_BYTES:
        return image, icc_profile
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        converted = ImageCms.profileToProfile(image, source, _SRGB, outputMode=image.mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image, None  # a profile that cannot be read is dropped, as if absent
    return (converted or image), None


def _encode(image: Image.Image, spec: TransformSpec, icc_profile: bytes | None) -> Rendition:
    output = spec.format or "jpeg"
    image, icc_profile = _bounded_profile(image, icc_profile)
    options = spec.options_for(output)
    fast_avif = svt_arguments(spec.quality, options, image.size) if output == "avif" else None
    if fast_avif is not None:
        data = svt.save(image, fast_avif, icc_profile)
    else:
        data = effects.save(
            image, output, saver_arguments(output, spec.quality, options), icc_profile
        )
    return Rendition(data, output, image.width, image.height)
