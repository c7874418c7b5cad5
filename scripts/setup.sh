#!/usr/bin/env bash
# Sets up a checkout when something is missing or changed: the system packages (when run as root or with
# sudo) and a venv in .venv with the app installed. A stamp in .venv (a hash of pyproject.toml and of the
# set-up scripts, written once the system packages check and the install passed) makes a checkout that is
# already set up return at once. pip's output goes to .venv/setup.log and is shown only when it fails.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp_file=.venv/setup-stamp
stamp=$(cat pyproject.toml scripts/system-packages.sh scripts/setup.sh | sha256sum | cut -d" " -f1)
if [ -x .venv/bin/python ] && [ -x .venv/bin/heygen-studio ] && [ "$(cat "$stamp_file" 2>/dev/null)" = "$stamp" ]; then
  exit 0
fi
echo "Setting up HeyGen Studio in $(pwd)/.venv (the first time takes a minute or two)…" >&2
bash scripts/system-packages.sh
PY=$(command -v python3.11 || command -v python3)
[ -x .venv/bin/python ] || "$PY" -m venv .venv
rm -f "$stamp_file"
log=.venv/setup.log
if ! {
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip &&
    .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test,packaging,dev]'
} >"$log" 2>&1; then
  echo "Setting up failed. The end of $log:" >&2
  tail -n 25 "$log" >&2
  exit 1
fi
echo "$stamp" >"$stamp_file"
