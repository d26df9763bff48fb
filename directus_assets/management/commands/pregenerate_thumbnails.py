"""``manage.py pregenerate_thumbnails``: render preset thumbnails ahead of requests."""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper
from django.db import connections
from tqdm import tqdm

from directus_assets import pregenerate
from directus_assets.models import File
from directus_assets.pregenerate import Job, Outcome


class Command(BaseCommand):
    help = (
        "Render the thumbnails of presets ahead of time, with the same renderer and cache "
        "as the endpoint. Skips what is cached, reports and continues past bad files, and "
        "exits with status 1 if any failed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--preset", action="append", default=[], metavar="KEY", help="repeatable; default: all"
        )
        parser.add_argument(
            "--file", action="append", default=[], metavar="ID", help="repeatable; default: all"
        )
        parser.add_argument(
            "--workers", type=int, default=os.cpu_count() or 1, help="processes (default: CPUs)"
        )
        parser.add_argument("--force", action="store_true", help="render even what is cached")
        parser.add_argument("--dry-run", action="store_true", help="count, render nothing")
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="enqueue the jobs on the site's task backend (django.tasks) instead",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        _check_choices(options["preset"], options["file"])
        if options["enqueue"]:
            self._enqueue(options)
            return
        todo = list(pregenerate.jobs(options["preset"], options["file"]))
        run = partial(pregenerate.run, force=options["force"], dry_run=options["dry_run"])
        started = time.monotonic()
        totals = {"rendered": 0, "skipped": 0, "failed": 0}
        progress = Progress(self.stdout, len(todo), dry_run=options["dry_run"])
        for outcome in _outcomes(todo, run, max(1, options["workers"])):
            totals["rendered"] += outcome.rendered
            totals["skipped"] += outcome.skipped
            if outcome.error:
                totals["failed"] += 1
                job = outcome.job
                progress.interrupt(
                    self.stderr, f"failed {job.file_id} {job.preset_key}: {outcome.error}"
                )
            progress.advance(outcome)
        progress.finish()
        elapsed = time.monotonic() - started
        counts = f"skipped {totals['skipped']} (cached), failed {totals['failed']}"
        if options["dry_run"]:
            self.stdout.write(f"would render {totals['rendered']}, {counts}")
        else:
            rate = totals["rendered"] / elapsed if elapsed else 0.0
            self.stdout.write(
                f"rendered {totals['rendered']}, {counts} in {elapsed:.1f}s "
                f"({rate:.1f} thumbnails/s)"
            )
        if totals["failed"]:
            sys.exit(1)

    def _enqueue(self, options: dict[str, Any]) -> None:
        try:
            from directus_assets.tasks import enqueue_pregeneration
        except ImportError:
            raise CommandError(
                "--enqueue needs Django's tasks framework: Django 6, or on Django 5.2 "
                'pip install "directus-assets[tasks]" (django-tasks); then a TASKS backend '
                "and its workers (README: Pregenerating).",
                returncode=2,
            ) from None
        results = enqueue_pregeneration(options["preset"], options["file"], force=options["force"])
        self.stdout.write(f"enqueued {len(results)} pregeneration tasks")


def _check_choices(preset_keys: list[str], file_ids: list[str]) -> None:
    """Unknown presets and files are one clear error (exit status 2), before any work."""
    problems = [f"no preset {key!r}" for key in preset_keys if not pregenerate.preset_values(key)]
    ids = []
    for value in file_ids:
        try:
            ids.append(uuid.UUID(value))
        except ValueError:
            problems.append(f"--file {value!r} is not a file id")
    found = set(File.objects.filter(pk__in=ids).values_list("pk", flat=True))
    problems += [f"no file {file_id}" for file_id in ids if file_id not in found]
    if problems:
        raise CommandError("; ".join(problems), returncode=2)


def _outcomes(todo: list[Job], run: Any, workers: int) -> Iterator[Outcome]:
    if workers == 1 or len(todo) < 2:
        yield from map(run, todo)
        return
    # Children are forked with Django set up; they must not share the parent's connections.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        yield from pool.map(run, todo, chunksize=max(1, len(todo) // (workers * 8)))


class Progress:
    """tqdm's bar on a terminal; a plain line a job otherwise (logs, CI)."""

    def __init__(self, stream: OutputWrapper, total: int, *, dry_run: bool) -> None:
        self.stream, self.total, self.done, self.dry_run = stream, total, 0, dry_run
        # tqdm draws on the terminal itself: Django's wrapper would end each redraw a line.
        terminal = getattr(stream, "_out", stream)
        self.bar = tqdm(total=total, file=terminal, unit="job") if stream.isatty() else None

    def advance(self, outcome: Outcome) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.update(1)
        elif not outcome.error:
            state = "rendered" if outcome.rendered else "cached"
            if self.dry_run:
                state = "to render" if outcome.rendered else "cached"
            job = outcome.job
            self.stream.write(f"{self.done}/{self.total} {job.file_id} {job.preset_key}: {state}")

    def interrupt(self, stream: OutputWrapper, line: str) -> None:
        """Write ``line`` on a line of its own, the bar drawn again below it."""
        if self.bar is not None:
            self.bar.clear()
        stream.write(line)
        if self.bar is not None:
            self.bar.refresh()

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.close()
