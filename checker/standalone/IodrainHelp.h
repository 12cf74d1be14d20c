//===- IodrainHelp.h - What --help says about iodrain first ---------------===//
//
// iodrain-tidy and iodrain-clangd print clang-tidy's or clangd's own help,
// which never names iodrain. This is the paragraph they print before it:
// the checks and options as the module itself registers and stores them,
// so the list cannot fall behind the code.
//
//===----------------------------------------------------------------------===//

#ifndef IODRAIN_STANDALONE_IODRAINHELP_H
#define IODRAIN_STANDALONE_IODRAINHELP_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

namespace iodrain {

/// Where the check pages (docs/checks/<check>.md) are published.
constexpr const char *DefaultDocsBaseUrl =
    "https://github.com/iodrain/iodrain/blob/main/docs/checks";

/// Whether `argv` asks for help (--help, -help, --help-hidden, --help-list).
bool asksForHelp(int argc, const char *const *argv);

/// The iodrain paragraph. `Tool` names the binary, `Host` what it is built
/// on ("clang-tidy 19", "clangd 19"); `OwnFlags` describes the flags the
/// binary adds to its host's, if any.
void printIodrainHelp(llvm::raw_ostream &OS, llvm::StringRef Tool,
                      llvm::StringRef Host, llvm::StringRef OwnFlags = "");

} // namespace iodrain

#endif // IODRAIN_STANDALONE_IODRAINHELP_H
