//===- LspOutputFilter.h - Rewrites what iodrain-clangd tells the editor --===//
//
// clangd links every clang-tidy diagnostic to a page under
// clang.llvm.org/extra/clang-tidy/checks/, which does not exist for
// iodrain's checks, and offers no hook to change it. iodrain-clangd puts a
// pipe between clangd and stdout instead: clangd's LSP messages go through
// a thread that points the links of iodrain diagnostics at iodrain's own
// pages and forwards everything else unchanged.
//
//===----------------------------------------------------------------------===//

#ifndef IODRAIN_CLANGD_LSPOUTPUTFILTER_H
#define IODRAIN_CLANGD_LSPOUTPUTFILTER_H

#include "llvm/ADT/StringRef.h"
#include <string>

namespace iodrain {

/// The link of check `Check` (iodrain-close-pending-io): its page,
/// `<DocsBaseUrl>/close-pending-io.md`.
std::string checkDocsUrl(llvm::StringRef DocsBaseUrl, llvm::StringRef Check);

/// One LSP message body with the documentation links of iodrain
/// diagnostics (any object whose "code" is an iodrain check and that has a
/// "codeDescription") pointing under `DocsBaseUrl`. Bodies without any, or
/// that are not JSON, come back unchanged.
std::string rewriteDocsLinks(llvm::StringRef Body,
                             llvm::StringRef DocsBaseUrl);

/// Routes stdout through the rewriting thread. Returns false (and changes
/// nothing) if the pipe cannot be set up.
bool installLspOutputFilter(std::string DocsBaseUrl);

/// Forwards what clangd wrote last and stops the thread; stdout is the real
/// one again. Safe to call more than once, and at exit.
void finishLspOutputFilter();

} // namespace iodrain

#endif // IODRAIN_CLANGD_LSPOUTPUTFILTER_H
