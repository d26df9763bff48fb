"""MIME type from a file's first bytes; the client's claimed type and extension are not trusted."""

from __future__ import annotations

import mimetypes
import re

import filetype  # type: ignore[import-untyped]  # no types published

SNIFF_BYTES = 512

# ISO media files name their kind by a brand: read here, as a header may be shorter than
# filetype needs to tell AVIF and HEIC from video.
_FTYP_BRANDS = {
    b"avif": "image/avif",
    b"avis": "image/avif",
    **dict.fromkeys((b"heic", b"heix", b"heim", b"heis"), "image/heic"),
    **dict.fromkeys((b"mif1", b"msf1"), "image/heif"),  # HEIF's own brands: any codec
}
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
    """The MIME type of content starting with ``head``: binary formats by their signature
    (filetype's), markup by its tags; ``filename`` only tells plain text formats apart
    (CSV, Markdown...), and never makes content an image, markup or a binary format."""
    if head[4:8] == b"ftyp":
        return _iso_media_type(head)
    found: str | None = filetype.guess_mime(head)
    if found:
        return found
    for pattern, mime in _MARKUP:
        if pattern.search(head):
            return mime
    if not _looks_like_text(head):
        return "application/octet-stream"
    return _text_type_from_name(filename)


def _iso_media_type(head: bytes) -> str:
    """An ISO media file's type by its major brand; a generic HEIF brand (``mif1``) by the
    compatible brands after it, where AVIF files name themselves."""
    found = _FTYP_BRANDS.get(head[8:12], "video/mp4")
    if found == "image/heif":
        box_end = min(int.from_bytes(head[:4], "big"), len(head))
        compatible = {head[at : at + 4] for at in range(16, box_end - 3, 4)}
        if compatible & {b"avif", b"avis"}:
            return "image/avif"
        if compatible & {b"heic", b"heix"}:
            return "image/heic"
    return found


def _text_type_from_name(filename: str) -> str:
    guessed, _ = mimetypes.guess_type(filename, strict=False)
    harmless_text = guessed and (guessed.startswith("text/") or guessed.endswith("json"))
    if harmless_text and not _is_active(guessed or ""):
        return str(guessed)
    return "text/plain"


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
