"""The fast path never answers differently from the slow path: for a file of every kind and
a query of every kind, the answer (status, the headers that matter, the bytes) is the same
cold (no hints, no thumbnail, nothing remembered), warm (asked before), after related
requests (another size of the same file, the same query on another file), in any order
(Hypothesis), and from two gunicorn workers; on local disk and S3 (and, in the suite's
second run, on PostgreSQL)."""

from __future__ import annotations

import sys

import pytest
from django.core.cache import caches
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench import http_bench
from directus_assets import cache, views
from directus_assets.models import File, Rendition, ThumbnailPreset
from directus_assets.signing import signed_url
from directus_assets.versions import content_version
from tests.conftest import NO_DATABASE, body
from tests.corpus import PRESETS, QUERIES, files
from tests.servers import SERVERS, http_request, run_for_json

pytestmark = pytest.mark.django_db
COMPARED = (
    "Content-Type",
    "Content-Length",
    "ETag",
    "Last-Modified",
    "Cache-Control",
    "Content-Disposition",
    "Content-Range",
    "Vary",
    "Location",
    "Content-Security-Policy",
)


@pytest.fixture
def corpus(settings, monkeypatch, storage_kind):
    settings.DIRECTUS_ASSETS = {"RENDER_RATE_LIMIT": None}  # the same question, many times
    for key, values in PRESETS.items():
        ThumbnailPreset.objects.create(key=key, **values)
    made = {
        name: File.objects.create_from(content, filename=filename, private=private)
        for name, (content, filename, private) in files().items()
    }
    monkeypatch.setattr(views, "_preset_hints", {})
    return made


def go_cold(monkeypatch):
    """As a fresh process with an empty cache: no hints, no renditions, nothing remembered."""
    monkeypatch.setattr(cache, "hints", cache.StateHints())
    views._preset_hints.clear()
    Rendition.objects.all().delete()
    for alias in caches:
        caches[alias].clear()


def path_for(file, query):
    if query == "signed":
        return signed_url(file, width=40)
    return f"/assets/{file.pk}?{query.replace('{v}', content_version(file))}"


def answer(client, file, query, headers):
    meta = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()}
    response = client.get(path_for(file, query), **meta)
    return response.status_code, {h: response.get(h) for h in COMPARED}, body(response)


QUERIES_AND_SIGNED = [*QUERIES, ("signed", {})]


@pytest.mark.parametrize("name", sorted(files()))
def test_cold_warm_and_after_related_requests_answer_alike(client, corpus, monkeypatch, name):
    file, other = corpus[name], corpus["jpeg" if name != "jpeg" else "webp"]
    for query, headers in QUERIES_AND_SIGNED:
        go_cold(monkeypatch)
        cold = answer(client, file, query, headers)
        assert cold[0] < 500, (query, cold)
        assert answer(client, file, query, headers) == cold, ("warm", query)
        answer(client, file, "width=77", {})
        answer(client, other, query, headers)
        assert answer(client, file, query, headers) == cold, ("after related", query)


SUBSET = ["jpeg", "png-alpha", "gif", "svg", "text", "truncated", "private"]


@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    order=st.lists(
        st.tuples(st.sampled_from(SUBSET), st.integers(0, len(QUERIES_AND_SIGNED) - 1)),
        min_size=1,
        max_size=15,
    )
)
def test_any_order_answers_as_cold(client, corpus, monkeypatch, order):
    expected = {}
    for name, index in set(order):
        go_cold(monkeypatch)
        query, headers = QUERIES_AND_SIGNED[index]
        expected[name, index] = answer(client, corpus[name], query, headers)
    go_cold(monkeypatch)
    for name, index in order:
        query, headers = QUERIES_AND_SIGNED[index]
        assert answer(client, corpus[name], query, headers) == expected[name, index], (
            name,
            query,
        )


def fetch(url, path, headers):
    status, received, body = http_request(url, "GET", path, headers)
    return status, {h: received.get(h) for h in COMPARED}, body


@pytest.mark.slow
@NO_DATABASE  # the servers keep their own SQLite
@pytest.mark.parametrize("kind", SERVERS)
def test_two_workers_answer_alike_every_time(tmp_path, kind):
    env = {"BENCH_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "tests.server_settings"}
    ids = run_for_json([sys.executable, "-m", "tests.corpus"], env)
    server = http_bench.serve(kind, env, tmp_path / "server.log")
    try:
        for name, file_id in ids.items():
            for query, headers in QUERIES:
                if "{v}" in query:
                    continue  # needs the file's version: covered in process above
                path = f"/assets/{file_id}?{query}"
                first = fetch(server.url, path, headers)
                assert first[0] < 500, (name, query, first)
                for _ in range(5):  # new connections: both workers answer, warm and cold
                    assert fetch(server.url, path, headers) == first, (name, query)
    finally:
        server.stop_with_a_clean_log()
