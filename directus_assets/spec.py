"""Query parameters or a preset -> one frozen, hashable :class:`TransformSpec`.

This is the only module that reads the transformation parameters of a request; everything
after it works on the spec. Validation follows Directus 12 (messages name the parameter,
what it accepts and what it got) and answers Directus's error codes.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from typing import Any

from django.http import QueryDict

from . import encoding, operations
from .conf import app_settings
from .errors import AssetError, InvalidQuery

FITS = ("cover", "contain", "inside", "outside", "fill")
FORMATS = ("jpg", "jpeg", "png", "webp", "avif", "tiff", "gif", "auto")
# sharp's other names for formats; any letter case is accepted, as sharp does.
FORMAT_ALIASES = {"jpg": "jpeg", "jpe": "jpeg", "tif": "tiff"}
TRANSFORMABLE_TYPES = {
    "image/jpeg": "jpeg",
    "image/png": "png",
    "image/webp": "webp",
    "image/avif": "avif",
    "image/tiff": "tiff",
    "image/heic": "heif",  # read with pillow-heif; phones' photos
    "image/heif": "heif",
    "image/gif": "gif",  # animated ones stay animated in GIF and WebP
}
# Formats read but not written: a browser cannot show HEIC, so its thumbnails are JPEG
# unless the request names a format.
_WRITTEN_AS = {"heif": "jpeg"}


def pillow_format(source_type: str) -> str:
    """The name Pillow reports for a transformable source type (ours, upper-cased)."""
    return TRANSFORMABLE_TYPES[source_type].upper()


# GIF can be written (sharp writes it) though not yet transformed from.
OUTPUT_TYPES = {
    name: mime for mime, name in TRANSFORMABLE_TYPES.items() if name not in _WRITTEN_AS
} | {"gif": "image/gif"}


def default_output(source_type: str) -> str:
    """The format a thumbnail of a ``source_type`` file is written in when none is named."""
    name = TRANSFORMABLE_TYPES[source_type]
    return _WRITTEN_AS.get(name, name)


DEFAULT_QUALITY = encoding.DEFAULT_QUALITY
TRANSFORM_PARAMETERS = (
    "key",
    "fit",
    "width",
    "height",
    "quality",
    "withoutEnlargement",
    "format",
    "transforms",
    "focal_point_x",
    "focal_point_y",
)
SYSTEM_PRESETS: dict[str, dict[str, Any]] = {
    "system-small-cover": {"fit": "cover", "width": 64, "height": 64, "format": "auto"},
    "system-small-contain": {"fit": "contain", "width": 64, "format": "auto"},
    "system-medium-cover": {"fit": "cover", "width": 300, "height": 300, "format": "auto"},
    "system-medium-contain": {"fit": "contain", "width": 300, "format": "auto"},
    "system-large-cover": {"fit": "cover", "width": 800, "height": 800, "format": "auto"},
    "system-large-contain": {"fit": "contain", "width": 800, "format": "auto"},
}
TRANSFORMS_SHAPE = '"transforms" Parameter needs to be a JSON array of allowed transformations'

Step = tuple[str, tuple[Any, ...]]


class IllegalTransformation(AssetError):
    """A transformation that is well-formed but not allowed (too large, failing)."""

    code = "ILLEGAL_ASSET_TRANSFORMATION"


@dataclass(frozen=True)
class TransformSpec:
    """One transformation, validated and normalised: equal outputs have equal specs."""

    fit: str = "cover"
    width: int | None = None
    height: int | None = None
    quality: int | None = None
    without_enlargement: bool = False
    format: str | None = None  # a key of OUTPUT_TYPES, or "auto" until resolved
    transforms: tuple[Step, ...] = ()
    focal_point: tuple[int, int] | None = None
    # The options of the ``jpeg``, ``png``, ... transforms methods, by format.
    encoder_options: tuple[tuple[str, encoding.Options], ...] = ()

    def options_for(self, output: str) -> encoding.Options:
        """The encoder options given for ``output``."""
        return dict(self.encoder_options).get(output, ())

    @property
    def changes_image(self) -> bool:
        """Whether this asks for anything but the original."""
        return bool(self.width or self.height or self.quality or self.format or self.transforms)

    @property
    def transforms_before_fit(self) -> tuple[Step, ...]:
        """The ``transforms`` steps sharp runs before the resize."""
        return tuple(step for step in self.transforms if operations.runs_before_fit(step[0]))

    @property
    def transforms_after_fit(self) -> tuple[Step, ...]:
        """The ``transforms`` steps sharp runs after the resize."""
        return tuple(step for step in self.transforms if not operations.runs_before_fit(step[0]))

    @property
    def content_type(self) -> str:
        """The MIME type of the output (of a resolved spec)."""
        return OUTPUT_TYPES[self.format or "jpeg"]

    @property
    def extension(self) -> str:
        """The file extension of the output (of a resolved spec)."""
        return {"jpeg": "jpg"}.get(self.format or "", self.format or "")

    def resolved(
        self, source_type: str, accept: str, file_focal_point: tuple[int, int] | None
    ) -> TransformSpec:
        """The spec with every default filled in, so equal outputs have equal specs.

        ``format=auto`` becomes AVIF or WebP when ``accept`` allows them, else JPEG for a
        JPEG or HEIC and PNG for anything else; a GIF becomes WebP or stays a GIF, so an
        animation stays one. Quality gets the format's default; a focal point only matters
        for a cover crop with both sides given.
        """
        output = self.format or default_output(source_type)
        if output == "auto":
            # A client that names neither AVIF nor WebP may not decode them (or TIFF): as
            # Directus, JPEG and PNG stay, everything else becomes PNG (HEIC: JPEG).
            source = default_output(source_type)
            candidates = _AUTO_CANDIDATES.get(source, ("avif", "webp"))
            kept = source if source in _KEPT_BY_AUTO else "png"
            output = _negotiated_format(accept, candidates) or kept
        crops = self.fit == "cover" and bool(self.width and self.height)
        sized = bool(self.width or self.height)
        return replace(
            self,
            format=output,
            quality=self.quality or DEFAULT_QUALITY.get(output),
            fit=self.fit if sized else "cover",
            without_enlargement=self.without_enlargement and sized,
            focal_point=(self.focal_point or file_focal_point) if crops else None,
            encoder_options=_with_default_encoder_options(self.encoder_options, output),
        )

    def cache_key(self) -> str:
        """A digest of every field: the spec's part of a rendition's key."""
        return _digest(self)


@lru_cache(maxsize=4096)
def _digest(spec: TransformSpec) -> str:
    # Every cache hit needs it, and a site asks for the same few specs over and over.
    canonical = json.dumps(asdict(spec), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _with_default_encoder_options(
    given: tuple[tuple[str, encoding.Options], ...], output: str
) -> tuple[tuple[str, encoding.Options], ...]:
    """The encoder options with the site's defaults for what ``transforms`` left out:
    WEBP_EFFORT for WebP; AVIF_SPEED (SVT-AV1) for an AVIF it can write. Part of the spec,
    so a changed setting makes new thumbnails."""
    options = dict(given)
    chosen = dict(options.get(output, ()))
    speed = app_settings.AVIF_SPEED
    if output == "webp" and "effort" not in chosen:
        chosen["effort"] = app_settings.WEBP_EFFORT
    elif output == "avif" and speed is not None and encoding.svt_can_honour(tuple(chosen.items())):
        chosen["speed"] = speed
    if not chosen:
        return given
    options[output] = tuple(sorted(chosen.items()))
    return tuple(sorted(options.items()))


# What format=auto may give for a source written as each format, best first (AVIF and the
# still formats would take an animation's first frame), and the formats it keeps.
_AUTO_CANDIDATES = {"gif": ("webp",)}
_KEPT_BY_AUTO = ("jpeg", "png", "gif")


def _negotiated_format(accept: str, candidates: tuple[str, ...]) -> str | None:
    accepted = {part.split(";")[0].strip() for part in accept.lower().split(",")}
    for candidate in candidates:
        if f"image/{candidate}" in accepted:
            return candidate
    return None


@dataclass(frozen=True)
class AssetQuery:
    """Everything a request's query string says: the transformation, download, the preset."""

    spec: TransformSpec
    download: bool = False
    preset_key: str = ""
    preset_fingerprint: str = ""


