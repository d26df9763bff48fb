"""Test settings: the example project, with storage pointed at a per-test folder (conftest)."""

import os
import tempfile

from example_project.settings import *  # noqa: F403

# A file, not ":memory:": threads in the concurrency tests need SQLite's real locking
# (shared-cache memory databases fail at once with "table is locked"). IMMEDIATE
# transactions take the write lock up front, so writers queue instead of deadlocking.
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.path.join(tempfile.gettempdir(), f"directus-assets-{os.getpid()}.sqlite3"),
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        "TEST": {
            "NAME": os.path.join(
                tempfile.gettempdir(), f"directus-assets-test-{os.getpid()}.sqlite3"
            )
        },
    }
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# `TEST_DATABASE=postgres pytest` runs the suite on a real PostgreSQL 15 that it starts.
if os.environ.get("TEST_DATABASE") == "postgres":
    from tests.servers import postgres_for_this_process

    DATABASES = {"default": postgres_for_this_process()}

# DRF's token authentication, for the Directus-client token hook (test_credentials); the
# database task backend's tables, for the tests with task workers (test_task_workers).
INSTALLED_APPS = [
    *INSTALLED_APPS,  # noqa: F405
    "rest_framework",
    "rest_framework.authtoken",
    "django_tasks_db",
]
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ]
}
