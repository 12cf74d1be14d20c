#!/usr/bin/env python3
"""Checks that a lit case file and its runtime twins agree.

Usage: check_twins.py [--config=YAML] FILE -- CHECKER-COMPILE-ARGS

The checker (iodrain-tidy) analyses FILE; the shim build of FILE (with
IODRAIN_RUNTIME defined) runs each twin listed by TWIN_MAIN. Every function
of FILE is a case and needs a twin, unless the line before it says
`// RUNTIME-TWIN: none, <why>`. A flagged function's twin must end in HANG
or USE-AFTER-FREE; any other twin must end CLEAN. Prints the agreement
table; exits non-zero on any disagreement or missing twin.
"""
import os
import re
import subprocess
import sys
import tempfile

# A definition at the start of a line: `type name(`, `type Class::method(`,
# or a constructor or destructor `Class::~Class(`.
FUNC = re.compile(r"^(?:static\s+)?(?:(?:[\w:<>]+\s+)+\**(\w+(?:::\w+)?)|(\w+::~?\w+))\s*\(")


def functions(path):
    """(name, first line, last line) of each definition before the runtime
    section, and the names exempted from twins."""
    found, exempt = [], set()
    lines = open(path).read().split("\n")
    current = None
    for number, text in enumerate(lines, 1):
        if text.startswith("#ifdef IODRAIN_RUNTIME"):
            break
        m = FUNC.match(text)
        if m and not text.rstrip().endswith(";") and current is None:
            name = m.group(1) or m.group(2)
            current = (name, number)
            if number > 1 and lines[number - 2].startswith("// RUNTIME-TWIN: none"):
                exempt.add(name)
            if text.count("{") and text.count("{") == text.count("}"):
                found.append((current[0], number, number))  # one line
                current = None
                continue
        if current and text.startswith("}"):
            found.append((current[0], current[1], number))
            current = None
    return found, exempt


def main():
    argv = sys.argv[1:]
    split = argv.index("--")
    options, compile_args = argv[:split], argv[split + 1:]
    configs = [o for o in options if o.startswith("--config=")]
    path = [o for o in options if not o.startswith("--")][0]
    tidy = subprocess.run(
        [os.environ["IODRAIN_TIDY"], "--checks=-*,iodrain-*", "--quiet"] +
        configs + [path, "--"] + compile_args, capture_output=True, text=True)
    flagged_lines = [int(m.group(1)) for m in re.finditer(
        r"^[^\n]*?:(\d+):\d+: warning: ", tidy.stdout, re.M)]

    exe = os.path.join(tempfile.mkdtemp(), "twins")
    language = ["-x", "c++", "-std=c++17"] if path.endswith(".cpp") else \
        ["-x", "c", "-std=c11"]
    build = subprocess.run(
        [os.environ["SHIM_CXX"]] + language + ["-g",
         "-fsanitize=address", "-fsanitize-address-use-after-return=always",
         "-DIODRAIN_RUNTIME", "-w", "-I" + os.environ["SHIM_INCLUDE"], path,
         "-x", "none", os.environ["SHIM_LIB"], "-o", exe],
        capture_output=True, text=True)
    if build.returncode:
        sys.exit("cannot build the runtime twins of %s:\n%s" % (path, build.stderr))
    twins = subprocess.run([exe, "--list"], capture_output=True,
                           text=True).stdout.split()

    problems, rows = [], []
    defs, exempt = functions(path)
    for name, first, last in defs:
        flagged = any(first <= line <= last for line in flagged_lines)
        checker = "flagged" if flagged else "silent"
        if name not in twins:
            if name not in exempt:
                problems.append("%s (%s) has no runtime twin" % (name, checker))
            rows.append((name, checker, "(no twin: exempt)" if name in exempt else "MISSING"))
            continue
        run = subprocess.run([exe, name], capture_output=True, text=True,
                             timeout=120)
        verdict = next((l[len("VERDICT: "):] for l in run.stdout.splitlines()
                        if l.startswith("VERDICT: ")), "NO VERDICT")
        ok = verdict in ("HANG", "USE-AFTER-FREE") if flagged else verdict == "CLEAN"
        if not ok:
            problems.append("%s: the checker says %s, the shim says %s\n%s" % (
                name, checker, verdict, run.stdout + run.stderr))
        rows.append((name, checker, verdict))
    for twin in twins:
        if twin not in [d[0] for d in defs]:
            problems.append("twin %s names no function of the file" % twin)

    print("%-32s %-8s %s" % ("function", "checker", "shim"))
    for row in rows:
        print("%-32s %-8s %s" % row)
    if problems:
        sys.stderr.write("\n".join(problems) + "\n")
        sys.exit(1)
    print("%d twins agree with the checker" % sum(1 for r in rows if r[1:] and r[2] not in ("MISSING", "(no twin: exempt)")))


if __name__ == "__main__":
    main()
