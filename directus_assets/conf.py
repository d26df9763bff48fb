"""All of the app's settings, read from the ``DIRECTUS_ASSETS`` dict with documented defaults.

Every other module reads settings through :data:`app_settings`; nothing else looks at
``django.conf.settings`` for these values. The merged dict is rebuilt when tests override
``DIRECTUS_ASSETS`` (Django's ``setting_changed`` signal), and cached otherwise so the
request path pays for a dict lookup only.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

DEFAULTS: dict[str, Any] = {
    # STORAGES alias that new originals are written to.
    "STORAGE": "default",
    # Folder (inside that storage) for originals; names are generated, never user-chosen.
    "ORIGINALS_PATH": "originals",
    # Dotted path of the access hook ``(request, file) -> bool``. The default serves public
    # files to everyone and private ones to users with the view_file permission.
    "ACCESS_CHECK": "directus_assets.access.default_access",
    # Dotted path of ``(request, token) -> user or None`` for Directus clients' tokens
    # (``?access_token=``, ``Authorization: Bearer``); a rejected token is 401. None: tokens
    # are not read. ``directus_assets.drf.authenticate_token`` uses DRF's authentication.
    "AUTHENTICATE_TOKEN": None,
    # Lifetime of signed URLs made by directus_assets.signing.signed_url(), in seconds.
    "SIGNED_URL_MAX_AGE": 3600,
    # ``Cache-Control: public, max-age=...`` for served assets, in seconds (Directus: 30 days).
    "CACHE_MAX_AGE": 30 * 24 * 60 * 60,
    # Sent with every asset so uploaded HTML/SVG cannot run script in the site's origin.
    "CONTENT_SECURITY_POLICY": "default-src 'none'",
    # Block size when streaming bytes that cannot go through the server's sendfile.
    "STREAM_CHUNK_SIZE": 64 * 1024,
    # Which transformations requests may ask for (Directus's storage_asset_transform):
    # "all" (ad-hoc parameters and presets), "presets" (preset keys only) or "none"
    # (only the system-* keys).
    "TRANSFORM_MODE": "all",
    # Largest width or height of a source, of the output and of every image made on the way
    # (Directus's ASSETS_TRANSFORM_IMAGE_MAX_DIMENSION), checked before anything is decoded.
    "MAX_DIMENSION": 6000,
    # Largest source, output or image made on the way, in pixels: a guard against
    # decompression bombs and giant outputs alike.
    "MAX_PIXELS": 6000 * 6000,
    # Most frames of an animated GIF or WebP made into an animated thumbnail (their pixels
    # together count against MAX_PIXELS too); a still format takes the first frame alone.
    "MAX_FRAMES": 500,
    # Most memory one render may need, in bytes, as worked out from the image header and
    # the transformation before decoding (directus_assets.budget); more is refused with 400.
    "MAX_RENDER_MEMORY": 256 * 1024 * 1024,
    # SVT-AV1's speed (0-13, faster as it goes up) for AVIF thumbnails whose ``transforms``
    # asks for no effort, lossless, bit depth or 4:4:4 (those are libaom's, as sharp's).
    # Measured (README, Performance): at 8, fewer bytes than WebP at WebP's SSIM in about
    # its time, where sharp's libaom takes 10-30x. None: libaom at sharp's effort 4, as
    # Directus.
    "AVIF_SPEED": 8,
    # libwebp's effort (0-6) for WebP thumbnails whose ``transforms`` names none (sharp's 4).
    "WEBP_EFFORT": 4,
    # Most operations in one ``transforms`` list (Directus's ASSETS_TRANSFORM_MAX_OPERATIONS).
    "MAX_OPERATIONS": 5,
    # STORAGES alias for thumbnails; None keeps each thumbnail in its original's storage.
    "THUMBNAIL_STORAGE": None,
    # Folder (inside that storage) for thumbnails.
    "THUMBNAILS_PATH": "thumbnails",
    # Renders at once in one server process, each in a process of its own (more wait for a
    # slot)...
    "MAX_CONCURRENT_RENDERS": 2,
    # ...and renders that may wait for one; beyond them, 503 with Retry-After (as Directus's
    # ASSETS_TRANSFORM_MAX_CONCURRENT, which bounds sharp's queue). A page that shows many
    # new thumbnails at once waits a moment instead of showing broken images.
    "MAX_QUEUED_RENDERS": 32,
    # Seconds a render may take, waiting for a slot included, before its process is killed,
    # its request gets 503 and its claim is dropped (Directus's ASSETS_TRANSFORM_TIMEOUT).
    "RENDER_TIME_LIMIT": 10,
    # Seconds a thumbnail that failed or took too long is answered with the same error at
    # once, without trying again: replaying an expensive URL costs nothing.
    "FAILED_RENDER_TTL": 60,
    # Renders one client may cause, as django-ratelimit's rate ("60/m"); None turns it off.
    # Cached thumbnails and originals never count. Over it: 429 REQUESTS_EXCEEDED.
    "RENDER_RATE_LIMIT": "60/m",
    # Who "one client" is: a django-ratelimit key ("ip", "user_or_ip", "header:x-real-ip" or
    # a dotted path). Behind a proxy, set Django's RATELIMIT_IP_META_KEY too.
    "RATE_LIMIT_KEY": "ip",
    # Ad-hoc thumbnails (not a preset's) stored per file; past it, new ones are made and
    # served but not stored, so query strings cannot fill the storage.
    "MAX_ADHOC_RENDITIONS_PER_FILE": 100,
    # Django cache alias that remembers failed renders (and django-ratelimit's counters use
    # RATELIMIT_USE_CACHE). A shared cache (Redis, Memcached, database) shares them between
    # server processes; the default local-memory cache keeps them per process.
    "CACHE": "default",
    # Seconds a request waits for a thumbnail another worker is rendering before a 503.
    "RENDER_WAIT_TIMEOUT": 30,
    # Seconds after which a claimed render counts as dead (its worker crashed or hung) and
    # another worker takes it over.
    "RENDER_TIMEOUT": 60,
    # How bytes leave: "stream" through Django (default); "x-accel-redirect" (nginx) or
    # "x-sendfile" (Apache, lighttpd) for a front proxy with local storage; "redirect" for a
    # 302 to the storage's URL (a short-lived pre-signed URL on S3). Access is checked first.
    "SERVE": "stream",
    # With SERVE="x-accel-redirect": the internal nginx location the storage is mapped to.
    "X_ACCEL_PREFIX": "/protected/",
    # Dotted path of ``(request, response) -> None`` that AssetsMiddleware calls on every
    # response it answers itself, before the later middleware: headers they would have added
    # (CORS, for example). None: nothing added.
    "ADD_HEADERS_FUNCTION": None,
}


class AppSettings:
    """Attribute access to the merged settings: ``app_settings.CACHE_MAX_AGE``."""

    def __init__(self) -> None:
        self._merged: dict[str, Any] | None = None
        # Whether the endpoint has found these settings free of errors (views.answer()).
        self.verified = False

    @property
    def user_settings(self) -> Any:
        return getattr(settings, "DIRECTUS_ASSETS", {})

    def __getattr__(self, name: str) -> Any:
        if name not in DEFAULTS:
            raise AttributeError(f"Unknown directus_assets setting {name!r}")
        if self._merged is None:
            user = self.user_settings if isinstance(self.user_settings, dict) else {}
            self._merged = {**DEFAULTS, **user}
        return self._merged[name]

    def reload(self) -> None:
        self._merged = None
        self.verified = False


app_settings = AppSettings()


@receiver(setting_changed)
def _reload_on_override(*, setting: str, **kwargs: Any) -> None:
    if setting in ("DIRECTUS_ASSETS", "STORAGES"):
        app_settings.reload()
