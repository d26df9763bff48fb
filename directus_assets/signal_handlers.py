"""Side effects of model changes, kept out of the models: blobs go when their rows go."""

from __future__ import annotations

import logging
from typing import Any

from django.core.files.storage import storages
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .errors import OUTAGES
from .models import File, Rendition

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
