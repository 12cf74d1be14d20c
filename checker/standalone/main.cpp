//===- main.cpp - iodrain-tidy: clang-tidy with the iodrain module --------===//
//
// For platforms whose clang-tidy cannot load plugins (Windows builds of LLVM
// are static): the same command line as clang-tidy, iodrain checks built in.
//
//===----------------------------------------------------------------------===//

#include "IodrainHelp.h"
#include "clang-tidy/tool/ClangTidyMain.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

extern volatile int IodrainModuleAnchorSource;
static int KeepIodrainModule = IodrainModuleAnchorSource;

int main(int argc, const char **argv) {
  (void)KeepIodrainModule;
  // clang-tidy's own help and version lines name only LLVM: say which
  // iodrain this is first.
  for (int I = 1; I < argc; ++I)
    if (llvm::StringRef(argv[I]) == "--version" ||
        llvm::StringRef(argv[I]) == "-version")
      llvm::outs() << "iodrain-tidy (iodrain) " << IODRAIN_VERSION << "\n";
  if (iodrain::asksForHelp(argc, argv))
    iodrain::printIodrainHelp(llvm::outs(), "iodrain-tidy", "clang-tidy 19");
  return clang::tidy::clangTidyMain(argc, argv);
}
