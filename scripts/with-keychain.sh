#!/usr/bin/env bash
# Run a command inside a private D-Bus session with an unlocked, throwaway gnome-keyring.
#
#   scripts/with-keychain.sh CMD [ARGS...]     e.g. scripts/with-keychain.sh .venv/bin/pytest -q tests/keychain
#
# The keyring daemon keeps its files in a temporary directory (XDG_DATA_HOME / XDG_RUNTIME_DIR
# are set for the daemon only) that is deleted afterwards, so your real login keychain is never
# opened, read or written. CMD sees HEYGEN_STUDIO_PRIVATE_KEYCHAIN=<that directory>; the keychain
# tests refuse to run without it.
#
# Why not `printf "" | gnome-keyring-daemon --unlock`: gnome-keyring (42) ignores an empty
# password, so no "login" collection is created and every store fails with "Prompt dismissed"
# (no display for the prompt). A non-empty password creates and unlocks a new "login" collection.
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 2
fi
for tool in dbus-run-session dbus-send gnome-keyring-daemon; do
  command -v "$tool" >/dev/null || { echo "$0: $tool is missing (run scripts/system-packages.sh)" >&2; exit 127; }
done

keychain_dir=$(mktemp -d "${TMPDIR:-/tmp}/heygen-keychain.XXXXXX")
trap 'rm -rf "$keychain_dir"' EXIT
export HEYGEN_STUDIO_PRIVATE_KEYCHAIN="$keychain_dir"

# shellcheck disable=SC2016  # expanded by the inner shell
inner='
set -euo pipefail
mkdir -m 700 "$HEYGEN_STUDIO_PRIVATE_KEYCHAIN/data" "$HEYGEN_STUDIO_PRIVATE_KEYCHAIN/runtime"
password=$(od -An -N16 -tx1 /dev/urandom | tr -d " \n")
printf "%s" "$password" | env \
  XDG_DATA_HOME="$HEYGEN_STUDIO_PRIVATE_KEYCHAIN/data" \
  XDG_RUNTIME_DIR="$HEYGEN_STUDIO_PRIVATE_KEYCHAIN/runtime" \
  gnome-keyring-daemon --unlock --components=secrets >/dev/null
unset password
# Ask the bus whether the daemon owns its name before talking to it: a call to an unowned
# org.freedesktop.secrets would make the bus start a second daemon on your real keyring files.
for _ in $(seq 50); do
  owned=$(dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets)
  if [[ "$owned" == *true* ]]; then
    locked=$(dbus-send --session --print-reply=literal --dest=org.freedesktop.secrets \
      /org/freedesktop/secrets/collection/login org.freedesktop.DBus.Properties.Get \
      string:org.freedesktop.Secret.Collection string:Locked 2>/dev/null || true)
    [[ "$locked" == *false* ]] && exec "$@"
  fi
  sleep 0.1
done
echo "with-keychain.sh: the private gnome-keyring did not unlock its login collection" >&2
exit 1
'
dbus-run-session -- bash -c "$inner" with-keychain "$@"
