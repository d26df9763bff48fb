"""Sample images for the demo, drawn in code so the repository ships no binaries."""

from __future__ import annotations

import io
import random
from collections.abc import Callable

from PIL import Image, ImageDraw

Sample = tuple[str, Callable[[], bytes]]


def landscape_jpeg() -> bytes:
    """An 1800x1200 photo-like JPEG of about 600 KB, like the Directus docs' sample."""
    image = _scene(1800, 1200)
    return _encode(image, "JPEG", quality=92)


def portrait_with_exif_rotation() -> bytes:
    """Stored landscape 1200x800 with EXIF orientation 6: displays as an 800x1200 portrait."""
    upright = _scene(800, 1200)
    draw = ImageDraw.Draw(upright)
    draw.polygon([(400, 40), (340, 160), (460, 160)], fill=(220, 30, 30))  # an arrow: "up"
    stored = upright.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6
    return _encode(stored, "JPEG", quality=85, exif=exif.tobytes())


def transparent_png() -> bytes:
    image = Image.new("RGBA", (600, 400), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((40, 40, 560, 360), radius=60, fill=(30, 120, 220, 255))
    draw.ellipse((200, 100, 400, 300), fill=(255, 200, 0, 180))
    return _encode(image, "PNG")


def webp_image() -> bytes:
    return _encode(_scene(1000, 750, hue=(200, 90, 40)), "WEBP", quality=80)


def tiny_png() -> bytes:
    image = Image.new("RGB", (48, 32), (240, 240, 240))
    ImageDraw.Draw(image).rectangle((8, 8, 39, 23), fill=(200, 30, 90))
    return _encode(image, "PNG")


def spinner_gif() -> bytes:
    """A 240x240 animated GIF: an arc turning in 12 frames of 80 ms, looping for ever."""
    frames = []
    for index in range(12):
        frame = Image.new("RGB", (240, 240), (250, 250, 250))
        start = index * 30
        ImageDraw.Draw(frame).arc((30, 30, 210, 210), start, start + 270, (30, 120, 220), 24)
        frames.append(frame)
    return _encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=80, loop=0)


def text_file() -> bytes:
    return b"Not an image: thumbnail parameters are ignored and the original is served.\n"


SAMPLES: tuple[Sample, ...] = (
    ("landscape.jpg", landscape_jpeg),
    ("portrait-exif-rotated.jpg", portrait_with_exif_rotation),
    ("transparent.png", transparent_png),
    ("sunset.webp", webp_image),
    ("tiny.png", tiny_png),
    ("spinner.gif", spinner_gif),
    ("notes.txt", text_file),
)


def _scene(width: int, height: int, hue: tuple[int, int, int] = (60, 120, 200)) -> Image.Image:
    """Sky, sun, hills and grain: enough detail to compress like a photograph."""
    sky = Image.linear_gradient("L").resize((width, height))
    image = Image.merge(
        "RGB",
        [sky.point(lambda v, c=channel: int(c + (255 - c) * v / 400)) for channel in hue],
    )
    draw = ImageDraw.Draw(image)
    draw.ellipse(
        (width * 0.65, height * 0.1, width * 0.8, height * 0.1 + width * 0.15),
        fill=(255, 230, 150),
    )
    for index, shade in enumerate(((40, 110, 50), (30, 90, 40), (20, 70, 30))):
        top = height * (0.55 + index * 0.12)
        ridge = [(0, top), (width * 0.4, top - height * 0.1), (width, top)]
        draw.polygon([(0, height), *ridge, (width, height)], fill=shade)
    return Image.blend(image, _grain(width, height), 0.2)


def _grain(width: int, height: int) -> Image.Image:
    """Film grain around mid-grey, the same on every call (tests compare renders of it)."""
    noise = Image.frombytes(
        "L", (width, height), random.Random(width * height).randbytes(width * height)
    )
    return noise.point(lambda v: 128 + (v - 128) * 3 // 8).convert("RGB")


def _encode(image: Image.Image, format: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format, **options)
    return buffer.getvalue()
