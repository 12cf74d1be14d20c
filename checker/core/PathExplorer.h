//===- PathExplorer.h - Path-sensitive exploration of one function --------===//
//
// Walks a function's clang::CFG path by path, carrying an abstract State.
// Each modeled call forks the path into its possible outcomes (a ReadFile
// completes, fails, or stays pending), so later tests of the result, of
// GetLastError() or of a flag set from them pick the right outcome. Paths
// that reach a block with the same State are merged, which keeps loops
// finite. Work is bounded by an explicit budget; a function that exhausts it
// gets no findings at all rather than guesses.
//
// Checks observe the exploration through PendingIoObserver.
//
//===----------------------------------------------------------------------===//

#ifndef IODRAIN_CORE_PATHEXPLORER_H
#define IODRAIN_CORE_PATHEXPLORER_H

#include "AbstractState.h"
#include "ApiModel.h"
#include "llvm/ADT/ArrayRef.h"
#include <string>

namespace clang {
class ASTContext;
class CallExpr;
class Expr;
class FunctionDecl;
} // namespace clang

namespace iodrain {

struct AnalysisBudget {
  unsigned MaxBlockVisits = 20000; ///< Block visits over all paths.
  unsigned MaxCfgBlocks = 5000;    ///< Larger functions are skipped.
  unsigned MaxNotes = 6;           ///< Path notes kept per request.
};

/// Receives the events a check reports on. The requests passed are those
/// that may still be pending on the path that reached the event.
class PendingIoObserver {
public:
  virtual ~PendingIoObserver();
  /// A handle is closed while requests issued on it may be pending.
  virtual void onCloseWithPending(const clang::CallExpr *Close,
                                  const FunctionRule &Rule,
                                  llvm::StringRef HandleText,
                                  llvm::ArrayRef<const Request *> Pending) = 0;
};

struct AnalysisResult {
  enum Status { Completed, Skipped, BudgetExhausted } Outcome = Completed;
  std::string Reason;
  unsigned BlockVisits = 0;
};

/// Explores `FD`. Observer events are delivered only when the exploration
/// completes within budget, so that an exhausted budget means silence.
AnalysisResult explore(const clang::FunctionDecl &FD, clang::ASTContext &Ctx,
                       const ApiModel &Model, const AnalysisBudget &Budget,
                       PendingIoObserver &Observer);

} // namespace iodrain

#endif // IODRAIN_CORE_PATHEXPLORER_H
