"""The ``/assets`` endpoint: each view walks the pipeline stages in order."""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase

from . import cache, http
from .access import resolve_file
from .conf import app_settings
from .errors import AssetError, Forbidden, MethodNotAllowed, RouteNotFound, UnprocessableImage
from .models import File, ThumbnailPreset
from .render import Limits, RenderError, SourceTooLarge, TransformFailed, render
from .spec import (
    TRANSFORMABLE_TYPES,
    IllegalTransformation,
    TransformSpec,
    parse_query,
    wants_download,
)

View = Callable[..., HttpResponseBase]


def asset_endpoint(view: View) -> View:
    """GET/HEAD only, and every :class:`AssetError` answered in Directus's JSON shape."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            if request.method not in ("GET", "HEAD"):
                raise MethodNotAllowed(
                    f"Method {request.method} is not allowed here.", headers={"Allow": "GET, HEAD"}
                )
            return view(request, *args, **kwargs)
        except AssetError as error:
            return error.response()

    return wrapper


@asset_endpoint
def asset(request: HttpRequest, file_id: str, filename: str | None = None) -> HttpResponseBase:
    """``/assets/<file-id>[/<any-filename>]``: the trailing name only makes URLs readable."""
    spec = parse_query(request.GET, ThumbnailPreset.objects.values_for_key)
    file = resolve_file(request, file_id)
    download = wants_download(request.GET)
    if not spec.changes_image or file.type not in TRANSFORMABLE_TYPES:
        # As Directus: other types ignore transformation parameters.
        return http.serve(request, original(file), download=download)
    headers = {"Vary": "Accept"} if spec.format == "auto" else {}
    return http.serve(request, thumbnail(request, file, spec), download=download, headers=headers)


@asset_endpoint
def no_route(request: HttpRequest, path: str = "") -> HttpResponseBase:
    raise RouteNotFound(f"Route /assets/{path} doesn't exist.")


def original(file: File) -> http.Representation:
    return http.Representation(
        content_type=file.type,
        size=file.filesize,
        etag=f'"{file.checksum[:32]}"',
        last_modified=file.modified_on,
        filename=file.filename_download,
        open=file.open,
    )


def thumbnail(request: HttpRequest, file: File, spec: TransformSpec) -> http.Representation:
    """The rendition of ``file`` for ``spec``: from the cache, or rendered and stored."""
    spec = spec.resolved(file.type, request.headers.get("Accept", ""), file_focal_point(file))
    name = (
        f"{file.filename_download.rpartition('.')[0] or file.filename_download}.{spec.extension}"
    )
    key = cache.rendition_key(file, spec)
    cached = cache.open_cached(file, spec)
    if cached is not None:
        return _rendition(file, spec, key, name, cached.size, lambda: cached)
    data = _render(file, spec)
    cache.store(file, spec, data)
    return _rendition(file, spec, key, name, len(data), lambda: io.BytesIO(data))


def _rendition(
    file: File, spec: TransformSpec, key: str, name: str, size: int, opener: Callable[[], Any]
) -> http.Representation:
    return http.Representation(
        content_type=spec.content_type,
        size=size,
        etag=f'"{key}"',
        last_modified=file.modified_on,
        filename=name,
        open=opener,
    )


def _render(file: File, spec: TransformSpec) -> bytes:
    limits = Limits(app_settings.MAX_DIMENSION, app_settings.MAX_PIXELS)
    try:
        with file.open() as handle:
            source = handle.read()
    except FileNotFoundError:
        raise Forbidden() from None
    try:
        return render(source, spec, limits).data
    except (SourceTooLarge, TransformFailed) as error:
        raise IllegalTransformation(str(error)) from error
    except RenderError as error:
        raise UnprocessableImage(str(error)) from error


def file_focal_point(file: File) -> tuple[int, int] | None:
    if file.focal_point_x is None or file.focal_point_y is None:
        return None
    return file.focal_point_x, file.focal_point_y
