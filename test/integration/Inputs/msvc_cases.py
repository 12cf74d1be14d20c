"""Cases of iodrain_msvc's translation: each command line, what it must
become. Prints one line per failed case and exits 1, or the count of cases.

  msvc_cases.py DIR-OF-iodrain_msvc.py
"""
import os
import sys

sys.path.insert(0, sys.argv[1])
import iodrain_msvc as msvc  # noqa: E402

ROOT = "/home/me/app"
MAPS = msvc.parse_path_maps([r"C:\src\app=" + ROOT,
                             r"C:\src\my app=/home/me/my app",
                             "d:/libs=/opt/libs"])
PREFIX = ["clang", "--target=x86_64-w64-mingw32", "--sysroot=/usr",
          "-fms-extensions"]
C_MACROS = ["-D_M_X64=100", "-D_M_AMD64=100", "-D_MT"]
CXX14 = ["-std=c++14"]
CXX_MACROS = ["-D_CPPRTTI", "-D_NATIVE_WCHAR_T_DEFINED", "-D_WCHAR_T_DEFINED"]
failures = []
count = 0


def check(name, got, want):
    global count
    count += 1
    if got != want:
        failures.append("FAIL: %s:\n  got  %r\n  want %r" % (name, got, want))


def entry(command, file=r"C:\src\app\src\main.c", directory=r"C:\src\app\build"):
    key = "arguments" if isinstance(command, list) else "command"
    return {"directory": directory, "file": file, key: command}


def arguments(command, **where):
    return msvc.translate_entry(entry(command, **where), MAPS)["arguments"]


def c_flags(command):
    """The flags between the fixed C prefix and "-c FILE"."""
    args = arguments(command)
    if args[:len(PREFIX + C_MACROS)] != PREFIX + C_MACROS:
        return args  # and the case fails, showing them all
    return args[len(PREFIX + C_MACROS):]


def error(function, *args):
    try:
        function(*args)
    except msvc.MsvcError as e:
        return str(e)
    return "no error"


MAIN = ["-c", ROOT + "/src/main.c"]

# The compiler: any directory, any case, quoted with spaces, after a launcher.
for compiler, want in [
        ("cl /c a.c", True), ("CL.EXE /c a.c", True),
        (r'"C:\Program Files\Microsoft Visual Studio\2022\Community\VC\Tools'
         r'\MSVC\14.38.33130\bin\Hostx64\x64\cl.exe" /c a.c', True),
        (r"C:\PROGRA~1\LLVM\bin\clang-cl.exe /c a.c", True),
        ("C:/LLVM/bin/Clang-Cl /c a.c", True), ("clang-cl-19 /c a.c", True),
        (r"C:\tools\sccache.exe C:\VC\cl.exe /c a.c", True),
        ("gcc -c a.c", False), ("/usr/bin/clang -c a.c", False),
        (r"C:\SDK\rc.exe /fo a.res a.rc", False), ("cl.exe.bak /c a.c", False),
        ("clang-clx /c a.c", False)]:
    check("is_msvc_entry(%s)" % compiler, msvc.is_msvc_entry(entry(compiler)), want)
check("is_msvc_entry(arguments)", msvc.is_msvc_entry(
    entry([r"C:\Program Files\LLVM\bin\clang-cl.exe", "/c", "a.c"])), True)

# Whole lines: C with the CMake defaults, C++ with them.
check("C, CMake's flags", arguments(
    r"C:\VC\cl.exe /nologo -DWIN32 -D_WINDOWS /W3 /MDd /Zi /Ob0 /Od /RTC1 "
    r"/FoCMakeFiles\app.dir\src\main.c.obj /FdTARGET_COMPILE_PDB /FS "
    r"-c C:\src\app\src\main.c"),
    PREFIX + C_MACROS + ["-D_DLL", "-D_DEBUG", "-DWIN32", "-D_WINDOWS"] + MAIN)
check("C++, CMake's flags", arguments(
    r"C:\VC\cl.exe /nologo /TP -DWIN32 /GR /EHsc /MD -std:c++17 "
    r"-c C:\src\app\src\main.c"),
    PREFIX + ["-std=c++17"] + C_MACROS + [
        "-D_DLL", "-D_MSVC_LANG=201703L", "-D_CPPRTTI", "-D_CPPUNWIND",
        "-D_NATIVE_WCHAR_T_DEFINED", "-D_WCHAR_T_DEFINED", "-DWIN32",
        "-c", "-x", "c++", ROOT + "/src/main.c"])

# Include directories: /I and -I, joined and separate, relative, quoted
# with spaces, forward slashes, drive letters in any case.
check("/I dir", c_flags(r"cl /I C:\src\app\include /c C:\src\app\src\main.c"),
      ["-I" + ROOT + "/include"] + MAIN)
check("/Idir", c_flags(r"cl /IC:\src\app\include /c C:\src\app\src\main.c"),
      ["-I" + ROOT + "/include"] + MAIN)
