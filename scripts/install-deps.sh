#!/usr/bin/env bash
# Installs what iodrain needs on Debian 12, by profile. Safe to run again:
# what is present is not fetched twice.
#
#   scripts/install-deps.sh          the full profile: build iodrain and run
#                                    its whole test suite (Debian packages,
#                                    and Microsoft's SARIF Multitool from npm
#                                    into build/tools)
#   scripts/install-deps.sh --lint   only what running an installed iodrain
#                                    needs (the .deb or a `cmake --install`
#                                    tree): its runtime libraries,
#                                    clang-tidy-19 for the plugin route, the
#                                    mingw-w64 headers, python3
#   scripts/install-deps.sh --lint --print   (or --dry-run)
#                                    list a profile's Debian packages, one a
#                                    line, and install nothing
#
# Exit status: 0 when everything is installed (or listed), 2 on a bad
# option; apt-get's and npm's failures stop it with theirs.
set -euo pipefail
cd "$(dirname "$0")/.."

# The full profile: compilers, LLVM's development files, the runtime shim's
# and the Wine lane's toolchains, gRPC for iodrain-clangd, and the report
# test's browser. dpkg-dev and file are for the .deb (cpack).
FULL_PACKAGES=(
  clang-19 clang-tidy-19 clangd-19 libclang-19-dev llvm-19-dev llvm-19-tools
  mingw-w64-x86-64-dev g++-mingw-w64-x86-64-win32 g++-mingw-w64-x86-64-posix
  libclang-rt-19-dev
  gcc-mingw-w64-x86-64 wine64
  libgrpc++-dev libprotobuf-dev libabsl-dev
  cmake ninja-build python3 git dpkg-dev file
  chromium
)
# The lint profile: iodrain-tidy, iodrain-sarif and the plugin link only
# libclang-cpp.so.19.1 and libLLVM.so.19.1 (`ldd`); iodrain-lint and
# iodrain-report are python3. Generating a compile database with
# lib/cmake/iodrain/mingw-w64-analysis.cmake also needs cmake and clang-19.
LINT_PACKAGES=(
  libclang-cpp19 libllvm19 clang-tidy-19 mingw-w64-x86-64-dev python3
)

usage() {
  echo "usage: scripts/install-deps.sh [--full | --lint] [--print]"
}

profile=full
print_only=false
for argument in "$@"; do
  case "$argument" in
    --full) profile=full ;;
    --lint) profile=lint ;;
    --print | --dry-run) print_only=true ;;
    -h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    *) echo "install-deps.sh: unknown option '$argument'" >&2; usage >&2; exit 2 ;;
  esac
done

if [ "$profile" = lint ]; then
  PACKAGES=("${LINT_PACKAGES[@]}")
else
  PACKAGES=("${FULL_PACKAGES[@]}")
  # npm, unless a Node.js installation already provides it.
  command -v npm > /dev/null || PACKAGES+=(npm)
fi

if $print_only; then
  printf '%s\n' "${PACKAGES[@]}"
  exit 0
fi

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
  echo "iodrain: all Debian packages of the $profile profile are installed"
fi

# The lint profile stops here: the SARIF Multitool only validates the test
# suite's logs.
if [ "$profile" = lint ]; then
  exit 0
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
