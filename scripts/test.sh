#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite in two
# lanes: the release build (./build), then iodrain's own code with ASan and
# UBSan (./build-sanitize), where the fuzzers also run for a bounded time.
#
#   scripts/test.sh             both lanes (what CI runs)
#   scripts/test.sh --release   the release lane only
#   scripts/test.sh --sanitize  the sanitizer lane only
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  "") LANES=(release sanitize) ;;
  --release) LANES=(release) ;;
  --sanitize) LANES=(sanitize) ;;
  *) echo "usage: scripts/test.sh [--release|--sanitize]" >&2; exit 2 ;;
esac
scripts/install-deps.sh

# Runs lit over one lane's build directory; prints the lane's closing line.
run_lane() {
  local lane=$1 dir=$2
  # The lit that CMake found (llvm-19-tools ships it without a wrapper).
  local lit results=$dir/test-results.xml status
  lit=$(sed -n 's/^IODRAIN_LIT:FILEPATH=//p' "$dir/CMakeCache.txt")
  set +e
  python3 "$lit" -sv --xunit-xml-output="$results" "$dir/test"
  status=$?
  set -e
  python3 scripts/lit_summary.py --label "$lane" "$results"
  return $status
}

overall=0
for lane in "${LANES[@]}"; do
  if [ "$lane" = release ]; then
    scripts/build.sh
    run_lane release build || overall=1
  else
    scripts/build.sh --sanitize
    # install-deps.sh puts the SARIF Multitool in build/tools; lit looks for
    # it in the build directory it runs.
    if [ -d build/tools ] && [ ! -e build-sanitize/tools ]; then
      ln -s ../build/tools build-sanitize/tools
    fi
    run_lane sanitize build-sanitize || overall=1
  fi
done

# A closing line every CI reader understands: the lanes together.
results=()
for lane in "${LANES[@]}"; do
  [ "$lane" = release ] && results+=(build/test-results.xml) ||
    results+=(build-sanitize/test-results.xml)
done
python3 scripts/lit_summary.py "${results[@]}"
exit $overall
