"""Turn incoming content into what a File row records: type, size, checksum, pixels, EXIF.

Works on any binary file object; no Django models here, so it is reusable by the admin, the
management command and ``File.objects.create_from``.
"""

from __future__ import annotations

import hashlib
import io
import mimetypes
import os
import re
import unicodedata
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pillow_heif
from PIL import ExifTags, Image, UnidentifiedImageError

from .sniff import SNIFF_BYTES, sniff_type

Source = bytes | bytearray | memoryview | str | os.PathLike[str] | IO[bytes]

MAX_FILENAME_LENGTH = 255
EXIF_ORIENTATION = 0x0112
TRANSPOSING_ORIENTATIONS = {5, 6, 7, 8}
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
# HEIC/HEIF (phones' photos) through Pillow, for headers here and pixels in renders (which
# import this module). pillow-heif applies the file's rotation and mirroring as it decodes,
# reports the displayed size, and sets the EXIF orientation it carried out to 1.
pillow_heif.register_heif_opener()


@dataclass(frozen=True)
class Inspection:
    type: str
    filesize: int
    checksum: str
    width: int | None = None
    height: int | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def extension(self) -> str:
        return mimetypes.guess_extension(self.type, strict=False) or ""


@contextmanager
def open_source(
    source: Source, filename: str | None = None, unnamed: str = "file"
) -> Iterator[tuple[IO[bytes], str]]:
    """Yield ``(binary file object, download name)`` for bytes, a path or a file object;
    ``unnamed`` is the name of a source that has none."""
    if isinstance(source, bytes | bytearray | memoryview):
        yield io.BytesIO(bytes(source)), clean_filename(filename or unnamed)
    elif isinstance(source, str | os.PathLike):
        path = Path(source)
        with path.open("rb") as handle:
            yield handle, clean_filename(filename or path.name)
    else:
        if hasattr(source, "open") and getattr(source, "closed", False):
            source.open("rb")
        source.seek(0)
        yield source, clean_filename(filename or str(getattr(source, "name", "") or unnamed))


def clean_filename(name: str) -> str:
    """A download name with no directories, control characters or excess length."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    name = _CONTROL_CHARACTERS.sub("", name).strip() or "file"
    if len(name) <= MAX_FILENAME_LENGTH:
        return name
    stem, dot, extension = name.rpartition(".")
    if dot and 0 < len(extension) <= 16:
        return stem[: MAX_FILENAME_LENGTH - len(extension) - 1] + "." + extension
    return name[:MAX_FILENAME_LENGTH]


def inspect(fileobj: IO[bytes], filename: str = "") -> Inspection:
    """Read ``fileobj`` once for size and checksum, then its header for type and pixels."""
    start = fileobj.tell()
    head = fileobj.read(SNIFF_BYTES)
    digest = hashlib.sha256(head)
    size = len(head)
    while chunk := fileobj.read(1024 * 1024):
        digest.update(chunk)
        size += len(chunk)
    mime = sniff_type(head, filename)
    fileobj.seek(start)
    width = height = None
    metadata: dict[str, Any] = {}
    if mime.startswith("image/"):
        width, height, metadata = _read_image_header(fileobj)
        fileobj.seek(start)
    return Inspection(mime, size, digest.hexdigest(), width, height, metadata)


def _read_image_header(fileobj: IO[bytes]) -> tuple[int | None, int | None, dict[str, Any]]:
    """Displayed size (EXIF orientation applied) and EXIF, without decoding pixels."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(fileobj)
            exif = header_exif(image)
            width, height = image.size
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError):
        # A damaged or hostile image is still stored as a file; it just has no pixel size.
        return None, None, {}
    except ValueError:
        # A text or ICC chunk that decompresses past Pillow's limit: hostile, but a file.
        return None, None, {}
    if exif.get(EXIF_ORIENTATION) in TRANSPOSING_ORIENTATIONS:
        width, height = height, width
    return width, height, {"exif": exif_as_json(exif)} if exif else {}


def header_exif(image: Image.Image) -> Image.Exif:
    """An opened image's EXIF without decoding its pixels.

    Pillow's ``getexif`` decodes a whole PNG to look for an ``eXIf`` chunk after the pixel
    data; here only one before it counts (where cameras and editors write it).
    """
    if image.format != "PNG":
        return image.getexif()
    exif = Image.Exif()
    raw = image.info.get("exif")
    if isinstance(raw, bytes):
        exif.load(raw)
    return exif


def exif_as_json(exif: Image.Exif) -> dict[str, Any]:
    """EXIF tags by name with values JSON (and PostgreSQL jsonb) can hold."""
    tags: dict[str, Any] = {}
    for tag, value in exif.items():
        name = ExifTags.TAGS.get(tag, str(tag))
        converted = _json_value(value)
        if converted is not None:
            tags[name] = converted
    return tags


def _json_value(value: Any) -> Any:
    if isinstance(value, bytes):
        value = value.decode("ascii", "ignore")
    if isinstance(value, str):
        # jsonb rejects NUL characters.
        return value.replace("\x00", "").strip()
    if isinstance(value, bool | int):
        return value
    if isinstance(value, tuple):
        return [_json_value(item) for item in value]
    try:
        number = float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return number if number == number and abs(number) != float("inf") else None
