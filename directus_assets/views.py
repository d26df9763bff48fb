"""The ``/assets`` endpoint: each view walks the pipeline stages in order."""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase

from . import cache, http, thumbnails
from .access import resolve_file
from .errors import (
    AssetError,
    MethodNotAllowed,
    RouteNotFound,
    ServiceUnavailable,
)
from .models import File, ThumbnailPreset
from .spec import TRANSFORMABLE_TYPES, TransformSpec, parse_asset_query

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
    query = parse_asset_query(request.GET, ThumbnailPreset.objects.values_for_key)
    file = resolve_file(request, file_id)
    if not query.spec.changes_image or file.type not in TRANSFORMABLE_TYPES:
        # As Directus: other types ignore transformation parameters.
        return http.serve(request, original(file), download=query.download)
    origin = cache.Origin(query.preset_key, query.preset_fingerprint)
    headers = {"Vary": "Accept"} if query.spec.format == "auto" else {}
    representation = thumbnail(request, file, query.spec, origin)
    return http.serve(request, representation, download=query.download, headers=headers)


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
        storage=file.get_storage(),
        name=file.filename_disk,
    )


def thumbnail(
    request: HttpRequest, file: File, spec: TransformSpec, origin: cache.Origin = cache.NO_PRESET
) -> http.Representation:
    """The rendition of ``file`` for ``spec``: from the cache, or rendered once and stored."""
    accept = request.headers.get("Accept", "")
    try:
        spec, row, data = thumbnails.ensure(file, spec, accept=accept, origin=origin)
    except cache.RenderBusy as busy:
        raise ServiceUnavailable(str(busy), headers={"Retry-After": "1"}) from busy
    storage = cache.storage_of(row)
    stem = file.filename_download.rpartition(".")[0] or file.filename_download
    return http.Representation(
        content_type=spec.content_type,
        size=row.size,
        etag=f'"{row.cache_key}"',
        last_modified=file.modified_on,
        filename=f"{stem}.{spec.extension}",
        open=(lambda: io.BytesIO(data)) if data is not None else lambda: storage.open(row.name),
        storage=storage,
        name=row.name,
    )
