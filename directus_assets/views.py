"""The ``/assets`` endpoint: each view walks the pipeline stages in order."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Mapping
from functools import partial, wraps
from typing import IO, Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.views.decorators.csrf import csrf_exempt

from . import cache, guard, http, thumbnails, versions
from .access import check_access, file_pk, resolve_file
from .checks import configuration_errors
from .conf import app_settings
from .errors import (
    OUTAGES,
    AssetError,
    MethodNotAllowed,
    RouteNotFound,
    ServiceUnavailable,
)
from .ingest import clean_filename
from .models import File, Rendition, ThumbnailPreset
from .signing import is_signed
from .spec import (
    SYSTEM_PRESETS,
    TRANSFORMABLE_TYPES,
    AssetQuery,
    TransformSpec,
    parse_asset_query,
)

View = Callable[..., HttpResponseBase]
logger = logging.getLogger(__name__)


def asset_endpoint(view: View) -> View:
    """GET/HEAD only, and every :class:`AssetError` answered in Directus's JSON shape.

    Exempt from CSRF: it changes nothing, and another method must get the JSON 405, not
    the site's CSRF page.
    """

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            if request.method not in ("GET", "HEAD"):
                raise MethodNotAllowed(
                    f"Method {request.method} is not allowed here.", headers={"Allow": "GET, HEAD"}
                )
            return view(request, *args, **kwargs)
        except (AssetError, versions.StaleVersion) as error:
            return error.response()
        except OUTAGES:
            logger.exception("Storage or database failed while serving %s", request.path)
            return ServiceUnavailable(
                "The file storage or the database is unavailable; try again shortly.",
                headers={"Retry-After": "5"},
            ).response()

    return wrapper


@asset_endpoint
def asset(request: HttpRequest, file_id: str, filename: str | None = None) -> HttpResponseBase:
    """``/assets/<file-id>[/<any-filename>]``: a trailing name is the download name."""
    response = answer(request, file_id, filename)
    assert response is not None  # only the fast path answers None
    return response


def answer(
    request: HttpRequest,
    file_id: str,
    filename: str | None = None,
    *,
    fast_path: bool = False,
) -> HttpResponseBase | None:
    """The answer to a GET or HEAD of an asset; on the ``fast_path`` (the middleware's),
    ``None`` when it would take more than reading a stored thumbnail or an original: a
    render, a write. Raises :class:`AssetError` for the endpoint to answer."""
    if not app_settings.verified:
        _refuse_a_misconfiguration()
    query = parse_asset_query(request.GET, _preset_hint)
    name = clean_filename(filename) if filename else None
    if query.spec.changes_image:
        # The hot path: a stored thumbnail found, with its file, in one query.
        hit = cache.find_hit(file_pk(file_id), query.spec, _accept(request), _origin(query))
        if hit is not None:
            row, spec = hit
            check_access(request, row.file)
            immutable = versions.check(request, row.file, query.preset_fingerprint)
            return _serve_thumbnail(request, query, row.file, spec, row, None, immutable, name)
        query = _with_fresh_preset(request, query)
    file = resolve_file(request, file_id)
    cache.hints.remember(file)
    immutable = versions.check(request, file, query.preset_fingerprint)
    if not query.spec.changes_image or file.type not in TRANSFORMABLE_TYPES:
        # As Directus: other types ignore transformation parameters.
        return http.serve(request, original(file, immutable), download=query.download, name=name)
    if fast_path:
        return None
    spec = query.spec.resolved(file.type, _accept(request), file.focal_point)
    stored = cache.find_ready(file, spec)
    row, data = (stored, None) if stored else _make_thumbnail(request, query, file, spec)
    return _serve_thumbnail(request, query, file, spec, row, data, immutable, name)


def _refuse_a_misconfiguration() -> None:
    """Serve nothing with settings that cannot work: an error the site's owner sees (a 500
    with its reason logged), where serving on would fail open or fail on every request."""
    errors = configuration_errors()
    if errors:
        raise ImproperlyConfigured("directus_assets will not serve: " + " ".join(errors))
    app_settings.verified = True


def _make_thumbnail(
    request: HttpRequest, query: AssetQuery, file: File, spec: TransformSpec
) -> tuple[Rendition, bytes | None]:
    """A new thumbnail, if the request passes every limit; the row is unsaved when the
    file has as many ad-hoc thumbnails stored as it may (made and served, not stored)."""
    key = cache.rendition_key(file, spec)
    try:
        guard.replay_failure(key)
        thumbnails.check_budget(file, spec)
        guard.check_rate(request)
        if query.preset_key or is_signed(request.GET) or guard.may_store_adhoc(file):
            return thumbnails.make(file, spec, _origin(query))
        rendered = thumbnails.render_file(file, spec)
    except guard.REMEMBERED as failure:
        guard.remember_failure(key, failure)
        raise
    except cache.RenderBusy as busy:
        raise ServiceUnavailable(str(busy), headers={"Retry-After": "1"}) from busy
    unstored = Rendition(file=file, cache_key=key, size=len(rendered.data))
    return unstored, rendered.data


@asset_endpoint
def no_route(request: HttpRequest, path: str = "") -> HttpResponseBase:
    """``/assets/`` with no id: Directus's 404 ``ROUTE_NOT_FOUND``."""
    raise RouteNotFound(f"Route /assets/{path} doesn't exist.")


