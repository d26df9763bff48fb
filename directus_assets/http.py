"""HTTP semantics for anything the endpoint serves: originals and thumbnails alike.

A :class:`Representation` describes one byte sequence (its type, size, validators, download
name and how to open it); :func:`serve` answers a request for it: 304/412 preconditions
(RFC 9110, evaluated by Django), ``Range``/``If-Range`` with 206/416, ``HEAD``, inline or
attachment ``Content-Disposition`` (RFC 6266), caching and safety headers.
"""

from __future__ import annotations

import asyncio
import threading
import unicodedata
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import IO
from urllib.parse import quote

from django.core.files.storage import Storage
from django.core.handlers.asgi import ASGIRequest
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.utils.cache import get_conditional_response
from django.utils.http import content_disposition_header, http_date, parse_http_date_safe

from .conf import app_settings
from .errors import Forbidden, PreconditionFailed, RangeNotSatisfiable
from .versions import IMMUTABLE_MAX_AGE

ByteRange = tuple[int, int]  # first and last byte, inclusive
_PRECONDITION_HEADERS = (
    "HTTP_IF_MATCH",
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_UNMODIFIED_SINCE",
)


@dataclass(frozen=True)
class Representation:
    """One byte sequence to serve (an original or a thumbnail) and what HTTP says of it."""

    content_type: str
    size: int
    etag: str  # a strong entity tag, quoted
    last_modified: datetime
    filename: str
    open: Callable[[], IO[bytes]]
    # Where the bytes are stored, for the SERVE modes that let a proxy or S3 send them.
    storage: Storage | None = None
    name: str = ""
    # Needed a permission or a signature: never to be kept by a shared cache.
    private: bool = False
    # Asked for by its current content version (``?v=``): these bytes never change.
    immutable: bool = False

    @property
    def last_modified_timestamp(self) -> int:
        return int(self.last_modified.timestamp())


def serve(
    request: HttpRequest,
    representation: Representation,
    *,
    download: bool = False,
    headers: Mapping[str, str] | None = None,
    name: str | None = None,
) -> HttpResponseBase:
    """The complete response to a GET or HEAD of ``representation``; ``name`` replaces its
    download name."""
    if name is not None:
        representation = replace(representation, filename=name)
    common = _common_headers(representation, download, headers or {})
    precondition = _precondition_response(request, representation, common)
    if precondition is not None:
        return precondition
    if _delegates(representation.storage):
        return _delegated(representation, common)
    byte_range = requested_range(request, representation)
    fileobj = _open_or_forbidden(representation)
    if request.method == "HEAD":
        fileobj.close()
        return _head_response(representation, byte_range, common)
    response = _body_response(request, representation, fileobj, byte_range)
    if byte_range is None:
        response["Content-Length"] = str(representation.size)
    else:
        response.status_code = 206
        _add_range_headers(response, representation.size, byte_range)
    _apply(response, common)
    return response


def _body_response(
    request: HttpRequest,
    representation: Representation,
    fileobj: IO[bytes],
    byte_range: ByteRange | None,
) -> HttpResponseBase:
    """The bytes, a chunk at a time. Under ASGI an asynchronous iterator (Django would read
    a synchronous one whole into memory before sending the first byte), or for a chunk or
    less, the bytes themselves: one read where the request runs, not a thread per chunk."""
    content_type = representation.content_type
    if isinstance(request, ASGIRequest):
        chunks = FileSlice(fileobj, *(byte_range or (0, representation.size - 1)))
        if chunks.remaining > app_settings.STREAM_CHUNK_SIZE:
            return StreamingHttpResponse(AsyncFileSlice(chunks), content_type=content_type)
        try:
            return HttpResponse(b"".join(chunks), content_type=content_type)
        finally:
            chunks.close()
    if byte_range is None:
        # A whole file: the WSGI server may send it with sendfile().
        return FileResponse(fileobj, content_type=content_type)
    return StreamingHttpResponse(FileSlice(fileobj, *byte_range), content_type=content_type)


def requested_range(request: HttpRequest, representation: Representation) -> ByteRange | None:
    """The byte range to send, or ``None`` for the whole representation."""
    header = request.headers.get("Range")
    if not header or not _if_range_matches(request.headers.get("If-Range"), representation):
        return None
    return parse_range(header, representation.size)


def parse_range(header: str, size: int) -> ByteRange | None:
    """Parse a ``Range`` header against a representation of ``size`` bytes.

    Returns ``None`` when the header is to be ignored (another unit, several ranges,
    malformed), as RFC 9110 allows, and raises :class:`RangeNotSatisfiable` when it asks for
    bytes that do not exist (start at or past the end, end before start, ``bytes=-0``).
    """
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first, dash, last = spec.strip().partition("-")
    if not dash or not (first or last) or not _all_digits(first, last):
        return None
    if not first:
        return _suffix_range(int(last), size)
    start = int(first)
    end = int(last) if last else size - 1
    if start >= size or end < start:
        raise RangeNotSatisfiable(size)
    return start, min(end, size - 1)


def _suffix_range(length: int, size: int) -> ByteRange:
    # ``bytes=-n``: the last n bytes, or the whole representation if it is shorter.
    if length == 0 or size == 0:
        raise RangeNotSatisfiable(size)
    return max(size - length, 0), size - 1


def _all_digits(*parts: str) -> bool:
    return all(part.isdigit() and part.isascii() for part in parts if part)


def _if_range_matches(if_range: str | None, representation: Representation) -> bool:
    if if_range is None:
        return True
    if if_range.startswith(('"', "W/")):
        # If-Range uses strong comparison: a weak tag never matches.
        return if_range == representation.etag
    return parse_http_date_safe(if_range) == representation.last_modified_timestamp


