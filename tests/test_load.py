"""A bounded load test on loopback against gunicorn and uvicorn: mixed hits, misses, ranges,
304s and bad requests from 8 clients; no 5xx at all, every thumbnail byte-identical
afterwards to a reference render made here from the same original, and a clean server log."""

from __future__ import annotations

import random
import sys
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from email.message import Message

import pytest

from bench import http_bench
from directus_assets.render import render
from directus_assets.spec import build_spec
from tests.conftest import NO_DATABASE
from tests.servers import SERVERS, run_for_json

pytestmark = [pytest.mark.slow, NO_DATABASE]
REQUESTS = 400


@pytest.fixture(scope="module", params=SERVERS)
def site(request, tmp_path_factory):
    """The example site on its own SQLite and storage, served by gunicorn or uvicorn (2
    workers each)."""
    directory = tmp_path_factory.mktemp("load-site")
    env = {"BENCH_DIR": str(directory), "DJANGO_SETTINGS_MODULE": "bench.settings"}
    data = run_for_json([sys.executable, "bench/prepare.py", "serving"], env)
    server = http_bench.serve(request.param, env, directory / "server.log")
    try:
        yield server.url, data
    finally:
        server.stop_with_a_clean_log()


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes, Message]:
    """Status, body and headers (by any case: uvicorn sends them in lower case)."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers


def plan(data: dict, etag: str) -> list[tuple[str, str, dict[str, str], set[int]]]:
    """A fixed, mixed list of (kind, path, headers, acceptable statuses)."""
    choose = random.Random(7)
    photo, original = f"/assets/{data['photo_id']}", data["small_path"]
    work = []
    for _ in range(REQUESTS):
        kind = choose.choices(["hit", "miss", "range", "revalidate", "bad"], [40, 20, 15, 10, 15])[
            0
        ]
        if kind == "hit":
            work.append((kind, data["thumbnail_path"], {}, {200}))
        elif kind == "miss":  # 20 sizes, each asked for by several clients at once
            work.append((kind, f"{photo}?width={100 + choose.randrange(20)}", {}, {200}))
        elif kind == "range":
            target = choose.choice([original, data["thumbnail_path"]])
            work.append(
                (kind, target, {"Range": choose.choice(["bytes=0-99", "bytes=100-"])}, {206})
            )
        elif kind == "revalidate":
            work.append((kind, data["thumbnail_path"], {"If-None-Match": etag}, {304}))
        else:
            query = choose.choice(["width=abc", "quality=0", "transforms=nope", "key=missing"])
            work.append((kind, f"{photo}?{query}", {}, {400}))
    return work


def test_mixed_load_has_no_server_errors_and_correct_bytes(site):
    base, data = site
    etag = fetch(base + data["thumbnail_path"])[2]["ETag"]
    work = plan(data, etag)

    def run(item):
        kind, path, headers, expected = item
        status, _, _ = fetch(base + path, headers)
        return kind, status, status in expected

    with ThreadPoolExecutor(8) as clients:
        outcomes = list(clients.map(run, work))
    statuses = Counter(status for _, status, _ in outcomes)
    assert not [s for s in statuses if s >= 500], statuses
    assert all(ok for _, _, ok in outcomes), Counter((k, s) for k, s, ok in outcomes if not ok)

    _, source, _ = fetch(f"{base}/assets/{data['photo_id']}")
    for width in range(100, 120):
        spec = build_spec({"width": width}).resolved("image/jpeg", "", None)
        served = fetch(f"{base}/assets/{data['photo_id']}?width={width}")[1]
        assert served == render(source, spec).data, width
