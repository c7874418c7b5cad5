#!/usr/bin/env bash
# Installs the Debian packages the app and its tests need: an X server, Qt's xcb libraries,
# D-Bus and gnome-keyring (the real Secret Service), fonts, tools to look at screenshots, the
# validators of the desktop entry and AppStream metainfo, and espeak-ng (the sandbox's voices speak with it).
set -euo pipefail
packages=(
  xvfb xauth x11-utils imagemagick
  dbus dbus-x11 gnome-keyring libsecret-tools
  libegl1 libgl1 libopengl0 libglib2.0-0 libfontconfig1 libfreetype6 libdbus-1-3
  libxkbcommon0 libxkbcommon-x11-0 libxcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0
  libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0
  libxcb-xkb1 libxcb-xfixes0 libxcb-shm0 libxcb-sync1 libxcb-render0 libx11-xcb1
  libpulse0 libpulse-mainloop-glib0
  fonts-dejavu-core
  desktop-file-utils appstream
  espeak-ng libespeak-ng1
)
# One dpkg-query for all of them (one per package took a second on every start).
installed=$(dpkg-query -W -f='${Package} ${Status}\n' "${packages[@]}" 2>/dev/null || true)
missing=()
for p in "${packages[@]}"; do
  grep -qxF "$p install ok installed" <<<"$installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "Please install as root: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
