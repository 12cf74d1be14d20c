"""Asks dpkg which installed packages own the files of an unpacked package:
on a machine with clang-tidy-19 and its dependencies installed, a file that
one of them owns would make `dpkg -i` refuse the package.

  package_owners.py ROOT

ROOT is a package unpacked with `dpkg -x`. Prints "OWNER: /PATH" for every
file or link of ROOT that an installed package other than iodrain owns,
then "owned by other packages: N". Exits 0; the test decides what is wrong.
"""
import os
import subprocess
import sys


def unpacked_files(root):
    """Every file and link of root, as the absolute path it installs to."""
    paths = []
    for base, dirs, names in os.walk(root):
        for name in names + [d for d in dirs
                             if os.path.islink(os.path.join(base, d))]:
            paths.append("/" + os.path.relpath(os.path.join(base, name), root))
    return sorted(paths)


def owners(paths):
    """(package, path) for each path an installed package owns; dpkg-query
    names the others on stderr, which is not an error here."""
    if not paths:
        return []
    proc = subprocess.run(["dpkg-query", "-S"] + paths, capture_output=True,
                          text=True)
    found = []
    for line in proc.stdout.splitlines():
        packages, _, path = line.partition(": ")
        for package in packages.split(", "):
            if package.split(":")[0] != "iodrain":
                found.append((package, path))
    return found


def main():
    if len(sys.argv) != 2 or not os.path.isdir(sys.argv[1]):
        sys.exit("usage: package_owners.py ROOT (an unpacked package)")
    try:
        found = owners(unpacked_files(sys.argv[1]))
    except OSError as error:
        sys.exit("package_owners.py: dpkg-query: %s" % error.strerror)
    for package, path in found:
        print("%s: %s" % (package, path))
    print("owned by other packages: %d" % len(found))


if __name__ == "__main__":
    main()
