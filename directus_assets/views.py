"""The ``/assets`` endpoint: each view walks the pipeline stages in order."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase

from . import http
from .access import resolve_file
from .errors import AssetError, MethodNotAllowed, RouteNotFound
from .models import File

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
    file = resolve_file(request, file_id)
    return http.serve(request, original(file), download="download" in request.GET)


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
