#!/usr/bin/env python3
"""Differential testing of iodrain against the runtime shim.

Usage:
  run.py [OPTIONS] --seed=S --count=N        generate N functions and check
  run.py [OPTIONS] FILE|DIR...               check given files (a directory:
                                             its *.c files, e.g. regressions)

Each function `void f(HANDLE h, unsigned bits)` of a file (written by
generate.py, or a kept regression case) is analysed by iodrain-tidy and run
on the shim (driver: diff_driver.h) for every value of its input bits and
every environment that can make a difference:

  peer   late (always), never (always), early (if it has a timed wait or
         a cancel)
  cancel immediate (always), deferred (if it cancels)
  and, if it cancels, a device that ignores cancellation instead of the
  pipe (see diff_driver.h)

always with a child holding a duplicate of h, so that closing h does not
cancel. A run ends CLEAN, USE-AFTER-FREE or HANG. Runs outside the modelled
semantics are excluded and counted:
  - protocol hang: with the peer that never writes, a HANG that also
    happens when h is the only handle (closing it cancels): the function
    waits for an answer that never comes, which is no lifetime question;
    a HANG that does not happen then is caused by a close that did not
    cancel, and counts;
  - misuse: the shim found OVERLAPPED reuse or a missing OVERLAPPED (the
    generator should never produce these);
  - no verdict: the watchdog's SPIN, a timeout, a crash (a generator or
    shim problem, also reported as an error).

Then per function: a HANG or USE-AFTER-FREE run of an unflagged function
is a MISS; a flagged function with no such run is a FALSE ALARM (of each
check that fired). Disagreements listed in the known file (--known) are
expected; any other fails the run (exit status 1), and so does a known
disagreement that was checked and no longer occurs.

Options:
  --tidy=PATH         iodrain-tidy (default: $IODRAIN_TIDY)
  --shim-lib=PATH     libiodrain-shim.a (default: $SHIM_LIB)
  --shim-include=DIR  the shim's headers (default: $SHIM_INCLUDE, else
                      test/shim/include next to this directory)
  --cc=PATH           compiler for the shim build (default: $SHIM_CXX,
                      else clang++-19)
  --jobs=N            parallel jobs (default 2)
  --timeout=SECONDS   per run (default 30)
  --known=FILE        known disagreements (default: known.txt here)
  --workdir=DIR       where to generate and build (default: a temp dir)
  --per-file=N        functions per generated file (default 10)
  --write-regressions=DIR   write each new disagreement as a case file
  --all               print every function, not only disagreements
"""
import concurrent.futures
import os
import re
import secrets
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import generate  # noqa: E402

WIN32 = ["--target=x86_64-w64-mingw32", "--sysroot=/usr"]
BAD = ("HANG", "USE-AFTER-FREE")
MISUSE = ("OVERLAPPED_REUSE", "MISUSE_NULL_OVERLAPPED")


# ---------------------------------------------------------------------------
# The shim's verdict. Everything that depends on how the shim reports lives
# here: the verdict line (with or without this run's nonce) and the report
# lines under it.
def shim_verdict(stdout, nonce):
    """(verdict, report lines) of one run's output: the verdict of the line
    `VERDICT <nonce>: X` (or `VERDICT: X` from a shim without nonces),
    "NO VERDICT" if there is none."""
    lines = stdout.splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"VERDICT(?: (\S+))?: (\S+)", line)
        if not m or (m.group(1) and m.group(1) != nonce):
            continue
        report = []
        for more in lines[i + 1:]:
            if not more.startswith("  "):
                break
            report.append(more.strip())
        return m.group(2), report
    return "NO VERDICT", []
# ---------------------------------------------------------------------------


def run_once(exe, name, bits, peer, cancel, holder, timeout):
    nonce = secrets.token_hex(8)
    env = dict(os.environ, IODRAIN_SHIM_NONCE=nonce)
    try:
        p = subprocess.run([exe, name, str(bits), peer, cancel, holder],
                           capture_output=True, text=True, timeout=timeout,
                           env=env)
    except subprocess.TimeoutExpired:
        return "TIMEOUT", []
    verdict, report = shim_verdict(p.stdout, nonce)
    if verdict == "NO VERDICT":
        report = (p.stdout + p.stderr).splitlines()[-20:]
    return verdict, report


