#!/usr/bin/env python3
"""The Wine oracle lane: runs each portable reference scenario under Wine
and under the shim's wine8 profile, and compares what they print.

Usage: wine_lane.py SCENARIO-DIR TABLE-OUT

A scenario is portable when it uses no shim-only harness call (anything
named Shim* but ShimFinish); the others are listed as shim-only. Under Wine
a run that does not finish within WINE_TIMEOUT seconds is a HANG. Writes
the agreement table to stdout and to TABLE-OUT (Markdown); exits non-zero
on any disagreement or on a portable scenario that does not build.
"""
import glob
import os
import re
import subprocess
import sys
import tempfile

SHIM_ONLY = re.compile(r"\bShim(?!Finish\b)\w+\s*\(")
# A verdict Wine cannot show (a write into a returned stack frame leaves no
# trace there): only the printed results are compared.
UNOBSERVABLE = re.compile(r"^// WINE-LANE: verdict not observable, (.*)$", re.M)


def lines_and_verdict(output):
    before, verdict = [], None
    for line in output.splitlines():
        if line.startswith("VERDICT: "):
            verdict = line[len("VERDICT: "):]
            break
        before.append(line)
    return before, verdict


def run_wine(exe, timeout):
    try:
        proc = subprocess.run([os.environ["WINE"], exe], capture_output=True,
                              text=True, timeout=timeout)
        before, verdict = lines_and_verdict(proc.stdout)
        return before, verdict or "NO VERDICT (exit %d)" % proc.returncode
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        return lines_and_verdict(out)[0], "HANG"


def main():
    scenario_dir, table_out = sys.argv[1], sys.argv[2]
    timeout = float(os.environ.get("WINE_TIMEOUT", "8"))
    work = tempfile.mkdtemp()
    rows, problems, shim_only = [], [], []
    for path in sorted(glob.glob(os.path.join(scenario_dir, "ref-*.c"))):
        name = os.path.basename(path)[:-2]
        source = open(path).read()
        if SHIM_ONLY.search(source):
            shim_only.append(name)
            continue
        exe = os.path.join(work, name + ".exe")
        build = subprocess.run(
            [os.environ["MINGW_CC"], "-O0", "-w",
             "-I" + os.environ["SHIM_HARNESS"], "-I" + os.environ["WINE_HARNESS"],
             path, "-o", exe], capture_output=True, text=True)
        if build.returncode:
            problems.append("%s does not build with mingw-w64:\n%s" % (name, build.stderr))
            continue
        wine_lines, wine_verdict = run_wine(exe, timeout)

        shim_exe = os.path.join(work, name + ".shim")
        subprocess.run(
            [os.environ["SHIM_CXX"], "-x", "c", "-std=c11", "-g", "-w",
             "-fsanitize=address", "-fsanitize-address-use-after-return=always",
             "-I" + os.environ["SHIM_INCLUDE"], "-I" + os.environ["SHIM_HARNESS"],
             path, "-x", "none", os.environ["SHIM_LIB"], "-o", shim_exe],
            check=True)
        shim = subprocess.run([shim_exe], capture_output=True, text=True,
                              env=dict(os.environ, IODRAIN_SHIM_PROFILE="wine8"))
        shim_lines, shim_verdict = lines_and_verdict(shim.stdout)

        blind = UNOBSERVABLE.search(source)
        agree = wine_lines == shim_lines and (blind or wine_verdict == shim_verdict)
        mark = ("yes" if agree else "NO") + (
            " (verdict not observable under Wine: %s)" % blind.group(1) if blind else "")
        rows.append((name, shim_verdict, wine_verdict, mark))
        if not agree:
            problems.append("%s: shim (wine8) says %s %s, Wine says %s %s" % (
                name, shim_verdict, shim_lines, wine_verdict, wine_lines))

    table = ["| scenario | shim (wine8) | Wine 8 | agree |", "|---|---|---|---|"]
    table += ["| %s | %s | %s | %s |" % row for row in rows]
    table += ["", "Shim-only (a device or process Wine cannot provide): " +
              ", ".join(shim_only)]
    text = "\n".join(table) + "\n"
    open(table_out, "w").write(text)
    print(text)
    if problems:
        sys.stderr.write("\n".join(problems) + "\n")
        sys.exit(1)
    print("%d scenarios agree between the shim and Wine" % len(rows))


if __name__ == "__main__":
    main()
