"""Attack while serving: two attackers replay the worst requests we know for 30 s against a
real server (gunicorn with 2 workers, uvicorn with 2, and the demo's runserver) while a
victim asks for a cached thumbnail and an original. With the default settings: no 5xx but
503, every victim request answered (none over 2 s, median under 100 ms), the server's
processes together under 1 GiB of RSS, and the same requests fast again 5 s after the
attack stops."""

from __future__ import annotations

import contextlib
import itertools
import random
import statistics
import sys
import threading
import time
from collections import Counter

import psutil
import pytest

from bench import http_bench
from tests.conftest import NO_DATABASE
from tests.servers import DemoSite, http_request, run_for_json, stop

pytestmark = [pytest.mark.slow, NO_DATABASE]  # the attacked servers keep their own SQLite
ATTACK_SECONDS = 30
GiB = 1024**3


def worst_requests(ids: dict[str, str], hit: str) -> list[tuple[str, dict[str, str]]]:
    """Everything the outside testers found, and more; ``{n}`` becomes a fresh number."""
    a = {name: f"/assets/{file_id}" for name, file_id in ids.items()}
    return [
        (f"{a['photo']}?height=6000", {}),  # a 9000x6000 output
        (f"{a['wide']}?height=1200", {}),  # 24000x1200
        (f"{a['photo']}?fit=outside&width=6000&height=6000", {}),
        (f'{a["photo"]}?width=6000&height=6000&transforms=[["extend",10000]]', {}),
        (f"{a['banner']}?height=6000", {}),  # 180000x6000
        (f"{a['strip']}?width=100", {}),  # 100x600000
        (f'{a["square"]}?width=3000&height=3000&transforms=[["median",99]]', {}),
        (f"{a['photo']}?transforms=" + "[" * 1500, {}),
        (f"{a['photo']}?width=16384&format=webp", {}),
        (f"{a['bomb']}?width=100", {}),
        (f"{a['torn']}?width=100", {}),
        (f"{a['photo']}?key=card%00", {}),
        # Expensive, and within the budget: rendered (until the rate limit), or 503.
        (f"{a['big']}?width=2400&format=avif", {}),
        (f"{a['big']}?width=3000&format=webp", {}),
        (f"{a['alpha']}?format=avif", {}),
        (f'{a["square"]}?width=2000&transforms=[["median",3]]', {}),
        (f'{a["photo"]}?width=1800&transforms=[["rotate",33],["blur",20]]', {}),
        # Filling the cache: every focal point and every width is another thumbnail.
        (f"{a['big']}?width=400&height=400&focal_point_x={{n}}&focal_point_y={{n}}", {}),
        (f"{a['photo']}?width={{n}}", {}),
        (f"{a['photo']}?width=300&quality={{q}}&format=avif", {}),
        # Garbage around the victim's own requests.
        (hit, {"Range": "bytes=999999999-"}),
        (hit, {"If-None-Match": '"' + "x" * 4000 + '"'}),
    ]


def fetch(base: str, path: str, headers: dict[str, str] | None = None) -> int:
    return http_request(base, "GET", path, headers)[0]


def total_rss(pid: int) -> int:
    """The RSS of a server and every process under it (workers, render processes)."""
    root = psutil.Process(pid)
    total = 0
    for process in [root, *root.children(recursive=True)]:
        with contextlib.suppress(psutil.NoSuchProcess):  # a render that just ended
            total += process.memory_info().rss
    return total


def victim_times(base: str, paths: list[str], until: float) -> list[float]:
    times = []
    for path in itertools.cycle(paths):
        if time.monotonic() > until:
            return times
        started = time.monotonic()
        assert fetch(base, path) == 200, path
        times.append(time.monotonic() - started)
    return times


def attack(base: str, pid: int, files: dict[str, object]) -> None:
    corpus = worst_requests(files["ids"], str(files["hit"]))  # type: ignore[arg-type]
    paths = [str(files["hit"]), str(files["original"])]
    statuses: Counter[int] = Counter()
    peak_rss = [total_rss(pid)]
    stop_at = time.monotonic() + ATTACK_SECONDS
    counter = itertools.count(1)

    def attacker(seed: int) -> None:
        choose = random.Random(seed)
        while time.monotonic() < stop_at:
            path, headers = choose.choice(corpus)
            n = next(counter)
            path = path.replace("{n}", str(n)).replace("{q}", str(1 + n % 100))
            statuses[fetch(base, path, headers)] += 1

    def sample() -> None:
        while time.monotonic() < stop_at + 1:
            peak_rss[0] = max(peak_rss[0], total_rss(pid))
            time.sleep(0.1)

    threads = [threading.Thread(target=attacker, args=(seed,)) for seed in (1, 2)]
    threads.append(threading.Thread(target=sample))
    for thread in threads:
        thread.start()
    during = victim_times(base, paths, stop_at)
    for thread in threads:
        thread.join(60)

    print(
        f"\nattack on {base}: {sum(statuses.values())} attacks {dict(sorted(statuses.items()))}; "
        f"victim {len(during)} requests, median {statistics.median(during) * 1000:.1f} ms, "
        f"slowest {max(during) * 1000:.0f} ms; server peak RSS {peak_rss[0] / 2**20:.0f} MiB"
    )
    errors = {status: count for status, count in statuses.items() if status >= 500}
    assert set(errors) <= {503}, statuses
    assert max(during) < 2, f"slowest victim request {max(during):.2f} s"
    assert statistics.median(during) < 0.1, f"median {statistics.median(during):.3f} s"
    assert peak_rss[0] < GiB, f"{peak_rss[0] / 2**20:.0f} MiB"
    assert statuses[400] and statuses[200], statuses  # refused and served, both seen

    time.sleep(5)  # as the issue measures it: 5 s after the attack
    after = victim_times(base, paths, time.monotonic() + 3)
    assert max(after) < 2 and statistics.median(after) < 0.1, after


def prepare(env: dict[str, str]) -> dict[str, object]:
    files: dict[str, object] = run_for_json([sys.executable, "-m", "tests.attack_files"], env)
    return files


def test_gunicorn_under_attack_keeps_serving(tmp_path):
    env = {"BENCH_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "bench.settings"}
    files = prepare(env)
    server = http_bench.gunicorn(
        "example_project.wsgi:application", env, tmp_path / "gunicorn.log", threads=4
    )
    try:
        attack(server.url, server.process.pid, files)
    finally:
        server.stop()


def test_uvicorn_under_attack_keeps_serving(tmp_path):
    # Renders run in threads beside the event loop: the victim's hits never wait for them.
    env = {"BENCH_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "bench.settings"}
    files = prepare(env)
    server = http_bench.serve("uvicorn", env, tmp_path / "uvicorn.log")
    try:
        attack(server.url, server.process.pid, files)
    finally:
        server.stop()


def test_the_demo_server_under_attack_keeps_serving(tmp_path):
    demo = DemoSite.start(tmp_path)
    try:
        env = {"DEMO_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "example_project.settings"}
        files = prepare(env)
        attack(demo.url, demo.process.pid, files)
    finally:
        stop(demo.process)
