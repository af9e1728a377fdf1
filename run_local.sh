#!/usr/bin/env bash
# Quick start on a fresh clone with only python3:
#   ./run_local.sh              clean fixtures/raw/ on the DirectRunner into out/local/
#   ./run_local.sh test [ARGS]  run the whole test-suite (ARGS go to pytest); installs Debian's chromium
#                               first where it can (root with apt-get), for the report's browser tests
#   ./run_local.sh lint         ruff and mypy, as CI runs them
# Both create .venv and install the project into it the first time, and again
# whenever pyproject.toml changes. NEWSCLEAN_EXTRAS picks the extras to install
# (default "test"; "test,dataflow" adds apache-beam[gcp] for the Dataflow graph tests, "dask" the Dask cluster test).
set -euo pipefail
cd "$(dirname "$0")"

python=.venv/bin/python
if [ ! -x "$python" ]; then
  python3 -m venv .venv
fi
extras="${NEWSCLEAN_EXTRAS:-test}"
stamp=".venv/.installed-$( (cat pyproject.toml; echo "$extras") | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "installing the project with [$extras] into .venv (log: .venv/install.log)..." >&2
  if ! "$python" -m pip install -e ".[$extras]" > .venv/install.log 2>&1; then
    tail -30 .venv/install.log >&2
    exit 1
  fi
  rm -f .venv/.installed-*
  touch "$stamp"
fi

if [ "${1:-}" = "lint" ]; then
  .venv/bin/ruff check .
  exec .venv/bin/mypy
fi

if [ "${1:-}" = "test" ]; then
  shift
  # The report's tests open it in headless Chromium: install Debian's where we may (root with apt-get);
  # elsewhere those tests are skipped and say how to install it.
  if ! command -v chromium > /dev/null && command -v apt-get > /dev/null && [ "$(id -u)" = 0 ]; then
    echo "installing Debian's chromium for the report's browser tests (log: .venv/chromium.log)..." >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } > .venv/chromium.log 2>&1 \
      || echo "chromium could not be installed (see .venv/chromium.log); its tests will be skipped" >&2
  fi
  exec "$python" -m pytest "$@"
fi

# Defaults for the flags not given: the command line refuses a flag given twice.
defaults=()
for flag in '--input=fixtures/raw/*' --output=out/local --overwrite --runner=DirectRunner; do
  name="${flag%%=*}"
  if ! printf '%s\n' "$@" | grep -q -e "^$name\$" -e "^$name="; then defaults+=("$flag"); fi
done
exec "$python" -m pipeline run "${defaults[@]}" "$@"
