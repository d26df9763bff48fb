"""A site spread over several machines, on loopback: web servers and task workers, each a
process of its own with ``tests.topology_settings``, sharing one database and one storage.

The tests and the benchmark start PostgreSQL and SeaweedFS themselves; a :class:`Site` is a
database and a storage folder of its own on them, so several sites can share the servers.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

from bench import http_bench
from tests.servers import LOOPBACK, PostgreSQL, launch, stop

ROOT = Path(__file__).resolve().parent.parent
# The line cache.py logs for each thumbnail made (topology_settings logs it to stderr).
_MADE = re.compile(r"Made thumbnail (\S+) \(\d+ bytes\)")
# How long a queue may take to drain before a test fails (generous: a loaded 2-core machine).
QUEUE_BOUND_SECONDS = 600


def machine_env(machine: dict[str, Any]) -> dict[str, str]:
    """The environment of a process of the site ``machine`` describes (topology_settings)."""
    return {
        "DJANGO_SETTINGS_MODULE": "tests.topology_settings",
        "TOPOLOGY_SETTINGS": json.dumps(machine),
        "PYTHONUNBUFFERED": "1",  # logs reach the log file as they happen
    }


def suite_machine(media: Path) -> dict[str, Any]:
    """The test's own database and media folder, for a process of the site to use."""
    from django.db import connection

    keys = ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT", "OPTIONS")
    database = {key: connection.settings_dict[key] for key in keys}
    storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(media)},
    }
    return {"database": {**database, "NAME": str(database["NAME"])}, "storage": storage}


def start_worker(machine: dict[str, Any], log: Path, module: str = "") -> subprocess.Popen:
    """A django-tasks-db ``db_worker`` of the site, polling often; ``module`` runs it through
    a test's own entry point instead of manage.py (tests.render_then_die)."""
    worker_id = log.stem
    entry = ["-m", module, json.dumps(machine)] if module else ["manage.py"]
    command = [
        sys.executable,
        *entry,
        "db_worker",
        "--interval=0.05",
        "--no-startup-delay",
        "--no-reload",
        f"--worker-id={worker_id}",
    ]
    env = {**os.environ, **machine_env(machine)}
    return launch(
        command,
        log,
        lambda: f"Starting worker worker_id={worker_id}" in log.read_text(),
        f"worker {worker_id}",
        cwd=ROOT,
        env=env,
    )


def write_photos(folder: Path, count: int, size: tuple[int, int] = (480, 360)) -> Path:
    """``count`` JPEGs of their own (their own colours, so their own checksums)."""
    from PIL import Image, ImageDraw

    folder.mkdir(parents=True)
    width, height = size
    for index in range(count):
        image = Image.new("RGB", size, (index * 5 % 256, 255 - index * 5 % 256, 90))
        ellipse = (width // 12 + index, height // 12, width * 5 // 8, height * 11 // 12)
        ImageDraw.Draw(image).ellipse(ellipse, fill=(20, index * 3 % 256, 200))
        image.save(folder / f"photo-{index:03}.jpg", quality=90)
    return folder


def thumbnails_made(log: Path) -> list[str]:
    """The thumbnails (storage:name) a process logged making."""
    return _MADE.findall(log.read_text(errors="replace"))


@dataclass
class Site:
    directory: Path
    postgres: PostgreSQL
    database: str
    storage: dict[str, Any]
    assets: dict[str, Any] = field(default_factory=dict)
    workers: dict[str, subprocess.Popen] = field(default_factory=dict)
    _connection: psycopg.Connection[Any] | None = None

    @classmethod
    def create(
        cls, directory: Path, postgres: PostgreSQL, storage: dict[str, Any], **assets: Any
    ) -> Site:
        """A new database (migrated) on ``postgres``, with ``storage`` for its files."""
        database = f"site_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(**_connection(postgres, "postgres"), autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {database}")
        site = cls(directory, postgres, database, storage, assets)
        site.manage("migrate", "--noinput")
        return site

    @property
    def machine(self) -> dict[str, Any]:
        database = {**self.postgres.settings(), "NAME": self.database, "CONN_MAX_AGE": 600}
        return {"database": database, "storage": self.storage, "assets": self.assets}

    def manage(self, *args: str) -> str:
        """Run a management command on the site; its output."""
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**os.environ, **machine_env(self.machine)},
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, f"manage.py {' '.join(args)}:\n{done.stderr[-3000:]}"
        return done.stdout

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        if self._connection is None:  # one, kept: polling must not cost the workers' CPU
            self._connection = psycopg.connect(
                **_connection(self.postgres, self.database), autocommit=True
            )
        cursor = self._connection.execute(sql, params)
        return cursor.fetchall() if cursor.description else []

    def start_worker(self, name: str, module: str = "") -> subprocess.Popen:
        self.workers[name] = start_worker(self.machine, self.directory / f"{name}.log", module)
        return self.workers[name]

    def serve(self, name: str) -> http_bench.Server:
        """A web server of its own (gunicorn, one worker process)."""
        env = machine_env(self.machine)
        return http_bench.serve("gunicorn", env, self.directory / f"{name}.log", workers=1)

    def busy_seconds(self) -> float:
        """From the first task's start to the last one's end."""
        table = "django_tasks_database_dbtaskresult"
        rows = self.query(
            f"SELECT EXTRACT(EPOCH FROM max(finished_at) - min(started_at)) FROM {table}"
        )
        return float(rows[0][0])

    def queue(self) -> dict[str, int]:
        """The site's task results by status."""
        rows = self.query(
            "SELECT status, count(*) FROM django_tasks_database_dbtaskresult GROUP BY 1"
        )
        return dict(rows)

    def wait_for_queue(self, done: Callable[[dict[str, int]], bool]) -> dict[str, int]:
        """Wait until the queue's state satisfies ``done``; fail if a worker exits first."""
        deadline = time.monotonic() + QUEUE_BOUND_SECONDS
        while not done(queue := self.queue()):
            for name, worker in self.workers.items():
                log = self.directory / f"{name}.log"
                assert worker.poll() is None, f"worker {name} exited:\n{log.read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"the queue is still {queue}"
            time.sleep(0.05)
        return queue

    def made(self, name: str) -> list[str]:
        return thumbnails_made(self.directory / f"{name}.log")

    def stop(self) -> None:
        for worker in self.workers.values():
            stop(worker)
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def drained(queue: dict[str, int]) -> bool:
    """Every task has run, and succeeded or failed."""
    return not queue.get("READY") and not queue.get("RUNNING")


def _connection(postgres: PostgreSQL, database: str) -> dict[str, Any]:
    return {"host": LOOPBACK, "port": postgres.port, "user": "postgres", "dbname": database}
