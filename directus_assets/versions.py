"""Content versions in asset URLs (``?v=``): cache for a year what cannot change, and
redirect what did.

The URLs that :mod:`directus_assets.links` builds carry ``v``, a short hash of everything the
bytes at that URL depend on besides the query itself: the original's checksum, its focal
point and the preset's values. A request whose ``v`` is current is answered as
``immutable``; a stale one is redirected to the current URL, so a replaced file never stays
stuck in browser and CDN caches. URLs without ``v`` keep the configured lifetime and
revalidate by ETag.
"""

from __future__ import annotations

import enum
import hashlib

from django.http import HttpRequest, HttpResponseRedirect, QueryDict

from .models import File

PARAMETER = "v"
IMMUTABLE_MAX_AGE = 365 * 24 * 60 * 60


class Freshness(enum.Enum):
    """How a request's ``v`` compares with the file's current version."""

    UNVERSIONED = "unversioned"
    CURRENT = "current"
    STALE = "stale"


class StaleVersion(Exception):
    """The request named an older version of the file (or preset): send it to the current."""

    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location

    def response(self) -> HttpResponseRedirect:
        response = HttpResponseRedirect(self.location)
        # Where it points moves with the file: never keep the redirect itself.
        response["Cache-Control"] = "no-cache"
        return response


def content_version(file: File, preset_fingerprint: str = "") -> str:
    """The ``v`` of ``file``'s URLs, for a preset with ``preset_fingerprint`` or none."""
    material = f"{file.checksum}:{file.focal_point}:{preset_fingerprint}"
    return hashlib.sha256(material.encode()).hexdigest()[:12]


def freshness(query: QueryDict, file: File, preset_fingerprint: str) -> Freshness:
    """Whether ``query`` names no version, the current one, or an older one."""
    given = query.get(PARAMETER)
    if given is None:
        return Freshness.UNVERSIONED
    if given == content_version(file, preset_fingerprint):
        return Freshness.CURRENT
    # A signed URL cannot be redirected (its signature covers ``v``): serve it unversioned.
    return Freshness.UNVERSIONED if "token" in query else Freshness.STALE


def check(request: HttpRequest, file: File, preset_fingerprint: str) -> bool:
    """Whether the response may be immutable; raises :class:`StaleVersion` if ``v`` is old."""
    found = freshness(request.GET, file, preset_fingerprint)
    if found is Freshness.STALE:
        from .links import asset_path  # links imports this module

        query = request.GET.copy()
        query[PARAMETER] = content_version(file, preset_fingerprint)
        # Built from the file, never from the request's path: nothing the client wrote
        # after the id can steer where the redirect goes.
        raise StaleVersion(f"{asset_path(file.pk)}?{query.urlencode()}")
    return found is Freshness.CURRENT
