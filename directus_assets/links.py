"""Asset URLs, sizes, ``srcset`` candidates and ``<img>``/``<picture>`` markup.

The template tags (``{% load directus_assets %}``) are thin wrappers around these, so views,
serializers and Jinja2 templates use the same functions. Parameters are Directus's
(``key``, ``width``, ``height``, ``fit``, ``quality``, ``format``, ``withoutEnlargement``,
``transforms``, ``focal_point_x``/``_y``, ``download``); ``without_enlargement`` works too.
They are validated as the endpoint would, so a typo fails where the URL is built.
Every URL carries the file's content version (``v``, see :mod:`directus_assets.versions`).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import SafeString

from . import placeholders
from .budget import planned_size
from .errors import AssetError
from .geometry import Size
from .models import File, ThumbnailPreset
from .spec import (
    FIELD_NAMES,
    OUTPUT_TYPES,
    TRANSFORM_PARAMETERS,
    TRANSFORMABLE_TYPES,
    AssetQuery,
    parse_asset_query,
    pillow_format,
)
from .versions import PARAMETER as VERSION_PARAMETER
from .versions import content_version

FileLike = File | uuid.UUID | str
_PYTHON_NAMES = {field: name for name, field in FIELD_NAMES.items()}
# Keywords of asset_img/asset_picture that are not transformation parameters.
_MARKUP_OPTIONS = ("alt", "srcset", "sizes", "loading", "formats", "placeholder")
PLACEHOLDERS = ("blur", "color")
# Once the image has loaded it comes into focus over its placeholder (a blur is all one
# element can do: opacity would fade the placeholder with it), which then goes, so none shows
# through transparency; at once for visitors who ask for reduced motion or without the Web
# Animations API. A Content-Security-Policy allows it with 'unsafe-hashes' and its hash
# (README, Security).
PLACEHOLDER_HANDLER = (
    "var s=this.style,f=function(){s.removeProperty('background')};"
    "if(this.animate&&!matchMedia('(prefers-reduced-motion: reduce)').matches)"
    "this.animate({filter:['blur(12px)','blur(0)']},400).onfinish=f;else f()"
)
_QUERY_NAMES = {*TRANSFORM_PARAMETERS, "download"}


class _Presets:
    """Preset values read once per tag, however many candidates and formats it makes."""

    def __init__(self) -> None:
        self._found: dict[str, Mapping[str, Any] | None] = {}

    def __call__(self, key: str) -> Mapping[str, Any] | None:
        if key not in self._found:
            self._found[key] = ThumbnailPreset.objects.values_for_key(key)
        return self._found[key]


@dataclass(frozen=True)
class Asset:
    """One file with one set of parameters, validated: what a URL or a tag is made from."""

    file: File
    params: Mapping[str, str]
    parsed: AssetQuery
    presets: _Presets = field(default_factory=_Presets, compare=False, repr=False)

    @property
    def url(self) -> str:
        version = content_version(self.file, self.parsed.preset_fingerprint)
        return asset_path(self.file.pk, {**self.params, VERSION_PARAMETER: version})

    @property
    def size(self) -> Size | None:
        """The width and height of what the URL serves, computed without rendering."""
        file = self.file
        if not file.is_image or file.width is None or file.height is None:
            return None
        source = (file.width, file.height)
        spec = self.parsed.spec
        if not spec.changes_image or file.type not in TRANSFORMABLE_TYPES:
            return source
        resolved = spec.resolved(file.type, "", file.focal_point)
        return planned_size(resolved, source, pillow_format(file.type))

    def with_params(self, **changes: Any) -> Asset:
        """The same file with some parameters changed (``None`` removes one)."""
        return _validated(self.file, {**self.params, **changes}, self.presets)


def asset_path(file_id: Any, query: Mapping[str, str] | None = None) -> str:
    """``/assets/<id>``, with ``query`` encoded: the one place the app spells its URLs."""
    path = reverse("directus_assets:asset", args=[file_id])
    return f"{path}?{urlencode(query)}" if query else path


def asset(file: FileLike, **params: Any) -> Asset:
    """Validate ``params`` for ``file`` (a File or its id); raises ``ValueError`` if bad."""
    target = file if isinstance(file, File) else File.objects.get(pk=file)
    return _validated(target, params, _Presets())


def _validated(file: File, params: Mapping[str, Any], presets: _Presets) -> Asset:
    query = _query_params(params)
    given = QueryDict(mutable=True)
    given.update(query)
    try:
        parsed = parse_asset_query(given, presets)
    except AssetError as error:
        raise ValueError(error.message) from None
    return Asset(file, query, parsed, presets)


def asset_url(file: FileLike, **params: Any) -> str:
    """``/assets/<id>?<params>&v=<version>``: ``asset_url(photo, key="card")``."""
    return asset(file, **params).url


def asset_size(file: FileLike, **params: Any) -> Size | None:
    """The (width, height) ``asset_url(file, **params)`` serves; ``None`` if unknown."""
    return asset(file, **params).size


def asset_srcset(
    file: FileLike,
    *,
    widths: Iterable[int] | str | None = None,
    densities: Iterable[float] | str = (1, 2),
    **params: Any,
) -> str:
    """A ``srcset``: ``widths`` gives ``320w``-style candidates, else ``1x``/``2x`` ones.

    Width candidates keep the box's aspect ratio; each candidate is described by the width
    it really has, and candidates that would only repeat a smaller one (a source too small
    for them, with ``withoutEnlargement``) are left out.
    """
    base = asset(file, **params)
    if widths is not None:
        return _width_candidates(base, _numbers(widths))
    return _density_candidates(base, _numbers(densities))


def asset_img(file: FileLike, **options: Any) -> SafeString:
    """An ``<img>`` with ``src``, ``width``/``height`` (no layout shift) and lazy loading.

    Transformation parameters as for :func:`asset_url`; ``alt``; ``srcset`` as
    ``"1x,2x"`` or ``"320,640,960"`` (then give ``sizes``); ``loading`` (``"lazy"``);
    ``placeholder``: ``"blur"`` (the file's BlurHash) or ``"color"`` (its dominant colour)
    painted behind the image until it loads; any other keyword becomes an attribute
    (``class``, ``id``, ``style``, ...).
    """
    params, markup, attributes = _split_options(options)
    return _img(asset(file, **params), markup, attributes)


def asset_picture(file: FileLike, **options: Any) -> SafeString:
    """A ``<picture>`` with a ``<source>`` per format in ``formats`` (``"avif,webp"``), best
    first, around the :func:`asset_img` fallback in the format the parameters give."""
    params, markup, attributes = _split_options(options)
    fallback = asset(file, **params)
    sources = []
    for output in _names(markup.get("formats") or "avif,webp"):
        candidate = fallback.with_params(format=_output_format(output))
        srcset = _srcset_for(candidate, markup.get("srcset")) or candidate.url
        sources.append((candidate.parsed.spec.content_type, srcset, markup.get("sizes")))
    source_tags = format_html_join(
        "",
        '<source type="{}" srcset="{}"{}>',
        ((kind, srcset, _attribute("sizes", sizes)) for kind, srcset, sizes in sources),
    )
    return format_html("<picture>{}{}</picture>", source_tags, _img(fallback, markup, attributes))


def _img(base: Asset, markup: Mapping[str, Any], attributes: Mapping[str, Any]) -> SafeString:
    size = base.size
    attributes = _with_placeholder(base.file, markup.get("placeholder"), attributes)
    described = {
        "src": base.url,
        "srcset": _srcset_for(base, markup.get("srcset")),
        "sizes": markup.get("sizes"),
        "width": size[0] if size else None,
        "height": size[1] if size else None,
        "alt": markup.get("alt", ""),
        "loading": markup.get("loading", "lazy"),
        "decoding": "async",
        **attributes,
    }
    return format_html(
        "<img{}>",
        format_html_join("", "{}", ((_attribute(k, v),) for k, v in described.items())),
    )


def _with_placeholder(
    file: File, kind: str | None, attributes: Mapping[str, Any]
) -> Mapping[str, Any]:
    """``attributes`` with the file's placeholder as an inline background (before the
    caller's own ``style``) that the image's ``onload`` takes away."""
    if kind is None:
        return attributes
    if kind not in PLACEHOLDERS:
        raise ValueError(f'placeholder is "blur" or "color", not {kind!r}.')
    background = _placeholder_background(file, kind)
    if not background:
        return attributes  # not an image, or none could be made: nothing to paint
    style = f"background:{background}"
    handler = PLACEHOLDER_HANDLER
    if attributes.get("style"):
        style = f"{style};{attributes['style']}"
    if attributes.get("onload"):
        handler = f"{handler};{attributes['onload']}"
    return {**attributes, "style": style, "onload": handler}


def _placeholder_background(file: File, kind: str) -> str:
    color = file.dominant_color
    if kind == "color" or not (file.blurhash and file.width and file.height):
        return color
    try:
        painted = placeholders.painted(file.blurhash, file.width, file.height)
    except ValueError:  # a hash that is not BlurHash's: the colour alone
        return color
    return f"{color} url({painted}) center/cover no-repeat".strip()


def _attribute(name: str, value: Any) -> SafeString:
    if value is None or value is False:
        return SafeString("")
    return format_html(' {}="{}"', name, value)


def _srcset_for(base: Asset, wanted: str | None) -> str | None:
    if not wanted:
        return None
    entries = _names(wanted)
    if all(entry.endswith("x") for entry in entries):
        return _density_candidates(base, _numbers(entry[:-1] for entry in entries))
    return _width_candidates(base, _numbers(entries))


def _width_candidates(base: Asset, widths: list[float]) -> str:
    box_width, box_height = base.parsed.spec.width, base.parsed.spec.height
    candidates: dict[int, str] = {}
    for width in sorted(widths):
        height = box_height * width / box_width if box_width and box_height else None
        candidate = base.with_params(**_scaled_box(base, width, height))
        size = candidate.size
        real_width = size[0] if size else int(width)
        candidates.setdefault(real_width, f"{candidate.url} {real_width}w")
    return ", ".join(candidates.values())


def _density_candidates(base: Asset, densities: list[float]) -> str:
    box_width, box_height = base.parsed.spec.width, base.parsed.spec.height
    candidates: list[str] = []
    sizes_seen: set[Size | None] = set()
    for density in sorted(densities):
        if density != 1 and not (box_width or box_height):
            continue  # the original: nothing to scale
        width = box_width * density if box_width else None
        height = box_height * density if box_height else None
        candidate = base if density == 1 else base.with_params(**_scaled_box(base, width, height))
        size = candidate.size
        if size in sizes_seen:
            continue  # the source has no more pixels to give
        sizes_seen.add(size)
        candidates.append(f"{candidate.url} {density:g}x")
    return ", ".join(candidates)


def _scaled_box(base: Asset, width: float | None, height: float | None) -> dict[str, Any]:
    """A candidate's box; with ``withoutEnlargement``, shrunk to fit the source whole, since
    the endpoint would clamp each side alone and change the aspect ratio mid-srcset."""
    file = base.file
    if base.parsed.spec.without_enlargement and file.width and file.height:
        shrink = min(1, file.width / (width or file.width), file.height / (height or file.height))
        width = width and width * shrink
        height = height and height * shrink
    return {
        "width": max(1, round(width)) if width else None,
        "height": max(1, round(height)) if height else None,
    }


def _split_options(
    options: Mapping[str, Any],
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    params: dict[str, Any] = {}
    markup: dict[str, Any] = {}
    attributes: dict[str, Any] = {}
    for name, value in options.items():
        if name in _MARKUP_OPTIONS:
            markup[name] = value
        elif _PYTHON_NAMES.get(name, name) in _QUERY_NAMES:
            params[name] = value
        else:
            attributes[name.rstrip("_")] = value  # class_ in Python, class in templates
    return params, markup, attributes


def _query_params(params: Mapping[str, Any]) -> dict[str, str]:
    query: dict[str, str] = {}
    for name, value in params.items():
        name = _PYTHON_NAMES.get(name, name)
        if name not in _QUERY_NAMES:
            raise ValueError(f'"{name}" is not an asset parameter.')
        if value is None or value is False:
            continue
        if name == "download" or value is True:
            query[name] = "" if name == "download" else "true"
        elif name == "transforms" and not isinstance(value, str):
            query[name] = json.dumps(value)
        else:
            query[name] = str(value)
    return query


def _names(value: Iterable[Any] | str) -> list[str]:
    items = value.split(",") if isinstance(value, str) else value
    return [str(item).strip() for item in items if str(item).strip()]


def _numbers(value: Iterable[Any] | str) -> list[float]:
    try:
        return [float(item) for item in _names(value)]
    except ValueError:
        raise ValueError(f"Expected numbers, got {value!r}.") from None


def _output_format(name: str) -> str:
    output = {"jpg": "jpeg"}.get(name, name)
    if output not in OUTPUT_TYPES:
        choices = ", ".join(sorted(OUTPUT_TYPES))
        raise ValueError(f'"{name}" is not an output format for <source>; use one of {choices}.')
    return output
