"""The files the endpoint serves and the thumbnail presets editors manage.

Field names follow Directus's ``directus_files`` and ``storage_asset_presets`` on purpose.
"""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.storage import Storage, storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction

from . import placeholders
from .conf import app_settings
from .ingest import Inspection, Source, inspect, open_source
from .signals import content_stored

logger = logging.getLogger(__name__)


def configured_storage() -> str:
    """The STORAGES alias new files go to (the ``STORAGE`` setting)."""
    storage: str = app_settings.STORAGE
    return storage


class FileManager(models.Manager["File"]):
    def create_from(
        self,
        source: Source,
        *,
        filename: str | None = None,
        storage: str | None = None,
        **fields: Any,
    ) -> File:
        """Store ``source`` (bytes, a path, or an uploaded/open file) and create its File.

        Every field is filled from the content itself (type sniffed from the bytes, size,
        checksum, pixel size, EXIF); ``filename`` overrides the download name taken from the
        source, and ``fields`` sets the rest (``title``, ``uploaded_by``, ...). If storing or
        saving fails, neither a row nor a blob is left behind.
        """
        file = self.model(storage=storage or configured_storage(), **fields)
        file.save_content(source, filename=filename)
        return file


class File(models.Model):
    """An uploaded file, as Directus's ``directus_files``: served at ``/assets/<id>``."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    storage = models.CharField(max_length=64, default=configured_storage, editable=False)
    filename_disk = models.CharField(max_length=255, editable=False)
    filename_download = models.CharField(max_length=255)
    title = models.CharField(max_length=255, blank=True)
    type = models.CharField(max_length=255, editable=False, db_index=True)
    filesize = models.BigIntegerField(default=0, editable=False)
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    focal_point_x = models.IntegerField(null=True, blank=True)
    focal_point_y = models.IntegerField(null=True, blank=True)
    uploaded_on = models.DateTimeField(auto_now_add=True, db_index=True)
    modified_on = models.DateTimeField(auto_now=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    description = models.TextField(blank=True)
    private = models.BooleanField(
        default=False,
        help_text="Served only to users with the view permission on it, or by a signed URL.",
    )
    metadata = models.JSONField(default=dict, blank=True, editable=False)
    checksum = models.CharField(max_length=64, editable=False, db_index=True)
    # What a page paints before the image arrives (directus_assets.placeholders).
    blurhash = models.CharField(max_length=100, blank=True, editable=False)
    dominant_color = models.CharField(max_length=7, blank=True, editable=False)

    objects = FileManager()

    class Meta:
        ordering = ("-uploaded_on",)
        verbose_name = "file"

    def __str__(self) -> str:
        return self.title or self.filename_download

    @property
    def focal_point(self) -> tuple[int, int] | None:
        """``(x, y)`` in pixels of the (EXIF-rotated) original, if both are set."""
        if self.focal_point_x is None or self.focal_point_y is None:
            return None
        return self.focal_point_x, self.focal_point_y

    @property
    def is_image(self) -> bool:
        """Whether it is an image whose pixel size is known (so it can have thumbnails)."""
        return self.width is not None and self.type.startswith("image/")

    def get_storage(self) -> Storage:
        """The storage its bytes are in."""
        return storages[self.storage]

    def open(self) -> Any:
        """The stored bytes as an open binary file; raises ``FileNotFoundError`` if gone (and
        logs a warning: the endpoint answers 403 then, which alone would say nothing)."""
        try:
            return self.get_storage().open(self.filename_disk, "rb")
        except FileNotFoundError:
            logger.warning(
                "File %s: its bytes are missing from storage %r (name %r)",
                self.pk,
                self.storage,
                self.filename_disk,
            )
            raise

    def save_content(self, source: Source, *, filename: str | None = None) -> None:
        """Store new content for this file and save the row, keeping its id (and its download
        name, when neither ``filename`` nor the new content names it).

        The previous blob is deleted only once the transaction commits, so a failure at any
        point leaves the old content served and no new blob behind.
        """
        storage = self.get_storage()
        previous = self.filename_disk
        unnamed = self.filename_download or "file"
        with open_source(source, filename, unnamed) as (fileobj, download_name):
            inspection = inspect(fileobj, download_name)
            placeholder = placeholders.of_image(
                fileobj, inspection.type, inspection.width, inspection.height
            )
            stored_name = storage.save(self._disk_name(inspection), fileobj)
        try:
            with transaction.atomic():
                self._apply(inspection, placeholder, stored_name, download_name)
                self.save()
                content_stored.send(sender=File, instance=self)
        except BaseException:
            storage.delete(stored_name)
            raise
        if previous and previous != stored_name:
            transaction.on_commit(lambda: storage.delete(previous))

    def _disk_name(self, inspection: Inspection) -> str:
        # The checksum keeps a replacement's name distinct from the blob it replaces.
        name = f"{self.id}-{inspection.checksum[:12]}{inspection.extension}"
        return f"{app_settings.ORIGINALS_PATH.strip('/')}/{name}"

    def _apply(
        self,
        inspection: Inspection,
        placeholder: placeholders.Placeholder,
        stored_name: str,
        download_name: str,
    ) -> None:
        self.filename_disk = stored_name
        self.filename_download = download_name
        self.type = inspection.type
        self.filesize = inspection.filesize
        self.checksum = inspection.checksum
        self.width = inspection.width
        self.height = inspection.height
        self.metadata = inspection.metadata
        self.blurhash = placeholder.blurhash
        self.dominant_color = placeholder.color


class Fit(models.TextChoices):
    """How an image meets the requested box (see README, Thumbnails)."""

    COVER = "cover"
    CONTAIN = "contain"
    INSIDE = "inside"
    OUTSIDE = "outside"


class OutputFormat(models.TextChoices):
    """A preset's output format; ``auto`` negotiates AVIF or WebP with the browser."""

    JPG = "jpg"
    PNG = "png"
    WEBP = "webp"
    AVIF = "avif"
    TIFF = "tiff"
    AUTO = "auto"


