"""Load over HTTP: gunicorn or uvicorn (2 workers) on loopback, driven by wrk from another
process."""

from __future__ import annotations

import http.client
import os
import re
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tests.servers import LOOPBACK, free_port, launch, stop

ROOT = Path(__file__).resolve().parent.parent
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


# What a server's log may never show: Python's warnings (Django's "StreamingHttpResponse must
# consume synchronous iterators" among them) and tracebacks.
_LOG_PROBLEMS = re.compile(r"Traceback \(most recent call last\)|\w+Warning\b|\bWarning:")


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path | None = None

    def stop(self) -> None:
        stop(self.process)

    def problems(self) -> list[str]:
        """The lines of the server's log that show a warning or a traceback."""
        if self.log is None:
            return []
        lines = self.log.read_text(errors="replace").splitlines()
        return [line for line in lines if _LOG_PROBLEMS.search(line)]

    def stop_with_a_clean_log(self) -> None:
        """Stop it; fail if its log showed a warning or a traceback."""
        self.stop()
        problems = self.problems()
        assert not problems, "the server's log shows:\n" + "\n".join(problems[:20])


def serve(
    kind: str, env: dict[str, str], log: Path, project: str = "example_project", workers: int = 2
) -> Server:
    """``project``'s site under ``kind``: "gunicorn" (its WSGI application) or "uvicorn"
    (its ASGI application)."""
    if kind == "uvicorn":
        return uvicorn(f"{project}.asgi:application", env, log, workers)
    return gunicorn(f"{project}.wsgi:application", env, log, workers=workers)


def _answers(port: int) -> bool:
    connection = http.client.HTTPConnection(LOOPBACK, port, timeout=2)
    try:
        connection.request("GET", "/")
        connection.getresponse().read()
        return True
    finally:
        connection.close()


def gunicorn(
    app: str, env: dict[str, str], log: Path, threads: int = 1, workers: int = 2
) -> Server:
    """gunicorn with 2 workers; ``threads`` > 1 makes them gthread workers."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        app,
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--bind",
        f"{LOOPBACK}:{port}",
        "--log-level",
        "warning",
    ]
    return _launched(command, port, log, f"gunicorn {app}", env)


def uvicorn(app: str, env: dict[str, str], log: Path, workers: int = 2) -> Server:
    """uvicorn with 2 workers (uvloop and httptools, as ``uvicorn[standard]`` runs)."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        app,
        "--workers",
        str(workers),
        "--host",
        LOOPBACK,
        "--port",
        str(port),
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--lifespan",
        "off",  # Django has no lifespan handler
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    return _launched(command, port, log, f"uvicorn {app}", env)


def _launched(command: list[str], port: int, log: Path, what: str, env: dict[str, str]) -> Server:
    process = launch(
        command, log, lambda: _answers(port), what, cwd=ROOT, env={**os.environ, **env}
    )
    return Server(f"http://{LOOPBACK}:{port}", process, log)


def nginx(root: Path, scratch: Path) -> Server:
    port = free_port()
    scratch.mkdir(parents=True, exist_ok=True)
    config = scratch / "nginx.conf"
    config.write_text(
        f"""
worker_processes 2;
pid {scratch}/nginx.pid;
error_log {scratch}/error.log;
events {{ worker_connections 256; }}
http {{
  access_log off;
  sendfile on;
  client_body_temp_path {scratch}/body;
  proxy_temp_path {scratch}/proxy;
  fastcgi_temp_path {scratch}/fastcgi;
  uwsgi_temp_path {scratch}/uwsgi;
  scgi_temp_path {scratch}/scgi;
  server {{ listen {LOOPBACK}:{port}; root {root}; location / {{ }} }}
}}
"""
    )
    process = launch(
        ["nginx", "-c", str(config), "-p", str(scratch), "-g", "daemon off;"],
        scratch / "nginx.out",
        lambda: _answers(port),
        "nginx",
    )
    return Server(f"http://{LOOPBACK}:{port}", process)


def wrk(
    url: str, connections: int, seconds: int, headers: dict[str, str] | None = None
) -> dict[str, float]:
    """Requests/s and p50/p99 latency of ``connections`` clients for ``seconds``."""
    command = ["wrk", f"-t{min(connections, 2)}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    percentiles = dict(re.findall(r"\s(50|99)%\s+([\d.]+(?:us|ms|s))", output))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "requests_per_second": rate,
        "p50_ms": _milliseconds(percentiles["50"]),
        "p99_ms": _milliseconds(percentiles["99"]),
        "bad_responses": float(errors.group(1)) if errors else 0.0,
    }


def _milliseconds(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s)", value).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, int]:
    """One sequential request; returns (status, bytes received)."""
    address = url.split("//", 1)[1]
    host_port, _, path = address.partition("/")
    host, _, port = host_port.partition(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        connection.request("GET", "/" + path, headers=headers or {})
        response = connection.getresponse()
        received = 0
        while chunk := response.read(1024 * 1024):
            received += len(chunk)
        return response.status, received
    finally:
        connection.close()


def cold_render_ms(base: str, photo_id: str, count: int) -> float:
    """Median latency of thumbnails nobody asked for before."""
    times = []
    for index in range(count):
        # The same work as the in-process reference (cover 200x200 of the photo); each
        # quality is a new thumbnail in the run's fresh dataset.
        started = time.perf_counter()
        query = f"fit=cover&width=200&height=200&quality={50 + index}"
        status, _ = get(f"{base}/assets/{photo_id}?{query}")
        times.append((time.perf_counter() - started) * 1000)
        assert status == 200, status
    return statistics.median(times)


def streaming_peak_rss(server: Server, path: str, clients: int = 1) -> dict[str, float]:
    """Download ``path`` with ``clients`` clients at once while sampling the memory of the
    server's processes; the peak, in MiB."""
    import psutil  # a benchmark-only dependency

    main = psutil.Process(server.process.pid)
    processes = [main, *main.children(recursive=True)]

    def resident() -> int:
        return sum(process.memory_info().rss for process in processes)

    baseline = peak = resident()
    with ThreadPoolExecutor(clients) as pool:
        downloads = [pool.submit(get, server.url + path) for _ in range(clients)]
        while not all(download.done() for download in downloads):
            peak = max(peak, resident())
            time.sleep(0.02)
    received = [download.result() for download in downloads]
    assert all(status == 200 for status, _ in received), received
    return {
        "bytes": float(sum(size for _, size in received)),
        "baseline_mib": baseline / 2**20,
        "peak_mib": peak / 2**20,
        "growth_mib": (peak - baseline) / 2**20,
    }
