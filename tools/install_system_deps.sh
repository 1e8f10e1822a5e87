#!/usr/bin/env bash
# Install the Debian packages pyruntime needs: a native C toolchain and CMake, Python venv
# support, the Arm cross compilers and the QEMU emulators for the firmware targets.
# Only missing packages are installed; without root it lists them and carries on.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
APT_PACKAGES=(
  build-essential cmake python3-venv python3-dev
  gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm qemu-user
  gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf
)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  echo "== apt-get install ${missing[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
elif command -v sudo >/dev/null 2>&1; then
  echo "== sudo apt-get install ${missing[*]}"
  sudo apt-get update -qq
  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "== not root and no sudo: please install ${missing[*]}" >&2
fi
