"""``manage.py cleanup_thumbnails [--dry-run]``: remove stale and orphaned thumbnails."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from directus_assets import cleanup


class Command(BaseCommand):
    help = (
        "Remove thumbnails the cache no longer needs: stale ones (older content, renderer or "
        "preset), claims whose worker died, index rows whose blob is missing, and blobs no "
        "row refers to; then the thumbnail folders that leaves empty on local disk."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="report, delete nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        found = cleanup.survey()
        verb = "would delete" if options["dry_run"] else "deleted"
        for label, rows in (
            ("stale renditions", found.stale),
            ("dead render claims", found.dead_claims),
            ("index rows with a missing blob", found.missing_blobs),
        ):
            self.stdout.write(f"{verb} {len(rows)} {label}")
            if options["verbosity"] > 1:
                for row in rows:
                    self.stdout.write(f"  {row.storage}:{row.name}")
        self.stdout.write(f"{verb} {len(found.orphan_blobs)} orphaned blobs")
        if options["verbosity"] > 1:
            for alias, name in found.orphan_blobs:
                self.stdout.write(f"  {alias}:{name}")
        if not options["dry_run"]:
            with transaction.atomic():
                cleanup.remove(found)
            # After the commit, which deleted the blobs: the folders they leave empty.
            self.stdout.write(f"removed {cleanup.remove_empty_folders()} empty folders")
