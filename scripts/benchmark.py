#!/usr/bin/env python3
"""Measures iodrain's cost against a baseline in the same run.

For each input, times `clang -fsyntax-only` (parsing and semantic analysis:
the floor for any clang-tidy check) and `iodrain-tidy --checks=-*,iodrain-*`
on the same file and flags, and prints the median wall time of each and
their ratio. Inputs: the seed example, the biggest case file, and generated
functions (many reads and drains; many independent flags).

  scripts/benchmark.py [--runs 5]

With --real-code it times every file of the real-code set
(bench/realcode/corpus.yaml, read by scripts/realcode.py, which also
extracts the repositories) the same way, interleaving the two commands
run by run, and ends with the median and the maximum ratio:

  scripts/benchmark.py --real-code [--mirrors DIR] [--work DIR] [--runs 5]
                       [--only SUBSTRING] [--tidy PATH] [--config TEXT]
                       [--two-phase]

--two-phase times both phases of a two-phase run per file (the export,
then the analysis with the file's repository's summaries) against the same
baseline.

Without mirrors (--mirrors or $IODRAIN_MIRRORS) it says so and exits 0.
"""
import argparse
import os
import shutil
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


def seconds(command, env=None):
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def real_code(args, tidy):
    """Times clang -fsyntax-only and iodrain-tidy on every corpus file,
    alternating the two in each run, and prints a table and the median and
    maximum ratio."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import realcode
    mirrors = realcode.mirrors_dir(args.mirrors)
    if mirrors is None:
        print("benchmark: no mirrors (give --mirrors DIR or set IODRAIN_MIRRORS); nothing done")
        return 0
    repos = realcode.load_corpus()
    wanted = list(realcode.corpus_files(repos, args.only))
    roots = realcode.prepare([r for r in repos if any(r is w[0] for w in wanted)], mirrors,
                             os.path.abspath(args.work))
    if args.two_phase:
        return two_phase(args, tidy, realcode, wanted, roots)
    print("| file | clang -fsyntax-only | iodrain-tidy | ratio |")
    print("|---|---|---|---|")
    ratios = []
    for repo, entry in wanted:
        root = roots.get(repo["repo"])
        if root is None:
            continue
        base_cmd = realcode.syntax_command("clang-19", repo, entry, root)
        ours_cmd = realcode.tidy_command(tidy, "-*,iodrain-*", repo, entry, root,
                                         config=args.config)
        base, ours = [], []
        for _ in range(args.runs):
            base.append(seconds(base_cmd))
            ours.append(seconds(ours_cmd))
        base, ours = statistics.median(base), statistics.median(ours)
        ratios.append(ours / base)
        print("| %s/%s | %.3f s | %.3f s | %.2fx |" % (repo["repo"], entry["path"], base, ours,
                                                      ours / base))
    if ratios:
        print()
        print("files: %d, median ratio: %.2fx, maximum ratio: %.2fx"
              % (len(ratios), statistics.median(ratios), max(ratios)))
    return 0


def two_phase(args, tidy, realcode, wanted, roots):
    """Times each file's two phases against clang -fsyntax-only: the export
    (phase one, into a scratch directory) and the analysis with its
    repository's summaries (phase two), and prints their ratios and the
    ratio of both together."""
    import types
    options = types.SimpleNamespace(work=args.work, jobs=2, tidy=tidy, checks="-*,iodrain-*")
    env_of = realcode.export_summaries(options, wanted, roots, args.config)
    scratch = os.path.join(os.path.abspath(args.work), "summaries-scratch")
    export_env = dict(os.environ, IODRAIN_OPTIONS="{ExportSummaries: '%s', ExportOnly: true}"
                      % scratch)
    print("| file | clang -fsyntax-only | phase one | phase two | both |")
    print("|---|---|---|---|---|")
    ratios = {"one": [], "two": [], "both": []}
    for repo, entry in wanted:
        root = roots.get(repo["repo"])
        if root is None:
            continue
        base_cmd = realcode.syntax_command("clang-19", repo, entry, root)
        ours_cmd = realcode.tidy_command(tidy, "-*,iodrain-*", repo, entry, root,
                                         config=args.config)
        base, one, two = [], [], []
        for _ in range(args.runs):
            base.append(seconds(base_cmd))
            one.append(seconds(ours_cmd, export_env))
            two.append(seconds(ours_cmd, env_of(repo)))
        base, one, two = (statistics.median(x) for x in (base, one, two))
        ratios["one"].append(one / base)
        ratios["two"].append(two / base)
        ratios["both"].append((one + two) / base)
        print("| %s/%s | %.3f s | %.2fx | %.2fx | %.2fx |" % (
            repo["repo"], entry["path"], base, one / base, two / base, (one + two) / base))
    shutil.rmtree(scratch, ignore_errors=True)
    if ratios["one"]:
        print()
        for phase, values in ratios.items():
            print("%s: median ratio %.2fx, maximum ratio %.2fx"
                  % (phase, statistics.median(values), max(values)))
    return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--real-code", action="store_true",
                        help="time the real-code set instead of the synthetic inputs")
    parser.add_argument("--mirrors", help="real-code mirrors (default: $IODRAIN_MIRRORS)")
    parser.add_argument("--work", default=os.path.join(ROOT, "build", "realcode"),
                        help="where real-code repositories are extracted")
    parser.add_argument("--only", help="real-code files whose owner/name/path contains this")
    parser.add_argument("--two-phase", action="store_true",
                        help="with --real-code: time both phases of a two-phase run")
    parser.add_argument("--tidy", default=os.path.join(ROOT, "build", "bin", "iodrain-tidy"))
    parser.add_argument("--config", default="{Checks: '-*,iodrain-*'}",
                        help="iodrain-tidy --config for the real-code set (to time"
                             " options such as iodrain.FollowCalls)")
    args = parser.parse_args()
    tidy = args.tidy
    if args.real_code:
        return real_code(args, tidy)
    work = tempfile.mkdtemp()
    generate = os.path.join(ROOT, "test", "robustness", "Inputs", "generate.py")
    inputs = [("seed example", os.path.join(ROOT, "examples", "seed.c")),
              ("event-waits.c (13 cases)", os.path.join(ROOT, "test", "checks", "event-waits.c"))]
    for kind, size, label in (("blocks", "1000", "1000 reads and drains in one function"),
                              ("flags", "12", "12 independent flags (4096 paths)"),
                              ("tests", "8000", "8000 field tests that may skip I/O")):
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
    sys.exit(main())
