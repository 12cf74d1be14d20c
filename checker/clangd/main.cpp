//===- main.cpp - iodrain-clangd: clangd with the iodrain module ----------===//
//
// clangd cannot load clang-tidy plugins, so the checks are linked in. Users
// must set `Diagnostics: ClangTidy: FastCheckFilter: Loose` in .clangd, or
// clangd drops checks it has no speed data for.
//
//===----------------------------------------------------------------------===//

namespace clang {
namespace clangd {
int clangdMain(int argc, char *argv[]);
} // namespace clangd
} // namespace clang

extern volatile int IodrainModuleAnchorSource;
static int KeepIodrainModule = IodrainModuleAnchorSource;

int main(int argc, char *argv[]) {
  (void)KeepIodrainModule;
  return clang::clangd::clangdMain(argc, argv);
}
