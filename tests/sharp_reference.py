"""sharp 0.35, the image library Directus renders with, as the tests' reference.

``npm ci`` installs it (pinned by tests/sharp/package-lock.json) the first time it is needed;
every call then runs one Node process for a batch of jobs (tests/sharp/render.cjs renders
each as Directus does: auto-orient, the ``transforms`` calls, resize, toFormat).
"""

from __future__ import annotations

import base64
import json
import math
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageChops, ImageStat

from tests.images import decode

HERE = Path(__file__).parent / "sharp"


@dataclass(frozen=True)
class SharpOutput:
    data: bytes
    width: int
    height: int
    channels: int
    format: str
    median_ms: float | None = None  # with a job's ``repeat``: sharp's own render time

    @property
    def image(self) -> Image.Image:
        return decode(self.data)


class SharpFailed(Exception):
    """sharp refused the job (its error message is the exception's)."""


def install() -> None:
    """Install sharp with npm unless the pinned version is there already."""
    if (HERE / "node_modules" / "sharp" / "package.json").exists():
        return
    completed = subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund"],
        cwd=HERE,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"npm could not install sharp:\n{completed.stdout}{completed.stderr}")


def job(
    source: bytes,
    transforms: list[list[Any]] | None = None,
    resize: dict[str, Any] | None = None,
    format: str = "png",
    quality: int | None = None,
    repeat: int = 0,
    animated: bool = False,
) -> dict[str, Any]:
    """One render, in the words Directus passes to sharp (``repeat``: also time it;
    ``animated``: every frame of an animation, not the first alone)."""
    return {
        "input": base64.b64encode(source).decode(),
        "transforms": transforms or [],
        "resize": resize,
        "format": format,
        "quality": quality,
        "repeat": repeat,
        "animated": animated,
    }


def as_resolved(transforms: list[list[Any]], spec: Any) -> list[list[Any]]:
    """``transforms`` with the output method's options as our resolved ``spec`` has them
    (WEBP_EFFORT fills in an effort): the same encoder work on both sides. AVIF_SPEED's
    ``speed`` is SVT-AV1's, which sharp has not: sharp gets its own defaults."""
    options = tuple((k, v) for k, v in spec.options_for(spec.format) if k != "speed")
    if not options:
        return transforms
    return [*(step for step in transforms if step[0] != spec.format), [spec.format, dict(options)]]


def run(jobs: list[dict[str, Any]]) -> list[SharpOutput | SharpFailed]:
    """Each job's output, or the error sharp gave for it."""
    install()
    completed = subprocess.run(
        ["node", str(HERE / "render.cjs")],
        input=json.dumps(jobs).encode(),
        capture_output=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"sharp failed to run:\n{completed.stderr.decode()}")
    return [
        SharpFailed(result["error"])
        if "error" in result
        else SharpOutput(
            base64.b64decode(result["data"]),
            result["width"],
            result["height"],
            result["channels"],
            result["format"],
            result["medianMs"],
        )
        for result in json.loads(completed.stdout)
    ]


def render_one(source: bytes, **options: Any) -> SharpOutput:
    (result,) = run([job(source, **options)])
    if isinstance(result, SharpFailed):
        raise result
    return result


def psnr(a: Image.Image, b: Image.Image) -> float:
    """Peak signal-to-noise ratio over every band (alpha included) of two same-mode images.

    Colours are compared premultiplied by their alpha: the colour of a transparent pixel is
    invisible, and each library leaves its own there.
    """
    assert a.mode == b.mode and a.size == b.size, (a.mode, a.size, b.mode, b.size)
    if a.mode in ("RGBA", "LA"):
        a, b = (image.convert(a.mode[:-1] + "a") for image in (a, b))
    difference = ImageChops.difference(a, b)
    bands = ImageStat.Stat(difference).rms
    mse = sum(value**2 for value in bands) / len(bands)
    return math.inf if mse == 0 else 20 * math.log10(255 / math.sqrt(mse))
