"""Django's own floor: the same stored bytes through Django with nothing else.

No middleware, no apps, no database, one URL pattern and a ``FileResponse``: what any
Django view pays before doing any work of its own. Shows how much of the minimal-WSGI
ceiling a Django endpoint can reach at all.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings

MEDIA = Path(os.environ.get("BENCH_DIR", "/tmp/directus-assets-bench")) / "media"

settings.configure(
    DEBUG=False,
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    SECRET_KEY="bench-only",
)

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import FileResponse, HttpRequest, HttpResponseNotFound  # noqa: E402
from django.http.response import HttpResponseBase  # noqa: E402
from django.urls import path  # noqa: E402


def stored(request: HttpRequest, name: str) -> HttpResponseBase:
    try:
        return FileResponse((MEDIA / name).open("rb"), content_type="image/jpeg")
    except FileNotFoundError:
        return HttpResponseNotFound()


def probe(request: HttpRequest) -> HttpResponseBase:
    return HttpResponseNotFound()  # the readiness probe


urlpatterns = [path("", probe), path("<path:name>", stored)]
application = get_wsgi_application()
