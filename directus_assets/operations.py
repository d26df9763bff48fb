"""The ``transforms`` operations, with sharp's argument shapes.

Each operation parses its JSON arguments into a hashable, normalised tuple (raising
:class:`ValueError` with a readable reason) and applies them to a Pillow image. ``stage``
says where sharp's pipeline runs it: ``pre`` before the fit, ``post`` after it. ``resize``
and ``toFormat`` are not here: they become fields of the transformation spec.
"""

from __future__ import annotations

import colorsys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageColor, ImageEnhance, ImageFilter, ImageOps

Args = tuple[Any, ...]
Color = tuple[int, int, int, int]


@dataclass(frozen=True)
class Operation:
    """A ``transforms`` method: how its arguments parse and how it applies."""

    parse: Callable[[list[Any]], Args]
    apply: Callable[..., Image.Image]
    stage: str = "post"


# --- argument parsing -------------------------------------------------------------------


def _number(value: Any, name: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise ValueError(f"{name} must be a number from {low:g} to {high:g}, not {value!r}")
    return float(value)


def _integer(value: Any, name: str, low: int, high: int = 100_000) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{name} must be an integer from {low} to {high}, not {value!r}")
    return value


def _options(args: list[Any], position: int = 0) -> dict[str, Any]:
    if len(args) <= position:
        return {}
    if not isinstance(args[position], dict):
        raise ValueError(f"expected an options object, not {args[position]!r}")
    options: dict[str, Any] = args[position]
    return options


def _at_most(args: list[Any], count: int) -> None:
    if len(args) > count:
        raise ValueError(f"takes at most {count} argument(s), got {len(args)}")


def parse_color(value: Any, default: Color = (0, 0, 0, 255)) -> Color:
    """A colour as sharp takes it: a CSS string or ``{"r", "g", "b", "alpha"}``."""
    if value is None:
        return default
    if isinstance(value, str):
        try:
            rgba = ImageColor.getcolor(value, "RGBA")
        except ValueError:
            raise ValueError(f"{value!r} is not a colour") from None
        return rgba  # type: ignore[return-value]
    if isinstance(value, dict):
        channels = [_integer(value.get(c, 0), c, 0, 255) for c in ("r", "g", "b")]
        alpha = _number(value.get("alpha", 1), "alpha", 0, 1)
        return (*channels, round(alpha * 255))  # type: ignore[return-value]
    raise ValueError(f"{value!r} is not a colour")


def _no_args(args: list[Any]) -> Args:
    _at_most(args, 0)
    return ()


def _switch(args: list[Any]) -> Args:
    """sharp's ``flip(true)``, ``greyscale(false)``: an optional boolean, on by default."""
    _at_most(args, 1)
    if args and not isinstance(args[0], bool):
        raise ValueError(f"expected true or false, not {args[0]!r}")
    return (args[0] if args else True,)


def _unless_off(operation: Callable[[Image.Image], Image.Image]) -> Callable[..., Image.Image]:
    def apply(image: Image.Image, on: bool) -> Image.Image:
        return operation(image) if on else image

    return apply


def _parse_extract(args: list[Any]) -> Args:
    _at_most(args, 1)
    region = _options(args)
    if not region:
        raise ValueError('needs {"left", "top", "width", "height"}')
    left, top = (_integer(region.get(k), k, 0) for k in ("left", "top"))
    width, height = (_integer(region.get(k), k, 1) for k in ("width", "height"))
    return left, top, width, height


def _parse_extend(args: list[Any]) -> Args:
    _at_most(args, 1)
    if args and isinstance(args[0], int) and not isinstance(args[0], bool):
        edge = _integer(args[0], "extend", 0, 10_000)
        return edge, edge, edge, edge, (0, 0, 0, 255)
    options = _options(args)
    edges = tuple(
        _integer(options.get(k, 0), k, 0, 10_000) for k in ("top", "right", "bottom", "left")
    )
    return (*edges, parse_color(options.get("background")))


def _parse_rotate(args: list[Any]) -> Args:
    _at_most(args, 2)
    angle = _number(args[0], "angle", -360_000, 360_000) if args else 0.0
    return angle % 360, parse_color(_options(args, 1).get("background"))


def _parse_sigma(args: list[Any]) -> Args:
    _at_most(args, 1)
    if not args or args[0] is True:
        return (None,)
    value = args[0].get("sigma") if isinstance(args[0], dict) else args[0]
    return (_number(value, "sigma", 0.3, 1000),)


def _parse_median(args: list[Any]) -> Args:
    _at_most(args, 1)
    size = _integer(args[0], "size", 1, 99) if args else 3
    return (size if size % 2 else size + 1,)


def _parse_flatten(args: list[Any]) -> Args:
    _at_most(args, 1)
    return (parse_color(_options(args).get("background")),)


def _parse_gamma(args: list[Any]) -> Args:
    _at_most(args, 2)
    gamma = _number(args[0], "gamma", 1, 3) if args else 2.2
    gamma_out = _number(args[1], "gammaOut", 1, 3) if len(args) > 1 else gamma
    return gamma, gamma_out


def _parse_negate(args: list[Any]) -> Args:
    _at_most(args, 1)
    return (bool(_options(args).get("alpha", True)),)


def _parse_threshold(args: list[Any]) -> Args:
    _at_most(args, 2)
    level = _integer(args[0], "threshold", 0, 255) if args else 128
    return level, bool(
        _options(args, 1).get("greyscale", _options(args, 1).get("grayscale", True))
    )


def _parse_modulate(args: list[Any]) -> Args:
    _at_most(args, 1)
    options = _options(args)
    return (
        _number(options.get("brightness", 1), "brightness", 0, 100),
        _number(options.get("saturation", 1), "saturation", 0, 100),
        _number(options.get("hue", 0), "hue", -36_000, 36_000) % 360,
        _number(options.get("lightness", 0), "lightness", -255, 255),
    )


def _parse_tint(args: list[Any]) -> Args:
    _at_most(args, 1)
    if not args:
        raise ValueError("needs a colour")
    return (parse_color(args[0]),)


# --- application ------------------------------------------------------------------------


def _split_alpha(image: Image.Image) -> tuple[Image.Image, Image.Image | None]:
    if image.mode in ("RGBA", "LA"):
        return image.convert(image.mode[:-1]), image.getchannel("A")
    return image, None


def _with_alpha(image: Image.Image, alpha: Image.Image | None) -> Image.Image:
    if alpha is None:
        return image
    image = image.convert("LA" if image.mode == "L" else "RGBA")
    image.putalpha(alpha)
    return image


def _on_color_channels(
    operation: Callable[[Image.Image], Image.Image],
) -> Callable[[Image.Image], Image.Image]:
    def apply(image: Image.Image) -> Image.Image:
        colour, alpha = _split_alpha(image)
        return _with_alpha(operation(colour), alpha)

    return apply


def _extract(image: Image.Image, left: int, top: int, width: int, height: int) -> Image.Image:
    if left + width > image.width or top + height > image.height:
        raise ValueError(
            f"extract area {width}x{height}+{left}+{top} is outside the "
            f"{image.width}x{image.height} image"
        )
    return image.crop((left, top, left + width, top + height))


def _extend(
    image: Image.Image, top: int, right: int, bottom: int, left: int, background: Color
) -> Image.Image:
    mode = "RGBA" if background[3] < 255 or image.mode in ("RGBA", "LA") else "RGB"
    canvas = Image.new(mode, (image.width + left + right, image.height + top + bottom), background)
    canvas.paste(image.convert(mode), (left, top))
    return canvas


def _rotate(image: Image.Image, angle: float, background: Color) -> Image.Image:
    if angle % 90 == 0:
        return image.rotate(-angle, expand=True) if angle else image
    mode = "RGBA" if background[3] < 255 or image.mode in ("RGBA", "LA") else "RGB"
    fill = background if mode == "RGBA" else background[:3]
    return image.convert(mode).rotate(
        -angle, Image.Resampling.BICUBIC, expand=True, fillcolor=fill
    )


def _blur(image: Image.Image, sigma: float | None) -> Image.Image:
    return image.filter(
        ImageFilter.BoxBlur(1) if sigma is None else ImageFilter.GaussianBlur(sigma)
    )


def _sharpen(image: Image.Image, sigma: float | None) -> Image.Image:
    return image.filter(ImageFilter.UnsharpMask(radius=sigma or 1.0, percent=150, threshold=2))


def _median(image: Image.Image, size: int) -> Image.Image:
    return image.filter(ImageFilter.MedianFilter(size))


def flatten(image: Image.Image, background: Color) -> Image.Image:
    """Composite an image with alpha onto ``background``; other images are returned as is."""
    if image.mode not in ("RGBA", "LA", "PA", "RGBa"):
        return image
    rgba = image.convert("RGBA")
    canvas = Image.new("RGB", image.size, background[:3])
    canvas.paste(rgba, mask=rgba.getchannel("A"))
    return canvas


def _gamma(image: Image.Image, exponent: float) -> Image.Image:
    table = [round(255 * (value / 255) ** exponent) for value in range(256)]
    return _on_color_channels(lambda colour: colour.point(table * len(colour.getbands())))(image)


def _invert(image: Image.Image) -> Image.Image:
    return image.point(lambda value: 255 - value)


def _negate(image: Image.Image, include_alpha: bool) -> Image.Image:
    return _invert(image) if include_alpha else _on_color_channels(_invert)(image)


def _normalise(image: Image.Image) -> Image.Image:
    return _on_color_channels(
        lambda colour: ImageOps.autocontrast(colour, cutoff=1, preserve_tone=True)
    )(image)


def _threshold(image: Image.Image, level: int, greyscale: bool) -> Image.Image:
    colour, alpha = _split_alpha(image)
    if greyscale:
        colour = colour.convert("L")
    return _with_alpha(colour.point(lambda v: 255 if v >= level else 0), alpha)


def _modulate(
    image: Image.Image, brightness: float, saturation: float, hue: float, lightness: float
) -> Image.Image:
    def apply(colour: Image.Image) -> Image.Image:
        colour = ImageEnhance.Brightness(colour).enhance(brightness)
        if colour.mode == "RGB":
            colour = ImageEnhance.Color(colour).enhance(saturation)
            if hue:
                hsv = colour.convert("HSV")
                h, s, v = hsv.split()
                h = h.point(lambda value: int(value + hue * 256 / 360) % 256)
                colour = Image.merge("HSV", (h, s, v)).convert("RGB")
        if lightness:
            colour = colour.point(lambda value: value + lightness)
        return colour

    return _on_color_channels(apply)(image)


def _tint(image: Image.Image, color: Color) -> Image.Image:
    # Keep each pixel's luminance, take the chroma from the tint colour (as sharp does).
    hue, _, saturation = colorsys.rgb_to_hls(*(c / 255 for c in color[:3]))
    midtone = tuple(round(c * 255) for c in colorsys.hls_to_rgb(hue, 0.5, saturation))
    return _on_color_channels(
        lambda colour: ImageOps.colorize(colour.convert("L"), (0, 0, 0), (255, 255, 255), midtone)
    )(image)


def _greyscale(image: Image.Image) -> Image.Image:
    return _on_color_channels(lambda colour: colour.convert("L"))(image)


def _remove_alpha(image: Image.Image) -> Image.Image:
    return _split_alpha(image)[0]


OPERATIONS: dict[str, Operation] = {
    "extract": Operation(_parse_extract, _extract, stage="pre"),
    "rotate": Operation(_parse_rotate, _rotate),
    "flip": Operation(
        _switch, _unless_off(lambda image: image.transpose(Image.Transpose.FLIP_TOP_BOTTOM))
    ),
    "flop": Operation(
        _switch, _unless_off(lambda image: image.transpose(Image.Transpose.FLIP_LEFT_RIGHT))
    ),
    "extend": Operation(_parse_extend, _extend),
    "blur": Operation(_parse_sigma, _blur),
    "sharpen": Operation(_parse_sigma, _sharpen),
    "median": Operation(_parse_median, _median),
    "flatten": Operation(_parse_flatten, flatten),
    # Gamma decodes before the fit and encodes after, so resampling happens in linear light.
    "gamma": Operation(_parse_gamma, lambda image, gamma, _: _gamma(image, gamma), "pre"),
    "negate": Operation(_parse_negate, _negate),
    "normalise": Operation(_no_args, _normalise),
    "normalize": Operation(_no_args, _normalise),
    "threshold": Operation(_parse_threshold, _threshold),
    "modulate": Operation(_parse_modulate, _modulate),
    "tint": Operation(_parse_tint, _tint),
    "greyscale": Operation(_switch, _unless_off(_greyscale)),
    "grayscale": Operation(_switch, _unless_off(_greyscale)),
    "removeAlpha": Operation(_no_args, _remove_alpha),
}


def gamma_encode(image: Image.Image, gamma_out: float) -> Image.Image:
    """Re-encode linear-light samples with ``1 / gamma_out`` (the second half of ``gamma``)."""
    return _gamma(image, 1 / gamma_out)
