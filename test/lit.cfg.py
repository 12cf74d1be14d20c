# lit configuration for iodrain's tests. Run through `ctest` or
# `lit build/test`; paths come from lit.site.cfg.py, written by CMake.
import os
import lit.formats

config.name = "iodrain"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".c", ".cpp", ".test"]
config.excludes = ["Inputs", "tools", "src", "include", "CMakeLists.txt",
                   "README.md"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.iodrain_binary_dir, "test")

config.environment["IODRAIN_TIDY"] = config.iodrain_tidy
config.environment["IODRAIN_CLANG_TIDY"] = config.clang_tidy
config.environment["IODRAIN_PLUGIN"] = config.iodrain_plugin
config.environment["PATH"] = os.pathsep.join(
    [config.llvm_tools_dir, config.environ_path])

win32 = "--target=x86_64-w64-mingw32 --sysroot=%s" % config.mingw_sysroot
check = "%s %s" % (config.python, os.path.join(
    config.test_source_root, "tools", "check_iodrain.py"))

config.substitutions.append(("%check_iodrain", check))
config.substitutions.append(("%win32_yaml", win32.replace(" ", ", ")))
config.substitutions.append(("%win32", win32))
config.substitutions.append(("%iodrain_tidy", config.iodrain_tidy))
config.substitutions.append(("%iodrain_clangd", config.iodrain_clangd))
config.substitutions.append(("%iodrain_plugin", config.iodrain_plugin))
config.substitutions.append(("%clang_tidy", config.clang_tidy))
config.substitutions.append(("%rules_dir", os.path.join(
    config.iodrain_source_dir, "rules")))
config.substitutions.append(("%python", config.python))
config.substitutions.append(("%source_dir", config.iodrain_source_dir))

# GCC is on most machines; where it is, configuring with it must fail
# clearly (test/integration/gcc-refused.test).
import shutil as _which
if _which.which("g++") and _which.which("gcc") and _which.which("cmake"):
    config.available_features.add("gxx")

# std::thread exists only in the libstdc++ of mingw-w64's posix thread
# model (g++-mingw-w64-x86-64-posix); clang picks the win32 one.
import glob as _glob
_posix = sorted(_glob.glob(os.path.join(
    config.mingw_sysroot, "lib", "gcc", "x86_64-w64-mingw32", "*-posix",
    "include", "c++")))
if _posix and os.path.exists(os.path.join(_posix[-1], "thread")):
    config.available_features.add("mingw-std-thread")
    config.substitutions.append(("%mingw_std_thread", " ".join(
        ["-nostdinc++"] + ["-isystem " + os.path.join(_posix[-1], d)
                           for d in ("", "x86_64-w64-mingw32", "backward")])))

# scripts/install-deps.sh's lint profile is measured with apt's cache
# (test/integration/deps-profile.test); without a cache it is unsupported.
import subprocess as _subprocess
if _which.which("apt-cache") and _subprocess.run(
        ["apt-cache", "show", "python3"], capture_output=True).returncode == 0:
    config.available_features.add("apt-cache")

# Every diagnostic must be expected: a test fails on any extra one.
config.substitutions.append(
    ("%filecheck", "FileCheck --implicit-check-not=warning: "
                   "--implicit-check-not=note: --implicit-check-not=error:"))

# Runtime scenarios: built against the shim's windows.h and library, with
# AddressSanitizer so the shim sees kernel writes into dead memory.
if config.shim_lib:
    config.available_features.add("shim")
    shim_include = os.path.join(config.test_source_root, "shim", "include")
    shim_harness = os.path.join(config.test_source_root, "shim", "harness")
    config.substitutions.append((
        "%shim_cc",
        "%s -x c -std=c11 -g -fsanitize=address "
        "-fsanitize-address-use-after-return=always -DIODRAIN_RUNTIME "
        "-I%s -I%s -Wno-unused-variable -Wno-unused-but-set-variable "
        "%%s -x none %s -o %%t.exe" % (config.shim_cxx, shim_include,
                                       shim_harness, config.shim_lib)))
    config.substitutions.append(("%shim_run", "%t.exe"))
    config.environment["SHIM_CXX"] = config.shim_cxx
    config.environment["SHIM_LIB"] = config.shim_lib
    config.environment["SHIM_INCLUDE"] = shim_include
    config.environment["SHIM_HARNESS"] = shim_harness
    config.substitutions.append(("%check_twins", "%s %s" % (
        config.python, os.path.join(config.test_source_root, "tools",
                                    "check_twins.py"))))

