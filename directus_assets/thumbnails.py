"""Make sure a thumbnail exists: resolve the spec, then the cache renders it once if needed.

Shared by the view, the pregeneration command and the background task, so they all use
the same render function and the same cache.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from . import cache
from .conf import app_settings
from .errors import Forbidden, ServiceUnavailable, UnprocessableImage
from .models import File
from .models import Rendition as RenditionRow
from .render import (
    Limits,
    RenderError,
    Rendition,
    SourceTooLarge,
    TransformFailed,
    render,
)
from .spec import IllegalTransformation, TransformSpec


def ensure(
    file: File,
    spec: TransformSpec,
    *,
    accept: str = "",
    origin: cache.Origin = cache.NO_PRESET,
    force: bool = False,
) -> tuple[TransformSpec, RenditionRow, bytes | None]:
    """The resolved spec, its ready rendition, and the bytes if this call rendered them."""
    resolved = spec.resolved(file.type, accept, file.focal_point)
    row, data = cache.fetch_or_render(
        file, resolved, lambda: render_file(file, resolved), origin, force=force
    )
    return resolved, row, data


def render_file(file: File, spec: TransformSpec) -> cache.Rendered:
    """Read the original and render it, with failures as the endpoint's errors."""
    limits = Limits(app_settings.MAX_DIMENSION, app_settings.MAX_PIXELS)
    try:
        with file.open() as handle:
            source = handle.read()
    except FileNotFoundError:
        raise Forbidden() from None
    try:
        rendition = _render_within_limits(source, spec, limits)
    except (SourceTooLarge, TransformFailed) as error:
        raise IllegalTransformation(str(error)) from error
    except RenderError as error:
        raise UnprocessableImage(str(error)) from error
    return cache.Rendered(rendition.data, rendition.width, rendition.height)


class _RenderSlots:
    """At most MAX_CONCURRENT_RENDERS renders at once in this process and MAX_QUEUED_RENDERS
    waiting for a slot (more are refused with 503), each request waiting at most
    RENDER_TIME_LIMIT seconds. Pillow cannot be interrupted, so a render runs on a worker
    thread and the request stops waiting at the limit; a render still queued then never
    starts, a running one keeps its slot until it really ends, and its late result is
    dropped (its claim is gone by then)."""

    def __init__(self) -> None:
        self.reset()
        # A forked child (pregeneration workers) inherits the pool but none of its threads.
        os.register_at_fork(after_in_child=self.reset)

    def reset(self) -> None:
        self._lock = threading.Lock()
        self._busy = 0
        self._pool: ThreadPoolExecutor | None = None
        self._pool_size = 0

    def run(self, work: Callable[[], Rendition]) -> Rendition:
        limit = app_settings.MAX_CONCURRENT_RENDERS
        with self._lock:
            if self._busy >= limit + app_settings.MAX_QUEUED_RENDERS:
                raise ServiceUnavailable(
                    "Too many thumbnails are being made right now; try again shortly.",
                    headers={"Retry-After": "1"},
                )
            self._busy += 1
            if self._pool is None or self._pool_size != limit:  # the setting changed
                if self._pool is not None:
                    self._pool.shutdown(wait=False)  # its renders still finish
                self._pool = ThreadPoolExecutor(limit, thread_name_prefix="directus-render")
                self._pool_size = limit
            pool = self._pool
        future = pool.submit(work)
        future.add_done_callback(self._release)
        try:
            return future.result(timeout=app_settings.RENDER_TIME_LIMIT)
        except FutureTimeout:
            future.cancel()
            raise ServiceUnavailable(
                "Making this thumbnail took too long.", headers={"Retry-After": "5"}
            ) from None

    def _release(self, _: Future[Rendition]) -> None:
        with self._lock:
            self._busy -= 1


_slots = _RenderSlots()


def _render_within_limits(source: bytes, spec: TransformSpec, limits: Limits) -> Rendition:
    # ``render`` is looked up at call time, so tests can wrap it.
    return _slots.run(lambda: render(source, spec, limits))
