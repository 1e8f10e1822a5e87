#!/usr/bin/env bash
# Install the Debian packages pyruntime needs: a native C toolchain and CMake, Python venv
# support, the Arm cross compilers with their C libraries, the QEMU emulators for the firmware
# targets, and clang with its sanitizer/libFuzzer runtimes (tools/fuzz.sh).
# Only missing packages are installed; without root it lists them and carries on. Then
# tools/check_toolchains.sh proves that every toolchain compiles and links and that QEMU
# starts every board, naming the package to install when something is missing.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
cd "$(dirname "${BASH_SOURCE[0]}")/.."
APT_PACKAGES=(
  build-essential cmake python3-venv python3-dev
  gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm qemu-user
  # --no-install-recommends leaves out the cross C libraries (crt1.o, crti.o, libc): name them.
  gcc-aarch64-linux-gnu libc6-dev-arm64-cross gcc-arm-linux-gnueabihf libc6-dev-armhf-cross
  clang libclang-rt-14-dev
)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
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
fi
if [ "${PYRT_SKIP_TOOLCHAIN_CHECK:-0}" != 1 ]; then
  bash tools/check_toolchains.sh
fi
