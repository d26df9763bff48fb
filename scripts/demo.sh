#!/usr/bin/env bash
# The demo: the example project on SQLite and local storage, seeded with sample images and
# presets, serving on http://127.0.0.1:8000 .
source "$(dirname "$0")/_venv.sh" s3
python manage.py migrate --noinput --verbosity 0
python manage.py seed_demo
exec python manage.py runserver 127.0.0.1:8000
