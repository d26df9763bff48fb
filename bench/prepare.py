"""Prepare a benchmark dataset in ``BENCH_DIR`` and print what the load runs need, as JSON.

Run with ``DJANGO_SETTINGS_MODULE=bench.settings``; ``BENCH_S3_ENDPOINT`` puts it on S3.
``prepare.py serving`` makes the files the HTTP runs request; ``prepare.py pregeneration N``
makes N photos and three presets; ``prepare.py huge`` imports a 500 MB original.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
Path(os.environ["BENCH_DIR"]).mkdir(parents=True, exist_ok=True)  # the site's database lives here
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from directus_assets import thumbnails  # noqa: E402
from directus_assets.models import File, ThumbnailPreset  # noqa: E402
from directus_assets.spec import build_spec  # noqa: E402
from example_project.demo.samples import _encode, _scene, landscape_jpeg  # noqa: E402

THUMBNAIL = {"fit": "cover", "width": 200, "height": 200, "quality": 80}


def serving() -> dict[str, object]:
    photo = File.objects.create_from(landscape_jpeg(), filename="photo.jpg")
    small = File.objects.create_from(
        _encode(_scene(1200, 800), "JPEG", quality=88), filename="small.jpg"
    )
    big = File.objects.create_from(os.urandom(5 * 1024 * 1024), filename="big.bin")
    _, rendition, _ = thumbnails.ensure(photo, build_spec(THUMBNAIL))
    query = "&".join(f"{key}={value}" for key, value in THUMBNAIL.items())
    client = Client()
    client.get(f"/assets/{photo.pk}?{query}")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/assets/{photo.pk}?{query}")
        b"".join(response.streaming_content)
    return {
        "thumbnail_path": f"/assets/{photo.pk}?{query}",
        "thumbnail_name": rendition.name,
        "thumbnail_etag": response["ETag"],
        "queries_per_hit": len(queries),
        "photo_id": str(photo.pk),
        "small_path": f"/assets/{small.pk}",
        "small_name": small.filename_disk,
        "small_bytes": small.filesize,
        "big_path": f"/assets/{big.pk}",
        "big_bytes": big.filesize,
    }


def pregeneration(count: int) -> dict[str, object]:
    base = _scene(800, 600)
    for index in range(count):
        base.putpixel((index % 800, 0), (index % 256, 0, 0))  # every file distinct
        File.objects.create_from(_encode(base, "JPEG", quality=85), filename=f"p{index}.jpg")
    for key, values in {
        "card": {"fit": "cover", "width": 200, "height": 200, "quality": 80},
        "hero": {"fit": "inside", "width": 640, "height": 640},
        "thumb": {"fit": "cover", "width": 64, "height": 64, "format": "webp"},
    }.items():
        ThumbnailPreset.objects.create(key=key, **values)
    return {"files": count, "presets": 3}


def huge() -> dict[str, object]:
    with tempfile.NamedTemporaryFile(suffix=".bin") as source:
        chunk = os.urandom(1024 * 1024)
        for _ in range(500):
            source.write(chunk)
        source.flush()
        file = File.objects.create_from(source.name, filename="huge.bin")
    return {"huge_path": f"/assets/{file.pk}", "huge_bytes": file.filesize}


if __name__ == "__main__":
    call_command("migrate", verbosity=0)
    what = sys.argv[1]
    result = {"serving": serving, "huge": huge}.get(
        what, lambda: pregeneration(int(sys.argv[2]))
    )()
    print(json.dumps(result))
