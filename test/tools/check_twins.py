#!/usr/bin/env python3
"""Checks that a lit case file and its runtime twins agree.

Usage: check_twins.py [--config=YAML] FILE -- CHECKER-COMPILE-ARGS

The checker (iodrain-tidy) analyses FILE; the shim build of FILE (with
IODRAIN_RUNTIME defined) runs each twin listed by TWIN_MAIN. Every function
of FILE is a case and needs a twin, unless the line before it says
`// RUNTIME-TWIN: none, <why>`.

A flagged function's twin must end in HANG or USE-AFTER-FREE, and the
shim's report must cite an event that happened inside the flagged function
(its `cites:` line gives the file:line of each request, blocked wait, close,
cancel and free involved, and of every call on the way to it): a twin that
hangs or corrupts memory elsewhere proves nothing about the function. The
one exception is a function with an empty body (a destructor whose object's
storage ends right after it): nothing can happen inside it, and its twin
must end in USE-AFTER-FREE whose report cites the free of the memory. The watchdog's SPIN and
a run that outlives TWIN_TIMEOUT seconds (TIMEOUT) are no proof either. Any
other twin must end CLEAN. The verdict is read only from the line that
carries this run's nonce (IODRAIN_SHIM_NONCE), never from a line the
program printed. Prints the agreement table; exits non-zero on any
disagreement or missing twin.
"""
import os
import re
import secrets
import subprocess
import sys
import tempfile

# "file.c:12 (ReadFile #1)" entries of the report's `cites:` line.
CITE = re.compile(r"([^\s,()]+):(\d+) \(([^()]*)\)")


def shim_verdict(stdout, nonce):
    """The verdict of the line marked with nonce, and the sites its report
    cites as (file name, line)."""
    lines = stdout.splitlines()
    marker = "VERDICT %s: " % nonce
    for i, line in enumerate(lines):
        if not line.startswith(marker):
            continue
        cites = []
        for report in lines[i + 1:]:
            if not report.startswith("  "):
                break
            if report.startswith("  cites: "):
                cites = [(os.path.basename(f), int(n), what)
                         for f, n, what in CITE.findall(report)]
        return line[len(marker):].strip(), cites
    return "NO VERDICT", []


def empty_body(lines, first, last):
    """Whether the definition on lines first..last (1-based) has nothing
    between its braces but comments."""
    text = "\n".join(lines[first - 1:last])
    body = text[text.find("{") + 1:text.rfind("}")]
    body = re.sub(r"//[^\n]*|/\*.*?\*/", "", body, flags=re.S)
    return text.find("{") >= 0 and not body.strip()


def run_twin(exe, name, timeout):
    nonce = secrets.token_hex(8)
    env = dict(os.environ, IODRAIN_SHIM_NONCE=nonce)
    try:
        run = subprocess.run([exe, name], capture_output=True, text=True,
                             timeout=timeout, env=env)
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        return "TIMEOUT", [], out
    verdict, cites = shim_verdict(run.stdout, nonce)
    return verdict, cites, run.stdout + run.stderr

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
    # The case's own language standard, include paths and macros hold for
    # its twins too; the target and sysroot are the checker's alone.
    portable, i = [], 0
    while i < len(compile_args):
        a = compile_args[i]
        if a.startswith("-std="):
            language[2] = a
        elif a in ("-I", "-D") and i + 1 < len(compile_args):
            portable += [a, compile_args[i + 1]]
            i += 1
        elif a.startswith(("-I", "-D")):
            portable.append(a)
        i += 1
    build = subprocess.run(
        [os.environ["SHIM_CXX"]] + language + ["-g",
         "-fsanitize=address", "-fsanitize-address-use-after-return=always",
         "-DIODRAIN_RUNTIME", "-w", "-I" + os.environ["SHIM_INCLUDE"]] +
        portable + [path,
         "-x", "none", os.environ["SHIM_LIB"], "-o", exe],
        capture_output=True, text=True)
    if build.returncode:
        sys.exit("cannot build the runtime twins of %s:\n%s" % (path, build.stderr))
    twins = subprocess.run([exe, "--list"], capture_output=True,
                           text=True).stdout.split()

    timeout = float(os.environ.get("TWIN_TIMEOUT", "120"))
    problems, rows = [], []
    defs, exempt = functions(path)
    source = open(path).read().split("\n")
    for name, first, last in defs:
        flagged = any(first <= line <= last for line in flagged_lines)
        checker = "flagged" if flagged else "silent"
        if name not in twins:
            if name not in exempt:
                problems.append("%s (%s) has no runtime twin" % (name, checker))
            rows.append((name, checker, "(no twin: exempt)" if name in exempt else "MISSING"))
            continue
        verdict, cites, output = run_twin(exe, name, timeout)
        inside = sorted(set(n for f, n, _ in cites
                            if f == os.path.basename(path) and first <= n <= last))
        frees = sorted(set("%s:%d" % (f, n) for f, n, what in cites
                           if what.startswith("the free of")))
        if not flagged:
            ok, why = verdict == "CLEAN", ""
        elif verdict in ("SPIN", "TIMEOUT"):
            ok, why = False, " (%s is no proof of a hang: real time cannot " \
                "tell a spin from a slow machine)" % verdict
        elif verdict not in ("HANG", "USE-AFTER-FREE"):
            ok, why = False, ""
        elif not inside and empty_body(source, first, last):
            ok = verdict == "USE-AFTER-FREE" and bool(frees)
            why = "" if ok else ", but %s has an empty body: its twin must " \
                "end in USE-AFTER-FREE with the free of the memory cited" % name
        elif not inside:
            ok, why = False, ", but its report cites no operation inside " \
                "%s (lines %d-%d of %s): the twin did not show that the " \
                "flagged code is what %s" % (
                    name, first, last, os.path.basename(path),
                    "hangs" if verdict == "HANG" else "lets the kernel write "
                    "into dead memory")
        else:
            ok, why = True, ""
        if not ok:
            problems.append("%s: the checker says %s, the shim says %s%s\n%s" % (
                name, checker, verdict, why, output))
        evidence = ""
        if flagged and inside:
            evidence = " (line %s)" % ", ".join(map(str, inside))
        elif flagged and frees:
            evidence = " (empty body; freed at %s)" % ", ".join(frees)
        rows.append((name, checker, verdict + evidence))
    for twin in twins:
        if twin not in [d[0] for d in defs]:
            problems.append("twin %s names no function of the file" % twin)

    print("%-32s %-8s %s" % ("function", "checker", "shim"))
    for row in rows:
        print("%-32s %-8s %s" % row)
    if problems:
        sys.stderr.write("\n".join(problems) + "\n")
        sys.exit(1)
    print("%d twins agree with the checker" % sum(
        1 for r in rows if r[2] not in ("MISSING", "(no twin: exempt)")))


if __name__ == "__main__":
    main()
