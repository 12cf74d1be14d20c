"""Measures an install profile of scripts/install-deps.sh with apt's
package cache (offline, no root): the set of Debian packages its top-level
packages pull in through Depends and Pre-Depends.

  package_closure.py LINT_LIST FULL_LIST

Each list is the output of `scripts/install-deps.sh [--lint] --print`, one
package a line. Prints the lint profile's top-level packages, the size of
both closures and the development or test-only packages found in the lint
closure; exits 0 when there are none and the lint closure is under a third
of the full one, 1 when not, 2 when apt-cache cannot answer.
"""
import subprocess
import sys

# What a lint-only install must never pull in: the test suite's browser,
# Node.js, Wine, the build's compilers and development files.
BANNED = ("chromium", "nodejs", "npm", "wine", "wine64", "libgrpc++-dev",
          "libprotobuf-dev", "libabsl-dev", "cmake", "ninja-build",
          "llvm-19-dev", "libclang-19-dev", "libclang-rt-19-dev",
          "g++-mingw-w64-x86-64-win32", "gcc-mingw-w64-x86-64", "git")
APT_OPTIONS = ["--recurse", "--no-recommends", "--no-suggests",
               "--no-conflicts", "--no-breaks", "--no-replaces",
               "--no-enhances"]


def read_list(path):
    try:
        return [line.strip() for line in open(path) if line.strip()]
    except OSError as error:
        sys.stderr.write("package_closure.py: %s: %s\n" % (path, error.strerror))
        sys.exit(2)


def closure(packages):
    """Every real package reachable from packages (virtual ones, shown as
    <name>, are left out)."""
    try:
        proc = subprocess.run(["apt-cache", "depends"] + APT_OPTIONS + packages,
                              capture_output=True, text=True)
    except OSError as error:
        sys.stderr.write("package_closure.py: apt-cache: %s\n" % error.strerror)
        sys.exit(2)
    if proc.returncode != 0:
        first = (proc.stderr.strip().splitlines() or ["no output"])[0]
        sys.stderr.write("package_closure.py: apt-cache failed: %s\n" % first)
        sys.exit(2)
    return {line.strip() for line in proc.stdout.splitlines()
            if line and not line[0].isspace() and not line.startswith("<")}


def main():
    if len(sys.argv) != 3:
        sys.stderr.write("usage: package_closure.py LINT_LIST FULL_LIST\n")
        sys.exit(2)
    lint, full = read_list(sys.argv[1]), read_list(sys.argv[2])
    lint_closure, full_closure = closure(lint), closure(full)
    banned = sorted(lint_closure.intersection(BANNED))
    print("lint profile: %d package(s): %s" % (len(lint), " ".join(lint)))
    print("lint closure: %d package(s)" % len(lint_closure))
    print("full closure: %d package(s)" % len(full_closure))
    print("banned in lint closure: %s" % (" ".join(banned) or "none"))
    small = 3 * len(lint_closure) < len(full_closure)
    print("lint closure under a third of the full one: %s" %
          ("yes" if small else "no"))
    sys.exit(0 if small and not banned else 1)


if __name__ == "__main__":
    main()
