#!/usr/bin/env python3
r"""iodrain_msvc: analyse an MSVC or clang-cl compile database on Linux.

A compile_commands.json written on Windows by CMake's Ninja generator with
cl.exe or clang-cl holds cl.exe flags and C:\ paths. This translates each
entry into a clang command line for the mingw-w64 headers
(--target=x86_64-w64-mingw32 --sysroot=/usr) and maps the Windows paths to
where the sources are on Linux, longest --path-map first:

  python3 iodrain_msvc.py --path-map 'C:\src\app=/home/me/app' \
    build-win/compile_commands.json -o build-linux/compile_commands.json
  iodrain-lint -p build-linux

/I, /external:I, -imsvc, /FI, /D, /U, /std:, /TC, /TP, /Tc, /Tp, /MD[d],
/MT[d], /GR-, /EH, /J, @response files and /clang: become their clang
equivalents; flags that do not change what the analysis sees (warnings,
optimisation, debug information, outputs, precompiled headers, code
generation) are dropped; an unknown flag is dropped with one warning,
however many entries have it. The include directories of Visual Studio
and the Windows SDK are dropped: the mingw-w64 headers replace them.

MSVC's predefined macros that code tests and clang does not set for
mingw-w64 are defined (_M_X64, _MT, _DLL, _DEBUG, _CPPRTTI, _CPPUNWIND,
_MSVC_LANG, _WCHAR_T_DEFINED); _MSC_VER is not: with it, mingw-w64's COM
headers and clang's intrin.h take MSVC-only branches that do not compile.

Exit codes: 0 translated (warnings on stderr), 2 not translated, with one
line on stderr: a database that is not JSON or not a list of entries, a
Windows path that no --path-map covers (the entry and the path are named),
a response file that is missing.
"""
import argparse
import json
import ntpath
import os
import posixpath
import re
import sys

DEFAULT_TARGET = "x86_64-w64-mingw32"
DEFAULT_SYSROOT = "/usr"

# The compilers whose command lines speak cl.exe; wrappers in front of them
# (a compiler launcher) are skipped.
MSVC_COMPILER = re.compile(r"^(cl|clang-cl(-\d+(\.\d+)*)?)(\.exe)?$", re.I)
LAUNCHER = re.compile(r"^(s?ccache|buildcache)(\.exe)?$", re.I)

WINDOWS_ABSOLUTE = re.compile(r"^([a-zA-Z]:[\\/]|[\\/]{2}[^\\/])")

# Visual Studio's and the Windows SDK's own headers: mingw-w64 replaces them.
MSVC_SDK_DIR = re.compile(
    r"/(microsoft visual studio|windows kits|vc/tools/msvc)(/|$)", re.I)

# Macros by clang --target architecture, as cl.exe defines them.
ARCH_MACROS = {
    "x86_64": ["_M_X64=100", "_M_AMD64=100"],
    "i386": ["_M_IX86=600"], "i486": ["_M_IX86=600"],
    "i586": ["_M_IX86=600"], "i686": ["_M_IX86=600"],
    "aarch64": ["_M_ARM64=1"],
}

# /std: values: clang's -std and the _MSVC_LANG cl.exe sets (C++ only).
CXX_STANDARDS = {
    "c++14": ("c++14", "201402L"), "c++17": ("c++17", "201703L"),
    "c++20": ("c++20", "202002L"), "c++23preview": ("c++23", "202004L"),
    "c++latest": ("c++26", "202004L"),
}
C_STANDARDS = {"c11": "c11", "c17": "c17", "clatest": "c23"}
CXX_DEFAULT = "c++14"  # cl.exe's default

SOURCE_C = {".c"}
SOURCE_CXX = {".cc", ".cpp", ".cxx", ".c++", ".cp"}

