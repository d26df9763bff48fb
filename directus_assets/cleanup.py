"""Find and remove what the thumbnail cache no longer needs.

Stale renditions (made from older content, by an older renderer, or for a preset that
changed or is gone), claims whose worker died, index rows whose blob is missing, and blobs
that no row refers to; only blobs named exactly as the cache names them count, so a file
the cache did not write is never deleted. It lists storage, so it is for a management
command, not requests.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.core.files.storage import storages
from django.db.models import F
from django.utils import timezone

from .cache import RENDERER_VERSION, is_rendition_name
from .conf import app_settings
from .models import File, Rendition
from .pregenerate import preset_values
from .spec import preset_fingerprint

Blob = tuple[str, str]  # (storage alias, name)


@dataclass
class Survey:
    """What the cache no longer needs, found by :func:`survey`."""

    stale: list[Rendition] = field(default_factory=list)
    dead_claims: list[Rendition] = field(default_factory=list)
    missing_blobs: list[Rendition] = field(default_factory=list)
    orphan_blobs: list[Blob] = field(default_factory=list)

    @property
    def rows(self) -> list[Rendition]:
        return self.stale + self.dead_claims + self.missing_blobs


def survey() -> Survey:
    """Look through the index and storage for what can go (reads, deletes nothing)."""
    found = Survey()
    stored = set(_stored_blobs())
    indexed: set[Blob] = set()
    dead_before = timezone.now() - timedelta(seconds=app_settings.RENDER_TIMEOUT)
    fingerprints: dict[str, str | None] = {}
    rows = Rendition.objects.annotate(current_checksum=F("file__checksum"))
    for row in rows.iterator():
        indexed.add((row.storage, row.name))
        if not row.ready:
            if row.claimed_at < dead_before:
                found.dead_claims.append(row)
        elif _is_stale(row, fingerprints):
            found.stale.append(row)
        elif (row.storage, row.name) not in stored:
            found.missing_blobs.append(row)
    found.orphan_blobs = sorted(stored - indexed)
    return found


def remove(found: Survey) -> None:
    """Delete what :func:`survey` found: rows (their blobs follow) and orphaned blobs."""
    # Deleting rows deletes their blobs after commit (signal_handlers).
    Rendition.objects.filter(pk__in=[row.pk for row in found.rows]).delete()
    for alias, name in found.orphan_blobs:
        storages[alias].delete(name)


def remove_empty_folders() -> int:
    """Remove the thumbnail folders (one a file) left empty on local disk; how many. S3 has
    no folders. A file with a render in flight keeps its folder: the render writes there."""
    claims = Rendition.objects.filter(ready=False).values_list("file", flat=True)
    rendering = {str(file_id) for file_id in claims}
    removed = 0
    for alias in _thumbnail_aliases():
        try:
            root = Path(storages[alias].path(app_settings.THUMBNAILS_PATH.strip("/")))
        except NotImplementedError:
            continue  # not on local disk
        for folder in root.iterdir() if root.is_dir() else ():
            if folder.is_dir() and folder.name not in rendering and not any(folder.iterdir()):
                with contextlib.suppress(OSError):  # something arrived meanwhile: keep it
                    folder.rmdir()
                    removed += 1
    return removed


def _is_stale(row: Rendition, fingerprints: dict[str, str | None]) -> bool:
    current_checksum = row.current_checksum  # type: ignore[attr-defined]  # annotated
    if row.source_checksum != current_checksum or row.renderer != RENDERER_VERSION:
        return True
    if not row.preset_key:
        return False
    if row.preset_key not in fingerprints:
        values = preset_values(row.preset_key)
        fingerprints[row.preset_key] = preset_fingerprint(values) if values is not None else None
    return fingerprints[row.preset_key] != row.preset_fingerprint


def _thumbnail_aliases() -> list[str]:
    aliases = {app_settings.THUMBNAIL_STORAGE} | set(
        File.objects.values_list("storage", flat=True).distinct()
    )
    aliases |= set(Rendition.objects.values_list("storage", flat=True).distinct())
    return sorted(a for a in aliases if a)


def _stored_blobs() -> Iterator[Blob]:
    folder = app_settings.THUMBNAILS_PATH.strip("/")
    for alias in _thumbnail_aliases():
        yield from ((alias, name) for name in _walk(alias, folder) if is_rendition_name(name))


def _walk(alias: str, folder: str) -> Iterator[str]:
    storage = storages[alias]
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    yield from (f"{folder}/{name}" for name in files)
    for directory in directories:
        yield from _walk(alias, f"{folder}/{directory}")