# The Wine oracle lane needs mingw-w64's gcc and a Wine that starts. A
# machine without them reports the lane as skipped, loudly.
def probe_wine():
    import shutil, subprocess, tempfile
    cc = shutil.which("x86_64-w64-mingw32-gcc")
    wine = shutil.which("wine64") or shutil.which("wine")
    if not wine and os.path.exists("/usr/lib/wine/wine64"):
        wine = "/usr/lib/wine/wine64"
    if not cc or not wine:
        return None, "x86_64-w64-mingw32-gcc or wine64 is not installed"
    prefix = os.path.join(config.iodrain_binary_dir, "test", "wineprefix")
    env = dict(os.environ, WINEPREFIX=prefix, WINEDEBUG="-all")
    work = tempfile.mkdtemp()
    src = os.path.join(work, "probe.c")
    open(src, "w").write('#include <stdio.h>\nint main(void){puts("wine ok");return 0;}\n')
    exe = os.path.join(work, "probe.exe")
    try:
        subprocess.run([cc, src, "-o", exe], check=True, capture_output=True)
        out = subprocess.run([wine, exe], env=env, capture_output=True,
                             text=True, timeout=300).stdout
    except Exception as e:
        return None, "Wine could not start: %s" % e
    if "wine ok" not in out:
        return None, "Wine could not run a program"
    return (cc, wine, prefix), None

if config.shim_lib:
    found, why = probe_wine()
    if found:
        cc, wine, prefix = found
        config.available_features.add("wine")
        config.environment["MINGW_CC"] = cc
        config.environment["WINE"] = wine
        config.environment["WINEPREFIX"] = prefix
        config.environment["WINEDEBUG"] = "-all"
        config.environment["SHIM_HARNESS"] = shim_harness
        config.environment["WINE_HARNESS"] = os.path.join(
            config.test_source_root, "shim", "wine")
    else:
        lit_config.warning("WINE LANE SKIPPED: " + why)

# Microsoft's SARIF Multitool, installed by scripts/install-deps.sh.
multitool = os.path.join(config.iodrain_binary_dir, "tools", "node_modules",
                         "@microsoft", "sarif-multitool-linux",
                         "Sarif.Multitool")
if os.access(multitool, os.X_OK):
    config.available_features.add("sarif-multitool")
    config.substitutions.append(("%sarif_multitool", multitool))
else:
    lit_config.warning("SARIF VALIDATION SKIPPED: the SARIF Multitool is not "
                       "installed (scripts/install-deps.sh installs it)")
# Headless Chromium renders the HTML report in its test.
import shutil as _shutil
chromium = _shutil.which("chromium") or _shutil.which("chromium-browser")
if chromium:
    config.available_features.add("chromium")
    config.substitutions.append((
        "%chromium",
        chromium + " --headless --no-sandbox --disable-gpu --disable-quic "
        "--no-first-run --disable-background-networking "
        "--disable-component-update --disable-sync"))
else:
    lit_config.warning("REPORT RENDERING SKIPPED: chromium is not installed")
config.substitutions.append(("%iodrain_report", os.path.join(
    config.iodrain_source_dir, "integration", "ci", "iodrain-report")))
config.substitutions.append(("%iodrain_lint", os.path.join(
    config.iodrain_source_dir, "integration", "ci", "iodrain-lint")))
config.substitutions.append(("%iodrain_sarif", os.path.join(
    config.iodrain_binary_dir, "bin", "iodrain-sarif")))
config.substitutions.append(("%cmake", config.cmake))
config.substitutions.append(("%clang_apply_replacements", os.path.join(
    config.llvm_tools_dir, "clang-apply-replacements")))
config.substitutions.append(("%iodrain_cmake_dir", os.path.join(
    config.iodrain_binary_dir, "cmake")))
config.substitutions.append(("%mingw_sysroot", config.mingw_sysroot))
config.substitutions.append(("%examples", os.path.join(
    config.iodrain_source_dir, "examples")))

if config.iodrain_clangd:
    config.available_features.add("clangd")

# The sanitizer lane (scripts/test.sh --sanitize): iodrain's own code is
# built with ASan and UBSan. Tests that measure time or memory say
# `UNSUPPORTED: sanitize`: ASan's shadow memory and quarantine inflate peak
# RSS and slow everything down, so their limits mean nothing there.
# iodrain-lint looks for iodrain-sarif as IODRAIN_SARIF before ./build/bin:
# a lane built elsewhere (build-sanitize) must run its own.
config.environment["IODRAIN_SARIF"] = os.path.join(
    config.iodrain_binary_dir, "bin", "iodrain-sarif")
if getattr(config, "sanitize", False):
    config.available_features.add("sanitize")
    # A UBSan report names where it happened; ASan's options are left to
    # the shim's scenarios, which are ASan programs of their own.
    config.environment["UBSAN_OPTIONS"] = "print_stacktrace=1"
    # For helpers that measure (peak_memory.py): their limits do not hold.
    config.environment["IODRAIN_SANITIZED"] = "1"
if getattr(config, "fuzz_rules", ""):
    config.available_features.add("fuzz")
    config.substitutions.append(("%fuzz_rules", config.fuzz_rules))
    config.substitutions.append(("%fuzz_sarif", config.fuzz_sarif))
    config.substitutions.append(("%fuzz_dir", os.path.join(
        config.iodrain_source_dir, "fuzz")))
    config.substitutions.append(("%fuzz_seconds", os.environ.get(
        "IODRAIN_FUZZ_SECONDS", "60")))
