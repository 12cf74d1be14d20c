#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to a first finding: installs
# the dependencies, builds iodrain, and runs it on the bundled example.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
echo
echo "iodrain: analysing examples/seed.c (a pending read closed at shutdown)"
# The example is Windows code: analyse it with the mingw-w64 headers.
set +e
build/bin/iodrain-tidy --checks='-*,iodrain-*' examples/seed.c -- \
  --target=x86_64-w64-mingw32 --sysroot=/usr
set -e
echo
echo "iodrain: built. Binaries: build/bin/iodrain-tidy, build/bin/iodrain-clangd,"
echo "         plugin: build/lib/iodrain-plugin.so (clang-tidy-19 --load=...)"
