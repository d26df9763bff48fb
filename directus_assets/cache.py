"""The thumbnail cache: naming, the one-query lookup, single-flight rendering, atomic store.

Naming (``rendition_key``/``rendition_name``) and policy (``fetch_or_render``) are separate.
The index (:class:`Rendition`) is the truth: a blob is served only through a ready row, so
a hit never asks storage whether anything exists, and a half-written blob is never seen. The
unique (file, cache_key) row is also the lock that makes concurrent requests, in any number
of processes or machines, render a thumbnail once while the others wait for it.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import PIL
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import hit_query
from .conf import app_settings
from .models import File, Rendition
from .spec import SYSTEM_PRESETS, TRANSFORMABLE_TYPES, TransformSpec

# Bump when rendering changes output for the same spec, so old renditions are not reused.
RENDERER_VERSION = f"2/pillow-{PIL.__version__}"
logger = logging.getLogger(__name__)
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
    return _key(file.checksum, spec)


def _key(checksum: str, spec: TransformSpec) -> str:
    material = f"{checksum}:{spec.cache_key()}:{RENDERER_VERSION}"
    return hashlib.sha256(material.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class FileState:
    """What a rendition's key depends on, besides the request."""

    checksum: str
    type: str
    focal_point: tuple[int, int] | None

    @classmethod
    def of(cls, file: File) -> FileState:
        return cls(file.checksum, file.type, file.focal_point)


class StateHints:
    """A bounded, per-process memory of files' states, to find a hit in one query.

    Only ever a hint: the hit query reads the file row too and checks the hint against
    it, so a file changed by another process is a miss, never a wrong thumbnail.
    """

    def __init__(self, size: int = 10_000) -> None:
        self.size = size
        self._states: OrderedDict[Any, FileState] = OrderedDict()
        self._lock = threading.Lock()  # threaded servers update it concurrently

    def get(self, file_id: Any) -> FileState | None:
        return self._states.get(file_id)

    def remember(self, file: File) -> None:
        with self._lock:
            self._states[file.pk] = FileState.of(file)
            self._states.move_to_end(file.pk)
            while len(self._states) > self.size:
                self._states.popitem(last=False)

    def forget(self, file_id: Any) -> None:
        with self._lock:
            self._states.pop(file_id, None)


hints = StateHints()


def find_hit(
    file_id: Any, spec: TransformSpec, accept: str, origin: Origin
) -> tuple[Rendition, TransformSpec] | None:
    """A ready rendition found with one query (file row included), or ``None`` if unsure.

    ``None`` means "ask the slow path", which answers everything; so in any doubt (no hint,
    a type that has no thumbnails, a spec it cannot resolve) the answer is ``None``.
    """
    state = hints.get(file_id)
    if state is None or state.type not in TRANSFORMABLE_TYPES:
        return None
    try:
        resolved = spec.resolved(state.type, accept, state.focal_point)
    except Exception:  # whatever it is, the slow path will say it properly
        return None
    checks_preset = bool(origin.preset_key) and origin.preset_key not in SYSTEM_PRESETS
    found = hit_query.fetch(
        file_id, _key(state.checksum, resolved), origin.preset_key if checks_preset else None
    )
    if found is None:
        return None
    row, current_preset = found
    if FileState.of(row.file) != state:
        hints.forget(file_id)
        return None
    if checks_preset and current_preset != origin.preset_fingerprint:
        return None
    return row, resolved


def rendition_name(file: File, key: str, spec: TransformSpec) -> str:
    """Where a rendition is stored: ``<THUMBNAILS_PATH>/<file-id>/<key>.<ext>``."""
    folder = app_settings.THUMBNAILS_PATH.strip("/")
    return f"{folder}/{file.pk}/{key}.{spec.extension}"


_RENDITION_NAME = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/"
    r"[0-9a-f]{32}(_[A-Za-z0-9]{7})?\.(jpg|png|webp|avif|tiff)"  # storage may add _<random>
)


def is_rendition_name(name: str) -> bool:
    """Whether ``name`` has the exact shape :func:`rendition_name` gives (and nothing else
    in THUMBNAILS_PATH does), so cleanup never deletes a file the cache did not write."""
    folder = app_settings.THUMBNAILS_PATH.strip("/")
    head, slash, rest = name.partition(folder + "/")
    return not head and bool(slash) and _RENDITION_NAME.fullmatch(rest) is not None


def storage_alias(file: File) -> str:
    """The storage alias a file's thumbnails go to."""
    alias: str = app_settings.THUMBNAIL_STORAGE or file.storage
    return alias


def storage_of(rendition: Rendition) -> Storage:
    """The storage a rendition's blob is in."""
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


def find_ready(file: File, spec: TransformSpec) -> Rendition | None:
    """The stored rendition of ``file`` for a resolved ``spec``, if there is one."""
    key = rendition_key(file, spec)
    return Rendition.objects.filter(file=file, cache_key=key, ready=True).first()


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
        # Which process made what: the line to count renders by, across machines.
        logger.info("Made thumbnail %s:%s (%d bytes)", row.storage, row.name, row.size)
    except BaseException:
        # Deleting the claim deletes the blob at its name (signal_handlers); the one we
        # stored goes too, in case storage chose another name for it.
        Rendition.objects.filter(pk=row.pk, claimed_at=row.claimed_at).delete()
        if stored is not None:
            storage.delete(stored)
        raise
    return rendered.data
