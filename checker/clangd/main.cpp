//===- main.cpp - iodrain-clangd: clangd with the iodrain module ----------===//
//
// clangd cannot load clang-tidy plugins, so the checks are linked in. On
// top of clangd: FastCheckFilter defaults to Loose (DefaultConfig.cpp),
// iodrain diagnostics link to iodrain's pages (LspOutputFilter.h), and a
// broken iodrain configuration shows in the file and the log.
//
//===----------------------------------------------------------------------===//

#include "../standalone/IodrainHelp.h"
#include "../tidy/IodrainCheck.h"
#include "LspOutputFilter.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Chrono.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

namespace clang {
namespace clangd {
int clangdMain(int argc, char *argv[]);
} // namespace clangd
} // namespace clang

extern volatile int IodrainModuleAnchorSource;
static int KeepIodrainModule = IodrainModuleAnchorSource;

namespace {

constexpr llvm::StringLiteral DocsFlag = "iodrain-docs-base-url=";

/// Takes --iodrain-docs-base-url=URL out of the arguments (clangd would
/// reject it); the flag wins over IODRAIN_DOCS_BASE_URL, which wins over
/// the default.
std::string takeDocsBaseUrl(std::vector<char *> &Args) {
  std::string Url = iodrain::DefaultDocsBaseUrl;
  if (const char *Env = std::getenv("IODRAIN_DOCS_BASE_URL"); Env && *Env)
    Url = Env;
  llvm::erase_if(Args, [&](char *Arg) {
    llvm::StringRef A(Arg);
    if (!A.consume_front("--") && !A.consume_front("-"))
      return false;
    if (!A.consume_front(DocsFlag))
      return false;
    Url = A.str();
    return true;
  });
  return Url;
}

/// Whether clangd will speak LSP on stdout (not --check, --help, ...).
bool servesLsp(llvm::ArrayRef<char *> Args) {
  for (llvm::StringRef Arg : Args.drop_front()) {
    Arg = Arg.ltrim('-');
    if (Arg.starts_with("check") || Arg.starts_with("help") ||
        Arg == "version" || Arg.starts_with("print-"))
      return false;
  }
  return true;
}

/// A line in clangd's log format, written in one piece so that it does not
/// interleave with clangd's own lines.
void logConfigurationProblem(llvm::StringRef File, llvm::StringRef Problem) {
  static std::mutex Lock;
  std::string Line = llvm::formatv(
      "E[{0:%H:%M:%S.%L}] iodrain: configuration for {1}: {2}\n",
      std::chrono::system_clock::now(), File, Problem);
  std::lock_guard<std::mutex> Guard(Lock);
  llvm::raw_fd_ostream Err(2, /*shouldClose=*/false, /*unbuffered=*/true);
  Err << Line;
}

} // namespace

int main(int argc, char *argv[]) {
  (void)KeepIodrainModule;
  std::vector<char *> Args(argv, argv + argc);
  std::string DocsBaseUrl = takeDocsBaseUrl(Args);
  // clangd's own help and version lines name only LLVM: say which iodrain
  // this is first.
  for (llvm::StringRef Arg : llvm::ArrayRef(Args).drop_front())
    if (Arg == "--version" || Arg == "-version")
      llvm::outs() << "iodrain-clangd (iodrain) " << IODRAIN_VERSION << "\n";
  if (iodrain::asksForHelp(Args.size(), Args.data()))
    iodrain::printIodrainHelp(
        llvm::outs(), "iodrain-clangd", "clangd 19",
        "iodrain-clangd's own flag and defaults:\n"
        "  --iodrain-docs-base-url=<url> - Where iodrain diagnostics link to:\n"
        "                                  <url>/<check without iodrain->.md\n"
        "                                  (else $IODRAIN_DOCS_BASE_URL, else\n"
        "                                  the address above)\n"
        "  FastCheckFilter               - Loose unless .clangd says otherwise\n"
        "                                  (clangd's own default is Strict)\n\n");
  // clangd drops clang-tidy's configuration diagnostics: iodrain's checks
  // report theirs in the file and here instead.
  iodrain::setConfigurationProblemLog(logConfigurationProblem);
  if (servesLsp(Args))
    iodrain::installLspOutputFilter(DocsBaseUrl);
  int Argc = Args.size();
  Args.push_back(nullptr);
  int Result = clang::clangd::clangdMain(Argc, Args.data());
  iodrain::finishLspOutputFilter();
  return Result;
}
