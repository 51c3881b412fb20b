#!/usr/bin/env bash
# Sets up Liqaa from source on Debian/Ubuntu: system libraries, a virtualenv in
# .venv, and the package with its development tools. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

# PortAudio for sounddevice, libopus for Opus FEC decoding, PulseAudio for the test null sink, Xvfb and the
# xcb libraries Qt needs on a real display, desktop-file-utils for the installer,
# iproute2 for the link emulator's network namespaces (bench/linkemu.py).
APT_PACKAGES=(
  python3-venv python3-dev libportaudio2 libopus0 pulseaudio libasound2-plugins
  xvfb xauth libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1
  libdbus-1-3 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0
  libxcb-randr0 libxcb-render-util0 libxcb-image0 libxcb-xinerama0 libglib2.0-0
  desktop-file-utils fakeroot iproute2
)
if command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
fi

PY="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[dev]'
