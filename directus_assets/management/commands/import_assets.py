"""``manage.py import_assets PATH [PATH ...] [--json]``: import local files as Files."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from directus_assets.conf import app_settings
from directus_assets.errors import OUTAGES
from directus_assets.ingest import inspect
from directus_assets.models import File


class Command(BaseCommand):
    help = (
        "Import local files (directories recursively) into the assets storage. "
        "Problems with one path are reported (a line each) and the rest still imported; the "
        "exit status is 1 if anything failed. Run twice, it imports every file again as a "
        "new File, unless --skip-existing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument(
            "--json",
            action="store_true",
            help="Print one JSON list of the imported files instead of a line each.",
        )
        parser.add_argument(
            "--storage", help="STORAGES alias to store into (default: the STORAGE setting)."
        )
        parser.add_argument(
            "--skip-existing",
            action="store_true",
            help="Skip (and report) files whose content is already a File, by checksum.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        storage = options["storage"] or app_settings.STORAGE
        if storage not in settings.STORAGES:
            raise CommandError(f"No storage {storage!r} in settings.STORAGES.")
        imported: list[dict[str, Any]] = []
        failures = 0
        for path, problem in _walk(options["paths"]):
            if problem is None:
                try:
                    existing = _existing(path) if options["skip_existing"] else None
                    if existing is not None:
                        self.stderr.write(f"{path}: skipped, already imported as {existing}")
                        continue
                    file = File.objects.create_from(path, storage=storage)
                except OUTAGES as error:  # a disk, a bucket, credentials, the database
                    problem = _reason(error)
                else:
                    imported.append(_summary(file))
                    if not options["json"]:
                        self.stdout.write(f"{path} -> {file.pk} ({file.type})")
                    continue
            failures += 1
            self.stderr.write(f"{path}: {problem}")
        if options["json"]:
            self.stdout.write(json.dumps(imported, indent=2))
        if failures:
            self.stderr.write(f"{failures} path(s) could not be imported.")
            sys.exit(1)


def _walk(paths: list[Path]) -> Iterator[tuple[Path, str | None]]:
    """Every file to import, with the reason it cannot be (or ``None``), in a stable order."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file():
                    yield child, None
        elif path.is_file():
            yield path, None
        elif path.exists():
            yield path, "not a regular file"
        else:
            yield path, "no such file or directory"


def _existing(path: Path) -> Any:
    """The id of a File with the same content as ``path``, if there is one."""
    with path.open("rb") as content:
        checksum = inspect(content, path.name).checksum
    return File.objects.filter(checksum=checksum).values_list("pk", flat=True).first()


def _reason(error: BaseException) -> str:
    """One line: why a path could not be imported."""
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return " ".join(str(error).split()) or type(error).__name__


def _summary(file: File) -> dict[str, Any]:
    return {
        "id": str(file.pk),
        "filename_download": file.filename_download,
        "type": file.type,
        "width": file.width,
        "height": file.height,
        "filesize": file.filesize,
    }
