"""Load the demo: sample images, thumbnail presets and an admin login."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from directus_assets.models import File, ThumbnailPreset
from example_project.demo.models import Article
from example_project.demo.samples import SAMPLES

PRESETS: tuple[dict[str, Any], ...] = (
    {"key": "card", "fit": "cover", "width": 200, "height": 200, "quality": 80},
    {"key": "avatar", "fit": "cover", "width": 64, "height": 64, "quality": 80},
    {"key": "preview", "fit": "contain", "width": 200, "height": 200, "quality": 75},
    # Never enlarged: the 240-pixel spinner made 1200 wide in its 12 frames would need more
    # memory than a render may take (a 400 for the link on the home page).
    {
        "key": "banner",
        "fit": "outside",
        "width": 1200,
        "height": 400,
        "format": "webp",
        "without_enlargement": True,
    },
    {"key": "gallery", "fit": "inside", "width": 800, "height": 800, "without_enlargement": True},
)
ADMIN_USERNAME = ADMIN_PASSWORD = "admin"


class Command(BaseCommand):
    help = "Import the demo's sample images, create its presets and an admin user (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        for name, make in SAMPLES:
            if not File.objects.filter(filename_download=name).exists():
                file = File.objects.create_from(make(), filename=name, title=name)
                self.stdout.write(f"imported {name} as /assets/{file.pk}")
        for preset in PRESETS:
            ThumbnailPreset.objects.update_or_create(key=preset["key"], defaults=preset)
        cover = File.objects.filter(filename_download="landscape.jpg").first()
        Article.objects.get_or_create(title="Welcome", defaults={"cover": cover})
        user_model = get_user_model()
        if not user_model.objects.filter(username=ADMIN_USERNAME).exists():
            user_model.objects.create_superuser(ADMIN_USERNAME, "", ADMIN_PASSWORD)
        self.stdout.write(
            f"Demo admin: http://127.0.0.1:8000/admin/ "
            f"(username {ADMIN_USERNAME!r}, password {ADMIN_PASSWORD!r})"
        )
