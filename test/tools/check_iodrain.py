#!/usr/bin/env python3
"""Runs iodrain on one source file and prints its diagnostics, one a line.

Usage: check_iodrain.py [--config YAML] [--tool both|tidy|plugin] FILE -- COMPILE-ARGS

Both front ends are run by default: the standalone iodrain-tidy and the stock
clang-tidy with the iodrain plugin loaded. Their diagnostics must agree; the
test fails otherwise. The output keeps only diagnostic lines, as
`<basename>:<line>:<col>: <level>: <message> [<check>]`, for FileCheck.

Each warning is printed after its notes (the path, then the verdict), so a
test's CHECK lines can follow the source order of the code they describe.
"""
import argparse
import os
import re
import subprocess
import sys

DIAG = re.compile(r"^(?P<path>.*?):(?P<line>\d+):(?P<col>\d+): "
                  r"(?P<level>warning|note|error|remark): (?P<msg>.*)$")


def run(cmd):
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, timeout=300)
    if proc.returncode < 0 or proc.returncode > 1:
        sys.stderr.write("command failed (%d): %s\n%s%s" % (
            proc.returncode, " ".join(cmd), proc.stdout, proc.stderr))
        sys.exit(2)
    groups = []  # [head, notes...]
    for text in (proc.stdout + proc.stderr).splitlines():
        m = DIAG.match(text)
        if m:
            line = "%s:%s:%s: %s: %s" % (
                os.path.basename(m["path"]), m["line"], m["col"], m["level"],
                m["msg"])
            if m["level"] == "note" and groups:
                groups[-1].append(line)
            else:
                groups.append([line])
        elif "configuration" in text.lower() or text.startswith("Error"):
            groups.append([text])
    lines = []
    for head, *notes in groups:
        lines.extend(notes)
        lines.append(head)
    return lines


def main():
    argv = sys.argv[1:]
    if "--" not in argv:
        sys.exit("check_iodrain.py: missing '--' before the compile arguments")
    split = argv.index("--")
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", default=None)
    parser.add_argument("--checks", default="-*,iodrain-*")
    parser.add_argument("--tool", choices=["both", "tidy", "plugin"],
                        default="both")
    parser.add_argument("file")
    opts = parser.parse_args(argv[:split])
    compile_args = argv[split + 1:]

    tidy = os.environ["IODRAIN_TIDY"]
    stock = os.environ["IODRAIN_CLANG_TIDY"]
    plugin = os.environ["IODRAIN_PLUGIN"]
    common = ["--checks=" + opts.checks, "--quiet"]
    if opts.config:
        common.append("--config=" + opts.config)
    tail = [opts.file, "--"] + compile_args

    outputs = {}
    if opts.tool in ("both", "tidy"):
        outputs["iodrain-tidy"] = run([tidy] + common + tail)
    if opts.tool in ("both", "plugin"):
        outputs["clang-tidy --load"] = run(
            [stock, "--load=" + plugin] + common + tail)
    results = list(outputs.values())
    if len(results) == 2 and results[0] != results[1]:
        sys.stderr.write("iodrain-tidy and the plugin disagree:\n")
        for name, lines in outputs.items():
            sys.stderr.write("--- %s\n%s\n" % (name, "\n".join(lines)))
        sys.exit(3)
    if results[0]:
        print("\n".join(results[0]))


if __name__ == "__main__":
    main()
