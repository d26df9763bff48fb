"""MIME type from a file's first bytes; the client's claimed type and extension are not trusted."""

from __future__ import annotations

import mimetypes
import re

SNIFF_BYTES = 512

# (offset, signature, type): checked in order, first match wins.
_SIGNATURES: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\xff\xd8\xff", "image/jpeg"),
    (0, b"\x89PNG\r\n\x1a\n", "image/png"),
    (0, b"GIF87a", "image/gif"),
    (0, b"GIF89a", "image/gif"),
    (0, b"II*\x00", "image/tiff"),
    (0, b"MM\x00*", "image/tiff"),
    (0, b"BM", "image/bmp"),
    (0, b"\x00\x00\x01\x00", "image/x-icon"),
    (0, b"%PDF-", "application/pdf"),
    (0, b"PK\x03\x04", "application/zip"),
    (0, b"\x1f\x8b", "application/gzip"),
    (0, b"OggS", "application/ogg"),
    (0, b"ID3", "audio/mpeg"),
    (0, b"fLaC", "audio/flac"),
    (0, b"\x1aE\xdf\xa3", "video/webm"),
)
_RIFF_TYPES = {b"WEBP": "image/webp", b"WAVE": "audio/wav", b"AVI ": "video/x-msvideo"}
_FTYP_BRANDS = {b"avif": "image/avif", b"avis": "image/avif", b"heic": "image/heic"}
_MARKUP = (
    (re.compile(rb"<svg[\s>]", re.IGNORECASE), "image/svg+xml"),
    (
        re.compile(rb"<(!doctype html|html|head|body|script|iframe)[\s>]", re.IGNORECASE),
        "text/html",
    ),
    (re.compile(rb"^\s*<\?xml"), "application/xml"),
)
# Types a browser would execute or render as markup: never taken from a file name alone.
_ACTIVE_MARKERS = ("html", "xml", "script", "xsl", "flash", "shockwave")


def sniff_type(head: bytes, filename: str = "") -> str:
    """The MIME type of content starting with ``head``; ``filename`` only breaks ties."""
    for offset, signature, mime in _SIGNATURES:
        if head[offset : offset + len(signature)] == signature:
            return mime
    if head[:4] == b"RIFF" and head[8:12] in _RIFF_TYPES:
        return _RIFF_TYPES[head[8:12]]
    if head[4:8] == b"ftyp":
        return _FTYP_BRANDS.get(head[8:12], "video/mp4")
    for pattern, mime in _MARKUP:
        if pattern.search(head):
            return mime
    return _type_from_name(head, filename)


def _type_from_name(head: bytes, filename: str) -> str:
    guessed, _ = mimetypes.guess_type(filename, strict=False)
    if guessed and not guessed.startswith("image/") and not _is_active(guessed):
        return guessed
    return "text/plain" if _looks_like_text(head) else "application/octet-stream"


def _is_active(mime: str) -> bool:
    return any(marker in mime for marker in _ACTIVE_MARKERS)


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sniffed window is still text.
        return error.start >= len(head) - 3
    return True
