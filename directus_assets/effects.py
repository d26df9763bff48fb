"""What sharp does to an image, done the same way: the same libvips operations, same calls.

Directus renders with sharp, and sharp is a thin layer over libvips; calling libvips (through
pyvips) as sharp's ``src/operations.cc`` and ``src/pipeline.cc`` do gives the same pixels and
bytes, not a look-alike: the ``transforms`` steps (in sharp's order, from
:func:`directus_assets.operations.in_sharp_order`), the resize with its EXIF turn and crop,
and the savers. Pillow only decodes. Pure: a Pillow image in, a Pillow image or bytes out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pyvips
from PIL import Image

from .ingest import TRANSPOSING_ORIENTATIONS
from .operations import Args, Color, Step

# A render process renders once: libvips' operation cache would only hold memory. One
# thread a render: renders already run side by side (MAX_CONCURRENT_RENDERS), and the
# memory a render needs must not depend on how many cores the machine has.
pyvips.cache_set_max(0)
pyvips.concurrency_set(1)

MODES = {1: "L", 2: "LA", 3: "RGB", 4: "RGBA"}
# Steps that sharp runs on premultiplied alpha (with the resize, when there is one).
PREMULTIPLYING = ("blur", "convolve", "sharpen")


class EffectFailed(ValueError):
    """A step cannot apply to this image (an extract outside it, a channel it lacks)."""


def before_fit(image: Image.Image, steps: Sequence[Step]) -> Image.Image:
    """Run the steps sharp runs before its resize."""
    if not steps:
        return image
    picture = _to_vips(image)
    for name, args in steps:
        picture = _run(_STEPS[name], picture, args)
    return _to_pillow(picture)


def after_fit(image: Image.Image, steps: Sequence[Step], resized: bool) -> Image.Image:
    """Run the steps sharp runs after its resize, then sharp's output colour space."""
    picture = _to_vips(image)
    premultiplied = picture.hasalpha() and (
        resized or any(name in PREMULTIPLYING for name, _ in steps)
    )
    if premultiplied:  # sharp premultiplies from the resize to the sharpen (pipeline.cc)
        picture = picture.premultiply().cast("uchar")
    for name, args in steps:
        if premultiplied and name in _AFTER_UNPREMULTIPLY:
            picture = picture.unpremultiply().cast("uchar")
            premultiplied = False
        if name in _TAKES_PREMULTIPLIED:
            args = (*args, premultiplied)
        picture = _run(_STEPS[name], picture, args)
    if premultiplied:
        picture = picture.unpremultiply().cast("uchar")
    target = next((args[0] for name, args in steps if name == "toColourspace"), "srgb")
    picture = _output_colourspace(picture, target)
    for name, args in steps:
        if name in _AFTER_COLOURSPACE:
            picture = _run(_AFTER_COLOURSPACE[name], picture, args)
    return _to_pillow(picture)


def _run(step: Callable[..., pyvips.Image], picture: pyvips.Image, args: Args) -> pyvips.Image:
    try:
        return step(picture, *args)
    except pyvips.Error as error:
        raise EffectFailed(str(error.message).strip() or str(error)) from error


def resize(
    image: Image.Image,
    scales: tuple[float, float],
    window: tuple[int, int, int, int],
    orientation: int = 1,
    mirrors: Sequence[str] = (),
) -> Image.Image:
    """``image`` resized by ``scales`` (across and down, as shown upright), turned by its EXIF
    ``orientation``, mirrored (``post-flip``, ``post-flop``) and cropped to ``window`` (left,
    top, width, height), in sharp's order: libvips' lanczos3 on premultiplied alpha, the turn,
    the mirrors, the crop. Only the window is computed."""
    picture = _to_vips(image)
    alpha = picture.hasalpha()
    if alpha:
        picture = picture.premultiply().cast("uchar")
    across, down = scales[::-1] if orientation in TRANSPOSING_ORIENTATIONS else scales
    if (across, down) != (1.0, 1.0):
        picture = picture.resize(across, vscale=down, kernel="lanczos3")
    if orientation != 1:
        picture = picture.copy()
        picture.set_type(pyvips.GValue.gint_type, "orientation", orientation)
        picture = picture.autorot()
    for mirror in mirrors:
        picture = picture.flip("vertical" if mirror == "post-flip" else "horizontal")
    if window != (0, 0, picture.width, picture.height):
        picture = picture.extract_area(*window)
    if alpha:
        picture = picture.unpremultiply().cast("uchar")
    return _to_pillow(picture)


