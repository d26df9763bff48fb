"""How each output format is written: sharp's encoder options, sharp's defaults, sharp's saver.

The ``transforms`` methods ``jpeg``, ``png``, ``webp``, ``avif``, ``tiff`` and ``gif`` take
sharp's options (validated here with sharp's rules) and choose the output format, as in
sharp. :func:`saver_arguments` gives libvips' saver the arguments sharp's pipeline.cc gives
it: the same pixels then make the same bytes (measured: JPEG, PNG, WebP, TIFF and GIF
byte-identical, AVIF within 1% at the same PSNR). Options libvips has no use for in a single
still image (``loop``, ``delay``, ``force``, ...) are accepted without effect.

AVIF has a second encoder: SVT-AV1 (libavif's, from pillow-avif-plugin), many times faster
than sharp's libaom for fewer bytes at the same SSIM (README, Performance). The site's
``AVIF_SPEED`` puts a ``speed`` (not one of sharp's options) into the options of an AVIF
whose ``transforms`` asks for nothing SVT-AV1 cannot do; :func:`svt_arguments` then says
how to call it. Pure: no Django, no pixels.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Options = tuple[tuple[str, Any], ...]
Validator = Callable[[str, Any], Any]

# sharp's defaults (lib/constructor.js); PNG has none: lossless unless a quality is given.
DEFAULT_QUALITY = {"jpeg": 80, "webp": 80, "avif": 50, "tiff": 80}


def _boolean(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be true or false, not {value!r}")
    return value


def _integer(low: int, high: int) -> Validator:
    def check(name: str, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"{name} must be an integer from {low} to {high}, not {value!r}")
        return value

    return check


def _number(low: float, high: float) -> Validator:
    def check(name: str, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{name} must be a number, not {value!r}")
        if not low <= value <= high:
            raise ValueError(f"{name} must be from {low:g} to {high:g}, not {value!r}")
        return float(value)

    return check


def _choice(*choices: Any) -> Validator:
    def check(name: str, value: Any) -> Any:
        if value not in choices:
            raise ValueError(f"{name} must be one of {', '.join(map(str, choices))}")
        return value

    return check


QUALITY = _integer(1, 100)
SUBSAMPLING = _choice("4:2:0", "4:4:4")
# Every option sharp 0.35 takes, per method; British and American spellings both.
OPTIONS: dict[str, dict[str, Validator]] = {
    "jpeg": {
        "quality": QUALITY,
        "progressive": _boolean,
        "chromaSubsampling": SUBSAMPLING,
        "optimiseCoding": _boolean,
        "optimizeCoding": _boolean,
        "mozjpeg": _boolean,
        "trellisQuantisation": _boolean,
        "trellisQuantization": _boolean,
        "overshootDeringing": _boolean,
        "optimiseScans": _boolean,
        "optimizeScans": _boolean,
        "quantisationTable": _integer(0, 8),
        "quantizationTable": _integer(0, 8),
        "force": _boolean,
    },
    "png": {
        "progressive": _boolean,
        "compressionLevel": _integer(0, 9),
        "adaptiveFiltering": _boolean,
        "palette": _boolean,
        "quality": _integer(0, 100),
        "effort": _integer(1, 10),
        "colours": _integer(2, 256),
        "colors": _integer(2, 256),
        "dither": _number(0, 1),
        "force": _boolean,
    },
    "webp": {
        "quality": QUALITY,
        "alphaQuality": _integer(0, 100),
        "lossless": _boolean,
        "nearLossless": _boolean,
        "smartSubsample": _boolean,
        "smartDeblock": _boolean,
        "preset": _choice("default", "photo", "picture", "drawing", "icon", "text"),
        "effort": _integer(0, 6),
        "loop": _integer(0, 65535),
        "delay": _integer(0, 65535),
        "minSize": _boolean,
        "mixed": _boolean,
        "force": _boolean,
    },
    "avif": {
        "quality": QUALITY,
        "lossless": _boolean,
        "effort": _integer(0, 9),
        "chromaSubsampling": SUBSAMPLING,
        "bitdepth": _choice(8, 10, 12),
        "force": _boolean,
    },
    "tiff": {
        "quality": QUALITY,
        "compression": _choice("none", "jpeg", "deflate", "packbits", "lzw", "webp", "zstd"),
        "predictor": _choice("none", "horizontal", "float"),
        "pyramid": _boolean,
        "tile": _boolean,
        "tileWidth": _integer(1, 32768),
        "tileHeight": _integer(1, 32768),
        "xres": _number(0.001, 1_000_000),
        "yres": _number(0.001, 1_000_000),
        "resolutionUnit": _choice("inch", "cm"),
        "bitdepth": _choice(1, 2, 4, 8),
        "miniswhite": _boolean,
        "force": _boolean,
    },
    "gif": {
        "reuse": _boolean,
        "progressive": _boolean,
        "colours": _integer(2, 256),
        "colors": _integer(2, 256),
        "effort": _integer(1, 10),
        "dither": _number(0, 1),
        "interFrameMaxError": _number(0, 32),
        "interPaletteMaxError": _number(0, 256),
        "keepDuplicateFrames": _boolean,
        "loop": _integer(0, 65535),
        "delay": _integer(0, 65535),
        "force": _boolean,
    },
}
SPELLINGS = {
    "optimizeCoding": "optimiseCoding",
    "optimizeScans": "optimiseScans",
    "quantizationTable": "quantisationTable",
    "trellisQuantization": "trellisQuantisation",
    "colors": "colours",
}


def parse_options(method: str, args: list[Any]) -> Options:
    """A ``jpeg``/``png``/... call's options, validated, in sharp's spelling, sorted."""
    if len(args) > 1 or (args and not isinstance(args[0], dict)):
        raise ValueError("takes one options object")
    given: dict[str, Any] = args[0] if args else {}
    rules = OPTIONS[method]
    unknown = sorted(set(given) - set(rules))
    if unknown:
        raise ValueError(f"unknown option(s) {', '.join(unknown)}")
    checked = {SPELLINGS.get(k, k): rules[k](k, v) for k, v in given.items()}
    return tuple(sorted(checked.items()))


# What SVT-AV1 can honour of sharp's AVIF options: it writes 4:2:0 alone, and an effort,
# lossless or a bit depth are libaom's (through libvips, as sharp).
SVT_HONOURS = frozenset({"quality", "chromaSubsampling", "force"})
SVT_SPEED = _integer(0, 13)
# The sizes SVT-AV1 writes (it refuses the others); libaom writes any other, small ones fast.
SVT_MIN_SIDE = 4
SVT_MAX_SIZE = (16384, 8704)
# SVT-AV1's tuning for structural similarity (its default aims at PSNR, which rewards blur)
# and quantisation matrices: 5-10% fewer bytes at the same SSIM, at the same speed (measured).
SVT_TUNING = {"tune": "2", "enable-qm": "1"}


def svt_can_honour(options: Options) -> bool:
    """Whether SVT-AV1 writes what an AVIF with these (sharp's) options asks for."""
    given = dict(options)
    return set(given) <= SVT_HONOURS and given.get("chromaSubsampling", "4:2:0") == "4:2:0"


def uses_svt(options: Options, size: tuple[int, int]) -> bool:
    """Whether an AVIF of ``size`` with these options is SVT-AV1's to write."""
    width, height = size
    return (
        "speed" in dict(options)
        and min(size) >= SVT_MIN_SIDE
        and width <= SVT_MAX_SIZE[0]
        and height <= SVT_MAX_SIZE[1]
    )


def svt_arguments(
    quality: int | None, options: Options, size: tuple[int, int]
) -> dict[str, Any] | None:
    """pillow-avif-plugin's arguments for an AVIF of ``size`` that SVT-AV1 writes, or None
    for libvips' saver. One thread: with two, SVT-AV1 4.1 (libavif 1.4.2) never returned
    from some narrow images (24x200, 300x10: measured); one keeps its memory as budgeted."""
    if not uses_svt(options, size):
        return None
    given = dict(options)
    return {
        "codec": "svt",
        "speed": given["speed"],
        "quality": quality or given.get("quality") or DEFAULT_QUALITY["avif"],
        "subsampling": "4:2:0",
        "max_threads": 1,
        "advanced": SVT_TUNING,
    }


def wants_palette(output: str, quality: int | None, options: Options) -> bool:
    """sharp writes a palette PNG when asked, or when a quality or colour count is given."""
    given = dict(options)
    return output == "png" and bool(
        given.get("palette") or quality is not None or "colours" in given
    )


def saver_arguments(output: str, quality: int | None, options: Options) -> dict[str, Any]:
    """libvips saver arguments for ``output``, as sharp's pipeline.cc passes them."""
    given = dict(options)
    quality = quality or given.get("quality") or DEFAULT_QUALITY.get(output)
    colours = given.get("colours", 256)
    if output == "jpeg":
        mozjpeg = given.get("mozjpeg", False)  # sharp: mozjpeg's defaults, unless overridden
        return {
            "Q": quality,
            "interlace": given.get("progressive", mozjpeg),
            "subsample_mode": "off" if given.get("chromaSubsampling") == "4:4:4" else "on",
            "trellis_quant": given.get("trellisQuantisation", mozjpeg),
            "quant_table": given.get("quantisationTable", 3 if mozjpeg else 0),
            "overshoot_deringing": given.get("overshootDeringing", mozjpeg),
            "optimize_scans": given.get("optimiseScans", mozjpeg),
            "optimize_coding": given.get("optimiseCoding", True),
        }
    if output == "webp":
        return {
            "Q": quality,
            "lossless": given.get("lossless", False),
            "near_lossless": given.get("nearLossless", False),
            "smart_subsample": given.get("smartSubsample", False),
            "smart_deblock": given.get("smartDeblock", False),
            "preset": given.get("preset", "default"),
            "effort": given.get("effort", 4),
            "min_size": given.get("minSize", False),
            "mixed": given.get("mixed", False),
            "alpha_q": given.get("alphaQuality", 100),
        }
    if output == "avif":
        return {
            "Q": quality,
            "compression": "av1",
            "effort": given.get("effort", 4),
            "bitdepth": given.get("bitdepth", 8),
            "subsample_mode": "on" if given.get("chromaSubsampling") == "4:2:0" else "off",
            "lossless": given.get("lossless", False),
        }
    if output == "gif":
        return {
            "bitdepth": _bits_for(colours),
            "effort": given.get("effort", 7),
            "dither": given.get("dither", 1.0),
            "interframe_maxerror": given.get("interFrameMaxError", 0.0),
            "interpalette_maxerror": given.get("interPaletteMaxError", 3.0),
            "reuse": given.get("reuse", True),
            "interlace": given.get("progressive", False),
        }
    if output == "tiff":
        return {
            "Q": quality,
            "compression": given.get("compression", "jpeg"),
            "predictor": given.get("predictor", "horizontal"),
            "pyramid": given.get("pyramid", False),
            "tile": given.get("tile", False),
            "tile_width": given.get("tileWidth", 256),
            "tile_height": given.get("tileHeight", 256),
            "xres": given.get("xres", 1.0),
            "yres": given.get("yres", 1.0),
            "resunit": given.get("resolutionUnit", "inch"),
            "bitdepth": given.get("bitdepth", 8),
            "miniswhite": given.get("miniswhite", False),
        }
    palette = wants_palette(output, quality, options)
    return {  # PNG
        "palette": palette,
        "Q": quality or 100,
        "bitdepth": _bits_for(colours) if palette else 8,
        "effort": given.get("effort", 7),
        "dither": given.get("dither", 1.0),
        "compression": given.get("compressionLevel", 6),
        "interlace": given.get("progressive", False),
        "filter": "all" if given.get("adaptiveFiltering") else "none",
    }


def _bits_for(colours: int) -> int:
    """sharp's bit depth for a palette of ``colours``."""
    return next(bits for bits in (1, 2, 4, 8) if colours <= 2**bits)
