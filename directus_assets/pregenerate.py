"""Pregenerate preset thumbnails: the jobs, doing one job, and having them done off the
request. Used by the management command (in worker processes), the background tasks and the
presets made at upload."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from . import cache, thumbnails
from .errors import AssetError
from .models import File, ThumbnailPreset
from .spec import SYSTEM_PRESETS, TRANSFORMABLE_TYPES, build_spec, preset_fingerprint

logger = logging.getLogger(__name__)

# ``format=auto`` serves AVIF, WebP or the source format by the browser's Accept: make each.
AUTO_FORMAT_ACCEPTS = ("", "image/webp", "image/avif")


@dataclass(frozen=True)
class Job:
    """One file's thumbnails for one preset."""

    file_id: str
    preset_key: str


@dataclass(frozen=True)
class Outcome:
    """What a job did: renditions made, ones already cached, or why it failed."""

    job: Job
    rendered: int = 0
    skipped: int = 0
    error: str = ""


def jobs(preset_keys: list[str], file_ids: list[str]) -> Iterator[Job]:
    """Every (image file, preset) pair asked for: all presets and images by default."""
    files = File.objects.filter(type__in=TRANSFORMABLE_TYPES)
    if file_ids:
        files = files.filter(pk__in=file_ids)
    keys = preset_keys or list(ThumbnailPreset.objects.values_list("key", flat=True))
    for file_id in files.order_by("uploaded_on", "pk").values_list("pk", flat=True):
        for key in keys:
            yield Job(str(file_id), key)


def preset_values(key: str) -> dict[str, Any] | None:
    """A preset's values by key (built-in or configured), or ``None``."""
    return SYSTEM_PRESETS.get(key) or ThumbnailPreset.objects.values_for_key(key)


def run(job: Job, *, force: bool = False, dry_run: bool = False) -> Outcome:
    """Make (or, with ``dry_run``, count) every rendition of one file for one preset."""
    try:
        file = File.objects.get(pk=job.file_id)
        values = preset_values(job.preset_key)
        if values is None:
            return Outcome(job, error=f'no preset "{job.preset_key}"')
        spec = build_spec(values)
        origin = cache.Origin(job.preset_key, preset_fingerprint(values))
        accepts = AUTO_FORMAT_ACCEPTS if spec.format == "auto" else ("",)
        rendered = skipped = 0
        for accept in dict.fromkeys(accepts):
            if dry_run:
                resolved = spec.resolved(file.type, accept, file.focal_point)
                cached = cache.find_ready(file, resolved) is not None
                rendered, skipped = rendered + (not cached), skipped + cached
                continue
            _, _, data = thumbnails.ensure(file, spec, accept=accept, origin=origin, force=force)
            rendered, skipped = rendered + (data is not None), skipped + (data is None)
        return Outcome(job, rendered, skipped)
    except (AssetError, cache.RenderBusy, File.DoesNotExist, OSError) as error:
        return Outcome(job, error=getattr(error, "message", None) or str(error))


def make_soon(preset_keys: list[str], file_ids: list[str]) -> None:
    """Have these (image, preset) thumbnails made off the request: as tasks on the site's
    task backend, or here and now when the site has no tasks framework installed."""
    try:
        from . import tasks
    except ImportError:
        for job in jobs(preset_keys, file_ids):
            outcome = run(job)
            if outcome.error:
                logger.warning("Could not make %s: %s", job, outcome.error)
        return
    if file_ids:
        tasks.enqueue_pregeneration(preset_keys, file_ids)
    else:
        tasks.pregenerate_every_image.enqueue(preset_keys)