def save(
    image: Image.Image, output: str, arguments: dict[str, Any], icc_profile: bytes | None
) -> bytes:
    """``image`` encoded by libvips' ``output`` saver (as sharp encodes), metadata stripped
    but for the ICC profile; transparency into JPEG is flattened onto black, as Directus."""
    picture = _to_vips(image)
    if output == "jpeg" and picture.hasalpha():
        picture = picture.flatten(background=[0])
    if icc_profile:
        picture.set_type(pyvips.GValue.blob_type, "icc-profile-data", icc_profile)
    data: bytes = picture.write_to_buffer(
        f".{output}", keep="icc" if icc_profile else "none", **arguments
    )
    return data


def save_animation(
    frames: Sequence[Image.Image],
    output: str,
    arguments: dict[str, Any],
    durations: Sequence[int],
    loop: int,
) -> bytes:
    """Equal-sized frames encoded as one animation by libvips' ``output`` saver: a strip of
    pages with their durations (ms) and the loop count (0: for ever)."""
    strip = pyvips.Image.arrayjoin([_to_vips(frame) for frame in frames], across=1).copy()
    strip.set_type(pyvips.GValue.gint_type, "page-height", frames[0].height)
    strip.set_type(pyvips.GValue.array_int_type, "delay", list(durations))
    strip.set_type(pyvips.GValue.gint_type, "loop", loop)
    data: bytes = strip.write_to_buffer(f".{output}", keep="none", **arguments)
    return data


def _to_vips(image: Image.Image) -> pyvips.Image:
    if image.mode not in MODES.values():
        image = image.convert("RGBA" if "A" in image.mode else "RGB")
    bands = len(image.getbands())
    picture = pyvips.Image.new_from_memory(
        image.tobytes(), image.width, image.height, bands, "uchar"
    )
    return picture.copy(interpretation="b-w" if bands < 3 else "srgb")


def _to_pillow(picture: pyvips.Image) -> Image.Image:
    if picture.format != "uchar":
        picture = picture.cast("uchar")  # what libvips' savers do with other formats
    if picture.bands > 4:
        picture = picture.extract_band(0, n=4)
    data = picture.write_to_memory()
    return Image.frombytes(MODES[picture.bands], (picture.width, picture.height), data)


# --- sharp's helpers (src/common.cc) ----------------------------------------------------


def _remove_alpha(picture: pyvips.Image) -> pyvips.Image:
    while picture.bands > 1 and picture.hasalpha():
        picture = picture.extract_band(0, n=picture.bands - 1)
    return picture


def _on_colour(
    operation: Callable[[pyvips.Image], pyvips.Image], picture: pyvips.Image
) -> pyvips.Image:
    """``operation`` on the colour bands; the alpha band is kept as it is."""
    if not picture.hasalpha():
        return operation(picture)
    alpha = picture[picture.bands - 1]
    return operation(_remove_alpha(picture)).bandjoin(alpha)


def _with_background(
    picture: pyvips.Image, colour: Color, premultiply: bool
) -> tuple[pyvips.Image, list[float]]:
    """sharp's ApplyAlpha: the background in the image's bands, alpha added if it needs one."""
    red, green, blue, alpha = colour
    background: list[float] = (
        [red, green, blue]
        if picture.bands > 2
        else [0.2126 * red + 0.7152 * green + 0.0722 * blue]
    )
    if alpha < 255 or picture.hasalpha():
        background.append(alpha)
        if premultiply and len(background) > 2:
            background = [value * alpha / 255 for value in background[:-1]] + [alpha]
    if alpha < 255 and not picture.hasalpha():
        picture = picture.bandjoin_const([255])
    return picture, background


def _output_colourspace(picture: pyvips.Image, target: str) -> pyvips.Image:
    if picture.interpretation != target:
        picture = picture.colourspace(target, source_space=picture.interpretation)
    return picture


# --- the steps --------------------------------------------------------------------------


def _rotate(picture: pyvips.Image, angle: float, background: Color, premultiplied: bool = False):  # type: ignore[no-untyped-def]
    if angle % 90 == 0:
        return picture.rot(f"d{int(angle) % 360}")
    picture, colour = _with_background(picture, background, premultiplied)
    return picture.rotate(angle, background=colour).copy_memory()


def _trim(
    picture: pyvips.Image,
    background: Color | None,
    threshold: float,
    line_art: bool,
    margin: int,
) -> pyvips.Image:
    if picture.width < 3 and picture.height < 3:
        raise EffectFailed("Image to trim must be at least 3x3 pixels")
    colour = list(picture.getpoint(0, 0)) if background is None else list(background)
    alpha_colour = [colour[-1]]
    colour = colour[:-1] if picture.hasalpha() else colour[: picture.bands]
    found = _find_trim(picture, colour, threshold, line_art)
    if picture.hasalpha():
        alpha = picture[picture.bands - 1]
        in_alpha = _find_trim(alpha, alpha_colour, threshold, line_art)
        if in_alpha[2] > 0 and in_alpha[3] > 0:
            found = _union(found, in_alpha) if found[2] > 0 and found[3] > 0 else in_alpha
    left, top, width, height = found
    if width <= 0 or height <= 0:
        return picture
    if margin:
        left, top = max(0, left - margin), max(0, top - margin)
        width = min(picture.width - left, width + 2 * margin)
        height = min(picture.height - top, height + 2 * margin)
    return picture.extract_area(left, top, width, height)