PresetLookup = Callable[[str], Mapping[str, Any] | None]


def parse_asset_query(query: QueryDict, find_preset: PresetLookup) -> AssetQuery:
    """Parse a request's query; ``find_preset`` gives a configured key's values."""
    given = _single_values(query)
    key = given.pop("key", None)
    _check_mode(app_settings.TRANSFORM_MODE, key, given)
    values: dict[str, Any] = {}
    preset: Mapping[str, Any] | None = None
    if key is not None:
        # A key no preset can have is not looked up (PostgreSQL refuses NUL in text).
        preset = SYSTEM_PRESETS.get(key) or (find_preset(key) if "\x00" not in key else None)
        if preset is None:
            raise InvalidQuery(f'Key "{key}" isn\'t configured.')
        values.update(preset)
    values.update(_parse_values(given))
    return AssetQuery(
        spec=build_spec(values),
        download=wants_download(query),
        preset_key=key or "",
        preset_fingerprint=preset_fingerprint(preset) if preset is not None else "",
    )


def parse_query(query: QueryDict, find_preset: PresetLookup) -> TransformSpec:
    """Just the transformation a request asks for."""
    return parse_asset_query(query, find_preset).spec


def preset_fingerprint(values: Mapping[str, Any]) -> str:
    """Changes whenever a preset's values change, so its old renditions can be found."""
    canonical = json.dumps(dict(values), sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def wants_download(query: QueryDict) -> bool:
    """``?download`` with any value, even empty, asks for an attachment (as Directus)."""
    return "download" in query


def _single_values(query: QueryDict) -> dict[str, str]:
    values = {}
    for name in TRANSFORM_PARAMETERS:
        given = query.getlist(name)
        if len(given) > 1:
            raise InvalidQuery(f'Parameter "{name}" was given {len(given)} times; give it once.')
        if given and (given[0] != "" or name == "withoutEnlargement"):
            values[name] = given[0]
    return values


def _check_mode(mode: str, key: str | None, adhoc: dict[str, str]) -> None:
    if mode == "presets" and (key is None or adhoc) and (key or adhoc):
        raise InvalidQuery("Only configured presets can be used in asset generation")
    if mode == "none" and (key or adhoc) and (key not in SYSTEM_PRESETS or adhoc):
        raise InvalidQuery("Dynamic asset generation has been disabled for this project")


def _parse_values(given: dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, raw in given.items():
        values[FIELD_NAMES.get(name, name)] = _PARSERS[name](name, raw)
    return values


def build_spec(values: Mapping[str, Any]) -> TransformSpec:
    """A validated spec from parsed values (query parameters or a preset's fields)."""
    values = _validated_fields(values)
    transforms = values.get("transforms") or ()
    if not isinstance(transforms, tuple):
        transforms = parse_transforms(transforms)
    values = {**values, **_lift_resize_and_format(values, transforms)}
    limit = app_settings.MAX_DIMENSION
    for side in ("width", "height"):
        if (values.get(side) or 0) > limit:
            raise IllegalTransformation(
                f"Expected {side} of at most {limit} pixels but received {values[side]}."
            )
    focal = (values.pop("focal_point_x", None), values.pop("focal_point_y", None))
    fmt = values.get("format") or None
    return TransformSpec(
        fit=values.get("fit") or "cover",
        width=values.get("width") or None,
        height=values.get("height") or None,
        quality=values.get("quality") or None,
        without_enlargement=bool(values.get("without_enlargement")),
        format=fmt,
        transforms=operations.in_sharp_order(
            values["transforms"], resize_expected=bool(values.get("width") or values.get("height"))
        ),
        focal_point=focal if None not in focal else None,
        encoder_options=values["encoder_options"],
    )


def _validated_fields(values: Mapping[str, Any]) -> dict[str, Any]:
    # Query values were parsed already; a preset's come from the database and are checked
    # by the same rules, so a preset can never smuggle in what a query could not.
    checked = dict(values)
    for name, parse in (
        ("width", _parse_positive),
        ("height", _parse_positive),
        ("quality", _parse_quality),
        ("fit", _PARSERS["fit"]),
    ):
        if checked.get(name) not in (None, ""):
            checked[name] = parse(name, checked[name])
    if checked.get("format"):
        checked["format"] = _parse_format("format", checked["format"])
    return checked


def _lift_resize_and_format(values: Mapping[str, Any], steps: tuple[Any, ...]) -> dict[str, Any]:
    """``resize`` and ``toFormat`` in transforms set the spec's own fields.

    Directus calls the user's transforms first and its own resize/toFormat after, and in
    sharp the later call wins: so explicit parameters override these.
    """
    lifted: dict[str, Any] = {}
    encoder_options: dict[str, encoding.Options] = {}
    for name, args in steps:
        if name in ("resize", "toFormat"):
            lifted.update(args)
        elif name in encoding.OPTIONS:  # sharp's jpeg(), png(), ...: the format and options
            lifted["format"] = name
            lifted.update({k: v for k, v in args if k == "quality"})
            encoder_options[name] = args
    explicit = {k: v for k, v in values.items() if v not in (None, "") and k != "transforms"}
    lifted_names = ("resize", "toFormat", *encoding.OPTIONS)
    kept = tuple(step for step in steps if step[0] not in lifted_names)
    return {
        **lifted,
        **explicit,
        "transforms": kept,
        "encoder_options": tuple(sorted(encoder_options.items())),
    }


def parse_transforms(value: Any) -> tuple[Step, ...]:
    """A validated, hashable tuple of ``(method, args)`` from JSON text or a list."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):  # RecursionError: "[[[[..." nested too deep
            raise InvalidQuery(TRANSFORMS_SHAPE) from None
    if not isinstance(value, list) or not all(
        isinstance(step, list) and step and isinstance(step[0], str) for step in value
    ):
        raise InvalidQuery(TRANSFORMS_SHAPE)
    limit = app_settings.MAX_OPERATIONS
    if len(value) > limit:
        raise InvalidQuery(f'"transforms" Parameter is only allowed {limit} transformations.')
    return tuple(_parse_step(method, args) for method, *args in value)


def _parse_step(method: str, args: list[Any]) -> Step:
    try:
        if method == "resize":
            return method, _parse_resize_step(args)
        if method == "toFormat":
            return method, _parse_format_step(args)
        if method in encoding.OPTIONS:
            return method, encoding.parse_options(method, args)
        if method not in operations.known_methods():
            known = ", ".join(
                sorted([*operations.known_methods(), *encoding.OPTIONS, "resize", "toFormat"])
            )
            raise InvalidQuery(f'Transformation "{method}" is not allowed. Allowed: {known}.')
        return operations.parse(method, args)
    except (ValueError, TypeError, AttributeError) as problem:
        raise InvalidQuery(
            f'Invalid arguments for transformation "{method}": {problem}.'
        ) from None


def _parse_resize_step(args: list[Any]) -> tuple[tuple[str, Any], ...]:
    options = dict(args[-1]) if args and isinstance(args[-1], dict) else {}
    positional = [a for a in args if not isinstance(a, dict)]
    for name, value in zip(("width", "height"), positional, strict=False):
        options.setdefault(name, value)
    parsed = {
        "width": options.get("width") and _parse_positive("width", options["width"]),
        "height": options.get("height") and _parse_positive("height", options["height"]),
        "fit": _parse_choice("fit", options.get("fit", "cover"), FITS),
        "without_enlargement": bool(options.get("withoutEnlargement", False)),
    }
    return tuple(sorted(parsed.items()))


def _parse_format_step(args: list[Any]) -> tuple[tuple[str, Any], ...]:
    if not args:
        raise ValueError("needs a format")
    parsed: dict[str, Any] = {"format": _parse_format("format", args[0])}
    quality = args[1].get("quality") if len(args) > 1 and isinstance(args[1], dict) else None
    if quality is not None:
        parsed["quality"] = _parse_quality("quality", quality)
    return tuple(sorted(parsed.items()))


def _received(raw: Any) -> str:
    return json.dumps(raw) if isinstance(raw, str) else str(raw)


def _parse_positive(name: str, raw: Any) -> int:
    value = _as_int(raw)
    if value is None or value < 1:
        raise InvalidQuery(f"Expected positive integer for {name} but received {_received(raw)}")
    return value


def _parse_coordinate(name: str, raw: Any) -> int:
    # Outside the image is clamped to its edge by the crop, as Directus does.
    value = _as_int(raw)
    if value is None:
        raise InvalidQuery(f"Expected integer for {name} but received {_received(raw)}")
    return value


def _parse_quality(name: str, raw: Any) -> int:
    value = _as_int(raw)
    if value is None or not 1 <= value <= 100:
        raise InvalidQuery(
            f"Expected integer between 1 and 100 for {name} but received {_received(raw)}"
        )
    return value


def _parse_choice(name: str, raw: Any, choices: tuple[str, ...]) -> str:
    if raw not in choices:
        raise InvalidQuery(
            f"Expected one of {', '.join(choices)} for {name} but received {_received(raw)}"
        )
    return str(raw)


def _parse_format(name: str, raw: Any) -> str:
    given = raw.lower() if isinstance(raw, str) else raw
    if given not in FORMATS and given not in FORMAT_ALIASES:
        raise InvalidQuery(
            f"Expected one of {', '.join(FORMATS)} for {name} but received {_received(raw)}"
        )
    return str(FORMAT_ALIASES.get(given, given))


def _parse_flag(name: str, raw: str) -> bool:
    if raw in ("", "true", "1"):
        return True
    if raw in ("false", "0"):
        return False
    raise InvalidQuery(f"Expected true, false, 1 or 0 for {name} but received {_received(raw)}")


def _as_int(raw: Any) -> int | None:
    """An integer as JavaScript's ``Number()`` reads it (Directus does): ``100``, ``+100``,
    ``100.0``, ``1e2``, `` 100 `` and ``0x64`` are 100; a fraction is not an integer."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        return int(raw) if raw.is_integer() else None
    if not isinstance(raw, str):
        return None
    if raw.isascii() and raw.isdigit() and len(raw) <= 9:
        return int(raw)  # the common case, on every cached hit: no regular expressions
    text = raw.strip(_JS_WHITESPACE)
    if _JS_RADIX_NUMBER.fullmatch(text):
        return int(text, 0)
    if not _JS_DECIMAL_NUMBER.fullmatch(text) or len(text) > 40:
        return None
    number = float(text)
    return int(number) if number.is_integer() else None


# What Number() takes: decimal literals (sign, fraction, exponent) and 0x/0o/0b integers.
_JS_DECIMAL_NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?", re.ASCII)
_JS_RADIX_NUMBER = re.compile(r"0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+")
_JS_WHITESPACE = " \t\n\r\v\f\u00a0\ufeff"


_PARSERS: dict[str, Any] = {
    "fit": lambda name, raw: _parse_choice(name, raw, FITS),
    "width": _parse_positive,
    "height": _parse_positive,
    "quality": _parse_quality,
    "withoutEnlargement": _parse_flag,
    "format": lambda name, raw: _parse_format(name, raw),
    "transforms": lambda name, raw: parse_transforms(raw),
    "focal_point_x": _parse_coordinate,
    "focal_point_y": _parse_coordinate,
}
# Query parameters whose spec field is spelled differently.
FIELD_NAMES = {"withoutEnlargement": "without_enlargement"}
