#!/usr/bin/env bash
# The whole test suite: lint, format check, strict type check, pytest on SQLite, then pytest
# again on a real PostgreSQL 15 that the tests start themselves. Installs what it needs into
# .venv (Python packages) and from Debian (PostgreSQL 15, Chromium for the browser test).
source "$(dirname "$0")/_venv.sh" s3,test
# Debian packages the suite starts itself: PostgreSQL 15, and Chromium for the browser test.
missing=()
[ -x /usr/lib/postgresql/15/bin/initdb ] || missing+=(postgresql-15)
command -v chromium >/dev/null || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing from Debian: ${missing[*]}"
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -q && $sudo apt-get install -y -q "${missing[@]}"
fi
echo "== ruff check" && ruff check .
echo "== ruff format --check" && ruff format --check .
echo "== mypy (strict, on the app)" && mypy
# Both legs run whatever the first gives; the end says which failed.
failed=()
echo "== pytest (SQLite)"
pytest "$@" || failed+=(SQLite)
echo "== pytest (PostgreSQL 15)"
TEST_DATABASE=postgres pytest "$@" || failed+=("PostgreSQL 15")
if [ ${#failed[@]} -gt 0 ]; then
  echo "== FAILED: pytest on $(IFS=,; echo "${failed[*]}" | sed 's/,/ and /')"
  exit 1
fi
echo "== all passed"