def _find_trim(
    picture: pyvips.Image, background: list[float], threshold: float, line_art: bool
) -> tuple[int, int, int, int]:
    found: tuple[int, int, int, int] = picture.find_trim(
        background=background, threshold=threshold, line_art=line_art
    )
    return found


Box = tuple[int, int, int, int]


def _union(a: Box, b: Box) -> Box:
    left, top = min(a[0], b[0]), min(a[1], b[1])
    right = max(a[0] + a[2], b[0] + b[2])
    bottom = max(a[1] + a[3], b[1] + b[3])
    return left, top, right - left, bottom - top


def _extract(picture: pyvips.Image, left: int, top: int, width: int, height: int) -> pyvips.Image:
    if left + width > picture.width or top + height > picture.height:
        raise EffectFailed(
            f"extract area {width}x{height}+{left}+{top} is outside the "
            f"{picture.width}x{picture.height} image"
        )
    return picture.extract_area(left, top, width, height)


def _flatten(picture: pyvips.Image, background: Color) -> pyvips.Image:
    if not picture.hasalpha():
        return picture
    return picture.flatten(background=list(background[:3]))


def _gamma(picture: pyvips.Image, exponent: float) -> pyvips.Image:
    return _on_colour(lambda colour: colour.gamma(exponent=exponent), picture)


def _extend(  # type: ignore[no-untyped-def]
    picture: pyvips.Image,
    top: int,
    right: int,
    bottom: int,
    left: int,
    background: Color,
    extend_with: str,
    premultiplied: bool = False,
):
    width, height = picture.width + left + right, picture.height + top + bottom
    if extend_with != "background":
        return picture.embed(left, top, width, height, extend=extend_with)
    picture, colour = _with_background(picture, background, premultiplied)
    return picture.embed(left, top, width, height, extend="background", background=colour)


def _threshold(picture: pyvips.Image, level: int, greyscale: bool) -> pyvips.Image:
    if greyscale:
        picture = picture.colourspace("b-w")
    return picture >= level


def _blur(
    picture: pyvips.Image, sigma: float | None, precision: str, min_amplitude: float
) -> pyvips.Image:
    if sigma is None:
        box = pyvips.Image.new_from_list([[1, 1, 1], [1, 1, 1], [1, 1, 1]], scale=9)
        return picture.conv(box)
    return picture.gaussblur(sigma, precision=precision, min_ampl=min_amplitude)


def _convolve(
    picture: pyvips.Image,
    width: int,
    height: int,
    kernel: tuple[float, ...],
    scale: float,
    offset: float,
) -> pyvips.Image:
    rows = [list(kernel[row * width : (row + 1) * width]) for row in range(height)]
    return picture.conv(pyvips.Image.new_from_list(rows, scale=scale, offset=offset))


def _recomb(picture: pyvips.Image, matrix: tuple[tuple[float, ...], ...]) -> pyvips.Image:
    picture = picture.colourspace("srgb")
    rows = [list(row) for row in matrix]
    if len(rows) == 3 and picture.bands == 4:
        rows = [[*row, 0.0] for row in rows] + [[0.0, 0.0, 0.0, 1.0]]
    return picture.recomb(pyvips.Image.new_from_list(rows))


def _modulate(
    picture: pyvips.Image, brightness: float, saturation: float, hue: int, lightness: float
) -> pyvips.Image:
    space = picture.interpretation
    return _on_colour(
        lambda colour: (
            colour.colourspace("lch")
            .linear([brightness, saturation, 1], [lightness, 0.0, float(hue)])
            .colourspace(space)
        ),
        picture,
    )


def _sharpen(
    picture: pyvips.Image,
    sigma: float | None,
    m1: float = 1.0,
    m2: float = 2.0,
    x1: float = 2.0,
    y2: float = 10.0,
    y3: float = 20.0,
) -> pyvips.Image:
    if sigma is None:
        kernel = [[-1, -1, -1], [-1, 32, -1], [-1, -1, -1]]
        return picture.conv(pyvips.Image.new_from_list(kernel, scale=24))
    space = picture.interpretation
    sharpened = picture.sharpen(sigma=sigma, m1=m1, m2=m2, x1=x1, y2=y2, y3=y3)
    return sharpened.colourspace(space)


