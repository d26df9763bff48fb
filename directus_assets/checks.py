"""System checks: a misconfigured ``DIRECTUS_ASSETS`` is reported at startup, not per request."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.files.storage import InvalidStorageError, Storage, storages
from django.utils.module_loading import import_string

from . import encoding
from .conf import DEFAULTS, app_settings


@checks.register("directus_assets")
def check_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    user = app_settings.user_settings
    if not isinstance(user, dict):
        return [
            checks.Error(
                f"DIRECTUS_ASSETS must be a dict, not {type(user).__name__}.",
                id="directus_assets.E001",
            )
        ]
    return [
        *_unknown_keys(user),
        *_bad_values(),
        *_storage_layout(),
        *_storage_roots(),
        *_sendfile_storages(),
    ]


def configuration_errors() -> list[str]:
    """The errors :func:`check_settings` finds, as text: the endpoint refuses to serve with
    any (a server such as gunicorn runs no checks of its own)."""
    return [message.msg for message in check_settings() if message.level >= checks.ERROR]


@checks.register("directus_assets", deploy=True)
def check_deployment(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """``check --deploy``: what README's Security section advises for a public site."""
    found: list[checks.CheckMessage] = []
    if app_settings.TRANSFORM_MODE == "all":
        found.append(
            checks.Warning(
                "DIRECTUS_ASSETS['TRANSFORM_MODE'] is \"all\": anyone can have any size made "
                "and stored.",
                hint='Set it to "presets" so only the presets you made are served.',
                id="directus_assets.W002",
            )
        )
    if app_settings.RENDER_RATE_LIMIT is None:
        found.append(
            checks.Warning(
                "DIRECTUS_ASSETS['RENDER_RATE_LIMIT'] is None: one client may cause renders "
                "without limit.",
                id="directus_assets.W003",
            )
        )
    backend = settings.CACHES.get(app_settings.CACHE, {}).get("BACKEND", "")
    if backend.endswith(("LocMemCache", "DummyCache")):
        found.append(
            checks.Warning(
                f"DIRECTUS_ASSETS['CACHE'] ({app_settings.CACHE!r}) is a cache of each "
                "process alone: every server process has its own rate limit and forgets "
                "failed renders on its own.",
                hint="Use a shared cache (Redis, Memcached, the database) in production.",
                id="directus_assets.W004",
            )
        )
    return found


def _unknown_keys(user: dict[str, Any]) -> Iterator[checks.CheckMessage]:
    for key in sorted(set(user) - set(DEFAULTS)):
        yield checks.Error(
            f"DIRECTUS_ASSETS has an unknown setting {key!r}.",
            hint=f"Known settings: {', '.join(sorted(DEFAULTS))}.",
            id="directus_assets.E002",
        )


def _bad_values() -> Iterator[checks.CheckMessage]:
    for name, problem in _VALIDATORS.items():
        message = problem(getattr(app_settings, name))
        if message:
            yield checks.Error(f"DIRECTUS_ASSETS[{name!r}] {message}", id="directus_assets.E003")


def _storage_layout() -> Iterator[checks.CheckMessage]:
    """Originals and thumbnails in folders of their own: cleanup_thumbnails deletes what it
    finds under THUMBNAILS_PATH that the index does not hold, so originals must never be
    there."""
    originals = str(app_settings.ORIGINALS_PATH).strip("/")
    thumbnails = str(app_settings.THUMBNAILS_PATH).strip("/")
    for name, folder in (("ORIGINALS_PATH", originals), ("THUMBNAILS_PATH", thumbnails)):
        if not folder:
            yield checks.Error(
                f"DIRECTUS_ASSETS[{name!r}] is empty: it must name a folder of its own.",
                id="directus_assets.E004",
            )
    same_storage = app_settings.THUMBNAIL_STORAGE in (None, app_settings.STORAGE)
    if same_storage and originals and thumbnails and _overlap(originals, thumbnails):
        yield checks.Error(
            f"DIRECTUS_ASSETS['ORIGINALS_PATH'] ({originals!r}) and ['THUMBNAILS_PATH'] "
            f"({thumbnails!r}) overlap in the same storage.",
            hint="Give each its own folder, e.g. 'originals' and 'thumbnails'.",
            id="directus_assets.E004",
        )


def _storage_roots() -> Iterator[checks.CheckMessage]:
    """A local storage rooted at a relative path (``MEDIA_ROOT = ""`` in a new project) puts
    files wherever the server happens to start: started elsewhere, it finds none of them."""
    for name, alias, storage in _storages_in_use():
        location = getattr(storage, "base_location", None)
        if location is not None and not os.path.isabs(location):
            yield checks.Warning(
                f"DIRECTUS_ASSETS[{name!r}] is the storage {alias!r}, whose folder "
                f"({str(location)!r}) is relative to the working directory: a server started "
                "from another folder finds none of its files and answers 403 to all of them.",
                hint="Give it an absolute location, e.g. MEDIA_ROOT = BASE_DIR / 'media'.",
                id="directus_assets.W001",
            )


