#!/usr/bin/env bash
# Quick start on a fresh clone with only python3:
#   ./run_local.sh              clean fixtures/raw/ on the DirectRunner into out/local/
#   ./run_local.sh test [ARGS]  run the whole test-suite (ARGS go to pytest)
# Both create .venv and install the project into it the first time, and again
# whenever pyproject.toml changes.
set -euo pipefail
cd "$(dirname "$0")"

python=.venv/bin/python
if [ ! -x "$python" ]; then
  python3 -m venv .venv
fi
stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "installing the project into .venv (log: .venv/install.log)..." >&2
  if ! "$python" -m pip install -e ".[test]" > .venv/install.log 2>&1; then
    tail -30 .venv/install.log >&2
    exit 1
  fi
  rm -f .venv/.installed-*
  touch "$stamp"
fi

if [ "${1:-}" = "test" ]; then
  shift
  exec "$python" -m pytest "$@"
fi

exec "$python" -m pipeline run --input 'fixtures/raw/*' --output out/local --overwrite --runner=DirectRunner "$@"
