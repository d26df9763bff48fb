#!/usr/bin/env bash
# The whole test suite: lint, format check, then pytest. Installs what it needs into .venv.
source "$(dirname "$0")/_venv.sh" s3,test
echo "== ruff check" && ruff check .
echo "== ruff format --check" && ruff format --check .
echo "== pytest" && pytest "$@"
