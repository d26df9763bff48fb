"""Who may read which file: resolve an id from the URL to a File the request may see."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import lru_cache

from django.http import HttpRequest
from django.utils.module_loading import import_string

from .conf import app_settings
from .errors import Forbidden
from .models import File

AccessCheck = Callable[[HttpRequest, File], bool]


def allow_all(request: HttpRequest, file: File) -> bool:
    """The default hook: every file is public, as Django's MEDIA is."""
    return True


@lru_cache(maxsize=8)
def _load_hook(path: str) -> AccessCheck:
    hook: AccessCheck = import_string(path)
    return hook


def resolve_file(request: HttpRequest, file_id: str) -> File:
    """The File for ``file_id`` if the access hook lets ``request`` read it.

    Malformed, unknown and denied ids all raise the same :class:`Forbidden`, as Directus
    does, so the endpoint never reveals which ids exist.
    """
    file = File.objects.filter(pk=file_pk(file_id)).first()
    if file is None:
        raise Forbidden()
    check_access(request, file)
    return file


def file_pk(file_id: str) -> uuid.UUID:
    try:
        return uuid.UUID(file_id)
    except ValueError:
        raise Forbidden() from None


def check_access(request: HttpRequest, file: File) -> None:
    if not _load_hook(app_settings.ACCESS_CHECK)(request, file):
        raise Forbidden()
