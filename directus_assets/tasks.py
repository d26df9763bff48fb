"""Pregeneration as background tasks, for sites whose worker pool spans several machines.

Uses Django's tasks framework: ``django.tasks`` on Django 6, the ``django-tasks`` backport
(``pip install "directus-assets[tasks]"``) on Django 5.2. Any worker the site already runs
for its task backend picks the jobs up; each job renders one file's thumbnails for one
preset through the same renderer and cache as the endpoint, so the single-flight claim
keeps workers on several machines from rendering the same thumbnail twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

try:
    from django.tasks import task
except ImportError:  # Django 5.2
    from django_tasks import task  # type: ignore[no-redef]

from django.db import transaction

from . import pregenerate


@task()
def pregenerate_thumbnails(file_id: str, preset_key: str, force: bool = False) -> dict[str, Any]:
    """Render one file's thumbnails for one preset; fails (for the backend to report) on error."""
    outcome = pregenerate.run(pregenerate.Job(file_id, preset_key), force=force)
    if outcome.error:
        raise RuntimeError(f"{file_id} {preset_key}: {outcome.error}")
    return {"rendered": outcome.rendered, "skipped": outcome.skipped}


@task()
def pregenerate_every_image(preset_keys: list[str]) -> int:
    """Enqueue a task for every image with these presets; returns how many. Saving a preset
    enqueues this one task, so a library of any size costs the save one write."""
    return len(enqueue_pregeneration(preset_keys))


def enqueue_pregeneration(
    preset_keys: Iterable[str] = (), file_ids: Iterable[str] = (), *, force: bool = False
) -> list[Any]:
    """Enqueue a task for every (image, preset) pair; returns the task results.

    In one transaction: with a database backend, the jobs appear to workers all at once, or
    none of them if enqueuing fails part way.
    """
    with transaction.atomic():
        return [
            pregenerate_thumbnails.enqueue(job.file_id, job.preset_key, force)
            for job in pregenerate.jobs(list(preset_keys), list(file_ids))
        ]
