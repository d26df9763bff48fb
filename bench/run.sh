#!/usr/bin/env bash
# The benchmark, from a fresh clone: installs the peers (benchmark-only), wrk and nginx.
source "$(dirname "$0")/../scripts/_venv.sh" s3,test,bench
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || missing+=(nginx-light)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -q && $sudo apt-get install -y -q "${missing[@]}"
fi
exec python bench/run.py "$@"
