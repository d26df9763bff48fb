"""Make README's pictures: the Directus docs' comparisons, rendered by this app's renderer
from the demo's landscape sample. Run: ``python docs/make_pictures.py``."""

from __future__ import annotations

import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
settings.configure()  # the app's defaults: no site needed to render

from directus_assets.render import render  # noqa: E402
from directus_assets.spec import build_spec  # noqa: E402
from example_project.demo.samples import landscape_jpeg  # noqa: E402

PICTURES = {
    "cover.jpg": {"fit": "cover", "width": 200, "height": 200, "quality": 75},
    "contain.jpg": {"fit": "contain", "width": 200, "height": 200, "quality": 75},
    **{
        f"quality-{quality}.jpg": {"fit": "cover", "width": 200, "height": 200, "quality": quality}
        for quality in (25, 50, 75, 100)
    },
}


def main() -> None:
    source = landscape_jpeg()
    for name, values in PICTURES.items():
        spec = build_spec(values).resolved("image/jpeg", "", None)
        data = render(source, spec).data
        (ROOT / "docs" / name).write_bytes(data)
        print(f"docs/{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
