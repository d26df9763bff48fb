"""The ``transforms`` methods: sharp's argument rules and sharp's order of operations.

sharp does not run method calls in the order they are made: each call sets an option (a
second call of the same method replaces the first) and one fixed pipeline runs them all.
:func:`in_sharp_order` turns a list of calls into that pipeline's steps, split where the
resize runs; :mod:`directus_assets.effects` applies them. Each parser takes the JSON
arguments of a call and returns a hashable tuple, raising :class:`ValueError` with a reason.
Pure Python: the web process parses without loading an image library.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PIL import ImageColor

Args = tuple[Any, ...]
Step = tuple[str, Args]
Color = tuple[int, int, int, int]
BLACK: Color = (0, 0, 0, 255)


# --- argument rules (sharp's lib/*.js) --------------------------------------------------


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number(value: Any, name: str, low: float, high: float) -> float:
    if not _is_number(value) or not low <= value <= high:
        raise ValueError(f"{name} must be a number from {low:g} to {high:g}, not {value!r}")
    return float(value)


def _integer(value: Any, name: str, low: int, high: int = 100_000_000) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # JSON 2.0 is the integer 2 in JavaScript
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{name} must be an integer from {low} to {high}, not {value!r}")
    return value


def _boolean(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be true or false, not {value!r}")
    return value


def _options(args: list[Any], position: int = 0) -> dict[str, Any]:
    value = args[position] if len(args) > position else None
    return value if isinstance(value, dict) else {}


def _at_most(args: list[Any], count: int) -> None:
    if len(args) > count:
        raise ValueError(f"takes at most {count} argument(s), got {len(args)}")


def parse_color(value: Any, default: Color = BLACK) -> Color:
    """A colour as sharp takes it: a CSS string or ``{"r", "g", "b", "alpha"}``."""
    if value is None:
        return default
    if isinstance(value, str) and 3 <= len(value) <= 200:
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
    """``flip(true)``, ``greyscale(false)``: anything but a boolean means on, as in sharp."""
    _at_most(args, 1)
    return (args[0] if args and isinstance(args[0], bool) else True,)


def _parse_rotate(args: list[Any]) -> Args:
    _at_most(args, 2)
    if not args or args[0] is None:
        return ()  # sharp's rotate() auto-orients, which every render does anyway
    angle = _number(args[0], "angle", -360_000, 360_000)
    return angle % 360, parse_color(_options(args, 1).get("background"))


def _parse_extract(args: list[Any]) -> Args:
    _at_most(args, 1)
    region = _options(args)
    if not region:
        raise ValueError('needs {"left", "top", "width", "height"}')
    left, top = (_integer(region.get(k), k, 0) for k in ("left", "top"))
    width, height = (_integer(region.get(k), k, 1) for k in ("width", "height"))
    return left, top, width, height


EXTEND_WITH = ("background", "copy", "repeat", "mirror")


def _parse_extend(args: list[Any]) -> Args:
    _at_most(args, 1)
    if args and not isinstance(args[0], dict):
        edge = _integer(args[0], "extend", 1)
        return edge, edge, edge, edge, BLACK, "background"
    options = _options(args)
    edges = tuple(_integer(options.get(k, 0), k, 0) for k in ("top", "right", "bottom", "left"))
    extend_with = options.get("extendWith", "background")
    if extend_with not in EXTEND_WITH:
        raise ValueError(f"extendWith must be one of {', '.join(EXTEND_WITH)}")
    return (*edges, parse_color(options.get("background")), extend_with)


def _parse_trim(args: list[Any]) -> Args:
    _at_most(args, 1)
    if args and not isinstance(args[0], dict):
        raise ValueError(f"expected an options object, not {args[0]!r}")
    options = _options(args)
    background = options.get("background")
    return (
        None if background is None else parse_color(background),
        _number(options.get("threshold", 10), "threshold", 0, 1e9),
        _boolean(options.get("lineArt", False), "lineArt"),
        _integer(options.get("margin", 0), "margin", 0, 10_000_000),
    )


def _parse_sharpen(args: list[Any]) -> Args:
    _at_most(args, 1)
    options = _options(args)
    if not options:
        return (None,)  # sharp's fast 3x3 sharpen
    defaults = {"m1": 1.0, "m2": 2.0, "x1": 2.0, "y2": 10.0, "y3": 20.0}
    return (
        _number(options.get("sigma"), "sigma", 0.000001, 10),
        *(_number(options.get(k, v), k, 0, 1_000_000) for k, v in defaults.items()),
    )


def _parse_median(args: list[Any]) -> Args:
    _at_most(args, 1)
    return (_integer(args[0], "size", 1, 1000) if args else 3,)


PRECISIONS = ("integer", "float", "approximate")


def _parse_blur(args: list[Any]) -> Args:
    _at_most(args, 1)
    value = args[0] if args else True
    if isinstance(value, bool):
        return (None, "integer", 0.2) if value else (0.0, "integer", 0.2)
    options = value if isinstance(value, dict) else {"sigma": value}
    precision = options.get("precision", "integer")
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}")
    return (
        _number(options.get("sigma"), "sigma", 0.3, 1000),
        precision,
        _number(options.get("minAmplitude", 0.2), "minAmplitude", 0.001, 1),
    )


def _parse_flatten(args: list[Any]) -> Args:
    _at_most(args, 1)
    if args and isinstance(args[0], bool):
        return (BLACK,) if args[0] else ()
    return (parse_color(_options(args).get("background")),)


def _parse_gamma(args: list[Any]) -> Args:
    _at_most(args, 2)
    gamma = _number(args[0], "gamma", 1, 3) if args else 2.2
    gamma_out = _number(args[1], "gammaOut", 1, 3) if len(args) > 1 else gamma
    return gamma, gamma_out


def _parse_negate(args: list[Any]) -> Args:
    _at_most(args, 1)
    if args and isinstance(args[0], bool):
        return (True,) if args[0] else ()
    options = _options(args)
    return (_boolean(options.get("alpha", True), "alpha"),)


def _parse_normalise(args: list[Any]) -> Args:
    _at_most(args, 1)
    options = _options(args)
    lower = _number(options.get("lower", 1), "lower", 0, 99)
    upper = _number(options.get("upper", 99), "upper", 1, 100)
    if lower >= upper:
        raise ValueError(f"lower must be less than upper, not {lower:g} >= {upper:g}")
    return lower, upper


def _parse_clahe(args: list[Any]) -> Args:
    _at_most(args, 1)
    options = _options(args)
    if not options:
        raise ValueError('needs {"width", "height"}')
    return (
        _integer(options.get("width"), "width", 1, 65536),
        _integer(options.get("height"), "height", 1, 65536),
        _integer(options.get("maxSlope", 3), "maxSlope", 0, 100),
    )


MAX_KERNEL_SIDE = 101  # sharp allows 1001; a 1001x1001 kernel is a million operations a pixel


def _parse_convolve(args: list[Any]) -> Args:
    _at_most(args, 1)
    options = _options(args)
    width = _integer(options.get("width"), "width", 3, MAX_KERNEL_SIDE)
    height = _integer(options.get("height"), "height", 3, MAX_KERNEL_SIDE)
    kernel = options.get("kernel")
    if not isinstance(kernel, list) or len(kernel) != width * height:
        raise ValueError(f"kernel must be a list of width x height = {width * height} numbers")
    values = tuple(_number(v, "kernel value", -1e9, 1e9) for v in kernel)
    scale = options.get("scale")
    if not isinstance(scale, int) or isinstance(scale, bool):
        scale = sum(values)  # sharp: the sum of the kernel unless an integer is given
    offset = options.get("offset")
    if not isinstance(offset, int) or isinstance(offset, bool):
        offset = 0
    return width, height, values, max(float(scale), 1.0), float(offset)


def _parse_threshold(args: list[Any]) -> Args:
    _at_most(args, 2)
    value = args[0] if args else 128
    if isinstance(value, bool):
        value = 128 if value else 0
    level = _integer(value, "threshold", 0, 255)
    options = args[1] if len(args) > 1 else None
    greyscale = not isinstance(options, dict) or True in (
        options.get("greyscale"),
        options.get("grayscale"),
    )
    return (level, greyscale) if level else ()


def _numbers(value: Any, name: str) -> tuple[float, ...]:
    values = value if isinstance(value, list) else [value]
    if not 1 <= len(values) <= 4:
        raise ValueError(f"{name} must be a number or a list of 1 to 4 numbers")
    return tuple(_number(v, name, -1e9, 1e9) for v in values)


def _parse_linear(args: list[Any]) -> Args:
    _at_most(args, 2)
    a = args[0] if args else None
    b = args[1] if len(args) > 1 else None
    if a is None and b is None:
        return ()
    a_values = _numbers(1.0 if a is None else a, "a")
    b_values = _numbers(0.0 if b is None else b, "b")
    if len(a_values) != len(b_values):
        raise ValueError("a and b must have the same length")
    return a_values, b_values


def _parse_recomb(args: list[Any]) -> Args:
    _at_most(args, 1)
    matrix = args[0] if args else None
    if (
        not isinstance(matrix, list)
        or len(matrix) not in (3, 4)
        or not all(isinstance(row, list) and len(row) == len(matrix) for row in matrix)
    ):
        raise ValueError("needs a 3x3 or 4x4 matrix")
    return (tuple(tuple(_number(v, "matrix value", -1e9, 1e9) for v in row) for row in matrix),)


def _parse_modulate(args: list[Any]) -> Args:
    _at_most(args, 1)
    options = _options(args)
    hue = options.get("hue", 0)
    if isinstance(hue, bool) or not isinstance(hue, int):
        raise ValueError(f"hue must be an integer, not {hue!r}")
    return (
        _number(options.get("brightness", 1), "brightness", 0, 1e9),
        _number(options.get("saturation", 1), "saturation", 0, 1e9),
        # JavaScript's %: the sign of the dividend.
        -(-hue % 360) if hue < 0 else hue % 360,
        _number(options.get("lightness", 0), "lightness", -1e9, 1e9),
    )


def _parse_tint(args: list[Any]) -> Args:
    _at_most(args, 1)
    if not args:
        raise ValueError("needs a colour")
    return (parse_color(args[0]),)


# Output colour spaces we can write; sharp names them as libvips does.
COLOURSPACES = {"srgb": "srgb", "rgb": "srgb", "b-w": "b-w", "rgb16": "srgb", "grey16": "b-w"}


def _parse_colourspace(args: list[Any]) -> Args:
    _at_most(args, 1)
    name = args[0] if args else None
    if not isinstance(name, str) or name.lower() not in COLOURSPACES:
        raise ValueError(f"colourspace must be one of {', '.join(COLOURSPACES)}, not {name!r}")
    return (COLOURSPACES[name.lower()],)


def _parse_ensure_alpha(args: list[Any]) -> Args:
    _at_most(args, 1)
    return (_number(args[0], "alpha", 0, 1) if args else 1.0,)


CHANNELS = {"red": 0, "green": 1, "blue": 2, "alpha": 3}


def _parse_extract_channel(args: list[Any]) -> Args:
    _at_most(args, 1)
    channel = args[0] if args else None
    if isinstance(channel, str):
        channel = CHANNELS.get(channel, channel)
    return (_integer(channel, "channel", 0, 3),)


def _parse_bandbool(args: list[Any]) -> Args:
    _at_most(args, 1)
    if not args or args[0] not in ("and", "or", "eor"):
        raise ValueError("needs one of: and, or, eor")
    return (args[0],)


# Each method's argument parser; what each does is in README's table of methods.
METHODS: dict[str, Callable[[list[Any]], Args]] = {
    "rotate": _parse_rotate,
    "flip": _switch,
    "flop": _switch,
    "trim": _parse_trim,
    "extract": _parse_extract,
    "flatten": _parse_flatten,
    "gamma": _parse_gamma,
    "greyscale": _switch,
    "extend": _parse_extend,
    "median": _parse_median,
    "threshold": _parse_threshold,
    "blur": _parse_blur,
    "convolve": _parse_convolve,
    "recomb": _parse_recomb,
    "modulate": _parse_modulate,
    "sharpen": _parse_sharpen,
    "linear": _parse_linear,
    "normalise": _parse_normalise,
    "clahe": _parse_clahe,
    "bandbool": _parse_bandbool,
    "tint": _parse_tint,
    "removeAlpha": _no_args,
    "ensureAlpha": _parse_ensure_alpha,
    "toColourspace": _parse_colourspace,
    "extractChannel": _parse_extract_channel,
    "negate": _parse_negate,
}
ALIASES = {
    "grayscale": "greyscale",
    "normalize": "normalise",
    "toColorspace": "toColourspace",
}

# sharp's pipeline (src/pipeline.cc), in the order it runs. The geometric steps run before the
# resize when sharp's ``rotateBefore`` holds; ``fit`` is where the resize runs.
ROTATE_BEFORE = ("flip", "flop", "rotate")
PIPELINE = (
    *ROTATE_BEFORE,
    "trim",
    "extract",
    "flatten",
    "gamma",
    "greyscale",
    # Without rotateBefore sharp turns the image by its EXIF orientation after the resize,
    # then mirrors it, then crops or embeds: these two run inside the fit (MIRRORS).
    "fit",
    "post-flip",
    "post-flop",
    "post-rotate",
    "post-extract",
    "extend",
    "median",
    "threshold",
    "blur",
    "convolve",
    "recomb",
    "modulate",
    "sharpen",
    "gammaOut",
    "linear",
    "normalise",
    "clahe",
    "bandbool",
    "tint",
    "removeAlpha",
    "ensureAlpha",
    "toColourspace",
    "extractChannel",
    "negate",
)


def parse(method: str, args: list[Any]) -> Step:
    """A call, validated and normalised (an alias becomes its method's name)."""
    name = ALIASES.get(method, method)
    if name not in METHODS:
        raise KeyError(method)
    return name, METHODS[name](args)


def known_methods() -> list[str]:
    """Every method name ``transforms`` accepts (aliases included)."""
    return sorted([*METHODS, *ALIASES])


def in_sharp_order(calls: Iterable[Step], resize_expected: bool) -> tuple[Step, ...]:
    """The steps sharp runs for ``calls``, in the order it runs them.

    A later call of a method replaces an earlier one; what a call turns off (``flip(false)``)
    is dropped; steps come in sharp's pipeline order, not the order of the calls.
    """
    options: dict[str, Args] = {}
    rotate_before = False
    for name, args in calls:
        rotation_expected = _is_on("rotate", options.get("rotate"))
        if name == "extract" and "extract" in options:
            name = "post-extract"  # sharp: a second extract runs after the resize
        if name in ("trim", "extract") and rotation_expected:
            rotate_before = True  # sharp rotates first when trim or extract follows rotate
        options[name] = args
    if resize_expected and _is_on("rotate", options.get("rotate")):
        rotate_before = True
    if "gamma" in options:
        options["gammaOut"] = options["gamma"][1:]
        options["gamma"] = options["gamma"][:1]
    if not rotate_before:
        options = {(f"post-{k}" if k in ROTATE_BEFORE else k): v for k, v in options.items()}
    return tuple((name, options[name]) for name in PIPELINE if _is_on(name, options.get(name)))


MIRRORS = ("post-flip", "post-flop")
# Steps before which sharp turns the image upright (its rotateBefore and orientBefore).
UPRIGHT_FIRST = ("flip", "flop", "rotate", "extract")


def orients_first(steps: Iterable[Step]) -> bool:
    """Whether sharp applies the EXIF orientation before the steps that precede its resize
    (else after the resize, before the crop: a ``trim`` sees the stored image)."""
    return any(name in UPRIGHT_FIRST for name, _ in steps)


def runs_before_fit(name: str) -> bool:
    """Whether sharp runs the pipeline step ``name`` before its resize."""
    return PIPELINE.index(name) < PIPELINE.index("fit")


def _is_on(name: str, args: Args | None) -> bool:
    if args is None:
        return False
    if name.endswith(("flip", "flop", "greyscale")):
        return bool(args[0])
    if name.endswith("rotate"):
        return bool(args) and args[0] != 0
    if name == "blur":
        return args[0] is None or args[0] > 0
    return name in ("removeAlpha",) or bool(args)
