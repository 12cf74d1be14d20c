//===- DrainFixSuggestion.h - A cancel-and-wait to insert before a close --===//
//
// For the simple shapes only: one pending request completed through its
// event or handle (no completion routine, no completion port in the
// function), handle and OVERLAPPED written as plain names visible at the
// close, and the close a statement of its own outside macros. The fix goes
// on a note, so clang-tidy applies it only with --fix-notes: inserting a
// wait changes behaviour, and the user decides.
//
//===----------------------------------------------------------------------===//

#ifndef IODRAIN_TIDY_DRAINFIXSUGGESTION_H
#define IODRAIN_TIDY_DRAINFIXSUGGESTION_H

#include "../core/Events.h"
#include "../core/ApiModel.h"
#include "clang/Basic/Diagnostic.h"
#include <optional>

namespace clang {
class ASTContext;
class CallExpr;
class FunctionDecl;
} // namespace clang

namespace iodrain {

/// `Function` is the analysed function, which contains `Close`.
std::optional<clang::FixItHint>
suggestDrainBeforeClose(const clang::CallExpr &Close,
                        const RequestView &Pending, const ApiModel &Model,
                        clang::ASTContext &Ctx,
                        const clang::FunctionDecl &Function);

} // namespace iodrain

#endif // IODRAIN_TIDY_DRAINFIXSUGGESTION_H