def _linear(picture: pyvips.Image, a: tuple[float, ...], b: tuple[float, ...]) -> pyvips.Image:
    bands = picture.bands
    if len(a) > bands:
        raise EffectFailed("Band expansion using linear is unsupported")
    if picture.hasalpha() and len(a) != bands and (len(a) in (1, bands - 1) or bands == 2):
        return _on_colour(lambda colour: colour.linear(list(a), list(b), uchar=True), picture)
    return picture.linear(list(a), list(b), uchar=True)


def _normalise(picture: pyvips.Image, lower: float, upper: float) -> pyvips.Image:
    space = picture.interpretation
    lab = picture.colourspace("lab")
    luminance = lab[0]
    low = int(luminance.min() if lower == 0 else luminance.percent(lower))
    high = int(luminance.max() if upper == 100 else luminance.percent(upper))
    if abs(high - low) <= 1:
        return picture
    factor = 100.0 / (high - low)
    stretched = (
        luminance.linear(factor, -(low * factor))
        .bandjoin(lab.extract_band(1, n=2))
        .colourspace(space)
    )
    return stretched.bandjoin(picture[picture.bands - 1]) if picture.hasalpha() else stretched


def _clahe(picture: pyvips.Image, width: int, height: int, max_slope: int) -> pyvips.Image:
    return picture.hist_local(width, height, max_slope=max_slope)


def _bandbool(picture: pyvips.Image, operation: str) -> pyvips.Image:
    return picture.bandbool(operation).copy(interpretation="b-w")


def _tint(picture: pyvips.Image, colour: Color) -> pyvips.Image:
    tint_lab = (
        (pyvips.Image.black(1, 1) + list(colour[:3]))
        .colourspace("lab", source_space="srgb")
        .getpoint(0, 0)
    )
    identity = pyvips.Image.identity(bands=3).colourspace("lab", source_space="srgb")
    lightness = identity[0] / 100
    weight = 1.0 - 4.0 * ((lightness - 0.5) * (lightness - 0.5))
    chroma = (weight * tint_lab).extract_band(1, n=2)
    lut = identity[0].bandjoin(chroma).colourspace("srgb", source_space="lab")
    space = "srgb" if picture.interpretation == "rgb" else picture.interpretation
    return _on_colour(lambda grey: grey.colourspace("b-w").maplut(lut).colourspace(space), picture)


def _ensure_alpha(picture: pyvips.Image, opacity: float) -> pyvips.Image:
    if picture.hasalpha():
        return picture
    return picture.bandjoin_const([opacity * 255])


def _extract_channel(picture: pyvips.Image, channel: int) -> pyvips.Image:
    if channel >= picture.bands:
        if channel == 3 and picture.hasalpha():
            channel = picture.bands - 1
        else:
            raise EffectFailed(
                f"Cannot extract channel {channel} from image with channels 0-{picture.bands - 1}"
            )
    return picture.extract_band(channel).copy(interpretation="b-w")


def _negate(picture: pyvips.Image, include_alpha: bool) -> pyvips.Image:
    if picture.hasalpha() and not include_alpha:
        return _on_colour(lambda colour: colour.invert(), picture)
    return picture.invert()


def _unchanged(picture: pyvips.Image, *_: Any) -> pyvips.Image:
    return picture


_STEPS: dict[str, Callable[..., pyvips.Image]] = {
    "flip": lambda picture, _: picture.flip("vertical"),
    "flop": lambda picture, _: picture.flip("horizontal"),
    "rotate": _rotate,
    "trim": _trim,
    "extract": _extract,
    "flatten": _flatten,
    "gamma": lambda picture, gamma: _gamma(picture, 1 / gamma),
    "greyscale": lambda picture, _: picture.colourspace("b-w"),
    "post-rotate": _rotate,
    "post-extract": _extract,
    "extend": _extend,
    "median": lambda picture, size: picture.median(size),
    "threshold": _threshold,
    "blur": _blur,
    "convolve": _convolve,
    "recomb": _recomb,
    "modulate": _modulate,
    "sharpen": _sharpen,
    "gammaOut": _gamma,
    "linear": _linear,
    "normalise": _normalise,
    "clahe": _clahe,
    "bandbool": _bandbool,
    "tint": _tint,
    "removeAlpha": _remove_alpha,
    "ensureAlpha": _ensure_alpha,
    "toColourspace": _unchanged,  # the output colour space, applied after every step
    "extractChannel": _unchanged,
    "negate": _unchanged,
}
# sharp stops premultiplying after sharpen: these run on straight alpha.
_AFTER_UNPREMULTIPLY = frozenset(
    ("gammaOut", "linear", "normalise", "clahe", "bandbool", "tint", "removeAlpha")
).union(("ensureAlpha", "toColourspace", "extractChannel", "negate"))
_TAKES_PREMULTIPLIED = frozenset(("post-rotate", "extend"))
# sharp runs these after converting to the output colour space.
_AFTER_COLOURSPACE = {"extractChannel": _extract_channel, "negate": _negate}
