"""The process that the killed-render tests kill: its first render writes half of the blob
(a torn write) and then hangs until the test kills it.

Run as ``python -m tests.render_then_die '<machine>' /assets/<id>?<query>`` to ask the
endpoint for a thumbnail, or with a management command after the machine (``db_worker ...``)
to run it; ``<machine>`` is the JSON tests.topology_settings reads.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

from tests.topology import machine_env


def main(machine: str, args: list[str]) -> None:
    os.environ.update(machine_env(json.loads(machine)))
    import django

    django.setup()
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages
    from django.core.management import execute_from_command_line
    from django.test import Client

    from directus_assets import thumbnails
    from directus_assets.models import Rendition

    real_render = thumbnails.run_render

    def render_tear_and_hang(source: bytes, spec: Any) -> Any:
        rendition = real_render(source, spec)
        claim = Rendition.objects.get(ready=False)  # the one render in flight: ours
        half = rendition.data[: len(rendition.data) // 2]
        storages["default"].save(claim.name, ContentFile(half))
        print(json.dumps({"claim": claim.name, "torn_size": len(half)}), flush=True)
        time.sleep(600)  # killed long before this ends

    thumbnails.run_render = render_tear_and_hang
    if args[0].startswith("/"):
        Client().get(args[0])
    else:
        execute_from_command_line(["manage.py", *args])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