def original(file: File, immutable: bool = False) -> http.Representation:
    """A file's original bytes as a representation."""
    return http.Representation(
        content_type=file.type,
        size=file.filesize,
        etag=f'"{file.checksum[:32]}"',
        last_modified=file.modified_on,
        filename=file.filename_download,
        open=file.open,
        storage=file.get_storage(),
        name=file.filename_disk,
        private=file.private,
        immutable=immutable,
    )


def thumbnail_representation(
    file: File, spec: TransformSpec, row: Rendition, data: bytes | None, immutable: bool = False
) -> http.Representation:
    """A rendition as a representation; ``data`` if it was just rendered (an unsaved row:
    rendered, not stored)."""
    storage = cache.storage_of(row) if row.ready else None
    stem = file.filename_download.rpartition(".")[0] or file.filename_download
    return http.Representation(
        content_type=spec.content_type,
        size=row.size,
        etag=f'"{row.cache_key}"',
        last_modified=file.modified_on,
        filename=f"{stem}.{spec.extension}",
        open=(lambda: io.BytesIO(data)) if data is not None else partial(_open, file, spec, row),
        storage=storage,
        name=row.name,
        private=file.private,
        immutable=immutable,
    )


def _open(file: File, spec: TransformSpec, row: Rendition) -> IO[bytes]:
    try:
        opened: IO[bytes] = cache.storage_of(row).open(row.name)
    except FileNotFoundError:
        # The blob went missing behind the index's back: forget it and make it again.
        # Rendering is deterministic, so the headers already sent from the row still hold.
        Rendition.objects.filter(pk=row.pk).delete()
        _, remade, data = thumbnails.ensure(file, spec)
        if data is None:  # another worker made it first
            return cache.storage_of(remade).open(remade.name)
        return io.BytesIO(data)
    return opened


def _serve_thumbnail(
    request: HttpRequest,
    query: AssetQuery,
    file: File,
    spec: TransformSpec,
    row: Rendition,
    data: bytes | None,
    immutable: bool,
    name: str | None,
) -> HttpResponseBase:
    """``name``: the name after the id (``/assets/<id>/<name>``), the download name."""
    headers = {"Vary": "Accept"} if query.spec.format == "auto" else {}
    representation = thumbnail_representation(file, spec, row, data, immutable)
    return http.serve(request, representation, download=query.download, headers=headers, name=name)


def _accept(request: HttpRequest) -> str:
    return request.headers.get("Accept", "")


def _origin(query: AssetQuery) -> cache.Origin:
    return cache.Origin(query.preset_key, query.preset_fingerprint)


# Preset values by key, remembered per process for the hot path; find_hit() checks them
# against the preset's stored fingerprint in its one query, and a miss re-reads them.
_preset_hints: dict[str, Mapping[str, Any]] = {}


def _preset_hint(key: str) -> Mapping[str, Any] | None:
    if key not in _preset_hints:
        values = ThumbnailPreset.objects.values_for_key(key)
        if values is None:
            return None
        _preset_hints[key] = values
    return _preset_hints[key]


def _with_fresh_preset(request: HttpRequest, query: AssetQuery) -> AssetQuery:
    if not query.preset_key or query.preset_key in SYSTEM_PRESETS:
        return query
    _preset_hints.pop(query.preset_key, None)
    return parse_asset_query(request.GET, _preset_hint)