DIFF = re.compile(r"^// diff: (\w+) seed=(-?\d+) bits=(\d+)$")


def parse_functions(path):
    """[(name, seed, nbits, first line, last line, source lines)]."""
    lines = open(path).read().split("\n")
    out, current = [], None
    for number, text in enumerate(lines, 1):
        m = DIFF.match(text)
        if m:
            current = [m.group(1), int(m.group(2)), int(m.group(3)),
                       number, None, [text]]
            continue
        if current is None:
            continue
        current[5].append(text)
        if text.startswith("}"):
            current[4] = number
            out.append(tuple(current))
            current = None
    return out


WARNING = re.compile(r"^(.*?):(\d+):\d+: warning: .*\[(iodrain-[\w-]+)\]$", re.M)


def analyse(opts, path):
    """iodrain's warnings: [(line, check)], and any problem."""
    p = subprocess.run([opts["tidy"], "--checks=-*,iodrain-*", "--quiet",
                        path, "--"] + WIN32, capture_output=True, text=True)
    out = p.stdout + p.stderr
    problem = None
    if re.search(r"\berror:", out) or p.returncode not in (0,):
        problem = "iodrain-tidy failed on %s:\n%s" % (path, out[-3000:])
    found = [(int(m.group(2)), m.group(3)) for m in WARNING.finditer(p.stdout)
             if os.path.basename(m.group(1)) == os.path.basename(path)]
    return found, problem


def build(opts, path, exe):
    p = subprocess.run(
        [opts["cc"], "-x", "c", "-std=c11", "-g", "-fsanitize=address",
         "-fsanitize-address-use-after-return=always", "-DIODRAIN_RUNTIME",
         "-w", "-I" + opts["include"], "-I" + HERE, path, "-x", "none",
         opts["lib"], "-o", exe], capture_output=True, text=True)
    return None if p.returncode == 0 else \
        "cannot build %s:\n%s" % (path, p.stderr[-3000:])


def environments(source):
    text = "\n".join(source)
    peers = ["late", "never"] + (
        ["early"] if ", 100)" in text or "CancelIo" in text else [])
    cancels = ["immediate"] + (["deferred"] if "CancelIo" in text else [])
    envs = [(p, c) for p in peers for c in cancels]
    if "CancelIo" in text:
        envs.append(("nocancel", "-"))
    return envs


def classify(verdict, report):
    """'bad', 'clean', or ('outside', reason)."""
    if any(any(m in line for m in MISUSE) for line in report):
        return ("outside", "misuse")
    if verdict in BAD:
        return "bad"
    if verdict == "CLEAN":
        return "clean"
    return ("outside", "no verdict (%s)" % verdict)


class Function:
    def __init__(self, path, name, seed, nbits, first, last, source):
        self.path, self.name, self.seed, self.nbits = path, name, seed, nbits
        self.first, self.last, self.source = first, last, source
        self.checks = set()
        self.runs = []   # (bits, peer, cancel, verdict, class, report)
        self.errors = []

    def bad_runs(self):
        return [r for r in self.runs if r[4] == "bad"]

    def outcome(self):
        bad = self.bad_runs()
        if self.checks and not bad:
            return "FALSE-ALARM"
        if not self.checks and bad:
            return "MISS"
        return "agree"


