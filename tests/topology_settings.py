"""One machine of a site spread over several: the example site on a database and a storage
it shares with the others, with Django's tasks on django-tasks-db, logging each thumbnail it
makes (so renders can be counted across processes).

``TOPOLOGY_SETTINGS`` (JSON) says which: ``database`` (a DATABASES entry), ``storage`` (a
STORAGES entry) and ``assets`` (DIRECTUS_ASSETS settings beyond these).
"""

import json
import os

from example_project.settings import *  # noqa: F403

_MACHINE = json.loads(os.environ["TOPOLOGY_SETTINGS"])
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
INSTALLED_APPS = [*INSTALLED_APPS, "django_tasks_db"]  # noqa: F405
DATABASES = {"default": _MACHINE["database"]}
STORAGES = {**STORAGES, "default": _MACHINE["storage"]}  # noqa: F405
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
DIRECTUS_ASSETS = {"RENDER_RATE_LIMIT": None, **_MACHINE.get("assets", {})}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "loggers": {"directus_assets.cache": {"handlers": ["stderr"], "level": "INFO"}},
}
