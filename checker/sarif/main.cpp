//===- main.cpp - iodrain-sarif: export-fixes YAML to SARIF 2.1.0 ---------===//

#include "SarifWriter.h"
#include "clang/Tooling/DiagnosticsYaml.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

static cl::list<std::string> Inputs(cl::Positional, cl::OneOrMore,
                                    cl::desc("<export-fixes.yaml>..."));
static cl::opt<std::string> Output("o", cl::desc("Write SARIF here (default: stdout)"),
                                   cl::value_desc("file"), cl::init("-"));
static cl::opt<std::string>
    SourceRoot("source-root",
               cl::desc("Make paths relative to this directory (default: the "
                        "current directory)"),
               cl::value_desc("dir"));

int main(int argc, char **argv) {
  cl::ParseCommandLineOptions(
      argc, argv,
      "iodrain-sarif: turns clang-tidy --export-fixes files into one SARIF "
      "2.1.0 log\n");
  SmallString<256> Root(SourceRoot);
  if (Root.empty())
    sys::fs::current_path(Root);
  sys::fs::make_absolute(Root);
  sys::path::remove_dots(Root, /*remove_dot_dot=*/true);
  if (!Root.ends_with("/"))
    Root += "/";

  iodrain::SarifWriter Writer(Root.str().str(), iodrain::builtinRuleHelp());
  for (const std::string &Input : Inputs) {
    auto Buffer = MemoryBuffer::getFile(Input);
    if (!Buffer) {
      errs() << "iodrain-sarif: cannot read '" << Input
             << "': " << Buffer.getError().message() << "\n";
      return 2;
    }
    if ((*Buffer)->getBuffer().trim().empty())
      continue; // clang-tidy writes nothing when it found nothing
    clang::tooling::TranslationUnitDiagnostics TU;
    yaml::Input In((*Buffer)->getBuffer());
    In >> TU;
    if (In.error()) {
      errs() << "iodrain-sarif: '" << Input
             << "' is not a clang-tidy export-fixes file\n";
      return 2;
    }
    Writer.add(TU);
  }
  std::error_code EC;
  raw_fd_ostream Out(Output, EC);
  if (EC) {
    errs() << "iodrain-sarif: cannot write '" << Output << "': " << EC.message()
           << "\n";
    return 2;
  }
  Out << formatv("{0:2}", Writer.log()) << "\n";
  return 0;
}
