//===- PathExplorer.h - Path-sensitive exploration of one function --------===//
//
// Walks a function's clang::CFG path by path, carrying an abstract State.
// Each modeled call forks the path into its possible outcomes (a ReadFile
// completes, fails, or stays pending), so later tests of the result, of
// GetLastError() or of a flag set from them pick the right outcome. Paths
// with equal States merge after every CFG element, which keeps loops finite
// and straight-line code linear. Work is bounded by an explicit budget.
//
// The CFG has destructors, lifetime ends and scopes, so the ends of
// automatic storage and RAII closes are program points like calls. Every
// observer hears every event of the one exploration (Events.h).
//
//===----------------------------------------------------------------------===//

#ifndef IODRAIN_CORE_PATHEXPLORER_H
#define IODRAIN_CORE_PATHEXPLORER_H

#include "AbstractState.h"
#include "ApiModel.h"
#include "Events.h"
#include "llvm/ADT/ArrayRef.h"
#include <functional>
#include <vector>

namespace clang {
class ASTContext;
class FunctionDecl;
} // namespace clang

namespace iodrain {

class SummaryCache;

struct AnalysisBudget {
  /// Path states explored: block entries and the extra paths of forks.
  unsigned MaxBlockVisits = 50000;
  unsigned MaxCfgBlocks = 5000; ///< Larger functions are skipped.
  unsigned MaxNotes = 6;        ///< Path steps shown per request.
  /// Follow calls into functions of the translation unit. A function that
  /// uses up its budget this way is analysed again with calls unknown.
  bool FollowCalls = true;
};

class TranslationUnitFacts;

/// What the first pass over the translation unit tells one exploration.
struct UnitContext {
  const TranslationUnitFacts *Facts = nullptr;
  /// Summaries of followed calls that any function of the unit may apply;
  /// none: each function makes its own.
  SummaryCache *Summaries = nullptr;
  /// States the function may start in besides the empty one (requests its
  /// objects' protocols may have left pending).
  std::vector<State> EntryStates;
  /// Hears every state that reaches the function's exit, and, holding
  /// only them, the requests it publishes where other code finds them.
  std::function<void(const State &)> OnExit;
};

/// Explores `FD` once for all observers. Each observer hears
/// onFunctionBegin, the events, then onFunctionEnd with the outcome; an
/// observer reports its findings only if the outcome is Completed.
AnalysisResult explore(const clang::FunctionDecl &FD, clang::ASTContext &Ctx,
                       const ApiModel &Model, const AnalysisBudget &Budget,
                       llvm::ArrayRef<AnalysisObserver *> Observers,
                       const UnitContext *Unit = nullptr);

} // namespace iodrain

#endif // IODRAIN_CORE_PATHEXPLORER_H
