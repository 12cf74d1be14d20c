"""Writes the compile database that a Windows build of the example project
would write: CMake's Ninja generator with cl.exe ("command" strings), with
clang-cl ("arguments" lists), or with cl.exe and response files.

  msvc_compdb.py cl|clang-cl|rsp OUT.json [--root C:\\src\\app] [--extra FLAG]

The sources are those of this repository, as if it were checked out in
--root on Windows: integration/example/src/{reader,writer}.c (a C library)
and examples/seed.c, examples/seed-fixed.c (compiled as C++, /TP). The
build directory is ROOT\\build; the rsp kind writes its response files
beside OUT.json, which stands for that directory (seed.c's in UTF-16, as
MSBuild writes them).
"""
import argparse
import json
import os

CL = (r"C:\PROGRA~1\MICROS~1\2022\COMMUN~1\VC\Tools\MSVC\1438~1.331"
      r"\bin\Hostx64\x64\cl.exe")
CLANG_CL = r"C:\Program Files\LLVM\bin\clang-cl.exe"
RC = r"C:\PROGRA~2\WI3CF2~1\10\bin\100226~1.0\x64\rc.exe"

# (source, target, C++?) as CMake lists them.
SOURCES = [
    (r"integration\example\src\reader.c", "pipe_service", False),
    (r"integration\example\src\writer.c", "pipe_service", False),
    (r"examples\seed.c", "seed", True),
    (r"examples\seed-fixed.c", "seed_fixed", True),
]
C_FLAGS = r"/nologo -DWIN32 -D_WINDOWS /W3 /MDd /Zi /Ob0 /Od /RTC1"
CXX_FLAGS = (r"/nologo /TP -DWIN32 -D_WINDOWS /W3 /GR /EHsc /MDd /Zi /Ob0 "
             r"/Od /RTC1 -std:c++17")


def object_flags(source, target):
    obj = r"CMakeFiles\%s.dir\%s.obj" % (target, source)
    return r"/Fo%s /FdTARGET_COMPILE_PDB /FS" % obj


def cl_entry(root, source, target, cxx, extra):
    include = (r"/I %s\include" if cxx else r"-I%s\integration\example\include") % root
    command = " ".join(filter(None, [
        CL, CXX_FLAGS if cxx else C_FLAGS, extra, include,
        object_flags(source, target), r"-c %s\%s" % (root, source)]))
    return {"directory": root + r"\build", "command": command,
            "file": r"%s\%s" % (root, source),
            "output": r"CMakeFiles\%s.dir\%s.obj" % (target, source)}


def clang_cl_entry(root, source, target, cxx, extra):
    arguments = [CLANG_CL] + (CXX_FLAGS if cxx else C_FLAGS).split()
    arguments += extra.split() + [
        "-fms-compatibility-version=19.38", "-imsvc",
        r"C:\vcpkg\installed\x64-windows\include"]
    arguments += object_flags(source, target).split()
    # CMake puts the source after "--" for clang-cl, with forward slashes
    # when the project gave them so.
    forward = "%s/%s" % (root.replace("\\", "/"), source.replace("\\", "/"))
    arguments += ["-c", "--", forward]
    return {"directory": root + r"\build", "arguments": arguments,
            "file": forward}


def rsp_entry(root, source, target, cxx, extra, build_dir):
    rsp = r"CMakeFiles\%s.dir\%s.obj.rsp" % (target, source)
    flags = " ".join(filter(None, [CXX_FLAGS if cxx else C_FLAGS, extra,
                                   r'"/I%s\include"' % root]))
    path = os.path.join(build_dir, *rsp.split("\\"))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as stream:
        if source == r"examples\seed.c":
            stream.write("\ufeff{}\r\n".format(flags).encode("utf-16-le"))
        else:
            stream.write(flags.replace(" /", "\r\n/").encode("utf-8"))
    command = r"%s @%s %s -c %s\%s" % (CL, rsp, object_flags(source, target),
                                        root, source)
    return {"directory": root + r"\build", "command": command,
            "file": r"%s\%s" % (root, source)}


def rc_entry(root):
    source = r"integration\example\src\version.rc"
    return {"directory": root + r"\build",
            "command": r"%s -DWIN32 -D_DEBUG /fo CMakeFiles\pipe_service.dir"
                       r"\version.rc.res %s\%s" % (RC, root, source),
            "file": r"%s\%s" % (root, source)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=["cl", "clang-cl", "rsp"])
    parser.add_argument("output")
    parser.add_argument("--root", default=r"C:\src\app")
    parser.add_argument("--extra", default="",
                        help="flags added to every compiler command")
    args = parser.parse_args()
    build_dir = os.path.dirname(os.path.abspath(args.output))
    entries = []
    for source, target, cxx in SOURCES:
        if args.kind == "cl":
            entries.append(cl_entry(args.root, source, target, cxx, args.extra))
        elif args.kind == "clang-cl":
            entries.append(clang_cl_entry(args.root, source, target, cxx,
                                          args.extra))
        else:
            entries.append(rsp_entry(args.root, source, target, cxx,
                                     args.extra, build_dir))
    entries.append(rc_entry(args.root))
    with open(args.output, "w") as stream:
        json.dump(entries, stream, indent=2)


main()
