#!/usr/bin/env bash
# Sets up the checkout if needed and runs the whole test suite: under a virtual X server
# and inside a private D-Bus session with an unlocked gnome-keyring (the real Secret Service).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec xvfb-run -a -s "-screen 0 1440x900x24" scripts/with-keychain.sh .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
