//===- main.cpp - iodrain-tidy: clang-tidy with the iodrain module --------===//
//
// For platforms whose clang-tidy cannot load plugins (Windows builds of LLVM
// are static): the same command line as clang-tidy, iodrain checks built in.
//
//===----------------------------------------------------------------------===//

#include "clang-tidy/tool/ClangTidyMain.h"

extern volatile int IodrainModuleAnchorSource;
static int KeepIodrainModule = IodrainModuleAnchorSource;

int main(int argc, const char **argv) {
  (void)KeepIodrainModule;
  return clang::tidy::clangTidyMain(argc, argv);
}
