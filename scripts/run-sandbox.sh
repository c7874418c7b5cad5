#!/usr/bin/env bash
# Sets up the checkout if needed and starts HeyGen Studio on the built-in sandbox HeyGen.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/heygen-studio --sandbox "$@"
