#!/usr/bin/env bash
# Installs what is missing, builds once, and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh

# The lit that CMake found (llvm-19-tools ships it without a wrapper).
LIT=$(sed -n 's/^IODRAIN_LIT:FILEPATH=//p' build/CMakeCache.txt)
RESULTS=build/test-results.xml
set +e
python3 "$LIT" -sv --xunit-xml-output="$RESULTS" build/test
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
