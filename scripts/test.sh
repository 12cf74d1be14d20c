#!/usr/bin/env bash
# Installs what is missing, builds once, and runs the whole test suite.
#
#   scripts/test.sh             the suite on ./build
#   scripts/test.sh --sanitize  the suite on ./build-sanitize (ASan+UBSan,
#                               with the fuzzers run for a bounded time)
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  "") DIR=build; BUILD_ARGS=() ;;
  --sanitize) DIR=build-sanitize; BUILD_ARGS=(--sanitize) ;;
  *) echo "usage: scripts/test.sh [--sanitize]" >&2; exit 2 ;;
esac
scripts/install-deps.sh
scripts/build.sh "${BUILD_ARGS[@]}"
# install-deps.sh puts the SARIF Multitool in build/tools; lit looks for it
# in the build directory it runs.
if [ "$DIR" != build ] && [ -d build/tools ] && [ ! -e "$DIR/tools" ]; then
  ln -s ../build/tools "$DIR/tools"
fi

# The lit that CMake found (llvm-19-tools ships it without a wrapper).
LIT=$(sed -n 's/^IODRAIN_LIT:FILEPATH=//p' "$DIR/CMakeCache.txt")
RESULTS=$DIR/test-results.xml
set +e
python3 "$LIT" -sv --xunit-xml-output="$RESULTS" "$DIR/test"
status=$?
set -e

# A closing line every CI reader understands.
python3 - "$RESULTS" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
tests = sum(int(s.get("tests", 0)) for s in suites)
failed = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
skipped = sum(int(s.get("skipped", 0)) for s in suites)
print("%d passed, %d failed, %d skipped" % (tests - failed - skipped, failed, skipped))
PY
exit $status
