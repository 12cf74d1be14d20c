#!/usr/bin/env python3
"""Applies every fix iodrain suggests in the case files, then compiles them.

Usage: check_fixes.py --win32 "FLAGS" CASE-FILE...

For each `%check_iodrain ... %s -- ARGS` RUN line of each case file, a copy
of the file is analysed by iodrain-tidy with --fix-notes (the fixes sit on
notes), and the result must pass `clang -fsyntax-only ARGS`. A suggestion
that does not compile fails the test. Prints one line per run:

  <file> [<args>]: <n> fix(es) applied, compiles

and a total; it fails if no fix was applied at all, so the test cannot pass
by suggesting nothing. Environment: IODRAIN_TIDY, and CLANG (default
clang-19).
"""
import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

RUN_LINE = re.compile(r"^// RUN: %check_iodrain (?P<pre>.*?)%s -- (?P<args>.*?)"
                      r" \| (?P<sink>.*)$")
APPLIED = re.compile(r"clang-tidy applied (\d+) of (\d+) suggested fixes")


def runs_of(path, substitutions):
    """(extra iodrain options, compile args) of each RUN line with output;
    None for a run that names a substitution this machine lacks."""
    for text in open(path, encoding="utf-8"):
        m = RUN_LINE.match(text.rstrip("\n"))
        if not m or m["sink"].startswith("count 0"):
            continue
        here = dict(substitutions, S=os.path.dirname(os.path.abspath(path)))

        def subst(s):
            # Longest names first: %win32 must not eat %win32_yaml.
            for name in sorted(here, key=len, reverse=True):
                s = s.replace("%" + name, here[name])
            return s
        pre, args = subst(m["pre"]), subst(m["args"])
        if re.search(r"%\w", pre + args):
            yield None
            continue
        yield shlex.split(pre), shlex.split(args)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--win32", required=True)
    parser.add_argument("--subst", action="append", default=[],
                        metavar="NAME=VALUE",
                        help="another lit substitution the RUN lines use; a "
                             "VALUE that is still '%%NAME' (lit has no such "
                             "substitution here) skips those runs")
    parser.add_argument("files", nargs="+")
    opts = parser.parse_args()
    substitutions = {"win32": opts.win32}
    for spec in opts.subst:
        name, _, value = spec.partition("=")
        if not value.startswith("%"):
            substitutions[name] = value
    tidy = os.environ.get("IODRAIN_TIDY", "iodrain-tidy")
    clang = os.environ.get("CLANG", "clang-19")

    total, failures = 0, 0
    for path in opts.files:
        for run in runs_of(path, substitutions):
            if run is None:
                print("%s: skipped (a substitution this machine lacks)"
                      % os.path.basename(path))
                continue
            pre, args = run
            work = tempfile.mkdtemp()
            # The copy still finds the headers next to the original.
            shown = " ".join(a for a in args if not a.startswith("--"))
            args = args + ["-I" + os.path.dirname(os.path.abspath(path))]
            try:
                copy = os.path.join(work, os.path.basename(path))
                shutil.copy(path, copy)
                # check_iodrain.py's options (--config) are iodrain-tidy's.
                proc = subprocess.run(
                    [tidy, "--checks=-*,iodrain-*", "--fix-notes"] + pre +
                    [copy, "--"] + args,
                    capture_output=True, text=True, timeout=300)
                out = proc.stdout + proc.stderr
                m = APPLIED.search(out)
                applied = int(m.group(1)) if m else 0
                if m and m.group(1) != m.group(2):
                    print("%s %s: only %s of %s fixes could be applied" %
                          (os.path.basename(path), args, m.group(1),
                           m.group(2)))
                    failures += 1
                total += applied
                cc = subprocess.run(
                    [clang, "-fsyntax-only", "-Wno-everything"] + args +
                    [copy], capture_output=True, text=True, timeout=300)
                verdict = "compiles" if cc.returncode == 0 else "DOES NOT COMPILE"
                print("%s [%s]: %d fix(es) applied, %s" %
                      (os.path.basename(path), shown, applied, verdict))
                if cc.returncode != 0:
                    failures += 1
                    sys.stdout.write(cc.stderr)
            finally:
                shutil.rmtree(work)
    print("total: %d fix(es) applied" % total)
    if total == 0:
        print("error: no fix was applied; the test proves nothing")
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