PRESET_FIELDS = (
    "fit",
    "width",
    "height",
    "quality",
    "without_enlargement",
    "format",
    "transforms",
)


class PresetManager(models.Manager["ThumbnailPreset"]):
    """Looks presets up by key, as requests name them."""

    def values_for_key(self, key: str) -> dict[str, Any] | None:
        """The preset's transformation values, or ``None`` if no preset has this key."""
        values: dict[str, Any] | None = self.filter(key=key).values(*PRESET_FIELDS).first()
        return values


class ThumbnailPreset(models.Model):
    """A named set of transformation parameters, used as ``/assets/<id>?key=<key>``."""

    key = models.SlugField(max_length=100, unique=True)
    fit = models.CharField(max_length=10, choices=Fit.choices, default=Fit.COVER)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    quality = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    without_enlargement = models.BooleanField(default=False)
    format = models.CharField(max_length=4, choices=OutputFormat.choices, blank=True)
    transforms = models.JSONField(default=list, blank=True)
    make_at_upload = models.BooleanField(
        default=False,
        help_text="Make this preset's thumbnails in the background when an image is uploaded "
        "or replaced, and for every image when the preset is saved, so that no visitor waits "
        "for them.",
    )
    # Changes whenever the values change: lets a cache hit verify, in the same query, that
    # the preset it was made for is unchanged. Kept by save().
    fingerprint = models.CharField(max_length=32, editable=False, default="")

    objects = PresetManager()

    class Meta:
        ordering = ("key",)
        verbose_name = "thumbnail preset"
        # What the database itself can hold to, for writes that skip save() (bulk_create,
        # update()); save() checks everything a request would.
        constraints = [
            models.CheckConstraint(
                condition=models.Q(width__isnull=True) | models.Q(width__gte=1),
                name="directus_assets_preset_width_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(height__isnull=True) | models.Q(height__gte=1),
                name="directus_assets_preset_height_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(quality__isnull=True) | models.Q(quality__range=(1, 100)),
                name="directus_assets_preset_quality_1_to_100",
            ),
        ]

    def __str__(self) -> str:
        return self.key

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save a preset a request could use (else :class:`ValidationError`, however it was
        made: the admin, code, a fixture), keeping ``fingerprint`` in step with the values."""
        from .spec import preset_fingerprint

        self.full_clean(exclude=["fingerprint"])
        self.fingerprint = preset_fingerprint(
            {name: getattr(self, name) for name in PRESET_FIELDS}
        )
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "fingerprint"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        """Refuse built-in keys and values a request could not use."""
        # Validate exactly as a request would be, so a saved preset can always be served.
        from .errors import AssetError
        from .spec import SYSTEM_PRESETS, build_spec

        if self.key in SYSTEM_PRESETS:
            raise ValidationError({"key": f'"{self.key}" is a built-in preset key.'})
        values = {name: getattr(self, name) for name in PRESET_FIELDS}
        try:
            build_spec(values)
        except AssetError as error:
            named = [f for f in PRESET_FIELDS if re.search(rf"\b{f}\b", error.message)]
            raise ValidationError({(named or [NON_FIELD_ERRORS])[0]: error.message}) from None


class Rendition(models.Model):
    """The index of stored thumbnails: a cache hit is one query on (file, cache_key).

    A row is created when a render is claimed (``ready=False``) and marked ready only once
    its blob is completely stored, so readers never see a partial thumbnail and concurrent
    requests for the same thumbnail render it once (the unique constraint is the lock).
    """

    file = models.ForeignKey(File, on_delete=models.CASCADE, related_name="renditions")
    cache_key = models.CharField(max_length=32)
    storage = models.CharField(max_length=64)
    name = models.CharField(max_length=255)
    size = models.BigIntegerField(default=0)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    format = models.CharField(max_length=8)
    ready = models.BooleanField(default=False)
    claimed_at = models.DateTimeField()
    created = models.DateTimeField(auto_now_add=True)
    # What the rendition was made from, so stale ones can be found and cleaned up.
    source_checksum = models.CharField(max_length=64)
    preset_key = models.CharField(max_length=100, blank=True)
    preset_fingerprint = models.CharField(max_length=32, blank=True)
    renderer = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("file", "cache_key"), name="unique_rendition")
        ]

    def __str__(self) -> str:
        return self.name
