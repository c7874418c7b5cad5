#!/usr/bin/env bash
# Checks a build made by packaging/build.sh without Python or the .venv: --version, check-photo,
# and one start on the embedded sandbox (offscreen) that must connect and quit cleanly on SIGTERM.
#
#   bash packaging/smoke-test.sh [path/to/heygen-studio]    (default: dist/heygen-studio/heygen-studio)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
app=$(realpath "${1:-dist/heygen-studio/heygen-studio}")
[ -x "$app" ] || { echo "FAIL: no build at $app (run bash packaging/build.sh)" >&2; exit 1; }
version=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' heygen_studio/__init__.py)
timeout_s=${SMOKE_TIMEOUT:-90}

work=$(mktemp -d "${TMPDIR:-/tmp}/heygen-smoke.XXXXXX")
pid=""
cleanup() {
  if [ -n "$pid" ] && [ -s "$work/app.pid" ]; then kill -KILL "$(cat "$work/app.pid")" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
export QT_QPA_PLATFORM=offscreen HEYGEN_STUDIO_HOME="$work/home"
# Run from elsewhere so nothing can come from the checkout by accident.
cd "$work"
log="$HEYGEN_STUDIO_HOME/logs/heygen-studio.log"

fail() {
  echo "FAIL: $*" >&2
  if [ -f "$log" ]; then echo "--- last lines of $log:" >&2; tail -n 40 "$log" >&2; fi
  if [ -s "$work/stderr" ]; then echo "--- last lines of stderr:" >&2; tail -n 20 "$work/stderr" >&2; fi
  exit 1
}

# 1. The version, exactly as a user would see it.
got=$("$app" --version) || fail "--version exited with $?"
[ "$got" = "heygen-studio $version" ] || fail "--version printed '$got', expected 'heygen-studio $version'"
echo "ok: --version prints '$got'"

# 2. Photo advice: Pillow, OpenCV and its bundled Haar cascades (a clear face passes with no warning).
photo="$repo/resources/sample_photos/astronaut.png"
report=$("$app" check-photo "$photo" --json) || fail "check-photo $photo --json exited with $?: $report"
grep -q '"ok": true' <<<"$report" || fail "check-photo refused the sample portrait: $report"
grep -q '"warnings": \[\]' <<<"$report" || fail "check-photo found no face in the sample portrait: $report"
echo "ok: check-photo accepts the sample portrait"

# 3. The window on the embedded sandbox (Qt, asyncio, uvicorn, starlette, jsonschema, PyAV), inside a
#    private Secret Service when this machine has one, so the keyring backends are checked too.
keychain=""
if command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null; then
  keychain="$repo/scripts/with-keychain.sh"
fi
# shellcheck disable=SC2016  # expanded by the inner shell: the pid is the app's own (exec)
${keychain:+"$keychain"} sh -c 'echo $$ > "$0"; exec "$@"' "$work/app.pid" "$app" --sandbox \
  >/dev/null 2>"$work/stderr" &
pid=$!

wait_for() {  # wait_for WHAT PATTERN: until the log has a line matching PATTERN
  local deadline=$((SECONDS + timeout_s))
  until [ -f "$log" ] && grep -Eq "$2" "$log"; do
    kill -0 "$pid" 2>/dev/null || fail "the app quit before $1"
    # A crash shows a modal dialog that nobody will close offscreen: fail now, not at the deadline.
    ! grep -q " CRITICAL " "$log" 2>/dev/null || fail "the app crashed before $1"
    [ $SECONDS -lt $deadline ] || fail "no sign after ${timeout_s}s that $1"
    sleep 0.5
  done
  echo "ok: $1"
}
wait_for "the embedded sandbox is listening" "Embedded sandbox listening on http://127\.0\.0\.1:[0-9]+"
wait_for "the credits were fetched" 'HTTP Request: GET http://127\.0\.0\.1:[0-9]+/v3/users/me "HTTP/1\.1 200 OK"'

kill -TERM "$(cat "$work/app.pid")"
status=0
deadline=$((SECONDS + 30))
while kill -0 "$pid" 2>/dev/null; do
  [ $SECONDS -lt $deadline ] || fail "the app did not quit within 30s of SIGTERM"
  sleep 0.5
done
wait "$pid" || status=$?
pid=""
[ "$status" -eq 0 ] || fail "the app exited with status $status after SIGTERM"
grep -q "Closed cleanly" "$log" || fail "the app quit without closing cleanly"
echo "ok: SIGTERM closes the app cleanly (exit 0)"
if [ -n "$keychain" ]; then
  # The app looks for the keychain as it starts and logs only when it finds none; in the frozen app
  # that happens when keyring's entry points (its dist-info) or its backend modules are missing.
  ! grep -q "No usable keychain" "$log" || fail "the frozen app found no usable keychain in a running Secret Service"
  echo "ok: keyring uses the Secret Service"
else
  echo "note: no dbus-run-session/gnome-keyring-daemon here, so the keychain was not checked"
fi
grep -E "Traceback| ERROR | CRITICAL " "$log" && fail "errors in the log"
echo "PASS: $app"