check("-I dir -Idir", c_flags(r"cl -I C:\src\app\a -IC:\src\app\b /c main.c"),
      ["-I" + ROOT + "/a", "-I" + ROOT + "/b", "-c",
       "/home/me/app/build/main.c"])
check("/I relative", c_flags(r"cl /I..\include /I generated\x /c ..\src\main.c"),
      ["-I../include", "-Igenerated/x", "-c", ROOT + "/src/main.c"])
check("quoted path with spaces", c_flags(
    r'cl /I "C:\src\my app\include" "/IC:\src\my app\gen" -I"C:\src\my app\x y" '
    r'/c "C:\src\my app\main.c"'),
    ["-I/home/me/my app/include", "-I/home/me/my app/gen",
     "-I/home/me/my app/x y", "-c", "/home/me/my app/main.c"])
check("drive letter case, forward slashes", c_flags(
    r"cl /Ic:\SRC\App\Include -IC:/src/app/gen /I D:/Libs/zlib /c c:/src/app/src/main.c"),
    ["-I" + ROOT + "/Include", "-I" + ROOT + "/gen", "-I/opt/libs/zlib"] + MAIN)
check("longest map wins, .. resolved", c_flags(
    r'cl "/IC:\src\app\..\my app\inc" /c C:\src\app\src\main.c'),
    ["-I/home/me/my app/inc"] + MAIN)
check("system and forced includes", c_flags(
    r"cl /external:I C:\src\app\third /external:IC:\src\app\x -imsvc "
    r"C:\src\app\y /external:W0 /FI C:\src\app\pch.h /FIconfig.h /c C:\src\app\src\main.c"),
    ["-isystem", ROOT + "/third", "-isystem", ROOT + "/x", "-isystem",
     ROOT + "/y", "-include", ROOT + "/pch.h", "-include", "config.h"] + MAIN)

# Macros: /D"X=1", /DX#1, quoted values, /U.
check("macros", c_flags(
    r'cl /D"X=1" /D Y /DZ#2 -DMSG=\"hi\" "-DPATH=\"C:\\dir\"" /U NDEBUG -UW '
    r'/c C:\src\app\src\main.c'),
    ["-DX=1", "-DY", "-DZ=2", '-DMSG="hi"', r'-DPATH="C:\\dir"', "-UNDEBUG",
     "-UW"] + MAIN)

# Standards and languages.
check("/std:c++latest", arguments(r"cl /TP /std:c++latest /c C:\src\app\src\main.c")[
    len(PREFIX):len(PREFIX) + 1] + [a for a in arguments(
        r"cl /TP /std:c++latest /c C:\src\app\src\main.c") if "MSVC_LANG" in a],
    ["-std=c++26", "-D_MSVC_LANG=202004L"])
check("C++ by extension, cl's default standard", arguments(
    r"cl /c C:\src\app\src\main.cpp", file=r"C:\src\app\src\main.cpp"),
    PREFIX + CXX14 + C_MACROS + ["-D_MSVC_LANG=201402L"] + CXX_MACROS +
    ["-c", ROOT + "/src/main.cpp"])
for standard, want in [("c11", "-std=c11"), ("c17", "-std=c17"),
                       ("clatest", "-std=c23")]:
    check("/std:" + standard, arguments(
        r"cl /std:%s /c C:\src\app\src\main.c" % standard),
        PREFIX + [want] + C_MACROS + MAIN)
check("/Tp FILE, /TcFILE", c_flags(r"cl /c /Tp C:\src\app\a.c /TcC:\src\app\b.cpp"),
      ["-c", "-x", "c++", ROOT + "/a.c", "-x", "c", ROOT + "/b.cpp"])
check("/GR- /EHs-c- /Zc:wchar_t-", arguments(
    r"cl /GR- /EHs-c- /Zc:wchar_t- /c C:\src\app\src\main.cpp",
    file=r"C:\src\app\src\main.cpp"),
    PREFIX + CXX14 + ["-fno-rtti"] + C_MACROS + ["-D_MSVC_LANG=201402L"] +
    ["-c", ROOT + "/src/main.cpp"])

# Dropped: outputs (joined, after a colon), PCH, /link and what follows;
# clang-cl's own; Visual Studio's include directories.
check("outputs, PCH, /link", c_flags(
    r"cl /Fo: out.obj /FoC:\x\y.obj /Fd:x.pdb /Yustdafx.h /Fpx.pch /J /c "
    r"C:\src\app\src\main.c /link /SUBSYSTEM:CONSOLE /OUT:C:\elsewhere\x.exe"),
    ["-funsigned-char"] + MAIN)
check("clang-cl arguments", c_flags([
    r"C:\Program Files\LLVM\bin\clang-cl.exe", "/nologo",
    "-fms-compatibility-version=19.38", "--target=x86_64-pc-windows-msvc",
    "/winsysroot", r"C:\BuildTools", "-Wno-unused", "/clang:-fno-builtin",
    "-m64", "-c", "--", "C:/src/app/src/main.c"]),
    ["-fno-builtin"] + MAIN)
