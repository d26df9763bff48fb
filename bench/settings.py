"""Django settings for the benchmark: the example project on a scratch folder.

``BENCH_DIR`` holds the SQLite database and media; ``BENCH_S3_ENDPOINT`` switches the default
storage to S3 (SeaweedFS started by the benchmark).
"""

import importlib.util
import os
from pathlib import Path

from example_project.settings import *  # noqa: F403

BENCH_DIR = Path(os.environ.get("BENCH_DIR", "/tmp/directus-assets-bench"))
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
if importlib.util.find_spec("easy_thumbnails"):  # a benchmark peer; the fuzzer has not got it
    INSTALLED_APPS = [*INSTALLED_APPS, "easy_thumbnails"]  # noqa: F405
DATABASES = {"default": {**DATABASES["default"], "NAME": BENCH_DIR / "bench.sqlite3"}}  # noqa: F405
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": BENCH_DIR / "media"},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if os.environ.get("BENCH_S3_ENDPOINT"):
    STORAGES["default"] = {
        "BACKEND": "directus_assets.storage.S3Storage",
        "OPTIONS": {
            "bucket_name": "assets",
            "endpoint_url": os.environ["BENCH_S3_ENDPOINT"],
            "access_key": "bench",
            "secret_key": "bench",
            "region_name": "us-east-1",
            "addressing_style": "path",
            "signature_version": "s3v4",
        },
    }
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
if os.environ.get("BENCH_FAST_PATH"):  # the site with AssetsMiddleware first
    MIDDLEWARE = ["directus_assets.middleware.AssetsMiddleware", *MIDDLEWARE]  # noqa: F405
if os.environ.get("BENCH_POSTGRES_PORT"):  # the site on PostgreSQL (started by the benchmark)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": "bench",
            "USER": "postgres",
            "HOST": "127.0.0.1",
            "PORT": os.environ["BENCH_POSTGRES_PORT"],
            # Kept connections under WSGI; Django's pool under ASGI, as README advises.
            **(
                {"OPTIONS": {"pool": True}}
                if os.environ.get("EXAMPLE_PROJECT_INTERFACE") == "asgi"
                else {"CONN_MAX_AGE": None}
            ),
        }
    }
