#!/usr/bin/env bash
# Starts HeyGen Studio on the built-in sandbox HeyGen, setting the checkout up first only when it is
# new or pyproject.toml changed (scripts/setup.sh keeps a stamp). The app's log is in its log folder.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/heygen-studio --sandbox "$@"
