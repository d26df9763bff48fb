from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode

from directus_assets import thumbnails
from directus_assets.models import File, ThumbnailPreset
from directus_assets.spec import build_spec
from example_project.demo.models import Article

# The comparisons the Directus docs show, made live from the landscape sample.
FIT_COMPARISON = (
    ("Cover", {"fit": "cover", "width": 200, "height": 200, "quality": 75}),
    ("Contain", {"fit": "contain", "width": 200, "height": 200, "quality": 75}),
)
QUALITY_COMPARISON = tuple(
    (f"{quality}%", {"fit": "cover", "width": 200, "height": 200, "quality": quality})
    for quality in (25, 50, 75, 100)
)


def home(request: HttpRequest) -> HttpResponse:
    files = File.objects.order_by("filename_download")
    sample = files.filter(filename_download="landscape.jpg").first()
    context = {
        "files": files,
        "presets": ThumbnailPreset.objects.all(),
        "articles": Article.objects.select_related("cover"),
        "sample": sample,
        "fits": _comparison(sample, FIT_COMPARISON),
        "qualities": _comparison(sample, QUALITY_COMPARISON),
    }
    return render(request, "demo/home.html", context)


def _comparison(
    file: File | None, variants: tuple[tuple[str, dict[str, Any]], ...]
) -> list[dict[str, Any]]:
    if file is None:
        return []
    shown = []
    for label, query in variants:
        # Through the endpoint's own pipeline, so the byte size is what /assets/ serves.
        _, rendition, _ = thumbnails.ensure(file, build_spec(query))
        shown.append(
            {
                "label": label,
                "url": f"/assets/{file.pk}?{urlencode(query)}",
                "query": urlencode(query),
                "bytes": rendition.size,
            }
        )
    return shown
