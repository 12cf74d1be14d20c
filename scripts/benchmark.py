#!/usr/bin/env python3
"""Measures iodrain's cost against a baseline in the same run.

For each input, times `clang -fsyntax-only` (parsing and semantic analysis:
the floor for any clang-tidy check) and `iodrain-tidy --checks=-*,iodrain-*`
on the same file and flags, and prints the median wall time of each and
their ratio. Inputs: the seed example, the biggest case file, and generated
functions (many reads and drains; many independent flags).

  scripts/benchmark.py [--runs 5]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FLAGS = ["--target=x86_64-w64-mingw32", "--sysroot=/usr"]


def median_seconds(command, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    tidy = os.path.join(ROOT, "build", "bin", "iodrain-tidy")
    work = tempfile.mkdtemp()
    generate = os.path.join(ROOT, "test", "robustness", "Inputs", "generate.py")
    inputs = [("seed example", os.path.join(ROOT, "examples", "seed.c")),
              ("event-waits.c (13 cases)", os.path.join(ROOT, "test", "checks", "event-waits.c"))]
    for kind, size, label in (("blocks", "1000", "1000 reads and drains in one function"),
                              ("flags", "12", "12 independent flags (4096 paths)")):
        path = os.path.join(work, "%s-%s.c" % (kind, size))
        with open(path, "w") as out:
            subprocess.run([sys.executable, generate, kind, size], stdout=out, check=True)
        inputs.append((label, path))

    print("| input | clang -fsyntax-only | iodrain-tidy | ratio |")
    print("|---|---|---|---|")
    for label, path in inputs:
        base = median_seconds(["clang-19", "-fsyntax-only"] + FLAGS + [path], args.runs)
        ours = median_seconds([tidy, "--checks=-*,iodrain-*", "--quiet", path,
                               "--"] + FLAGS, args.runs)
        print("| %s | %.3f s | %.3f s | %.2fx |" % (label, base, ours, ours / base))


if __name__ == "__main__":
    main()
