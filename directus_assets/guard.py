"""What a request must pass before it may cause a render: the public endpoint's quotas.

A cached thumbnail or an original never comes here; a miss does, after its budget was
checked. Three things bound what anonymous clients can make the server do and store:

- a thumbnail that failed (or took too long) is answered with the same error, at once, for
  ``FAILED_RENDER_TTL`` seconds: replaying an expensive URL costs nothing;
- renders per client are rate-limited (``RENDER_RATE_LIMIT``, django-ratelimit on Django's
  cache framework): 429 ``REQUESTS_EXCEEDED`` with ``Retry-After``, as Directus answers;
- ad-hoc thumbnails stored per file are capped (``MAX_ADHOC_RENDITIONS_PER_FILE``): past
  the cap a new one is still made and served, but not stored, so query strings (every
  focal point, every width) cannot fill the storage.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django_ratelimit.core import get_usage

from .conf import app_settings
from .errors import AssetError, RenderTimedOut, TooManyRequests, UnprocessableImage
from .models import File, Rendition
from .spec import IllegalTransformation

logger = logging.getLogger(__name__)
RATE_GROUP = "directus_assets.renders"
# Failures that would happen again: remembered. (Busy, rate-limited: not the URL's fault.)
REMEMBERED = (IllegalTransformation, UnprocessableImage, RenderTimedOut)
_FAILURE_PREFIX = "directus_assets:failed:"


def replay_failure(key: str) -> None:
    """Raise the error the rendition with ``key`` failed with lately, if it did."""
    remembered: dict[str, Any] | None = caches[app_settings.CACHE].get(_FAILURE_PREFIX + key)
    if remembered is not None:
        raise _Remembered(**remembered)


def remember_failure(key: str, error: AssetError) -> None:
    """Answer ``key`` with ``error`` for the next ``FAILED_RENDER_TTL`` seconds."""
    remembered = {
        "status": error.status,
        "code": error.code,
        "message": error.message,
        "headers": error.headers,
    }
    caches[app_settings.CACHE].set(
        _FAILURE_PREFIX + key, remembered, timeout=app_settings.FAILED_RENDER_TTL
    )


def check_rate(request: HttpRequest) -> None:
    """Count a render for the request's client; 429 once it is over the rate."""
    rate = app_settings.RENDER_RATE_LIMIT
    if rate is None:
        return
    try:
        usage = get_usage(
            request, group=RATE_GROUP, key=app_settings.RATE_LIMIT_KEY, rate=rate, increment=True
        )
    except (ImproperlyConfigured, KeyError) as unknown:
        # No client address (a server on a Unix socket behind a proxy): limiting everyone as
        # one client would break the site, so the limit is off until it is configured.
        logger.error("RENDER_RATE_LIMIT is not applied: %s", unknown)
        return
    if usage is not None and usage["should_limit"]:
        retry_after = max(int(usage["time_left"]), 1)
        raise TooManyRequests(
            f"Too many new thumbnails asked for; the limit is {rate} a client. "
            f"Try again in {retry_after} s.",
            headers={"Retry-After": str(retry_after)},
        )


def may_store_adhoc(file: File) -> bool:
    """Whether one more ad-hoc (not a preset's) thumbnail of ``file`` may be stored."""
    cap: int = app_settings.MAX_ADHOC_RENDITIONS_PER_FILE
    return Rendition.objects.filter(file=file, preset_key="").count() < cap


class _Remembered(AssetError):
    """A remembered failure, answered as it was the first time."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str]) -> None:
        super().__init__(message, headers=headers)
        self.status, self.code = status, code
