"""What a page shows where an image has not arrived yet: a BlurHash and the dominant colour.

Made once, when a file's content is stored, from a 16-pixel render of it (the thumbnail's
render: the same budget, checked before anything is read, and a render process of its own);
kept on the ``File`` row, so a page can paint them inline with no request of their own
(:func:`painted`). A file that is not an image, or cannot be rendered, has none.
"""

from __future__ import annotations

import base64
import functools
import io
import logging
from dataclasses import dataclass
from typing import IO

import blurhash  # type: ignore[import-untyped]  # no types published
from PIL import Image

from .budget import Header, check
from .render import render
from .render_pool import limits, pool
from .spec import TRANSFORMABLE_TYPES, build_spec, pillow_format

logger = logging.getLogger(__name__)

# The longer side of the image a placeholder is made from, and of the one it paints: a
# BlurHash holds a dozen colours, so more pixels add nothing but time and bytes.
SIDE = 16
# BlurHash's components along the longer and the shorter side (its authors' suggestion).
COMPONENTS = (4, 3)
# Transparent pixels have no colour of their own: a placeholder shows the image on white.
BACKDROP = (255, 255, 255)
_SPEC = build_spec({"width": SIDE, "height": SIDE, "fit": "inside", "format": "png"})


@dataclass(frozen=True)
class Placeholder:
    """A BlurHash string and a ``#rrggbb`` colour; empty strings when there is none."""

    blurhash: str = ""
    color: str = ""


NONE = Placeholder()


def of_image(
    fileobj: IO[bytes], content_type: str, width: int | None, height: int | None
) -> Placeholder:
    """The placeholder of the image in ``fileobj`` (of that type, displayed at that size);
    :data:`NONE` when it is not an image we transform or cannot be rendered within the
    limits. Never raises: a placeholder is not worth losing an upload for."""
    if content_type not in TRANSFORMABLE_TYPES or not (width and height):
        return NONE
    spec = _SPEC.resolved(content_type, "", None)
    try:
        # From the recorded size, before reading the content (the render checks again).
        check(Header((width, height), pillow_format(content_type)), spec, limits())
        start = fileobj.tell()
        source = fileobj.read()
        fileobj.seek(start)
        small = pool.run(render, source, spec, limits())
        return summarize(Image.open(io.BytesIO(small.data)))
    except Exception as error:
        logger.warning("No placeholder for this %s file: %s", content_type, error)
        return NONE


def summarize(image: Image.Image) -> Placeholder:
    """The BlurHash and the dominant colour of a small image."""
    rgba = image.convert("RGBA")
    across, down = COMPONENTS if image.width >= image.height else COMPONENTS[::-1]
    colours = _pixels(_on_backdrop(rgba))
    rows = [colours[y * image.width : (y + 1) * image.width] for y in range(image.height)]
    return Placeholder(blurhash.encode(rows, across, down), _dominant_color(rgba))


def _pixels(image: Image.Image) -> list[list[int]]:
    data, bands = image.tobytes(), len(image.getbands())
    return [list(data[i : i + bands]) for i in range(0, len(data), bands)]


def _on_backdrop(rgba: Image.Image) -> Image.Image:
    backdrop = Image.new("RGBA", rgba.size, BACKDROP)
    return Image.alpha_composite(backdrop, rgba).convert("RGB")


def _dominant_color(rgba: Image.Image) -> str:
    """The most common of four colours Pillow's median cut finds among the pixels that are
    more opaque than not (all of them when none is)."""
    pixels = _pixels(rgba)
    chosen = [pixel[:3] for pixel in pixels if pixel[3] >= 128] or [p[:3] for p in pixels]
    sample = Image.new("RGB", (len(chosen), 1))
    sample.putdata([tuple(pixel) for pixel in chosen])
    palette = sample.quantize(colors=4, method=Image.Quantize.MEDIANCUT)
    _, index = max(palette.getcolors() or [(0, 0)])
    start = 3 * int(index)  # type: ignore[call-overload]  # a palette image's colours are indexes
    red, green, blue = (palette.getpalette() or [0, 0, 0])[start : start + 3]
    return f"#{red:02x}{green:02x}{blue:02x}"


@functools.lru_cache(maxsize=4096)
def painted(hash_: str, width: int, height: int) -> str:
    """A ``data:`` URL of the PNG ``hash_`` paints at the aspect ratio of ``width`` x
    ``height`` (cached: a page shows the same files again and again)."""
    scale = SIDE / max(width, height)
    size = max(1, round(width * scale)), max(1, round(height * scale))
    rows = blurhash.decode(hash_, *size)
    image = Image.new("RGB", size)
    image.putdata([tuple(pixel) for row in rows for pixel in row])
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