warnings = {}
check("dropped without a warning", msvc.translate_entry(entry(
    r"cl /nologo /c /O2 /Ox /Ob2 /Oi- /W4 /WX /wd4996 /w14242 /permissive- "
    r"/Zc:__cplusplus /Zc:preprocessor /utf-8 /source-charset:utf-8 "
    r"/external:W0 /external:anglebrackets /MP /GS- /sdl /guard:cf /Qspectre "
    r"/bigobj /FS /diagnostics:caret /JMC /RTC1 /Zi /Gy /GL /arch:AVX2 "
    r"/fp:precise /showIncludes /FC /EHsc /Brepro /d2FH4- "
    r"/sourceDependencies:directives deps.json /errorReport:prompt "
    r"C:\src\app\src\main.c"), MAPS, warnings=warnings)["arguments"],
    PREFIX + C_MACROS + MAIN)
check("... and no warning", warnings, {})
sdk = msvc.translate_entry(entry(
    r'cl "/IC:\Program Files (x86)\Windows Kits\10\Include\10.0.22621.0\um" '
    r'/I "C:\Program Files\Microsoft Visual Studio\2022\Community\VC\Tools'
    r'\MSVC\14.38.33130\include" /c C:\src\app\src\main.c'), MAPS, warnings=warnings)
check("Visual Studio's include directories", sdk["arguments"][-2:], MAIN)
check("their warning", msvc.warning_lines(warnings), [
    "warning: dropped 'Visual Studio and Windows SDK include directories' "
    "(1 entry): the mingw-w64 headers replace them"])

# Unknown flags: one warning per flag, counting entries.
database = [entry(r"cl /NEWFLAG /Qnew:1 /c C:\src\app\src\%s.c" % n,
                  file=r"C:\src\app\src\%s.c" % n) for n in "abc"]
database[2]["command"] += " /NEWFLAG -Xclang -fnew"
database.append({"directory": r"C:\src\app\build", "file": r"C:\src\app\x.rc",
                 "command": r"C:\SDK\rc.exe /fo x.res C:\src\app\x.rc"})
translated, lines = msvc.translate_database(database, MAPS)
check("warnings once per flag", lines, [
    "warning: dropped '-Xclang -fnew' (1 entry): it passes an option to "
    "clang's front end",
    "warning: dropped '/NEWFLAG' (3 entries): not a cl.exe flag iodrain knows",
    "warning: dropped '/Qnew:1' (3 entries): not a cl.exe flag iodrain knows"])
check("another tool's entry: paths mapped, command kept", translated[3], {
    "directory": ROOT + "/build", "file": ROOT + "/x.rc",
    "command": r"C:\SDK\rc.exe /fo x.res C:\src\app\x.rc"})

# Errors: one line, naming the entry and the path.
check("uncovered path", error(msvc.translate_database, [
    entry(r"cl /I E:\sdk\include /c C:\src\app\src\main.c")], MAPS),
    r"entry 1, C:\src\app\src\main.c: the Windows path 'E:\sdk\include' is "
    "not covered by any --path-map")
check("no directory", error(msvc.translate_entry, {"file": "a.c"}, MAPS),
      "an entry has no 'directory' or 'file'")
check("uncovered directory", error(msvc.translate_entry, entry(
    "cl /c main.c", directory=r"E:\build"), MAPS),
    r"C:\src\app\src\main.c: the Windows path 'E:\build' is not covered by "
    "any --path-map")
check("bad --path-map", error(msvc.parse_path_maps, ["nonsense"]),
      "--path-map 'nonsense' is not FROM=TO")
check("--path-map from a Linux path", error(msvc.parse_path_maps, ["/src=/x"]),
      r"--path-map '/src=/x': '/src' is not a Windows path (C:\dir or \\host\share)")
check("a value missing", error(msvc.translate_entry, entry("cl /c main.c /I"), MAPS),
      r"C:\src\app\src\main.c: '/I' at the end of the command needs a value")
missing = error(msvc.translate_entry, entry(
    r"cl @C:\src\app\nowhere\x.rsp /c main.c"), MAPS)
check("missing response file", missing,
      r"C:\src\app\src\main.c: cannot read the response file "
      r"'@C:\src\app\nowhere\x.rsp' (/home/me/app/nowhere/x.rsp): No such file "
      "or directory; ninja deletes them after a build unless run with -d keeprsp")

# Windows command-line quoting.
for text, want in [(r'a\\\"b c', ['a\\"b', "c"]), (r'"a""b" c', ['a"b', "c"]),
                   (r'"C:\a b\\" x', ["C:\\a b\\", "x"]),
                   (r"a\b\\c", ["a\\b\\\\c"]), ('  x\t\r\ny ', ["x", "y"])]:
    check("split %s" % text, msvc.split_windows_command(text), want)

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("msvc_cases: %d cases passed" % count)
