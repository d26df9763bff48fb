#!/usr/bin/env bash
# The whole test suite: lint, format check, pytest on SQLite, then pytest again on a real
# PostgreSQL 15 that the tests start themselves. Installs what it needs into .venv.
source "$(dirname "$0")/_venv.sh" s3,test
if [ ! -x /usr/lib/postgresql/15/bin/initdb ]; then
  echo "Installing Debian's PostgreSQL 15 server (the suite starts its own instance)"
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -q && $sudo apt-get install -y -q postgresql-15
fi
echo "== ruff check" && ruff check .
echo "== ruff format --check" && ruff format --check .
echo "== pytest (SQLite)" && pytest "$@"
echo "== pytest (PostgreSQL 15)" && TEST_DATABASE=postgres pytest "$@"
