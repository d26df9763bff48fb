# Sourced by the other scripts: make .venv (Python 3.11+) with the project and its extras
# installed, reinstalling only when pyproject.toml changes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
extras="${1:-s3}"
python="${PYTHON:-python3}"
stamp=".venv/.installed-$extras"
if [ ! -x .venv/bin/python ]; then
  echo "Creating .venv with $("$python" --version)"
  "$python" -m venv .venv
fi
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "Installing directus_assets[$extras] into .venv"
  # pip's and setuptools' chatter only when something went wrong, then in full.
  log="$(mktemp)"
  if ! { .venv/bin/python -m pip install --disable-pip-version-check --upgrade pip &&
         .venv/bin/python -m pip install --disable-pip-version-check -e ".[$extras]"; } \
       >"$log" 2>&1; then
    cat "$log"
    echo "Installing directus_assets[$extras] failed: pip's output is above." >&2
    rm -f "$log"
    exit 1
  fi
  rm -f "$log"
  touch "$stamp"
fi
export PATH="$PWD/.venv/bin:$PATH"
