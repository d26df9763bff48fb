"""The thumbnail cache: naming, the one-query lookup, single-flight rendering, atomic store.

Naming (``rendition_key``/``rendition_name``) and policy (``fetch_or_render``) are separate.
The index (:class:`Rendition`) is the truth: a blob is served only through a ready row, so
a hit never asks storage whether anything exists, and a half-written blob is never seen. The
unique (file, cache_key) row is also the lock that makes concurrent requests, in any number
of processes or machines, render a thumbnail once while the others wait for it.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import PIL
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import IntegrityError, transaction
from django.utils import timezone

from .conf import app_settings
from .models import File, Rendition
from .spec import TransformSpec

# Bump when rendering changes output for the same spec, so old renditions are not reused.
RENDERER_VERSION = f"1/pillow-{PIL.__version__}"
_FIRST_POLL, _LONGEST_POLL = 0.01, 0.2


class RenderBusy(Exception):
    """Another worker is still rendering this thumbnail after the wait timeout."""


@dataclass(frozen=True)
class Rendered:
    """A freshly rendered thumbnail, as the render stage hands it to the cache."""

    data: bytes
    width: int
    height: int


@dataclass(frozen=True)
class Origin:
    """Which preset (if any) a rendition was made for, to detect a later change to it."""

    preset_key: str = ""
    preset_fingerprint: str = ""


NO_PRESET = Origin()


def rendition_key(file: File, spec: TransformSpec) -> str:
    """Identifies the rendition's bytes: the index key and the strong ETag."""
    material = f"{file.checksum}:{spec.cache_key()}:{RENDERER_VERSION}"
    return hashlib.sha256(material.encode()).hexdigest()[:32]


def rendition_name(file: File, key: str, spec: TransformSpec) -> str:
    folder = app_settings.THUMBNAILS_PATH.strip("/")
    return f"{folder}/{file.pk}/{key}.{spec.extension}"


def storage_alias(file: File) -> str:
    alias: str = app_settings.THUMBNAIL_STORAGE or file.storage
    return alias


def storage_of(rendition: Rendition) -> Storage:
    return storages[rendition.storage]


def fetch_or_render(
    file: File,
    spec: TransformSpec,
    render: Callable[[], Rendered],
    origin: Origin = NO_PRESET,
    *,
    force: bool = False,
) -> tuple[Rendition, bytes | None]:
    """The ready rendition of ``file`` for ``spec``; rendered here if nobody has it.

    Returns the index row and, when this call rendered it, the bytes (so they need not be
    read back). A hit is one indexed query. Waits for a render in progress elsewhere up to
    ``RENDER_WAIT_TIMEOUT`` seconds, then raises :class:`RenderBusy`.
    """
    key = rendition_key(file, spec)
    deadline = time.monotonic() + app_settings.RENDER_WAIT_TIMEOUT
    pause = _FIRST_POLL
    while True:
        row = Rendition.objects.filter(file=file, cache_key=key).first()
        if row is not None and row.ready and not force:
            return row, None
        claimed = _claim(file, key, spec, origin, row, force)
        if claimed is not None:
            return claimed, _render_into(claimed, render)
        if time.monotonic() > deadline:
            raise RenderBusy(f"Thumbnail {key} is still being rendered elsewhere.")
        time.sleep(pause)
        pause = min(pause * 2, _LONGEST_POLL)


def is_ready(file: File, spec: TransformSpec) -> bool:
    key = rendition_key(file, spec)
    return Rendition.objects.filter(file=file, cache_key=key, ready=True).exists()


def _claim(
    file: File,
    key: str,
    spec: TransformSpec,
    origin: Origin,
    row: Rendition | None,
    force: bool,
) -> Rendition | None:
    """This worker's claim on rendering, or ``None`` if another worker holds it."""
    now = timezone.now()
    if row is None:
        try:
            with transaction.atomic():
                return Rendition.objects.create(
                    file=file,
                    cache_key=key,
                    storage=storage_alias(file),
                    name=rendition_name(file, key, spec),
                    format=spec.format or "",
                    claimed_at=now,
                    source_checksum=file.checksum,
                    preset_key=origin.preset_key,
                    preset_fingerprint=origin.preset_fingerprint,
                    renderer=RENDERER_VERSION,
                )
        except IntegrityError:
            return None
    # Take over a ready row (forced re-render) or a claim whose worker died or hung;
    # the compare-and-set on claimed_at lets exactly one contender win.
    stale = now - timedelta(seconds=app_settings.RENDER_TIMEOUT)
    if (row.ready and force) or row.claimed_at < stale:
        taken = Rendition.objects.filter(pk=row.pk, claimed_at=row.claimed_at).update(
            claimed_at=now, ready=False
        )
        if taken:
            row.claimed_at, row.ready = now, False
            return row
    return None


def _render_into(row: Rendition, render: Callable[[], Rendered]) -> bytes:
    """Render, store the blob, then mark the row ready; on any failure leave neither."""
    storage = storage_of(row)
    stored = None
    try:
        rendered = render()
        storage.delete(row.name)  # a blob left by a worker that died mid-write
        stored = storage.save(row.name, ContentFile(rendered.data))
        row.name, row.size = stored, len(rendered.data)
        row.width, row.height, row.ready = rendered.width, rendered.height, True
        row.save(update_fields=("name", "size", "width", "height", "ready"))
    except BaseException:
        # Deleting the claim deletes the blob at its name (signal_handlers); the one we
        # stored goes too, in case storage chose another name for it.
        Rendition.objects.filter(pk=row.pk, claimed_at=row.claimed_at).delete()
        if stored is not None:
            storage.delete(stored)
        raise
    return rendered.data
