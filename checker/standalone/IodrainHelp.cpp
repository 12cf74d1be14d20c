//===- IodrainHelp.cpp ----------------------------------------------------===//

#include "IodrainHelp.h"
#include "../tidy/AnalysisSession.h"
#include "../tidy/IodrainCheck.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include <string>
#include <vector>

namespace iodrain {

bool asksForHelp(int argc, const char *const *argv) {
  for (int I = 1; I < argc; ++I) {
    llvm::StringRef Arg = llvm::StringRef(argv[I]).ltrim('-');
    if (Arg == "help" || Arg == "help-hidden" || Arg == "help-list" ||
        Arg == "help-list-hidden")
      return true;
  }
  return false;
}

void printIodrainHelp(llvm::raw_ostream &OS, llvm::StringRef Tool,
                      llvm::StringRef Host, llvm::StringRef OwnFlags) {
  OS << "OVERVIEW: " << Tool << " is " << Host
     << " with iodrain built in: iodrain finds Windows\n"
        "overlapped-I/O lifetime bugs (handles closed, buffers and "
        "OVERLAPPEDs freed\n"
        "while I/O on them may still be pending) in C and C++.\n\n"
        "iodrain's checks (enable them with Checks: '-*,iodrain-*' in "
        ".clang-tidy):\n";
  for (const std::string &Name : iodrainCheckNames())
    OS << "  " << Name << "\n";
  OS << "\niodrain's options (CheckOptions in .clang-tidy; the environment\n"
        "variable IODRAIN_OPTIONS, a YAML mapping, overrides them), with "
        "their defaults:\n";
  clang::tidy::ClangTidyOptions::OptionMap Options;
  EngineOptions().store(Options);
  std::vector<std::pair<std::string, std::string>> Sorted;
  for (const auto &Option : Options)
    Sorted.emplace_back(Option.getKey().str(), Option.getValue().Value);
  llvm::sort(Sorted);
  for (const auto &[Name, Default] : Sorted)
    OS << llvm::formatv("  {0,-30} {1}\n", Name,
                        Default.empty() ? "(none)" : Default);
  OS << "\nDocumentation: docs/ in iodrain's sources (integration.md, "
        "design.md), with one\n"
        "page per check in docs/checks/, also published at\n  "
     << DefaultDocsBaseUrl << "\n\n"
     << OwnFlags << "The rest is " << Host << "'s own help.\n\n";
}

} // namespace iodrain
