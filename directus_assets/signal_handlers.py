"""Side effects of model changes, kept out of the models: blobs go when their rows go."""

from __future__ import annotations

import logging
from typing import Any

from django.core.files.storage import storages
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import cache, pregenerate
from .errors import OUTAGES
from .models import File, Rendition, ThumbnailPreset
from .signals import content_stored
from .spec import TRANSFORMABLE_TYPES

logger = logging.getLogger(__name__)


def _delete_blob_on_commit(alias: str, name: str) -> None:
    # After commit only: a rolled-back delete must still find its bytes.
    transaction.on_commit(lambda: _delete_blob(alias, name))


def _delete_blob(alias: str, name: str) -> None:
    try:
        storages[alias].delete(name)
    except OUTAGES:
        # A blob left behind is only an orphan: cleanup_thumbnails removes it later.
        logger.warning("Could not delete %s from storage %r", name, alias, exc_info=True)


@receiver(post_delete, sender=File, dispatch_uid="directus_assets_file_blob")
def delete_original(sender: type[File], instance: File, **kwargs: Any) -> None:
    if instance.filename_disk:
        _delete_blob_on_commit(instance.storage, instance.filename_disk)


@receiver(post_delete, sender=Rendition, dispatch_uid="directus_assets_rendition_blob")
def delete_rendition_blob(sender: type[Rendition], instance: Rendition, **kwargs: Any) -> None:
    _delete_blob_on_commit(instance.storage, instance.name)


@receiver(post_save, sender=File, dispatch_uid="directus_assets_stale_renditions")
def delete_stale_renditions(
    sender: type[File], instance: File, created: bool, **kwargs: Any
) -> None:
    """A file whose content was replaced loses the renditions of its old content."""
    if not created:
        Rendition.objects.filter(file=instance).exclude(source_checksum=instance.checksum).delete()


@receiver(post_save, sender=File, dispatch_uid="directus_assets_state_hint")
def remember_file_state(sender: type[File], instance: File, **kwargs: Any) -> None:
    """The process that saved a file knows its state: its first hit is one query. (Only a
    hint: a hit checks it against the row, so a rolled-back save is a miss, not an error.)"""
    cache.hints.remember(instance)


@receiver(content_stored, sender=File, dispatch_uid="directus_assets_make_at_upload")
def make_presets_of_new_content(sender: type[File], instance: File, **kwargs: Any) -> None:
    """New content gets the thumbnails of the presets made at upload, once it is committed."""
    if instance.type not in TRANSFORMABLE_TYPES:
        return
    keys = list(ThumbnailPreset.objects.filter(make_at_upload=True).values_list("key", flat=True))
    if keys:
        file_ids = [str(instance.pk)]
        # robust: a task backend that cannot take the job is logged, never a failed upload.
        transaction.on_commit(lambda: pregenerate.make_soon(keys, file_ids), robust=True)


@receiver(post_save, sender=ThumbnailPreset, dispatch_uid="directus_assets_make_saved_preset")
def make_saved_preset(
    sender: type[ThumbnailPreset], instance: ThumbnailPreset, **kwargs: Any
) -> None:
    """A preset made at upload, once saved, gets made for every image (what is made already
    is skipped at one query a job; a changed preset is made anew)."""
    if instance.make_at_upload:
        keys = [instance.key]
        transaction.on_commit(lambda: pregenerate.make_soon(keys, []), robust=True)
