#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages asyncscope needs to build, test and run — only those missing.
# Used by scripts/run.sh and scripts/test.sh; safe to run again (does nothing when all are present).
set -euo pipefail

PACKAGES=(
  g++ cmake make pkg-config ccache python3
  libimgui-dev libglfw3-dev python3-glad libgl-dev
  libboost-context-dev catch2 nlohmann-json3-dev libcli11-dev
  fontconfig fonts-dejavu-core
  xvfb xauth
)
if [[ "${1:-}" == "--print" ]]; then printf '%s\n' "${PACKAGES[@]}"; exit 0; fi

missing=()
for p in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 1
  fi
fi
echo "deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
