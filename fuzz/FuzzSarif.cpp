//===- FuzzSarif.cpp - libFuzzer target for iodrain-sarif's input ---------===//
//
// iodrain-sarif reads clang-tidy --export-fixes files and turns each into
// SARIF results. This does with one file's bytes what it does through
// SarifWriter.h: parse them as TranslationUnitDiagnostics, add them to a
// writer (twice, as a header seen from two units is) and write the log,
// which must be JSON. (main.cpp's entry-by-entry reader is static there;
// once SarifWriter.h exposes it, this should call it instead.)
//
// The writer reads each finding's file to turn offsets into lines. Paths
// from the input are kept inside a scratch directory: `src/a.c` is a file
// under the source root, `b.c` one outside it, anything else a file that
// does not exist.
//
//===----------------------------------------------------------------------===//

#include "SarifWriter.h"
#include "clang/Tooling/DiagnosticsYaml.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include <cstdint>
#include <cstdlib>

using namespace llvm;

static std::string Scratch;

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  SmallString<128> Prefix, Dir;
  sys::path::system_temp_directory(/*ErasedOnReboot=*/true, Prefix);
  sys::path::append(Prefix, "iodrain-fuzz-sarif");
  if (sys::fs::createUniqueDirectory(Prefix, Dir))
    abort();
  Scratch = Dir.str().str();
  sys::fs::create_directory(Scratch + "/src");
  auto Write = [](const std::string &Path, StringRef Text) {
    std::error_code EC;
    raw_fd_ostream OS(Path, EC);
    if (EC)
      abort();
    OS << Text;
  };
  Write(Scratch + "/src/a.c",
        "#include <windows.h>\n\nvoid f(HANDLE h, OVERLAPPED *ov) {\n"
        "  ReadFile(h, 0, 0, 0, ov);\n  CloseHandle(h);\n}\n");
  Write(Scratch + "/b.c", "int \xc3\xa9t\xc3\xa9;\r\n\tint x;\n");
  // The directory outlives the process only if the fuzzer crashes.
  std::atexit([] { sys::fs::remove_directories(Scratch); });
  return 0;
}

/// `Path`'s components under the scratch directory, without `..`, `.` or a
/// root, so that no input reaches a file outside it.
static void confine(std::string &Path) {
  if (Path.empty())
    return;
  SmallString<256> Out(Scratch);
  for (auto I = sys::path::begin(Path), E = sys::path::end(Path); I != E;
       ++I) {
    StringRef C = *I;
    if (C == ".." || C == "." || C == "/" || C.empty())
      continue;
    sys::path::append(Out, C);
  }
  Path = Out.str().str();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  StringRef Text(reinterpret_cast<const char *>(Data), Size);
  if (Text.trim().empty())
    return 0; // main.cpp skips empty files
  clang::tooling::TranslationUnitDiagnostics TU;
  yaml::Input In(Text, nullptr, [](const SMDiagnostic &, void *) {});
  In >> TU;
  if (In.error())
    return 0; // main.cpp: "is not a clang-tidy export-fixes file"
  for (clang::tooling::Diagnostic &D : TU.Diagnostics) {
    confine(D.Message.FilePath);
    for (clang::tooling::DiagnosticMessage &Note : D.Notes)
      confine(Note.FilePath);
  }

  iodrain::SarifWriter Writer(Scratch + "/src/", iodrain::builtinRuleHelp(),
                              nulls());
  Writer.add(TU);
  size_t Results = Writer.size();
  Writer.add(TU);
  if (Writer.size() != Results) {
    errs() << "iodrain-fuzz-sarif: a unit added twice gives new results\n";
    abort();
  }
  std::string Log;
  raw_string_ostream OS(Log);
  Writer.write(OS);
  OS.flush();
  if (Expected<json::Value> Parsed = json::parse(Log); !Parsed) {
    errs() << "iodrain-fuzz-sarif: the log is not JSON: "
           << toString(Parsed.takeError()) << "\n"
           << Log << "\n";
    abort();
  }
  return 0;
}