def load_known(path):
    known = {}
    if not path or not os.path.exists(path):
        return known
    for number, line in enumerate(open(path), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        head, sep, reason = line.partition(" -- ")
        parts = head.split()
        if not sep or len(parts) != 2 or not reason.strip():
            sys.exit("%s:%d: expected `NAME KIND -- reason`" % (path, number))
        known[parts[0]] = (parts[1], reason.strip())
    return known


def describe_run(run):
    bits, peer, cancel, verdict, _, report = run
    return "bits=%d peer=%s cancel=%s: %s%s" % (
        bits, peer, cancel, verdict,
        "".join("\n      " + r for r in report[:6]))


def write_regression(directory, f):
    os.makedirs(directory, exist_ok=True)
    kind = f.outcome()
    if kind == "MISS":
        runs = f.bad_runs()
        why = ("MISS: iodrain reports nothing, but %d of %d runs end HANG "
               "or USE-AFTER-FREE" % (len(runs), len(f.runs)))
        shown = runs[:4]
    else:
        why = ("FALSE ALARM (%s): iodrain reports the function, but none of "
               "its %d runs ends HANG or USE-AFTER-FREE" % (
                   ", ".join(sorted(f.checks)), len(f.runs)))
        shown = []
    lines = ["// Differential regression case (test/differential/run.py):",
             "// generated with seed %d as %s (%s)." % (
                 f.seed, f.name, os.path.basename(f.path)),
             "// " + why + "."]
    for run in shown:
        lines.append("//   " + describe_run(run).split("\n")[0])
    lines += ["// Listed in test/differential/known.txt with its triage.",
              "#include <windows.h>", "#include <stdlib.h>", ""]
    lines += f.source
    lines += ["", "#ifdef IODRAIN_RUNTIME", '#include "diff_driver.h"',
              "DIFF_MAIN(DIFF_CASE(%s))" % f.name, "#endif", ""]
    path = os.path.join(directory, "%s.c" % f.name)
    with open(path, "w") as out:
        out.write("\n".join(lines))
    return path


def main():
    opts = {"tidy": os.environ.get("IODRAIN_TIDY"),
            "lib": os.environ.get("SHIM_LIB"),
            "include": os.environ.get("SHIM_INCLUDE",
                                      os.path.join(HERE, "..", "shim",
                                                   "include")),
            "cc": os.environ.get("SHIM_CXX", "clang++-19"),
            "jobs": 2, "timeout": 30.0,
            "known": os.path.join(HERE, "known.txt"), "workdir": None,
            "per-file": 10, "write-regressions": None, "all": False,
            "seed": None, "count": None}
    files = []
    given_dir = False
    for arg in sys.argv[1:]:
        if arg in ("-h", "--help"):
            print(__doc__)
            return
        if arg == "--all":
            opts["all"] = True
        elif arg.startswith("--"):
            key, _, value = arg[2:].partition("=")
            key = {"shim-lib": "lib", "shim-include": "include"}.get(key, key)
            if key not in opts:
                sys.exit("unknown option %s" % arg)
            opts[key] = value
        elif os.path.isdir(arg):
            files += sorted(os.path.join(arg, f) for f in os.listdir(arg)
                            if f.endswith(".c"))
            given_dir = True
        else:
            files.append(arg)
    jobs, timeout = int(opts["jobs"]), float(opts["timeout"])
    if not opts["tidy"] or not opts["lib"]:
        sys.exit("need --tidy and --shim-lib (or IODRAIN_TIDY and SHIM_LIB)")
    work = opts["workdir"] or tempfile.mkdtemp(prefix="iodrain-diff-")
    os.makedirs(work, exist_ok=True)
    if opts["seed"] is not None:
        seed, count = int(opts["seed"]), int(opts["count"] or 20)
        per = int(opts["per-file"])
        funcs = generate.generate(seed, count)
        for start in range(0, count, per):
            chunk = funcs[start:start + per]
            path = os.path.join(work, "gen-s%d-%03d.c" % (seed, start // per))
            generate.write_file(path, "seed %d, functions %d-%d" % (
                seed, start, start + len(chunk) - 1), chunk)
            files.append(path)
    if not files:
        if given_dir:
            print("no case files")
            return
        sys.exit(__doc__)

    errors = []
    functions = []
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=jobs)

    def prepare(index, path):
        exe = os.path.join(work, "diff-%d-%s.exe" % (
            index, os.path.splitext(os.path.basename(path))[0]))
        warnings, problem = analyse(opts, path)
        failed = build(opts, path, exe)
        return path, exe, warnings, problem, failed

    exes = {}
    for path, exe, warnings, problem, failed in pool.map(
            lambda a: prepare(*a), enumerate(files)):
        if problem:
            errors.append(problem)
        if failed:
            errors.append(failed)
            continue
        for name, seed, nbits, first, last, source in parse_functions(path):
            f = Function(path, name, seed, nbits, first, last, source)
            f.checks = {c for line, c in warnings if first <= line <= last}
            functions.append(f)
            exes[f.name] = exe

    def one(job):
        f, bits, peer, cancel = job
        verdict, report = run_once(exes[f.name], f.name, bits, peer, cancel,
                                   "child", timeout)
        cls = classify(verdict, report)
        if cls == "bad" and verdict == "HANG" and peer == "never":
            # The counterfactual: does it hang when closing h cancels?
            v2, _ = run_once(exes[f.name], f.name, bits, peer, cancel,
                             "none", timeout)
            if v2 == "HANG":
                cls = ("outside", "protocol hang")
        return f, (bits, peer, cancel, verdict, cls, report)

    jobs_list = [(f, bits, peer, cancel) for f in functions
                 for bits in range(1 << f.nbits)
                 for peer, cancel in environments(f.source)]
    for f, run in pool.map(one, jobs_list):
        f.runs.append(run)
        if isinstance(run[4], tuple) and run[4][1].startswith("no verdict"):
            errors.append("%s %s" % (f.name, describe_run(run)))
    pool.shutdown()

    known = load_known(opts["known"])
    runs = sum(len(f.runs) for f in functions)
    outside = {}
    for f in functions:
        for r in f.runs:
            if isinstance(r[4], tuple):
                outside[r[4][1]] = outside.get(r[4][1], 0) + 1
    counts = {"agree": 0, "MISS": 0, "FALSE-ALARM": 0}
    flagged_agree = silent_agree = 0
    per_check = {}
    unexpected, expected, stale = [], [], []
    print("%-32s %-9s %-12s %-40s %s" % (
        "function", "bits/runs", "outcome", "checks", "bad runs / note"))
    for f in functions:
        kind = f.outcome()
        counts[kind] += 1
        if kind == "agree":
            if f.checks:
                flagged_agree += 1
            else:
                silent_agree += 1
        for c in f.checks:
            row = per_check.setdefault(c, [0, 0])
            row[0] += 1
            if kind == "FALSE-ALARM":
                row[1] += 1
        note = ""
        if f.name in known:
            kkind, reason = known[f.name]
            if kkind == kind:
                expected.append(f)
                note = "known: " + reason
            elif kind == "agree":
                stale.append(f)
                note = "KNOWN %s NO LONGER OCCURS: remove it from %s" % (
                    kkind, opts["known"])
            else:
                unexpected.append(f)
                note = "UNEXPECTED (known as %s)" % kkind
        elif kind != "agree":
            unexpected.append(f)
            note = "UNEXPECTED"
        bad = f.bad_runs()
        if opts["all"] or kind != "agree" or note:
            print("%-32s %-9s %-12s %-40s %d %s" % (
                f.name, "%d/%d" % (f.nbits, len(f.runs)), kind,
                ",".join(sorted(c.replace("iodrain-", "") for c in f.checks))
                or "-", len(bad), note))
    print()
    print("functions:        %d (in %d files)" % (len(functions), len(files)))
    print("runs:             %d" % runs)
    print("outside model:    %d runs%s" % (sum(outside.values()), "".join(
        "\n  %-16s%d" % (k + ":", v) for k, v in sorted(outside.items()))))
    print("agreements:       %d (flagged with a bad run: %d, silent and "
          "clean: %d)" % (counts["agree"], flagged_agree, silent_agree))
    print("misses:           %d" % counts["MISS"])
    print("false alarms:     %d" % counts["FALSE-ALARM"])
    for c in sorted(per_check):
        print("  %-30s flagged %d, false alarms %d" % (
            c, per_check[c][0], per_check[c][1]))
    print("known (expected): %d, unexpected: %d, stale known: %d" % (
        len(expected), len(unexpected), len(stale)))

    if opts["write-regressions"]:
        for f in unexpected:
            print("wrote", write_regression(opts["write-regressions"], f))
    for f in unexpected:
        sys.stderr.write("\n%s (%s, seed %d): %s, checks: %s\n" % (
            f.name, os.path.basename(f.path), f.seed, f.outcome(),
            ", ".join(sorted(f.checks)) or "none"))
        sys.stderr.write("\n".join(f.source) + "\n")
        for run in (f.bad_runs() or f.runs)[:3]:
            sys.stderr.write("  " + describe_run(run) + "\n")
    for e in errors:
        sys.stderr.write("ERROR: " + e + "\n")
    if unexpected or stale or errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
