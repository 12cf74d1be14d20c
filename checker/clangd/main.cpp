//===- main.cpp - iodrain-clangd: clangd with the iodrain module ----------===//
//
// clangd cannot load clang-tidy plugins, so the checks are linked in. Users
// must set `Diagnostics: ClangTidy: FastCheckFilter: Loose` in .clangd, or
// clangd drops checks it has no speed data for.
//
//===----------------------------------------------------------------------===//

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

namespace clang {
namespace clangd {
int clangdMain(int argc, char *argv[]);
} // namespace clangd
} // namespace clang

extern volatile int IodrainModuleAnchorSource;
static int KeepIodrainModule = IodrainModuleAnchorSource;

int main(int argc, char *argv[]) {
  (void)KeepIodrainModule;
  // clangd's own line names only LLVM: say which iodrain this is first.
  for (int I = 1; I < argc; ++I)
    if (llvm::StringRef(argv[I]) == "--version" ||
        llvm::StringRef(argv[I]) == "-version")
      llvm::outs() << "iodrain-clangd (iodrain) " << IODRAIN_VERSION << "\n";
  return clang::clangd::clangdMain(argc, argv);
}
