"""A file of every kind the endpoint meets, and the queries a client may send, for tests
that ask the same thing in many states (cold, warm, after related requests) and compare.

``python -m tests.corpus`` puts the files into a running site's database (with its
``DJANGO_SETTINGS_MODULE``) and prints their ids as JSON.
"""

from __future__ import annotations

import io
import json
from typing import Any

from PIL import Image

from tests.images import bands, encode, png_claiming

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="9"/></svg>'


def _tiff() -> bytes:
    return encode(bands((90, 60)), "TIFF")


def _gif() -> bytes:
    frames = [Image.new("P", (40, 30), colour) for colour in (1, 2)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return buffer.getvalue()


def files() -> dict[str, tuple[bytes, str, bool]]:
    """name -> (content, download name, private)."""
    alpha = bands((90, 60), mode="RGBA")
    alpha.putpixel((0, 0), (0, 0, 0, 0))
    return {
        "jpeg": (encode(bands((120, 80)), "JPEG"), "photo.jpg", False),
        "png-alpha": (encode(alpha, "PNG"), "alpha.png", False),
        "webp": (encode(bands((90, 60)), "WEBP"), "pic.webp", False),
        "avif": (encode(bands((90, 60)), "AVIF"), "pic.avif", False),
        "tiff": (_tiff(), "scan.tif", False),
        "gif": (_gif(), "anim.gif", False),
        "svg": (SVG, "logo.svg", False),
        "html": (b"<!doctype html><html><body>hi</body></html>", "page.html", False),
        "text": (b"just some words\n", "notes.txt", False),
        "pdf": (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n", "doc.pdf", False),
        "empty": (b"", "empty.bin", False),
        "truncated": (encode(bands((300, 100)), "JPEG")[:400], "torn.jpg", False),
        "bomb": (png_claiming(100_000, 100_000), "bomb.png", False),
        "private": (encode(bands((120, 80)), "JPEG", quality=70), "secret.jpg", True),
    }


# Queries, with the request headers that go with them. "{v}" is the file's current version.
QUERIES: list[tuple[str, dict[str, str]]] = [
    ("", {}),
    ("width=100", {}),
    ("width=50&height=50&fit=contain", {}),
    ("quality=50", {}),
    ("key=card", {}),
    ("key=system-small-cover", {}),
    ('transforms=[["flip"]]', {}),
    ("format=auto&width=40", {"Accept": "image/avif,image/webp,*/*"}),
    ("format=auto&width=40", {"Accept": "image/webp,*/*"}),
    ("format=auto&width=40", {"Accept": "*/*"}),
    ("format=png&width=40&download", {}),
    ("width=40&v={v}", {}),
    ("width=40&v=stale", {}),
    ("width=40", {"Range": "bytes=0-9"}),
    ("width=40", {"If-None-Match": '"nope"'}),
    ("focal_point_x=5&focal_point_y=5&width=30&height=30", {}),
]
PRESETS = {"card": {"fit": "cover", "width": 60, "height": 40}}


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from directus_assets.models import File, ThumbnailPreset

    call_command("migrate", verbosity=0)
    for key, values in PRESETS.items():
        ThumbnailPreset.objects.get_or_create(key=key, defaults=values)
    made: dict[str, Any] = {}
    for name, (content, filename, private) in files().items():
        file = File.objects.create_from(content, filename=filename, private=private)
        made[name] = str(file.pk)
    made.update(_api_token())
    print(json.dumps(made))


def _api_token() -> dict[str, str]:
    """A DRF token of a user who may view private files, where the site has DRF tokens."""
    from django.apps import apps

    if not apps.is_installed("rest_framework.authtoken"):
        return {}
    from django.contrib.auth.models import Permission, User
    from rest_framework.authtoken.models import Token

    user, _ = User.objects.get_or_create(username="api-client")
    user.user_permissions.add(Permission.objects.get(codename="view_file"))
    return {"token": Token.objects.get_or_create(user=user)[0].key}


if __name__ == "__main__":
    main()
