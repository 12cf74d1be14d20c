#!/bin/sh
# Installs iodrain from its build directory; run it from the source root
# after scripts/build.sh. It installs into ~/.local (bin/iodrain-*,
# lib/iodrain, lib/cmake/iodrain, share/iodrain) and builds the Debian
# package into packages/, which then installs with
#   sudo apt install ./packages/iodrain_0.1.0_amd64.deb
# A machine that only runs an installed iodrain (a CI runner given the
# install tree) needs only the lint profile of the dependencies:
#   scripts/install-deps.sh --lint
# test/integration/package.test runs this script with HOME in a scratch
# directory.
set -eu
cmake --install build --prefix ~/.local
cpack -G DEB --config build/CPackConfig.cmake -B packages
