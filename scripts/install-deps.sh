#!/usr/bin/env bash
# Installs the Debian 12 packages iodrain needs to build and test.
# Safe to run again: packages already present are not fetched twice.
set -euo pipefail

PACKAGES=(
  clang-19 clang-tidy-19 clangd-19 libclang-19-dev llvm-19-dev llvm-19-tools
  mingw-w64-x86-64-dev libclang-rt-19-dev
  gcc-mingw-w64-x86-64 wine64
  libgrpc++-dev libprotobuf-dev libabsl-dev
  cmake ninja-build python3
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "iodrain: all build dependencies are installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "iodrain: installing ${missing[*]}"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
