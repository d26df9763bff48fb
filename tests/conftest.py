from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from directus_assets.models import File


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
