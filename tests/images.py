"""Test images drawn in code: coloured bands and markers show where a crop landed."""

from __future__ import annotations

import io
import struct
import zlib
from typing import Any

from PIL import Image, ImageDraw

RED, GREEN, BLUE = (255, 0, 0), (0, 255, 0), (0, 0, 255)


def encode(image: Image.Image, format: str = "PNG", **options: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format, **options)
    return buffer.getvalue()


def bands(size: tuple[int, int], vertical: bool = True, mode: str = "RGB") -> Image.Image:
    """Three equal bands, red, green, blue: left to right (vertical) or top to bottom."""
    width, height = size
    image = Image.new(mode, size)
    draw = ImageDraw.Draw(image)
    for index, colour in enumerate((RED, GREEN, BLUE)):
        if vertical:
            box = (index * width // 3, 0, (index + 1) * width // 3 - 1, height - 1)
        else:
            box = (0, index * height // 3, width - 1, (index + 1) * height // 3 - 1)
        draw.rectangle(box, fill=colour + ((255,) if mode == "RGBA" else ()))
    return image


def decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def near(pixel: Any, colour: tuple[int, ...], tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=False))


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge size: a decompression bomb."""
    data = bytearray(encode(Image.new("L", (1, 1))))
    header = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = header
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + header))
    return bytes(data)
