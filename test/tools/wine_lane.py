#!/usr/bin/env python3
"""The Wine oracle lane: runs each portable reference scenario under Wine
and under the shim's wine8 profile, and compares what they print.

Usage: wine_lane.py SCENARIO-DIR TABLE-OUT

A scenario is portable when it uses no harness call but those that Wine
runs for real (test/shim/wine/iodrain_shim.h): ShimFinish, and the
simulated child processes, which become real ones started with
CreateProcess. The others are listed as shim-only, with the call that
keeps them there.

Both runs get a nonce (IODRAIN_SHIM_NONCE), and only the verdict line that
carries it counts. Under Wine a run that does not finish within
WINE_TIMEOUT seconds is a HANG; a timeout alone would also be what a run
that never got anywhere looks like, so a HANG on either side counts only
when the last line the scenario printed is its `about to block in ...`
(shim_scenario.h), printed right before the call that blocks; a run that
timed out with any other last line (or none) is tried once more. Writes the
agreement table to stdout and to TABLE-OUT (Markdown); exits non-zero on
any disagreement, on a HANG without that line, or on a portable scenario
that does not build.
"""
import glob
import os
import re
import secrets
import subprocess
import sys
import tempfile

PORTABLE_HELPERS = ("ShimFinish", "ShimCreateChildProcess",
                    "ShimCreateChildInheriting", "ShimChildExit")
SHIM_CALL = re.compile(r"\b(Shim\w+)\s*\(")
# A verdict Wine cannot show (a write into a returned stack frame leaves no
# trace there): only the printed results are compared.
UNOBSERVABLE = re.compile(r"^// WINE-LANE: verdict not observable, (.*)$", re.M)
BLOCKS = "about to block in "


def lines_and_verdict(output, nonce):
    """What the scenario printed before the verdict, and the verdict of the
    line marked with nonce (None if there is none)."""
    before, marker = [], "VERDICT %s: " % nonce
    for line in output.splitlines():
        if line.startswith(marker):
            return before, line[len(marker):].strip()
        before.append(line)
    return before, None


def run_wine(exe, timeout, attempts=2):
    nonce = secrets.token_hex(8)
    env = dict(os.environ, IODRAIN_SHIM_NONCE=nonce)
    try:
        proc = subprocess.run([os.environ["WINE"], exe], capture_output=True,
                              text=True, timeout=timeout, env=env)
        before, verdict = lines_and_verdict(proc.stdout, nonce)
        # A run that printed nothing and failed is Wine failing to start (a
        # prefix another test is still creating), not the scenario: once
        # more.
        if verdict is None and not before and proc.returncode and attempts > 1:
            return run_wine(exe, timeout, attempts - 1)
        return before, verdict or "NO VERDICT (exit %d)" % proc.returncode
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        before = lines_and_verdict(out, nonce)[0]
        # Nothing printed before the timeout: Wine did not get to start the
        # scenario (a busy machine, a prefix still being set up), which
        # shows no hang of the scenario's own: once more. Nor does a run
        # whose last line is not the one printed before the call that
        # blocks: Wine was slow to finish (the sanitizer lane's load), so
        # once more too.
        blocked = before and before[-1].startswith(BLOCKS)
        if not blocked and attempts > 1:
            return run_wine(exe, timeout, attempts - 1)
        return before, "HANG"


def run_shim(exe):
    nonce = secrets.token_hex(8)
    shim = subprocess.run([exe], capture_output=True, text=True,
                          env=dict(os.environ, IODRAIN_SHIM_PROFILE="wine8",
                                   IODRAIN_SHIM_NONCE=nonce))
    before, verdict = lines_and_verdict(shim.stdout, nonce)
    return before, verdict or "NO VERDICT (exit %d)" % shim.returncode


def main():
    scenario_dir, table_out = sys.argv[1], sys.argv[2]
    timeout = float(os.environ.get("WINE_TIMEOUT", "8"))
    work = tempfile.mkdtemp()
    rows, problems, shim_only = [], [], []
    for path in sorted(glob.glob(os.path.join(scenario_dir, "ref-*.c"))):
        name = os.path.basename(path)[:-2]
        source = open(path).read()
        only = sorted(set(c for c in SHIM_CALL.findall(source)
                          if c not in PORTABLE_HELPERS))
        if only:
            shim_only.append("%s (%s)" % (name, ", ".join(only)))
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
        shim_lines, shim_verdict = run_shim(shim_exe)

        blind = UNOBSERVABLE.search(source)
        agree = wine_lines == shim_lines and (blind or wine_verdict == shim_verdict)
        # A hang is shown only by a run that said it was about to block.
        silent = [side for side, verdict, lines in (
            ("Wine", wine_verdict, wine_lines), ("shim", shim_verdict, shim_lines))
            if verdict == "HANG" and not (lines and lines[-1].startswith(BLOCKS))]
        mark = ("yes" if agree and not silent else "NO") + (
            " (verdict not observable under Wine: %s)" % blind.group(1) if blind else "")
        rows.append((name, shim_verdict, wine_verdict, mark))
        if not agree:
            problems.append("%s: shim (wine8) says %s %s, Wine says %s %s" % (
                name, shim_verdict, shim_lines, wine_verdict, wine_lines))
        for side in silent:
            problems.append(
                "%s: a HANG under %s without '%s...' as the last line printed: "
                "nothing shows that the run got to the call that blocks" % (
                    name, side, BLOCKS))

    table = ["| scenario | shim (wine8) | Wine 8 | agree |", "|---|---|---|---|"]
    table += ["| %s | %s | %s | %s |" % row for row in rows]
    table += ["", "Shim-only (a harness call for a device or socket that "
              "Wine cannot provide here): " + ", ".join(shim_only)]
    text = "\n".join(table) + "\n"
    open(table_out, "w").write(text)
    print(text)
    if problems:
        sys.stderr.write("\n".join(problems) + "\n")
        sys.exit(1)
    print("%d scenarios agree between the shim and Wine" % len(rows))


if __name__ == "__main__":
    main()
