//===- StmtSearch.h - Find a statement in a body --------------------------===//
//
// Several questions about a body are "does it contain a statement such
// that...": a delete, a `__finally`, a wait. One iterative walk answers
// them all (no recursion: generated bodies nest deeply).
//
//===----------------------------------------------------------------------===//

#ifndef IODRAIN_CORE_STMTSEARCH_H
#define IODRAIN_CORE_STMTSEARCH_H

#include "clang/AST/Stmt.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"

namespace iodrain {

/// The first statement under `Root` (itself included) that satisfies
/// `Pred`, in no particular order; null if none does. Without
/// `IntoLambdas`, a lambda's body (a function of its own) is not searched.
inline const clang::Stmt *
findStatement(const clang::Stmt *Root,
              llvm::function_ref<bool(const clang::Stmt *)> Pred,
              bool IntoLambdas = true) {
  llvm::SmallVector<const clang::Stmt *, 32> Work{Root};
  while (!Work.empty()) {
    const clang::Stmt *S = Work.pop_back_val();
    if (!S || (!IntoLambdas && S->getStmtClass() == clang::Stmt::LambdaExprClass))
      continue;
    if (Pred(S))
      return S;
    for (const clang::Stmt *Child : S->children())
      Work.push_back(Child);
  }
  return nullptr;
}

} // namespace iodrain

#endif // IODRAIN_CORE_STMTSEARCH_H
