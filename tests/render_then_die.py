"""The process that ``test_killed_render`` kills: it asks the endpoint for a thumbnail, and
its render writes half of the blob (a torn write) and then hangs until the test kills it.

Run as ``python -m tests.render_then_die '<json>'`` with the test's database, storage folder,
file id and query.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any


def main(config: dict[str, Any]) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "example_project.settings"
    from django.conf import settings

    settings.DATABASES = {"default": config["database"]}
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": config["media"]},
        },
    }
    settings.DIRECTUS_ASSETS = {"RENDER_TIME_LIMIT": 600}
    import django

    django.setup()
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages
    from django.test import Client

    from directus_assets import thumbnails
    from directus_assets.models import Rendition

    real_render = thumbnails.run_render

    def render_tear_and_hang(source: bytes, spec: Any) -> Any:
        rendition = real_render(source, spec)
        claim = Rendition.objects.get(file_id=config["file_id"], ready=False)
        half = rendition.data[: len(rendition.data) // 2]
        storages["default"].save(claim.name, ContentFile(half))
        print(json.dumps({"claim": claim.name, "torn_size": len(half)}), flush=True)
        time.sleep(600)  # killed long before this ends

    thumbnails.run_render = render_tear_and_hang
    Client().get(f"/assets/{config['file_id']}?{config['query']}")


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