def _sendfile_storages() -> Iterator[checks.CheckMessage]:
    """X-Sendfile names a path on disk: every storage served that way must have one."""
    if app_settings.SERVE != "x-sendfile":
        return
    for name, alias, storage in _storages_in_use():
        try:
            storage.path("probe")
        except NotImplementedError:
            yield checks.Error(
                f"DIRECTUS_ASSETS['SERVE'] is \"x-sendfile\", but {name} {alias!r} is not on "
                "local disk: X-Sendfile can only name a local path.",
                hint='Use "redirect" (S3) or "stream".',
                id="directus_assets.E005",
            )


def _storages_in_use() -> Iterator[tuple[str, str, Storage]]:
    """(setting, alias, storage) for the storages originals and thumbnails go to; an alias
    that is not in STORAGES is left to E003."""
    for name in ("STORAGE", "THUMBNAIL_STORAGE"):
        alias = getattr(app_settings, name)
        if not alias:
            continue
        try:
            yield name, alias, storages[alias]
        except InvalidStorageError:
            continue


def _overlap(first: str, second: str) -> bool:
    return first == second or second.startswith(first + "/") or first.startswith(second + "/")


def _optional_rate(value: Any) -> str | None:
    if value is None:
        return None
    # django-ratelimit's form: a count, then a period of an optional number of s, m, h or d.
    found = re.fullmatch(r"([0-9]+)/([0-9]*)([smhd])", value) if isinstance(value, str) else None
    if found is None or int(found[1]) == 0 or (found[2] and int(found[2]) == 0):
        return f'must be None or a rate such as "60/m" (count/s, m, h or d), not {value!r}.'
    return None


def _non_negative_number(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        return f"must be a non-negative number of seconds, not {value!r}."
    return None


def _alias_in(registry: str, kind: str) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if value not in getattr(settings, registry):
            return f"names {kind} {value!r}, which is not in settings.{registry}."
        return None

    return check


_storage_alias = _alias_in("STORAGES", "storage")


def _non_negative_int(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return f"must be a non-negative integer, not {value!r}."
    return None


def _positive_int(value: Any) -> str | None:
    return _non_negative_int(value) or ("must be positive." if value == 0 else None)


def _transform_mode(value: Any) -> str | None:
    if value not in ("all", "presets", "none"):
        return f'must be "all", "presets" or "none", not {value!r}.'
    return None


def _serve_mode(value: Any) -> str | None:
    modes = ("stream", "x-accel-redirect", "x-sendfile", "redirect")
    if value not in modes:
        return f"must be one of {', '.join(modes)}, not {value!r}."
    return None


def _positive_number(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        return f"must be a positive number of seconds, not {value!r}."
    return None


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) else f"must be a string, not {value!r}."


def _callable_path(shape: str) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        try:
            hook = import_string(value)
        except (ImportError, TypeError, ValueError) as error:
            return f"must be the dotted path of a callable {shape}: {error}"
        return None if callable(hook) else f"names {value!r}, which is not callable."

    return check


def _encoder_option(output: str, name: str) -> Callable[[Any], str | None]:
    return _rule(encoding.OPTIONS[output][name], name)


def _rule(rule: encoding.Validator, name: str) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        try:
            rule(name, value)
        except ValueError as error:
            return f"{error}."
        return None

    return check


def _optional(check: Callable[[Any], str | None]) -> Callable[[Any], str | None]:
    return lambda value: None if value is None else check(value)


_VALIDATORS: dict[str, Callable[[Any], str | None]] = {
    "STORAGE": _storage_alias,
    "ORIGINALS_PATH": _text,
    "ACCESS_CHECK": _callable_path("(request, file) -> bool"),
    "AUTHENTICATE_TOKEN": _optional(_callable_path("(request, token) -> user or None")),
    "CACHE_MAX_AGE": _non_negative_int,
    "SIGNED_URL_MAX_AGE": _positive_int,
    "CONTENT_SECURITY_POLICY": _text,
    "STREAM_CHUNK_SIZE": _positive_int,
    "TRANSFORM_MODE": _transform_mode,
    "MAX_DIMENSION": _positive_int,
    "MAX_PIXELS": _positive_int,
    "MAX_RENDER_MEMORY": _positive_int,
    "MAX_FRAMES": _positive_int,
    "FAILED_RENDER_TTL": _non_negative_number,
    "RENDER_RATE_LIMIT": _optional_rate,
    "RATE_LIMIT_KEY": _text,
    "MAX_ADHOC_RENDITIONS_PER_FILE": _non_negative_int,
    "CACHE": _alias_in("CACHES", "cache"),
    "MAX_OPERATIONS": _positive_int,
    "AVIF_SPEED": _optional(_rule(encoding.SVT_SPEED, "speed")),
    "WEBP_EFFORT": _encoder_option("webp", "effort"),
    "THUMBNAIL_STORAGE": _optional(_storage_alias),
    "THUMBNAILS_PATH": _text,
    "RENDER_WAIT_TIMEOUT": _positive_number,
    "RENDER_TIMEOUT": _positive_number,
    "MAX_CONCURRENT_RENDERS": _positive_int,
    "MAX_QUEUED_RENDERS": _non_negative_int,
    "RENDER_TIME_LIMIT": _positive_number,
    "SERVE": _serve_mode,
    "X_ACCEL_PREFIX": _text,
    "ADD_HEADERS_FUNCTION": _optional(_callable_path("(request, response) -> None")),
}
