"""The files an attacker aims at, put into a running site's database and storage.

Run as ``python -m tests.attack_files`` with the site's settings (``DJANGO_SETTINGS_MODULE``
and its folder); prints JSON: the id of each file and the path of a stored thumbnail (the
victim's cached hit).
"""

from __future__ import annotations

import io
import json

import django


def _encode(image, format, **options):  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    image.save(buffer, format, **options)
    return buffer.getvalue()


def main() -> None:
    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from PIL import Image

    from directus_assets.models import File
    from tests.images import png_claiming

    call_command("migrate", verbosity=0)

    def photo(size):  # type: ignore[no-untyped-def]
        grey = Image.effect_noise(size, 50).convert("L")
        return Image.merge("RGB", (grey, grey.transpose(Image.Transpose.FLIP_TOP_BOTTOM), grey))

    sources = {
        "big": _encode(photo((6000, 4000)), "JPEG", quality=85),
        "photo": _encode(photo((1800, 1200)), "JPEG", quality=85),
        "banner": _encode(photo((3000, 100)), "JPEG"),
        "strip": _encode(Image.new("RGB", (1, 6000), (9, 9, 9)), "PNG"),
        "wide": _encode(photo((6000, 300)), "JPEG"),
        "square": _encode(photo((3000, 3000)), "PNG"),
        "alpha": _encode(photo((2000, 2000)).convert("RGBA"), "PNG"),
        "bomb": png_claiming(100_000, 100_000),
        "torn": _encode(photo((800, 600)), "JPEG")[:2000],
    }
    ids = {
        name: str(File.objects.create_from(data, filename=f"{name}.bin").pk)
        for name, data in sources.items()
    }
    hit = f"/assets/{ids['photo']}?width=300&height=200&fit=cover"
    assert Client().get(hit).status_code == 200  # stored: from now on a cached hit
    print(json.dumps({"ids": ids, "hit": hit, "original": f"/assets/{ids['photo']}"}))


if __name__ == "__main__":
    main()
