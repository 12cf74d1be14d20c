#!/usr/bin/env bash
# Configures and builds iodrain in ./build (the plugin, iodrain-tidy and
# iodrain-clangd). Run scripts/install-deps.sh first on a new machine.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja \
  -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19
cmake --build build
