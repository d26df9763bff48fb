"""Pregeneration on a real task engine, on a site spread over several machines (loopback
stands for them): PostgreSQL and SeaweedFS S3 shared by two gunicorn web servers and two
django-tasks-db ``db_worker`` processes, each a process of its own."""

from __future__ import annotations

import json
import signal
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest

from directus_assets.render import render
from directus_assets.spec import build_spec
from tests.conftest import NO_DATABASE, s3_storage_settings
from tests.servers import POSTGRES_BIN, PostgreSQL, SeaweedFS, http_request, temporary_postgres
from tests.topology import Site, drained, write_photos

pytestmark = [pytest.mark.slow, NO_DATABASE]  # the sites have databases of their own

PRESETS = {
    "card": {"fit": "cover", "width": 200, "height": 150, "format": "webp", "quality": 80},
    "wide": {"fit": "inside", "width": 400, "format": "jpg"},
    "icon": {"fit": "contain", "width": 64, "height": 64, "format": "png"},
}
MEDIA_TYPES = {"card": "image/webp", "wide": "image/jpeg", "icon": "image/png"}
CREATE_PRESETS = (
    "from directus_assets.models import ThumbnailPreset as P\n"
    f"for key, values in {PRESETS!r}.items(): P.objects.create(key=key, **values)"
)


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgreSQL]:
    if not (POSTGRES_BIN / "postgres").exists():
        pytest.skip(f"PostgreSQL 15 is not installed (no {POSTGRES_BIN}/postgres)")
    with temporary_postgres("directus-assets-topology-") as server:
        yield server


def site_with_photos(directory: Path, postgres: PostgreSQL, s3: SeaweedFS, count: int) -> Site:
    """A new site on S3 with ``count`` photos imported and the three presets."""
    storage = s3_storage_settings(s3, f"topology-{uuid.uuid4().hex}")
    site = Site.create(directory, postgres, storage)
    site.manage("import_assets", str(write_photos(directory / "photos", count)))
    site.manage("shell", "-c", CREATE_PRESETS)
    return site


def renditions(site: Site) -> list[dict[str, Any]]:
    """Every thumbnail in the site's index, with its file's download name."""
    rows = site.query(
        "SELECT r.file_id, r.preset_key, r.storage, r.name, r.ready, f.filename_download"
        " FROM directus_assets_rendition r JOIN directus_assets_file f ON f.id = r.file_id"
    )
    keys = ("file_id", "preset", "storage", "name", "ready", "download")
    return [dict(zip(keys, row, strict=True)) for row in rows]


def blob(s3: SeaweedFS, site: Site, name: str) -> bytes:
    key = f"{site.storage['OPTIONS']['location']}/{name}"
    body: bytes = s3.client().get_object(Bucket="assets", Key=key)["Body"].read()
    return body


def test_two_workers_make_every_thumbnail_once_and_every_server_serves_them_as_hits(
    tmp_path, postgres, seaweedfs
):
    site = site_with_photos(tmp_path, postgres, seaweedfs, 50)
    servers = []
    try:
        site.start_worker("worker-1")
        site.start_worker("worker-2")
        servers = [site.serve("web-1"), site.serve("web-2")]

        assert site.manage("pregenerate_thumbnails", "--enqueue").strip() == (
            "enqueued 150 pregeneration tasks"
        )
        assert site.wait_for_queue(drained) == {"SUCCESSFUL": 150}  # nothing left, none failed

        made = {name: site.made(name) for name in ("worker-1", "worker-2")}
        assert all(made.values()), "both workers took jobs"
        counted = Counter(made["worker-1"] + made["worker-2"])
        index = renditions(site)
        assert len(index) == 150 and all(row["ready"] for row in index)
        assert counted == Counter(f"{row['storage']}:{row['name']}" for row in index)  # once each

        for server in servers:
            for row in index:
                status, headers, body = http_request(
                    server.url, "GET", f"/assets/{row['file_id']}?key={row['preset']}"
                )
                assert status == 200, (row, body[:200])
                assert headers["Content-Type"] == MEDIA_TYPES[row["preset"]]
                assert body == blob(seaweedfs, site, row["name"])
        for name in ("web-1", "web-2"):
            assert site.made(name) == [], "a web server rendered: not every request was a hit"
        assert len(renditions(site)) == 150
    finally:
        site.stop()
        for server in servers:
            server.stop_with_a_clean_log()


def torn_write_of(worker_log: Path, worker: Any) -> dict[str, Any]:
    """The claim and torn blob size the stalling worker reports, once it has stalled."""
    deadline = time.monotonic() + 300
    while True:
        for line in worker_log.read_text().splitlines():
            if line.startswith('{"claim"'):
                torn: dict[str, Any] = json.loads(line)
                return torn
        assert worker.poll() is None, worker_log.read_text()[-3000:]
        assert time.monotonic() < deadline, "the worker never reached a render"
        time.sleep(0.05)


def only_the_dead_job_runs(queue: dict[str, int]) -> bool:
    # django-tasks-db does not rerun a job whose worker died: its row stays RUNNING.
    return not queue.get("READY") and queue.get("RUNNING") == 1


def test_a_worker_killed_mid_render_leaves_whole_thumbnails_once_the_jobs_are_enqueued_again(
    tmp_path, postgres, seaweedfs
):
    site = site_with_photos(tmp_path, postgres, seaweedfs, 6)
    try:
        victim = site.start_worker("victim", module="tests.render_then_die")
        site.manage("pregenerate_thumbnails", "--enqueue")
        torn = torn_write_of(tmp_path / "victim.log", victim)
        descendants = psutil.Process(victim.pid).children(recursive=True)

        victim.send_signal(signal.SIGKILL)  # by its PID, mid-render: no chance to clean up
        victim.wait(timeout=30)
        del site.workers["victim"]  # dead on purpose: wait_for_queue fails on a dead worker
        _, alive = psutil.wait_procs(descendants, timeout=60)
        assert not alive, f"the killed worker left processes behind: {alive}"
        assert [row["ready"] for row in renditions(site) if row["name"] == torn["claim"]] == [
            False
        ]

        site.start_worker("survivor")
        site.wait_for_queue(only_the_dead_job_runs)
        # What waiting RENDER_TIMEOUT does to the dead claim, without the wait.
        site.query(
            "UPDATE directus_assets_rendition SET claimed_at = claimed_at - interval '1 hour'"
            " WHERE NOT ready"
        )
        site.manage("pregenerate_thumbnails", "--enqueue")  # the retry: README says when
        site.wait_for_queue(only_the_dead_job_runs)

        index = renditions(site)
        assert len(index) == 18 and all(row["ready"] for row in index)
        assert Counter(site.made("survivor")) == Counter(f"default:{r['name']}" for r in index)
        for row in index:
            source = (tmp_path / "photos" / row["download"]).read_bytes()
            spec = build_spec(PRESETS[row["preset"]]).resolved("image/jpeg", "", None)
            assert blob(seaweedfs, site, row["name"]) == render(source, spec).data, row
        report = site.manage("cleanup_thumbnails", "--dry-run").splitlines()
        assert report == [
            "would delete 0 stale renditions",
            "would delete 0 dead render claims",
            "would delete 0 index rows with a missing blob",
            "would delete 0 orphaned blobs",
        ]
    finally:
        site.stop()
