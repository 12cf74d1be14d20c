#!/usr/bin/env bash
# Configures and builds iodrain in ./build (the plugin, iodrain-tidy and
# iodrain-clangd). Run scripts/install-deps.sh first on a new machine.
#
#   scripts/build.sh             ./build, Release
#   scripts/build.sh --sanitize  ./build-sanitize: iodrain's own code with
#                                ASan and UBSan, and the libFuzzer targets
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=build
OPTIONS=()
case "${1:-}" in
  "") ;;
  --sanitize) DIR=build-sanitize; OPTIONS=(-DIODRAIN_SANITIZE=ON) ;;
  *) echo "usage: scripts/build.sh [--sanitize]" >&2; exit 2 ;;
esac
cmake -S . -B "$DIR" -G Ninja \
  -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 "${OPTIONS[@]}"
cmake --build "$DIR"
