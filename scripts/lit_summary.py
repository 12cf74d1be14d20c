#!/usr/bin/env python3
"""Prints `N passed, N failed, N skipped` from lit's xunit files.

  lit_summary.py [--label LABEL] RESULTS.xml...
"""
import sys
import xml.etree.ElementTree as ET

args = sys.argv[1:]
label = ""
if args[:1] == ["--label"]:
    label, args = args[1] + " lane: ", args[2:]
tests = failed = skipped = 0
for path in args:
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    tests += sum(int(s.get("tests", 0)) for s in suites)
    failed += sum(int(s.get("failures", 0)) + int(s.get("errors", 0))
                  for s in suites)
    skipped += sum(int(s.get("skipped", 0)) for s in suites)
print("%s%d passed, %d failed, %d skipped"
      % (label, tests - failed - skipped, failed, skipped))
