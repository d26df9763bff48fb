"""Peak memory of one render of a large JPEG, ours vs a full decode, each in a fresh process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

# VmHWM (this address space's peak), not ru_maxrss: Linux carries ru_maxrss over from the
# parent across fork and exec, so a child of a large benchmark process would report its
# parent's peak.
PROBE = """
import io, sys
from PIL import Image
from directus_assets.render import render
from directus_assets.spec import TransformSpec

def peak_kib():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))

data = open(sys.argv[2], "rb").read()
before = peak_kib()
if sys.argv[1] == "ours":
    render(data, TransformSpec(fit="cover", width=200, height=200, format="jpeg", quality=80))
else:
    Image.open(io.BytesIO(data)).load()
print(peak_kib() - before)
"""


def peak_kib(kind: str, source: Path) -> int:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, kind, str(source)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    return int(result.stdout.strip())


def run(source: Path) -> dict[str, int]:
    return {"ours_kib": peak_kib("ours", source), "full_decode_kib": peak_kib("full", source)}
