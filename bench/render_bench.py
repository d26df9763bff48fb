"""Render cost in process: ours vs libvips (pyvips) vs naive Pillow vs sorl-thumbnail and
easy-thumbnails, each making the same thumbnail from the same bytes; and sharp (Directus's
renderer), timed inside Node by tests/sharp/render.cjs."""

from __future__ import annotations

import io
import statistics
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import pyvips
from django.core.files.base import ContentFile
from PIL import Image

from directus_assets.render import render
from directus_assets.spec import TransformSpec
from tests import sharp_reference

Operation = dict[str, Any]

OPERATIONS: dict[str, Operation] = {
    "cover 200x200 jpeg": {"fit": "cover", "width": 200, "height": 200, "format": "jpeg"},
    "contain 200x200 jpeg": {"fit": "contain", "width": 200, "height": 200, "format": "jpeg"},
    "inside 800x800 jpeg": {"fit": "inside", "width": 800, "height": 800, "format": "jpeg"},
    "cover 200x200 webp": {"fit": "cover", "width": 200, "height": 200, "format": "webp"},
}


def median_seconds(work: Callable[[], object], repeat: int, warmup: int = 2) -> float:
    for _ in range(warmup):
        work()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def ours(source: bytes, op: Operation) -> bytes:
    return render(source, TransformSpec(quality=80, **op)).data


def vips(source: bytes, op: Operation) -> bytes:
    options: dict[str, Any] = {"height": op["height"]}
    if op["fit"] == "cover":
        options["crop"] = "centre"
    image = pyvips.Image.thumbnail_buffer(source, op["width"], **options)
    if op["fit"] == "contain":  # sharp letterboxes with embed after the thumbnail
        image = image.gravity("centre", op["width"], op["height"], extend="black")
    suffix = ".webp" if op["format"] == "webp" else ".jpg"
    return bytes(image.write_to_buffer(f"{suffix}[Q=80]"))


def naive_pillow(source: bytes, op: Operation) -> bytes:
    """What most code does: full decode, LANCZOS to the whole scaled size, crop, save."""
    image = Image.open(io.BytesIO(source))
    image.load()
    width, height = image.size
    scale = (max if op["fit"] == "cover" else min)(op["width"] / width, op["height"] / height)
    image = image.resize((round(width * scale), round(height * scale)), Image.Resampling.LANCZOS)
    if op["fit"] == "cover":
        left, top = (image.width - op["width"]) // 2, (image.height - op["height"]) // 2
        image = image.crop((left, top, left + op["width"], top + op["height"]))
    if image.mode == "RGBA" and op["format"] == "jpeg":
        image = image.convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "WEBP" if op["format"] == "webp" else "JPEG", quality=80)
    return buffer.getvalue()


def sorl(source: bytes, op: Operation) -> bytes:
    from sorl.thumbnail.base import ThumbnailBackend
    from sorl.thumbnail.engines.pil_engine import Engine
    from sorl.thumbnail.parsers import parse_geometry

    engine = Engine()
    options = dict(ThumbnailBackend.default_options)
    options.update(
        crop="center" if op["fit"] == "cover" else False,
        padding=op["fit"] == "contain",
        quality=80,
        format="WEBP" if op["format"] == "webp" else "JPEG",
        progressive=False,  # the same baseline JPEG as the others
    )
    image = engine.get_image(io.BytesIO(source))
    geometry = parse_geometry(
        f"{op['width']}x{op['height']}", engine.get_image_ratio(image, options)
    )
    image = engine.create(image, geometry, options)
    return engine._get_raw_data(image, options["format"], 80, image_info={}, progressive=False)


def easy(source: bytes, op: Operation) -> bytes:
    from easy_thumbnails.files import get_thumbnailer

    thumbnailer = get_thumbnailer(ContentFile(source), relative_name="source.img")
    options = {
        "size": (op["width"], op["height"]),
        "crop": op["fit"] == "cover",
        "quality": 80,
    }
    if op["format"] == "webp":
        thumbnailer.thumbnail_extension = "webp"
    return thumbnailer.generate_thumbnail(options).read()


ENGINES: dict[str, Callable[[bytes, Operation], bytes]] = {
    "directus_assets": ours,
    "pyvips": vips,
    "naive Pillow": naive_pillow,
    "sorl-thumbnail": sorl,
    "easy-thumbnails": easy,
}


# The table's columns: the engines timed here, then sharp timed in Node.
COLUMNS = (*ENGINES, "sharp")


def output_size(data: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(data)).size


def run(sources: dict[str, bytes], repeat: int) -> list[dict[str, Any]]:
    rows = []
    for source_name, source in sources.items():
        for op_name, op in OPERATIONS.items():
            if source_name.endswith("png") and op["format"] == "jpeg" and op["fit"] == "inside":
                continue
            timings = {}
            sizes = {}
            for engine, make in ENGINES.items():
                if engine == "easy-thumbnails" and op["fit"] == "contain":
                    continue  # easy-thumbnails has no letterboxing
                timings[engine] = median_seconds(partial(make, source, op), repeat)
                sizes[engine] = output_size(make(source, op))
            rows.append(
                {"source": source_name, "operation": op_name, "seconds": timings, "sizes": sizes}
            )
    _add_sharp(rows, sources, repeat)
    return rows


def sharp_job(source: bytes, op: Operation, repeat: int = 0) -> dict[str, Any]:
    """The job Directus gives sharp for ``op`` (quality 80, as the other engines)."""
    resize = {"fit": op["fit"], "width": op["width"], "height": op["height"]}
    return sharp_reference.job(
        source, resize=resize, format=op["format"], quality=80, repeat=repeat
    )


def _add_sharp(rows: list[dict[str, Any]], sources: dict[str, bytes], repeat: int) -> None:
    jobs = [sharp_job(sources[r["source"]], OPERATIONS[r["operation"]], repeat) for r in rows]
    for row, result in zip(rows, sharp_reference.run(jobs), strict=True):
        assert not isinstance(result, Exception), result
        row["seconds"]["sharp"] = (result.median_ms or 0) / 1000
        row["sizes"]["sharp"] = (result.width, result.height)
