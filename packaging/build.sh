#!/usr/bin/env bash
# Builds dist/heygen-studio/: a one-folder HeyGen Studio that runs without Python or the .venv.
#
#   bash packaging/build.sh        (then: bash packaging/smoke-test.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || bash scripts/setup.sh
if ! .venv/bin/python -c "import PyInstaller" 2>/dev/null; then
  echo "Installing the packaging extra (PyInstaller) into .venv"
  .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[packaging]'
fi
started=$(date +%s)
.venv/bin/python -m PyInstaller --noconfirm --clean --log-level WARN \
  --workpath build/pyinstaller --distpath dist packaging/heygen-studio.spec
echo "Built dist/heygen-studio/ in $(( $(date +%s) - started ))s:" \
  "$(du -sh dist/heygen-studio | cut -f1) on disk," \
  "$(find dist/heygen-studio -type f | wc -l) files; run dist/heygen-studio/heygen-studio"
