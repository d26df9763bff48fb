"""Who may read which file: resolve an id from the URL to a File the request may see."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from django.http import HttpRequest
from django.utils.module_loading import import_string

from . import credentials, signing
from .conf import app_settings
from .errors import Forbidden
from .models import File

AccessCheck = Callable[[HttpRequest, File], bool]
VIEW_PERMISSION = "directus_assets.view_file"


def default_access(request: HttpRequest, file: File) -> bool:
    """The default hook: public files for everyone, private ones by permission.

    A private file needs ``directus_assets.view_file``, granted for all files (Django's
    groups and user permissions) or for this one (any authentication backend with object
    permissions, such as django-guardian). Superusers have every permission.
    """
    if not file.private:
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and _may_view(user, file))


def _may_view(user: Any, file: File) -> bool:
    return bool(user.has_perm(VIEW_PERMISSION) or user.has_perm(VIEW_PERMISSION, file))


def allow_all(request: HttpRequest, file: File) -> bool:
    """A hook for sites that want every file public, private flag or not."""
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
    """The UUID a URL's file id starts with (``<uuid>``, ``<uuid>.jpg``: any suffix, as
    Directus allows for cache busting); a malformed one is :class:`Forbidden`, as unknown."""
    try:
        return uuid.UUID(file_id if len(file_id) <= _UUID_LENGTH else file_id[:_UUID_LENGTH])
    except ValueError:
        raise Forbidden() from None


_UUID_LENGTH = 36  # the hyphenated form


def check_access(request: HttpRequest, file: File) -> None:
    """Raise :class:`Forbidden` unless a valid signed URL or the access hook allows it
    (:class:`~directus_assets.errors.InvalidCredentials` for a token the site rejects)."""
    credentials.authenticate(request)
    if signing.is_signed(request.GET):
        # A signed URL grants exactly what it names; a bad or expired one grants nothing.
        if not signing.verify(file.pk, request.GET):
            raise Forbidden()
        return
    if not may_access(request, file):
        raise Forbidden()


def may_access(request: HttpRequest | None, file: File) -> bool:
    """Whether the access hook lets ``request`` read ``file`` (without a request: only
    public files), for code that lists or accepts files rather than serving one."""
    if request is None:
        return not file.private
    return _load_hook(app_settings.ACCESS_CHECK)(request, file)
