"""Where renditions live: a deterministic name per (original content, spec, renderer)."""

from __future__ import annotations

import hashlib

import PIL
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages

from .conf import app_settings
from .models import File
from .spec import TransformSpec

# Bump when rendering changes output for the same spec, so old renditions are not reused.
RENDERER_VERSION = f"1/pillow-{PIL.__version__}"


def rendition_key(file: File, spec: TransformSpec) -> str:
    """Identifies the rendition's bytes: also its strong ETag."""
    material = f"{file.checksum}:{spec.cache_key()}:{RENDERER_VERSION}"
    return hashlib.sha256(material.encode()).hexdigest()[:32]


def rendition_name(file: File, spec: TransformSpec) -> str:
    folder = app_settings.THUMBNAILS_PATH.strip("/")
    return f"{folder}/{file.pk}/{rendition_key(file, spec)}.{spec.extension}"


def thumbnail_storage(file: File) -> Storage:
    return storages[app_settings.THUMBNAIL_STORAGE or file.storage]


def open_cached(file: File, spec: TransformSpec):  # type: ignore[no-untyped-def]
    """The stored rendition as an open file, or ``None`` if it has not been made yet."""
    try:
        return thumbnail_storage(file).open(rendition_name(file, spec), "rb")
    except FileNotFoundError:
        return None


def store(file: File, spec: TransformSpec, data: bytes) -> None:
    storage = thumbnail_storage(file)
    name = rendition_name(file, spec)
    saved = storage.save(name, ContentFile(data))
    if saved != name:
        # Another request stored the same rendition first; keep theirs.
        storage.delete(saved)
