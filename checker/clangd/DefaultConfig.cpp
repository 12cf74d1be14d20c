//===- DefaultConfig.cpp - iodrain-clangd's defaults under all .clangd ----===//
//
// clangd 19 drops clang-tidy checks it has no speed data for unless the
// configuration says `FastCheckFilter: Loose` (or None); every out-of-tree
// check is such a check. iodrain-clangd exists to run iodrain's checks, so
// its default is Loose: a configuration fragment applied before all others,
// so that any .clangd or user config.yaml that sets the filter still wins.
//
// clangd's headers are not installed, so the fragment goes in at link time:
// `--wrap` routes clangdMain's call to config::Provider::combine here, and
// this adds a provider that reads the fragment from memory in front of the
// ones clangdMain built. Should clangd's signatures change, the link fails
// (undefined __real_ symbol) rather than the default silently vanishing.
//
//===----------------------------------------------------------------------===//

#include "llvm/ADT/IntrusiveRefCntPtr.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/VirtualFileSystem.h"
#include <optional>
#include <vector>

namespace clang {
namespace clangd {
// As declared in clangd 19's support/ThreadsafeFS.h.
class ThreadsafeFS {
public:
  virtual ~ThreadsafeFS() = default;
  llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem>
  view(std::nullopt_t CWD) const {
    return viewImpl();
  }
  llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem>
  view(llvm::StringRef CWD) const;

private:
  virtual llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> viewImpl() const = 0;
};
} // namespace clangd
} // namespace clang

namespace iodrain {
/// std::unique_ptr<config::Provider> as the ABI passes it: one pointer, in
/// memory (a non-trivial destructor). Never destroyed here.
struct ProviderPtr {
  void *Provider = nullptr;
  ~ProviderPtr() {}
};
} // namespace iodrain

using iodrain::ProviderPtr;

namespace {

#ifdef _WIN32
constexpr const char *DefaultsPath = "C:\\iodrain-clangd\\defaults.yaml";
#else
constexpr const char *DefaultsPath = "/iodrain-clangd/defaults.yaml";
#endif

constexpr const char *DefaultsYaml = "Diagnostics:\n"
                                     "  ClangTidy:\n"
                                     "    FastCheckFilter: Loose\n";

/// A file system holding only the defaults fragment.
class DefaultsFS : public clang::clangd::ThreadsafeFS {
  llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> viewImpl() const override {
    auto FS = llvm::makeIntrusiveRefCnt<llvm::vfs::InMemoryFileSystem>();
    FS->addFile(DefaultsPath, /*ModificationTime=*/0,
                llvm::MemoryBuffer::getMemBuffer(DefaultsYaml));
    return FS;
  }
};

} // namespace

// clang::clangd::config::Provider::fromYAMLFile(StringRef AbsPath,
//     StringRef Directory, const ThreadsafeFS &, bool Trusted)
ProviderPtr fromYAMLFile(llvm::StringRef, llvm::StringRef,
                         const clang::clangd::ThreadsafeFS &, bool) __asm__(
    "_ZN5clang6clangd6config8Provider12fromYAMLFileEN4llvm9StringRefES4_"
    "RKNS0_12ThreadsafeFSEb");
// clang::clangd::config::Provider::combine(std::vector<const Provider *>)
ProviderPtr realCombine(std::vector<const void *>) __asm__(
    "__real__ZN5clang6clangd6config8Provider7combineESt6vectorIPKS2_SaIS5_"
    "EE");

ProviderPtr wrapCombine(std::vector<const void *> Providers) __asm__(
    "__wrap__ZN5clang6clangd6config8Provider7combineESt6vectorIPKS2_SaIS5_"
    "EE");

ProviderPtr wrapCombine(std::vector<const void *> Providers) {
  // Built once and kept for the life of the process, as clangdMain keeps
  // its own providers.
  static DefaultsFS FS;
  static ProviderPtr Defaults =
      fromYAMLFile(DefaultsPath, /*Directory=*/"", FS, /*Trusted=*/false);
  Providers.insert(Providers.begin(), Defaults.Provider);
  return realCombine(std::move(Providers));
}
