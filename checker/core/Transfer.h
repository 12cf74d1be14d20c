//===- Transfer.h - How statements and calls change a path's State --------===//
//
// Internal to the explorer. Expressions are evaluated lazily over the State;
// calls, assignments and declarations are applied as CFG elements and may
// fork a path into several outcomes.
//
//===----------------------------------------------------------------------===//

#ifndef IODRAIN_CORE_TRANSFER_H
#define IODRAIN_CORE_TRANSFER_H

#include "AbstractState.h"
#include "AccessPath.h"
#include "ApiModel.h"
#include "PathExplorer.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"

namespace clang {
class ASTContext;
class CallExpr;
class DeclStmt;
class Expr;
class ParentMap;
class SourceManager;
class Stmt;
} // namespace clang

namespace iodrain {

/// A close that may leave I/O pending, as first found on some path.
struct CloseFinding {
  const FunctionRule *Rule = nullptr;
  std::string HandleText;
  std::vector<Request> Pending;
};

class Transfer {
public:
  Transfer(clang::ASTContext &Ctx, const ApiModel &Model,
           const AnalysisBudget &Budget, clang::ParentMap &PM);

  /// Applies one CFG statement element; appends the resulting states.
  void element(const clang::Stmt *S, State St, llvm::SmallVectorImpl<State> &Out);

  /// Drops expression values of finished full expressions when `Next`
  /// starts a new one.
  void enterStatement(State &St, const clang::Stmt *Next);

  AbsValue valueOf(const State &S, const clang::Expr *E) const;

  /// Notes the lvalues a branch condition reads. What a branch teaches
  /// about an lvalue is kept only if some other condition reads it again:
  /// remembering values nobody tests again would only keep paths apart.
  void countConditionReads(const clang::Expr *Cond);

  /// Restricts the path to `Cond == Truth`; false if that is impossible.
  bool assume(State &S, const clang::Expr *Cond, bool Truth) const;

  std::string sourceText(const clang::Expr *E, size_t MaxLength = 60) const;
  clang::SourceLocation reportLoc(const clang::Stmt *S) const;

  const llvm::MapVector<const clang::CallExpr *, CloseFinding> &
  closeFindings() const {
    return Findings;
  }

private:
  // Call effects, one per role (CallEffects.cpp).
  void call(const clang::CallExpr *CE, State S, llvm::SmallVectorImpl<State> &Out);
  void issue(const clang::CallExpr *CE, const FunctionRule &R, State S,
             llvm::SmallVectorImpl<State> &Out);
  void cancel(const clang::CallExpr *CE, const FunctionRule &R, State S,
              llvm::SmallVectorImpl<State> &Out);
  void waitOverlapped(const clang::CallExpr *CE, const FunctionRule &R,
                      State S, llvm::SmallVectorImpl<State> &Out);
  void waitObjects(const clang::CallExpr *CE, const FunctionRule &R, State S,
                   llvm::SmallVectorImpl<State> &Out);
  void dequeue(const clang::CallExpr *CE, const FunctionRule &R, State S,
               llvm::SmallVectorImpl<State> &Out);
  void alertableSleep(const clang::CallExpr *CE, const FunctionRule &R,
                      State S, llvm::SmallVectorImpl<State> &Out);
  void close(const clang::CallExpr *CE, const FunctionRule &R, State S,
             llvm::SmallVectorImpl<State> &Out);
  void unknownCall(const clang::CallExpr *CE, State &S) const;
  void invalidateOutArgs(const clang::CallExpr *CE, const FunctionRule &R,
                         State &S) const;

  const FunctionRule *ruleFor(const clang::CallExpr *CE) const;
  const clang::Expr *argExpr(const clang::CallExpr *CE, ArgRef A) const;
  ObjectRef objectArg(const State &S, const clang::CallExpr *CE, ArgRef A) const;
  ObjectRef overlappedArg(const State &S, const clang::CallExpr *CE,
                          ArgRef A) const;
  std::optional<int64_t> intArg(const State &S, const clang::CallExpr *CE,
                                ArgRef A) const;
  std::string calleeName(const clang::CallExpr *CE) const;
  /// Whether the wait may return early to run completion routines.
  bool mayBeAlerted(const State &S, const clang::CallExpr *CE,
                    const FunctionRule &R) const;
  /// The requests whose completion routines the wait may run.
  std::vector<std::string> routinesRunBy(const State &S,
                                         const clang::CallExpr *CE,
                                         const FunctionRule &R) const;
  void note(Request &R, const clang::Stmt *At, std::string Text) const;

  // Statements (Transfer.cpp).
  void declare(const clang::DeclStmt *DS, State &S) const;
  void assign(const clang::Expr *E, State &S) const;
  AbsValue assignedValue(const State &S, clang::QualType T,
                         const clang::Expr *RHS) const;
  void storeInit(State &S, const std::string &Key, clang::QualType T,
                 const clang::Expr *Init) const;
  void rename(State &S, const std::string &Prefix, const void *Tag) const;
  void escape(State &S, const std::string &ObjectKey) const;
  bool refine(State &S, const clang::Expr *Sub, bool Equal, int64_t C) const;
  int64_t castTo(int64_t V, clang::QualType T) const;
  const clang::Stmt *fullExprOf(const clang::Stmt *S);

  clang::ASTContext &Ctx;
  const clang::SourceManager &SM;
  const ApiModel &Model;
  const AnalysisBudget &Budget;
  clang::ParentMap &PM;
  AccessPaths Paths;
  llvm::DenseMap<const clang::Stmt *, const clang::Stmt *> FullExprCache;
  llvm::MapVector<const clang::CallExpr *, CloseFinding> Findings;
  llvm::StringMap<unsigned> ConditionReads;
};

/// Win32 values the model relies on (from the mingw-w64 headers).
namespace win32 {
constexpr int64_t ErrorIoPending = 997;    // ERROR_IO_PENDING, WSA_IO_PENDING
constexpr int64_t ErrorIoIncomplete = 996; // ERROR_IO_INCOMPLETE
constexpr int64_t ErrorNotFound = 1168;    // ERROR_NOT_FOUND
constexpr int64_t WaitTimeout = 258;       // WAIT_TIMEOUT
constexpr int64_t WaitIoCompletion = 192;  // WAIT_IO_COMPLETION
constexpr int64_t StatusPending = 0x103;   // STATUS_PENDING (OVERLAPPED.Internal)
constexpr int64_t Infinite = 0xFFFFFFFF;   // INFINITE
constexpr int64_t FileFlagOverlapped = 0x40000000;
constexpr int64_t SocketError = -1; // SOCKET_ERROR
} // namespace win32

} // namespace iodrain

#endif // IODRAIN_CORE_TRANSFER_H
