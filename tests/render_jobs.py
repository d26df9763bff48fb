"""Render jobs for the tests, run in real render processes (so module-level, importable).

Each takes a folder to talk through: it writes ``started-<pid>`` when it starts, so a test
waits for that state, and ``held_render`` renders only once the test creates ``release``.
"""

from __future__ import annotations

import ctypes
import os
import re
import time
from pathlib import Path
from typing import Any

from directus_assets.render import render


def _started(folder: str) -> None:
    (Path(folder) / f"started-{os.getpid()}").touch()


def held_render(folder: str, source: bytes, spec: Any, limits: Any) -> Any:
    _started(folder)
    release = Path(folder) / "release"
    deadline = time.monotonic() + 30
    while not release.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    return render(source, spec, limits)


def render_stuck_holding_the_gil(folder: str, source: bytes, spec: Any, limits: Any) -> Any:
    """Never returns: a regular expression backtracking in C, which never lets go of the GIL."""
    _started(folder)
    re.match(r"(a+)+$", "a" * 64 + "b")
    return render(source, spec, limits)


def started_pids(folder: str | Path) -> list[int]:
    return sorted(int(p.name.split("-")[1]) for p in Path(folder).glob("started-*"))


def measure_render(source: bytes, spec: Any, limits: Any) -> tuple[tuple[int, int], int]:
    """Render, and say how much memory it took above the process's RSS when it started."""
    _map_mapped_files()
    Path("/proc/self/clear_refs").write_text("5")  # resets the peak (VmHWM) to the RSS now
    start = _status_kib("VmRSS")
    rendition = render(source, spec, limits)
    return (rendition.width, rendition.height), (_status_kib("VmHWM") - start) * 1024


# madvise(2): map every page of a range now, as reading it would.
MADV_POPULATE_READ = 22


def _map_mapped_files() -> None:
    """Maps in every page of the files this process has mapped (its libraries' code and data).

    A forked process maps the code it runs page by page, and the kernel maps with each page
    those around it that are in the page cache: how many depends on the machine's page cache,
    not on the render (the same render measured 31 MiB here and 35 MiB on a fresh CI machine).
    Those pages are shared with every other process, not memory the render takes, so they
    are mapped before the measure starts, and a render's peak counts what it allocates.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    for line in Path("/proc/self/maps").read_text().splitlines():
        fields = line.split(maxsplit=5)
        if len(fields) == 6 and fields[5].startswith("/") and fields[1].startswith("r"):
            start, end = (int(address, 16) for address in fields[0].split("-"))
            libc.madvise(start, end - start, MADV_POPULATE_READ)  # a failure leaves it as it was


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def parent_command_line() -> str:
    """The command line of the process that forked this one."""
    return Path(f"/proc/{os.getppid()}/cmdline").read_text().replace("\0", " ")


def parent_of_a_render() -> str:
    """:func:`parent_command_line` of a render this process asks its render pool for."""
    from directus_assets.render_pool import pool

    return pool.run(parent_command_line)
