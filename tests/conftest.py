from __future__ import annotations

import inspect
import io
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections
from django.test import AsyncClient, Client
from PIL import Image

from directus_assets.models import File
from tests.servers import SeaweedFS, stop

# For modules that never touch the suite's database (renders and their reference, sharp;
# real servers on a site of their own, with its own SQLite): the PostgreSQL run of the suite
# would repeat them unchanged.
NO_DATABASE = pytest.mark.skipif(
    os.environ.get("TEST_DATABASE") == "postgres",
    reason="no database involved: the SQLite run covers it",
)


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The specs actually rendered (each in a real render process), so tests can tell a
    cache hit from a miss."""
    from directus_assets import thumbnails

    calls: list[Any] = []
    real = thumbnails.run_render

    def counting(source: bytes, spec: Any) -> Any:
        calls.append(spec)
        return real(source, spec)

    monkeypatch.setattr(thumbnails, "run_render", counting)
    return calls


@pytest.fixture(autouse=True)
def responses_closed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every streaming response a test got is closed when the test ends, as a server closes
    what it sent: Django's test client closes one only once it has been read to the end, and
    its open file would be a ResourceWarning (an error here)."""
    received: list[Any] = []
    for client_class in (Client, AsyncClient):
        monkeypatch.setattr(client_class, "request", _recording(client_class.request, received))
    yield
    request_finished.disconnect(close_old_connections)  # as the test client does around it
    try:
        for response in received:
            if response.streaming:
                response.close()
    finally:
        request_finished.connect(close_old_connections)


def _recording(request: Callable[..., Any], received: list[Any]) -> Callable[..., Any]:
    if inspect.iscoroutinefunction(request):

        async def arecord(self: Any, **kwargs: Any) -> Any:
            response = await request(self, **kwargs)
            received.append(response)
            return response

        return arecord

    def record(self: Any, **kwargs: Any) -> Any:
        response = request(self, **kwargs)
        received.append(response)
        return response

    return record


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedFS]:
    server = SeaweedFS.start(tmp_path_factory.mktemp("seaweedfs"))
    try:
        yield server
    finally:
        stop(server.process)


def s3_storage_settings(server: SeaweedFS, prefix: str) -> dict[str, Any]:
    credentials = server.credentials()
    return {
        "BACKEND": "directus_assets.storage.S3Storage",
        "OPTIONS": {
            "bucket_name": "assets",
            "endpoint_url": credentials["endpoint_url"],
            "access_key": credentials["aws_access_key_id"],
            "secret_key": credentials["aws_secret_access_key"],
            "region_name": "us-east-1",
            "addressing_style": "path",
            "signature_version": "s3v4",
            "location": prefix,
        },
    }


@pytest.fixture(params=["local", "s3"])
def storage_kind(request: pytest.FixtureRequest, settings: Any, media_storage: Path) -> str:
    """Run a test on local disk and on SeaweedFS S3, through the same code."""
    if request.param == "s3":
        server = request.getfixturevalue("seaweedfs")
        settings.STORAGES = {
            **settings.STORAGES,
            "default": s3_storage_settings(server, f"test-{uuid.uuid4().hex}"),
        }
    return str(request.param)


@pytest.fixture(autouse=True)
def empty_caches() -> Iterator[None]:
    """Every test starts with no remembered failures and no rate-limit counts."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield


@pytest.fixture(autouse=True)
def media_storage(settings: Any, tmp_path: Path) -> Path:
    """Every test gets its own empty local storage."""
    location = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": location},
        },
    }
    return location


def stored(name: str, alias: str = "default") -> bytes:
    """The bytes stored under ``name`` in storage ``alias``."""
    from django.core.files.storage import storages

    with storages[alias].open(name) as stored_file:
        return bytes(stored_file.read())


def body(response: Any) -> bytes:
    """A test client response's bytes, whether it was streamed or not."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def get_asset(client: Any, file: Any, query: str, **headers: str) -> tuple[Any, bytes]:
    """The response to ``/assets/<file>?<query>`` and its bytes."""
    response = client.get(f"/assets/{file.pk}?{query}", headers=headers)
    return response, body(response)


def image_bytes(
    size: tuple[int, int] = (120, 80),
    format: str = "PNG",
    mode: str = "RGB",
    color: Any = (200, 30, 30),
    **save_options: Any,
) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, format, **save_options)
    return buffer.getvalue()


@pytest.fixture
def make_file(db: None) -> Callable[..., File]:
    def make(content: bytes | None = None, filename: str = "photo.png", **fields: Any) -> File:
        return File.objects.create_from(
            image_bytes() if content is None else content, filename=filename, **fields
        )

    return make
