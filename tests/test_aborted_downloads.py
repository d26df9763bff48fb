"""Clients that leave mid-download give back what their download held, at once.

Directus leaked an S3 socket per aborted download until every asset answered 403
(directus/directus#24509, #27412). Here: 200 downloads of a 5 MB original, each dropped after
its first bytes, against gunicorn (WSGI) and uvicorn (ASGI), from local disk and from S3
(SeaweedFS); then a normal download must succeed, and the workers' open file descriptors
must be back where they were before.
"""

from __future__ import annotations

import socket
import struct
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import psutil
import pytest

from bench import http_bench
from tests.conftest import NO_DATABASE
from tests.servers import LOOPBACK, SERVERS, http_request, run_for_json

pytestmark = [pytest.mark.slow, NO_DATABASE]
ABORTED = 200


def open_descriptors(server: http_bench.Server) -> int:
    """The server's own and its workers' (uvicorn's one worker runs in the server process)."""
    main = psutil.Process(server.process.pid)
    return sum(process.num_fds() for process in [main, *main.children(recursive=True)])


def download_and_drop(url: str, path: str) -> bytes:
    """Ask for ``path``, read the first bytes of the answer, and reset the connection."""
    port = int(url.rsplit(":", 1)[1])
    with socket.create_connection((LOOPBACK, port), timeout=30) as connection:
        connection.sendall(f"GET {path} HTTP/1.1\r\nHost: {LOOPBACK}\r\n\r\n".encode())
        first = connection.recv(4096)
        # Linger 0: close with a reset, as a browser tab closed mid-download does.
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    return first


def settled(server: http_bench.Server, target: int) -> int:
    """The descriptor count once it is at most ``target``, or whatever it is after 30 s
    (a worker notices a reset on its next write, which may take a moment)."""
    deadline = time.monotonic() + 30
    count = open_descriptors(server)
    while count > target and time.monotonic() < deadline:
        time.sleep(0.1)
        count = open_descriptors(server)
    return count


@pytest.fixture(params=["local", "s3"])
def site_env(request, tmp_path, seaweedfs):
    env = {"BENCH_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "bench.settings"}
    if request.param == "s3":
        env["BENCH_S3_ENDPOINT"] = seaweedfs.endpoint
    return env, run_for_json([sys.executable, "bench/prepare.py", "serving"], env)


@pytest.mark.parametrize("kind", SERVERS)
def test_aborted_downloads_release_their_files_and_connections(site_env, kind, tmp_path):
    env, data = site_env
    # One worker: warmed for sure by the downloads below.
    server = http_bench.serve(kind, env, tmp_path / "server.log", workers=1)
    try:
        path = data["big_path"]
        # Warm the worker (its database connection, its S3 connection pool) with whole
        # downloads, so that what is open afterwards is what a worker keeps.
        for _ in range(3):
            status, _, body = http_request(server.url, "GET", path)
            assert (status, len(body)) == (200, data["big_bytes"])
        before = open_descriptors(server)

        with ThreadPoolExecutor(8) as clients:
            starts = list(
                clients.map(lambda _: download_and_drop(server.url, path), range(ABORTED))
            )
        assert all(start.startswith(b"HTTP/1.1 200") for start in starts)

        assert settled(server, before) <= before
        status, _, body = http_request(server.url, "GET", path)
        assert (status, len(body)) == (200, data["big_bytes"])
        assert settled(server, before) <= before
    finally:
        server.stop_with_a_clean_log()
