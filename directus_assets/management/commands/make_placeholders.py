"""``manage.py make_placeholders [--all]``: the BlurHash and dominant colour of files stored
before placeholders existed (new content gets them when it is stored)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from directus_assets import placeholders
from directus_assets.models import File
from directus_assets.spec import TRANSFORMABLE_TYPES


class Command(BaseCommand):
    help = (
        "Make the placeholder (BlurHash and dominant colour) of every image that has none; "
        "with --all, of every image again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="remake existing placeholders")

    def handle(self, *args: Any, **options: Any) -> None:
        images = File.objects.filter(type__in=TRANSFORMABLE_TYPES, width__isnull=False)
        if not options["all"]:
            images = images.filter(blurhash="")
        made = missing = 0
        terminal = getattr(self.stdout, "_out", self.stdout)
        for file in tqdm(
            images.iterator(),
            total=images.count(),
            file=terminal,
            unit="file",
            disable=not self.stdout.isatty(),
        ):
            placeholder = _placeholder_of(file)
            # An update, not save(): the row's modification time is about its content.
            File.objects.filter(pk=file.pk).update(
                blurhash=placeholder.blurhash, dominant_color=placeholder.color
            )
            if placeholder == placeholders.NONE:
                missing += 1
            else:
                made += 1
        self.stdout.write(f"made {made} placeholders; {missing} images have none (see the log)")


def _placeholder_of(file: File) -> placeholders.Placeholder:
    try:
        with file.open() as handle:
            return placeholders.of_image(handle, file.type, file.width, file.height)
    except FileNotFoundError:
        return placeholders.NONE  # logged by File.open