# Flags (without the leading / or -) that change nothing the analysis
# sees: warnings, optimisation, debug information, code generation,
# diagnostics, and the clang-cl options that select the MSVC environment.
DROPPED = re.compile(r"""(
    nologo | c | Zs | FS | FC | Brepro | bigobj | showIncludes(:user)? |
    utf-8 | permissive-? | MP\d* | Gm-? | Gy-? | GF-? | GL-? | GT | Gd | Gr |
    Gv | Gz | Gw-? | GS-? | Gs\d* | GX-? | sdl-? | JMC-? | Zi | Z7 | ZI | Zl |
    Zf | Zo-? | O[12bdgistxy][\d-]* | RTC\w* | W.* | w | w[1-4deo]\d+ |
    Zc:.* | Zp\d* | Zm\d+ | source-charset:.* | execution-charset:.* |
    validate-charset-? | external:W\d | external:anglebrackets |
    external:templates-? | experimental:.* | guard:.* | Qspectre.* | Qpar.* |
    Qvec.* | QIntel-jcc-erratum | Qfast_transcendentals | Qimprecise_fwaits |
    arch:.* | fp:.* | favor:.* | volatile:.* | d1.* | d2.* | diagnostics:.* |
    errorReport:.* | analyze.* | cgthreads\d | constexpr:.* | await.* |
    FA[csu]* | Ze | Za |
    fms-compatibility.* | fms-extensions | fno-ms-compatibility |
    f(no-)?delayed-template-parsing | f(no-)?color-diagnostics |
    fdiagnostics-.* | fansi-escape-codes | f(no-)?sanitize.* | fprofile.* |
    fcoverage.* | f(no-)?lto.* | fuse-ld=.* | fcrash-diagnostics.* |
    gcodeview.* | gline-tables-only | gdwarf.* | m32 | m64 | march=.* |
    mtune=.* | Qunused-arguments | -target=.* | -driver-mode=.* |
    -sysroot=.* | fmsc-version=.*
)$""", re.X)

# Flags with a joined value (/FoCMakeFiles\x.obj, /Yustdafx.h), or the
# value in the next word after a colon (/Fo: x.obj): outputs and
# precompiled headers, dropped.
DROPPED_JOINED = re.compile(r"^(F[oadeRrpmi]|Y[cul]|doc)(:?)(.*)$")

# Flags whose value is the next word (or joined after : or =), dropped.
DROPPED_SEPARATE = {"winsysroot", "vctoolsdir", "vctoolsversion",
                    "winsdkdir", "winsdkversion", "o", "target", "F",
                    "sourceDependencies", "sourceDependencies:directives",
                    "Xclang"}
# Of those, the ones worth a warning: they change what clang parses.
WARNED_SEPARATE = {"Xclang"}

# Flags that are known, but what they need cannot be had on Linux.
UNSUPPORTED = [
    (re.compile(r"^clr.*$"), "C++/CLI is analysed as plain C++"),
    (re.compile(r"^ZW.*$"), "C++/CX is analysed as plain C++"),
    (re.compile(r"^(AI|FU).*$"), "#using is not analysed"),
    (re.compile(r"^external:env:.*$"),
     "a Windows environment variable's include directories are not known "
     "on Linux; pass them with --extra-arg=-isystem..."),
    (re.compile(r"^X$"), "the mingw-w64 headers are still searched"),
    (re.compile(r"^u$"), "predefined macros are kept"),
]

# Joined-or-separate flags with a value: (name, kind), longest name first.
VALUED = sorted([
    ("external:I", "system"), ("imsvc", "system"), ("isystem", "system"),
    ("I", "include"), ("FI", "force"), ("D", "define"), ("U", "undefine"),
    ("Tc", "input-c"), ("Tp", "input-c++"),
], key=lambda item: -len(item[0]))

RESPONSE_DEPTH = 10


class MsvcError(Exception):
    """A database that cannot be translated; the message is one line."""


# ---------------------------------------------------------------- words


