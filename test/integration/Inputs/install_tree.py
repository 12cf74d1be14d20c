"""Describes an iodrain install tree for FileCheck, and flags what would
collide with other packages.

  install_tree.py ROOT [PREFIX]

ROOT is an install tree, or a package unpacked with `dpkg -x` and PREFIX
its prefix inside it (usr). Prints one line per command in PREFIX/bin
("bin/NAME -> TARGET", with "absolute" or "dangling" appended when the
link is either), then every file of ROOT outside iodrain's own places
under PREFIX ("outside: PATH"), then a summary line "files: N, outside: N,
absolute links: N, dangling links: N". Exits 0; the test decides what is
wrong.
"""
import os
import sys

# Everything iodrain installs lives under these, relative to the prefix.
OWN_DIRECTORIES = ("lib/iodrain/", "lib/cmake/iodrain/", "share/iodrain/",
                   "share/doc/iodrain/")
OWN_COMMAND_PREFIX = "bin/iodrain-"


def installed_paths(root):
    """Every file and link under root, relative, sorted."""
    paths = []
    for base, dirs, names in os.walk(root):
        for name in names + [d for d in dirs
                             if os.path.islink(os.path.join(base, d))]:
            paths.append(os.path.relpath(os.path.join(base, name), root))
    return sorted(paths)


def is_own(path):
    return path.startswith(OWN_DIRECTORIES) or (
        path.startswith(OWN_COMMAND_PREFIX) and "/" not in path[4:])


def describe_link(prefix, path):
    """'bin/x -> target [absolute] [dangling]'; and the two flags."""
    full = os.path.join(prefix, path)
    target = os.readlink(full)
    absolute = os.path.isabs(target)
    dangling = not os.path.exists(full)
    line = "%s -> %s%s%s" % (path, target, " absolute" if absolute else "",
                             " dangling" if dangling else "")
    return line, absolute, dangling


def main():
    if len(sys.argv) not in (2, 3) or not os.path.isdir(sys.argv[1]):
        sys.exit("usage: install_tree.py ROOT [PREFIX] (ROOT a directory)")
    root = sys.argv[1]
    prefix = os.path.join(root, sys.argv[2] if len(sys.argv) == 3 else "")
    inside = installed_paths(prefix) if os.path.isdir(prefix) else []
    outside = [p for p in installed_paths(root)
               if os.path.relpath(os.path.join(root, p), prefix).startswith("..")]
    paths = inside
    absolute_links = dangling_links = 0
    for path in paths:
        if path.startswith("bin/"):
            if os.path.islink(os.path.join(prefix, path)):
                line, absolute, dangling = describe_link(prefix, path)
                absolute_links += absolute
                dangling_links += dangling
                print(line)
            else:
                print("%s is not a link" % path)
    outside += [os.path.relpath(os.path.join(prefix, p), root)
                for p in paths if not is_own(p)]
    for path in outside:
        print("outside: %s" % path)
    print("files: %d, outside: %d, absolute links: %d, dangling links: %d" %
          (len(paths), len(outside), absolute_links, dangling_links))


if __name__ == "__main__":
    main()
