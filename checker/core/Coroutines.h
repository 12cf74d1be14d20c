//===- Coroutines.h - Coroutines that suspend with I/O in their frame -----===//
//
// A C++20 coroutine that co_awaits an awaiter whose await_suspend starts
// overlapped I/O on the awaiter's own OVERLAPPED suspends with that request
// pending in its frame (the awaiter is a temporary of the frame). Whoever
// holds the coroutine's handle then owns the request's storage: destroying
// the frame before the completion frees it under the kernel.
//
//===----------------------------------------------------------------------===//

#ifndef IODRAIN_CORE_COROUTINES_H
#define IODRAIN_CORE_COROUTINES_H

#include <optional>

namespace clang {
class CallExpr;
class CXXRecordDecl;
class FieldDecl;
class FunctionDecl;
class QualType;
class Stmt;
} // namespace clang

namespace iodrain {

class ApiModel;
struct FunctionRule;

/// Where a coroutine suspends with a request pending in its frame.
struct SuspendedIssue {
  /// The issuing call in the awaiter's await_suspend.
  const clang::CallExpr *Issue = nullptr;
  const FunctionRule *Rule = nullptr;
  /// The coroutine's parameter the request's handle comes from, if the
  /// awaiter is built from one (`read_op{h, ...}`).
  std::optional<unsigned> HandleParam;
};

/// The first suspension of `Coroutine` (a definition) with a request
/// pending in its frame, if any.
std::optional<SuspendedIssue>
suspendedIssueOf(const clang::FunctionDecl &Coroutine, const ApiModel &Model);

/// Whether `Body` calls a coroutine that suspends with a request pending
/// in its frame: the caller then holds that request.
bool callsSuspendingCoroutine(const clang::Stmt *Body, const ApiModel &Model);

/// Whether `T` is a specialisation of std::coroutine_handle.
bool isCoroutineHandle(clang::QualType T);

/// The one member of `RD` that is a coroutine handle: how a coroutine's
/// return object (a task) refers to its frame.
const clang::FieldDecl *frameHandleOf(const clang::CXXRecordDecl *RD);

} // namespace iodrain

#endif // IODRAIN_CORE_COROUTINES_H