def split_windows_command(text):
    """Words of a Windows command line, as the MSVC runtime splits them:
    backslashes are literal unless they precede a quote, quotes group,
    "" inside quotes is a quote."""
    words, word, in_word, quoted = [], [], False, False
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "\\":
            j = i
            while j < n and text[j] == "\\":
                j += 1
            if j < n and text[j] == '"':
                word.append("\\" * ((j - i) // 2))
                if (j - i) % 2:
                    word.append('"')
                    j += 1
            else:
                word.append("\\" * (j - i))
            i, in_word = j, True
        elif char == '"':
            if quoted and text[i + 1:i + 2] == '"':
                word.append('"')
                i += 2
            else:
                quoted = not quoted
                i += 1
            in_word = True
        elif char in " \t\r\n" and not quoted:
            if in_word:
                words.append("".join(word))
                word, in_word = [], False
            i += 1
        else:
            word.append(char)
            in_word = True
            i += 1
    if in_word:
        words.append("".join(word))
    return words


def command_words(entry):
    """The entry's command line as a list of words."""
    if isinstance(entry.get("arguments"), list):
        return [str(word) for word in entry["arguments"]]
    if isinstance(entry.get("command"), str):
        return split_windows_command(entry["command"])
    return []


def compiler_index(words):
    """Where the compiler is in the words: after a launcher, if any."""
    if len(words) > 1 and LAUNCHER.match(ntpath.basename(words[0])):
        return 1
    return 0


def is_msvc_entry(entry):
    """Whether the entry's compiler is cl.exe or clang-cl, from any
    directory, in any case, with or without .exe."""
    if not isinstance(entry, dict):
        return False
    words = command_words(entry)
    if not words:
        return False
    compiler = words[compiler_index(words)].strip('"')
    return bool(MSVC_COMPILER.match(ntpath.basename(compiler)))


# ---------------------------------------------------------------- paths


def is_windows_path(path):
    """C:\\x, C:/x, \\\\server\\share\\x."""
    return bool(WINDOWS_ABSOLUTE.match(path))


def windows_form(path):
    """A Windows path in one spelling: no \\\\?\\ prefix, . and .. resolved,
    forward slashes, no trailing slash."""
    if path[:4] in ("\\\\?\\", "//?/"):
        path = path[4:]
    return ntpath.normpath(path).replace("\\", "/")


def windows_key(path):
    """windows_form in lower case, for comparing: Windows paths ignore case."""
    return windows_form(path).lower()


def parse_path_maps(specs):
    """[(windows key, linux path)] from FROM=TO strings, longest FROM first.
    FROM is a Windows directory (C:\\src\\app, C:/src/app, \\\\host\\share),
    any case; TO a directory on this machine."""
    maps = []
    for spec in specs or []:
        source, sep, target = spec.partition("=")
        if not sep or not source or not target:
            raise MsvcError("--path-map '%s' is not FROM=TO" % spec)
        if not is_windows_path(source):
            raise MsvcError("--path-map '%s': '%s' is not a Windows path "
                            "(C:\\dir or \\\\host\\share)" % (spec, source))
        target = os.path.abspath(target)
        maps.append((windows_key(source), target))
    maps.sort(key=lambda item: -len(item[0]))
    return maps


def map_path(path, path_maps):
    """A Windows path mapped to Linux by the longest prefix that covers
    it; a relative path with / for \\; a Linux path as it is. Raises
    MsvcError for a Windows path no map covers."""
    if not is_windows_path(path):
        return path.replace("\\", "/")
    form = windows_form(path)
    key = form.lower()
    for source, target in path_maps:
        if key == source or key.startswith(source.rstrip("/") + "/"):
            rest = form[len(source):].lstrip("/")
            return posixpath.normpath(posixpath.join(target, rest))
    raise MsvcError("the Windows path '%s' is not covered by any --path-map"
                    % path)


# ---------------------------------------------------------------- flags


class Translation:
    """One entry's cl.exe command line, read word by word into a clang one."""

    def __init__(self, directory, path_maps, warnings):
        self.directory = directory
        self.path_maps = path_maps
        self.warnings = warnings
        self.flags = []          # translated, in the order given
        self.inputs = []         # (linux path, language or None)
        self.language = None     # /TC, /TP
        self.standard = None     # the /std: value
        self.runtime = "MT"
        self.rtti = True
        self.unwind = False
        self.native_wchar = True
        self.sdk_dirs = 0
        self.warned = set()

    def warn(self, flag, reason):
        """Counts the flag once for this entry."""
        if flag not in self.warned:
            self.warned.add(flag)
            self.warnings.setdefault(flag, [reason, 0])[1] += 1

    def path(self, value):
        return map_path(value, self.path_maps)

    def read(self, words, depth=0):
        i = 0
        while i < len(words):
            word = words[i]
            i += 1
            if word == "--":
                for rest in words[i:]:
                    self.add_input(rest, None)
                return
            if word.startswith("@") and len(word) > 1:
                self.read(self.response_file(word[1:], depth), depth + 1)
            elif word[:1] in "/-" and len(word) > 1:
                if word[1:] == "link":
                    return  # the linker's options follow
                i = self.flag(word, words, i)
            else:
                self.add_input(word, None)

    def response_file(self, name, depth):
        if depth >= RESPONSE_DEPTH:
            raise MsvcError("response files nested deeper than %d at '@%s'"
                            % (RESPONSE_DEPTH, name))
        path = posixpath.join(self.directory, self.path(name))
        try:
            with open(path, "rb") as stream:
                data = stream.read()
        except OSError as e:
            raise MsvcError("cannot read the response file '@%s' (%s): %s; "
                            "ninja deletes them after a build unless run "
                            "with -d keeprsp" % (name, path, e.strerror))
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = data.decode("utf-16")
        else:
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = data.decode("cp1252", errors="replace")
        return split_windows_command(text)

    def flag(self, word, words, i):
        """Translates the flag `word`; returns where the next word is."""
        name = word[1:]

        def value_of(key):
            nonlocal i
            if name != key:
                return name[len(key):]
            if i >= len(words):
                raise MsvcError("'%s' at the end of the command needs a "
                                "value" % word)
            i += 1
            return words[i - 1]

        for key, kind in VALUED:
            if name.startswith(key):
                self.valued(kind, value_of(key))
                return i
        if name in DROPPED_SEPARATE:
            self.dropped_separate(word, value_of(name))
            return i
        bare = re.split(r"[:=]", name, 1)[0]
        if bare in DROPPED_SEPARATE:
            self.dropped_separate(word[:len(bare) + 1], name[len(bare) + 1:])
            return i
        if self.setting(word):
            return i
        joined = DROPPED_JOINED.match(name)
        if joined:
            if joined.group(2) and not joined.group(3) and i < len(words):
                i += 1  # /Fo: out.obj
            return i
        if not DROPPED.match(name):
            self.unknown(word)
        return i

    def dropped_separate(self, flag, value):
        if flag[1:] in WARNED_SEPARATE:
            self.warn("%s %s" % (flag, value),
                      "it passes an option to clang's front end")

    def unknown(self, word):
        for pattern, reason in UNSUPPORTED:
            if pattern.match(word[1:]):
                self.warn(word, reason)
                return
        self.warn(word, "not a cl.exe flag iodrain knows")

    def setting(self, word):
        """Flags without a separate value that change what clang parses:
        the language, its standard, the runtime, RTTI, exceptions. True if
        the word is one of them."""
        name = word[1:]
        if name.startswith("std:"):
            self.standard = name[4:]
            if self.standard not in CXX_STANDARDS and \
                    self.standard not in C_STANDARDS:
                self.warn(word, "an unknown language standard")
                self.standard = None
        elif name.startswith("clang:"):
            self.flags.append(name[6:])
        elif name.startswith("EH"):
            self.unwind = bool(re.search(r"[sa](?!-)", name[2:]))
        elif name in ("TC", "TP"):
            self.language = "c" if name == "TC" else "c++"
        elif name in ("MD", "MDd", "MT", "MTd", "LD", "LDd"):
            self.runtime = name
        elif name in ("GR", "GR-"):
            self.rtti = name == "GR"
        elif name == "Zc:wchar_t-":
            self.native_wchar = False
        elif name == "J":
            self.flags.append("-funsigned-char")
        else:
            return False
        return True

    def valued(self, kind, value):
        if kind != "define" and kind != "undefine":
            value = value.strip()  # "/I C:\\dir" quoted whole
        if kind == "define":
            # /DNAME#VALUE is cl.exe's spelling of NAME=VALUE.
            if "#" in value and "=" not in value.split("#", 1)[0]:
                value = value.replace("#", "=", 1)
            self.flags.append("-D" + value)
        elif kind == "undefine":
            self.flags.append("-U" + value)
        elif kind in ("include", "system"):
            if is_windows_path(value) and \
                    MSVC_SDK_DIR.search(windows_key(value)):
                self.sdk_dirs += 1
                return
            if kind == "include":
                self.flags.append("-I" + self.path(value))
            else:
                self.flags += ["-isystem", self.path(value)]
        elif kind == "force":
            self.flags += ["-include", self.path(value)]
        else:
            self.add_input(value, kind[len("input-"):])

    def add_input(self, word, language):
        self.inputs.append((self.path(word), language))

    def file_language(self, file):
        """The language of the entry's file, as cl.exe decides it."""
        for path, language in self.inputs:
            if language and path == file:
                return language
        if self.language:
            return self.language
        extension = posixpath.splitext(file)[1].lower()
        if extension in SOURCE_C:
            return "c"
        return "c++" if extension in SOURCE_CXX else None

    def arguments(self, file, target, sysroot):
        language = self.file_language(file)
        args = ["clang", "--target=" + target, "--sysroot=" + sysroot,
                "-fms-extensions"]
        macros = list(ARCH_MACROS.get(target.split("-")[0], []))
        macros.append("_MT")
        if self.runtime.startswith("MD"):
            macros.append("_DLL")
        if self.runtime.endswith("d"):
            macros.append("_DEBUG")
        if language == "c++":
            standard = self.standard if self.standard in CXX_STANDARDS \
                else CXX_DEFAULT
            clang_standard, msvc_lang = CXX_STANDARDS[standard]
            args.append("-std=" + clang_standard)
            macros.append("_MSVC_LANG=" + msvc_lang)
            if self.rtti:
                macros.append("_CPPRTTI")
            else:
                args.append("-fno-rtti")
            if self.unwind:
                macros.append("_CPPUNWIND")
            if self.native_wchar:
                macros += ["_NATIVE_WCHAR_T_DEFINED", "_WCHAR_T_DEFINED"]
        elif language == "c" and self.standard in C_STANDARDS:
            args.append("-std=" + C_STANDARDS[self.standard])
        args += ["-D" + macro for macro in macros]
        args += self.flags
        args.append("-c")
        for path, own in self.inputs:
            chosen = own or self.language
            args += (["-x", chosen] if chosen else []) + [path]
        return args


# ---------------------------------------------------------------- entries


def translate_entry(entry, path_maps, target=DEFAULT_TARGET,
                    sysroot=DEFAULT_SYSROOT, warnings=None):
    """A copy of an MSVC or clang-cl entry that clang-tidy can use on
    Linux: 'directory' and 'file' mapped, 'arguments' a clang command line
    for the mingw-w64 headers. Unknown flags are counted in `warnings`
    (flag -> [reason, entries]; see warning_lines). Raises MsvcError."""
    if warnings is None:
        warnings = {}
    if not isinstance(entry.get("directory"), str) or \
            not isinstance(entry.get("file"), str):
        raise MsvcError("an entry has no 'directory' or 'file'")
    where = entry["file"]
    try:
        directory = map_path(entry["directory"], path_maps)
        file = map_path(entry["file"], path_maps)
        file = posixpath.normpath(posixpath.join(directory, file))
        translation = Translation(directory, path_maps, warnings)
        words = command_words(entry)
        translation.read(words[compiler_index(words) + 1:])
        if not translation.inputs:
            translation.inputs.append((file, None))
        translation.inputs = [
            (posixpath.normpath(posixpath.join(directory, path)), language)
            for path, language in translation.inputs]
        arguments = translation.arguments(file, target, sysroot)
    except MsvcError as e:
        raise MsvcError("%s: %s" % (where, e))
    if translation.sdk_dirs:
        seen = warnings.setdefault(
            "Visual Studio and Windows SDK include directories",
            ["the mingw-w64 headers replace them", 0])
        seen[1] += 1
    result = {key: value for key, value in entry.items()
              if key not in ("command", "arguments", "output")}
    result.update(directory=directory, file=file, arguments=arguments)
    return result


def map_other_entry(entry, path_maps):
    """An entry of another tool (rc.exe, ml64.exe): its paths mapped where
    a map covers them, so that it is recognised and skipped."""
    result = dict(entry)
    for key in ("directory", "file"):
        try:
            result[key] = map_path(entry[key], path_maps)
        except MsvcError:
            pass
    return result


def translate_database(entries, path_maps, target=DEFAULT_TARGET,
                       sysroot=DEFAULT_SYSROOT):
    """(translated entries, warning lines) for a whole database: MSVC and
    clang-cl entries translated, others' paths mapped. Raises MsvcError
    naming the entry (counted from 1)."""
    if not isinstance(entries, list):
        raise MsvcError("not a list of compile commands")
    warnings, result = {}, []
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, dict) or \
                not isinstance(entry.get("directory"), str) or \
                not isinstance(entry.get("file"), str):
            raise MsvcError("entry %d has no 'directory' or 'file'" % number)
        try:
            if is_msvc_entry(entry):
                result.append(translate_entry(entry, path_maps, target,
                                              sysroot, warnings))
            else:
                result.append(map_other_entry(entry, path_maps))
        except MsvcError as e:
            raise MsvcError("entry %d, %s" % (number, e))
    return result, warning_lines(warnings)


def warning_lines(warnings):
    """One line per dropped flag, however many entries had it."""
    return ["warning: dropped '%s' (%d %s): %s"
            % (flag, count, "entry" if count == 1 else "entries", reason)
            for flag, (reason, count) in sorted(warnings.items())]


# ---------------------------------------------------------------- CLI


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="iodrain_msvc.py",
        description="Translate an MSVC or clang-cl compile database for "
                    "analysis on Linux with the mingw-w64 headers.")
    parser.add_argument("--path-map", action="append", default=[],
                        metavar="FROM=TO",
                        help="a Windows directory and where it is here "
                             "(repeatable; the longest FROM wins)")
    parser.add_argument("--target", default=DEFAULT_TARGET,
                        help="clang target (default: %(default)s)")
    parser.add_argument("--sysroot", default=DEFAULT_SYSROOT,
                        help="where the mingw-w64 headers are "
                             "(default: %(default)s)")
    parser.add_argument("database", metavar="IN.json")
    parser.add_argument("-o", dest="output", required=True,
                        metavar="OUT.json")
    args = parser.parse_args(argv)

    def fail(message):
        sys.stderr.write("iodrain_msvc: error: %s\n" % message)
        return 2

    try:
        path_maps = parse_path_maps(args.path_map)
    except MsvcError as e:
        return fail(str(e))
    try:
        with open(args.database, encoding="utf-8-sig") as stream:
            entries = json.load(stream)
    except OSError as e:
        return fail("cannot read %s: %s" % (args.database, e.strerror))
    except ValueError as e:
        return fail("%s is not valid JSON: %s" % (args.database, e))
    try:
        translated, warnings = translate_database(
            entries, path_maps, args.target, args.sysroot)
    except MsvcError as e:
        return fail("%s: %s" % (args.database, e))
    for line in warnings:
        sys.stderr.write("iodrain_msvc: %s\n" % line)
    try:
        with open(args.output, "w") as stream:
            json.dump(translated, stream, indent=1)
            stream.write("\n")
    except OSError as e:
        return fail("cannot write %s: %s" % (args.output, e.strerror))
    return 0


if __name__ == "__main__":
    sys.exit(main())