def _precondition_response(
    request: HttpRequest, representation: Representation, common: Mapping[str, str]
) -> HttpResponseBase | None:
    if not any(header in request.META for header in _PRECONDITION_HEADERS):
        return None  # the common case, and a hot path: no response to build and discard
    template = HttpResponse()
    _apply(template, common)
    response = get_conditional_response(
        request,
        etag=representation.etag,
        last_modified=representation.last_modified_timestamp,
        response=template,
    )
    if response is None or response is template:
        return None
    if response.status_code == 412:
        return PreconditionFailed("A precondition in the request did not hold.").response()
    return response


def _delegates(storage: Storage | None) -> bool:
    """Whether a front proxy or the storage sends the bytes. A redirect goes only to URLs
    that expire (pre-signed S3 URLs): a storage's plain URL would be a permanent public
    address for a private file, served without our headers, so those are streamed."""
    mode = app_settings.SERVE
    if mode == "stream" or storage is None:
        return False
    return mode != "redirect" or bool(getattr(storage, "querystring_auth", False))


def _delegated(representation: Representation, common: Mapping[str, str]) -> HttpResponseBase:
    """Let the front proxy or the storage send the bytes (and handle ranges and HEAD)."""
    assert representation.storage is not None
    mode = app_settings.SERVE
    if mode == "redirect":
        # The target is short-lived (pre-signed on S3): the redirect itself must not be cached.
        response: HttpResponseBase = HttpResponseRedirect(
            representation.storage.url(representation.name)
        )
        response["Cache-Control"] = "private, no-store"
        return response
    response = HttpResponse(content_type=representation.content_type)
    _apply(response, common)
    if mode == "x-accel-redirect":
        response["X-Accel-Redirect"] = app_settings.X_ACCEL_PREFIX + quote(representation.name)
    else:
        response["X-Sendfile"] = representation.storage.path(representation.name)
    return response


def _open_or_forbidden(representation: Representation) -> IO[bytes]:
    try:
        return representation.open()
    except (FileNotFoundError, IsADirectoryError, PermissionError) as missing:
        # Directus answers a file whose bytes are gone exactly like an unknown id.
        raise Forbidden() from missing


def _head_response(
    representation: Representation, byte_range: ByteRange | None, common: Mapping[str, str]
) -> HttpResponse:
    response = HttpResponse(content_type=representation.content_type)
    if byte_range is None:
        response["Content-Length"] = str(representation.size)
    else:
        response.status_code = 206
        _add_range_headers(response, representation.size, byte_range)
    _apply(response, common)
    return response


def _add_range_headers(response: HttpResponseBase, size: int, byte_range: ByteRange) -> None:
    start, end = byte_range
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Content-Length"] = str(end - start + 1)


def _common_headers(
    representation: Representation, download: bool, extra: Mapping[str, str]
) -> dict[str, str]:
    return {
        "Accept-Ranges": "bytes",
        "ETag": representation.etag,
        "Last-Modified": http_date(representation.last_modified_timestamp),
        "Cache-Control": _cache_control(representation),
        "Content-Disposition": content_disposition(download, representation.filename),
        "Content-Security-Policy": app_settings.CONTENT_SECURITY_POLICY,
        "X-Content-Type-Options": "nosniff",
        **extra,
    }


def content_disposition(download: bool, filename: str) -> str:
    """``inline`` or ``attachment`` with the name: plain when it is ASCII, else an ASCII
    ``filename`` for older clients (and ``curl -OJ``) and the real one in ``filename*``
    (RFC 6266 section 4.3)."""
    if filename.isascii():
        return content_disposition_header(download, filename) or "inline"
    disposition = "attachment" if download else "inline"
    fallback = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    fallback = "".join(c for c in fallback if c.isprintable() and c not in '"\\') or "download"
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _cache_control(representation: Representation) -> str:
    scope = "private" if representation.private else "public"
    if representation.immutable:
        return f"{scope}, max-age={IMMUTABLE_MAX_AGE}, immutable"
    return f"{scope}, max-age={app_settings.CACHE_MAX_AGE}"


def _apply(response: HttpResponseBase, headers: Mapping[str, str]) -> None:
    for name, value in headers.items():
        response[name] = value


class FileSlice:
    """Iterates over ``start..end`` (inclusive) of an open file; ``close()`` closes it (the
    response calls it when it is done or the client has gone)."""

    def __init__(self, fileobj: IO[bytes], start: int, end: int) -> None:
        self.fileobj = fileobj
        self.start = start
        self.remaining = end - start + 1
        # Under ASGI a read runs in a worker thread and a client that leaves closes the file
        # from another: the close waits for the read in flight instead of pulling the file
        # (or the S3 connection) from under it.
        self._lock = threading.Lock()

    def __iter__(self) -> Iterator[bytes]:
        chunk_size = app_settings.STREAM_CHUNK_SIZE
        with self._lock:
            self.fileobj.seek(self.start)
        while self.remaining > 0:
            with self._lock:
                chunk = self.fileobj.read(min(chunk_size, self.remaining))
            if not chunk:
                break
            self.remaining -= len(chunk)
            yield chunk

    def close(self) -> None:
        with self._lock:
            self.fileobj.close()


class AsyncFileSlice:
    """A :class:`FileSlice` for ASGI servers: each chunk is read in a worker thread, so
    neither a disk nor S3 ever holds up the event loop."""

    def __init__(self, chunks: FileSlice) -> None:
        self.chunks = chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        chunks = iter(self.chunks)
        while (chunk := await asyncio.to_thread(next, chunks, None)) is not None:
            yield chunk

    def close(self) -> None:
        self.chunks.close()
