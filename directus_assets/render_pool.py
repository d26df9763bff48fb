"""Renders run in processes of their own, so a limit on them can stop them.

Neither Pillow nor libvips can be interrupted, and some of their work holds the GIL: a render
on a thread would freeze every request of its server and run on after its time limit. So
each render runs in a fresh process forked from a fork server that has the renderer loaded
(a few milliseconds; never from the web server itself: the child of a process that has run
libvips threads can hang in libvips), at a lower CPU priority than the server, and ends
with its memory returned:

- at most ``MAX_CONCURRENT_RENDERS`` renders at once in one server process, and
  ``MAX_QUEUED_RENDERS`` more waiting for a place; more are refused with 503;
- a render not done ``RENDER_TIME_LIMIT`` seconds after its request asked for it (waiting
  included) is stopped: a waiting one never starts, a running one's process is killed.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import CancelledError
from multiprocessing import forkserver
from typing import Any, TypeVar

from pebble import ProcessExpired, concurrent

from .budget import Limits
from .conf import app_settings
from .errors import RenderTimedOut, ServiceUnavailable

T = TypeVar("T")
# The render process's niceness: the server's own requests go first when CPUs are busy.
RENDER_NICENESS = 10
_CONTEXT = multiprocessing.get_context("forkserver")
_PRELOAD = ["directus_assets.render_server"]
_CONTEXT.set_forkserver_preload(_PRELOAD)


def limits() -> Limits:
    """What one render may cost, from the settings."""
    return Limits(
        app_settings.MAX_DIMENSION,
        app_settings.MAX_PIXELS,
        app_settings.MAX_RENDER_MEMORY,
        app_settings.RENDER_TIME_LIMIT,
        app_settings.MAX_FRAMES,
    )


class RenderCrashed(Exception):
    """The render process ended without an answer (killed, out of memory, crashed)."""


class RenderPool:
    """Admits renders into processes of their own, within this process's limits."""

    def __init__(self) -> None:
        self.reset()
        # A forked child (a pregeneration worker, a server's worker) starts with no renders,
        # and with a fork server of its own.
        os.register_at_fork(after_in_child=self.reset)
        os.register_at_fork(after_in_child=_own_fork_server)

    def reset(self) -> None:
        self._lock = threading.Lock()
        self._waiting = 0
        self._slots: threading.BoundedSemaphore | None = None
        self._slot_count = 0

    @property
    def admitted(self) -> int:
        """Renders running or waiting for a slot in this process now."""
        return self._waiting

    def run(self, job: Callable[..., T], *args: Any) -> T:
        """``job(*args)`` in a render process; 503 if busy or over the time limit."""
        slots = self._admit()
        try:
            return self._run_in_slot(slots, job, args)
        finally:
            with self._lock:
                self._waiting -= 1

    def _admit(self) -> threading.BoundedSemaphore:
        limit = app_settings.MAX_CONCURRENT_RENDERS
        with self._lock:
            if self._waiting >= limit + app_settings.MAX_QUEUED_RENDERS:
                raise ServiceUnavailable(
                    "Too many thumbnails are being made right now; try again shortly.",
                    headers={"Retry-After": "1"},
                )
            self._waiting += 1
            if self._slots is None or self._slot_count != limit:  # the setting changed
                self._slots, self._slot_count = threading.BoundedSemaphore(limit), limit
            return self._slots

    def _run_in_slot(
        self, slots: threading.BoundedSemaphore, job: Callable[..., T], args: tuple[Any, ...]
    ) -> T:
        time_limit = app_settings.RENDER_TIME_LIMIT
        deadline = _Deadline(time_limit)
        if not slots.acquire(timeout=deadline.left()):
            raise RenderTimedOut()
        try:
            # pebble 5.2 reads the context from "context"; the "mp_context" of its signature
            # is ignored (a render was then forked from the server itself, libvips state
            # and all: a child of a process that has run libvips threads can hang in it).
            isolated = concurrent.process(  # type: ignore[call-overload]
                timeout=deadline.left(), context=_CONTEXT
            )
            future = isolated(_niced)(job, *args)
            try:
                result: T = future.result()
            except TimeoutError:
                raise RenderTimedOut() from None
            except (ProcessExpired, CancelledError) as ended:
                raise RenderCrashed(f"The render process ended: {ended}") from None
            return result
        finally:
            slots.release()


def _own_fork_server() -> None:
    # multiprocessing keeps one fork server per process, and a forked child cannot use its
    # parent's (it checks on it by waiting for a PID that is not its child's). Forget it, and
    # close our copy of its keep-alive pipe so it still ends with the parent; the child starts
    # its own on its first render.
    server: Any = forkserver._forkserver
    if server._forkserver_alive_fd is not None:
        os.close(server._forkserver_alive_fd)
    forkserver.ForkServer.__init__(server)
    server.set_forkserver_preload(_PRELOAD)


def _niced(job: Callable[..., T], *args: Any) -> T:
    os.nice(RENDER_NICENESS)
    return job(*args)


class _Deadline:
    def __init__(self, seconds: float) -> None:
        self._end = time.monotonic() + seconds

    def left(self) -> float:
        return max(self._end - time.monotonic(), 0.0)


pool = RenderPool()
