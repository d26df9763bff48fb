"""``manage.py pregenerate_thumbnails``: render preset thumbnails ahead of requests."""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connections

from directus_assets import pregenerate
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
        if options["enqueue"]:
            from directus_assets.tasks import enqueue_pregeneration

            results = enqueue_pregeneration(
                options["preset"], options["file"], force=options["force"]
            )
            self.stdout.write(f"enqueued {len(results)} pregeneration tasks")
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
                self.stderr.write(
                    f"failed {outcome.job.file_id} {outcome.job.preset_key}: {outcome.error}"
                )
            progress.advance(outcome)
        progress.finish()
        elapsed = time.monotonic() - started
        verb = "would render" if options["dry_run"] else "rendered"
        rate = totals["rendered"] / elapsed if elapsed else 0.0
        self.stdout.write(
            f"{verb} {totals['rendered']}, skipped {totals['skipped']} (cached), "
            f"failed {totals['failed']} in {elapsed:.1f}s ({rate:.1f} thumbnails/s)"
        )
        if totals["failed"]:
            sys.exit(1)


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
    """A bar on a terminal; plain lines otherwise (logs, CI)."""

    def __init__(self, stream: Any, total: int, *, dry_run: bool) -> None:
        self.stream, self.total, self.done, self.dry_run = stream, total, 0, dry_run
        self.tty = stream.isatty()

    def advance(self, outcome: Outcome) -> None:
        self.done += 1
        if self.tty:
            filled = int(30 * self.done / max(self.total, 1))
            bar = "#" * filled + "-" * (30 - filled)
            self.stream.write(f"\r[{bar}] {self.done}/{self.total}", ending="")
            self.stream.flush()
        elif not outcome.error:
            state = "rendered" if outcome.rendered else "cached"
            if self.dry_run:
                state = "to render" if outcome.rendered else "cached"
            self.stream.write(
                f"{self.done}/{self.total} {outcome.job.file_id} {outcome.job.preset_key}: {state}"
            )

    def finish(self) -> None:
        if self.tty:
            self.stream.write("")
