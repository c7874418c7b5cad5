#!/usr/bin/env bash
# Sets up a fresh checkout: system packages (when run as root or with sudo) and a venv in .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-packages.sh
PY=$(command -v python3.11 || command -v python3)
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test,packaging]'
