#!/usr/bin/env bash
# Installs what iodrain needs to build and test on Debian 12: Debian
# packages, and Microsoft's SARIF Multitool from npm (into build/tools).
# Safe to run again: what is present is not fetched twice.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  clang-19 clang-tidy-19 clangd-19 libclang-19-dev llvm-19-dev llvm-19-tools
  mingw-w64-x86-64-dev g++-mingw-w64-x86-64-win32 libclang-rt-19-dev
  gcc-mingw-w64-x86-64 wine64
  libgrpc++-dev libprotobuf-dev libabsl-dev
  cmake ninja-build python3 git
  chromium
)
# npm, unless a Node.js installation already provides it.
command -v npm > /dev/null || PACKAGES+=(npm)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  echo "iodrain: installing ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "iodrain: all Debian packages are installed"
fi

# The SARIF validator of the lint-step test. Its Linux binary ships inside
# the npm package; npm may skip the package's chmod script.
TOOLS=build/tools
MULTITOOL="$TOOLS/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
if [ ! -x "$MULTITOOL" ]; then
  mkdir -p "$TOOLS"
  if npm install --prefix "$TOOLS" --no-audit --no-fund --silent @microsoft/sarif-multitool; then
    chmod u+x "$MULTITOOL"
  else
    echo "iodrain: could not install the SARIF Multitool; SARIF validation will be skipped" >&2
  fi
fi
