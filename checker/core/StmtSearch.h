//===- StmtSearch.h - Find a statement in a body --------------------------===//
//
// Several questions about a body are "does it contain a statement such
// that...": a delete, a `__finally`, a wait. One iterative walk answers
// them all (no recursion: generated bodies nest deeply).
//
//===----------------------------------------------------------------------===//

#ifndef IODRAIN_CORE_STMTSEARCH_H
#define IODRAIN_CORE_STMTSEARCH_H

#include "clang/AST/Expr.h"
#include "clang/AST/Stmt.h"
#include "clang/AST/StmtCXX.h"
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

/// The condition a statement branches on, if it branches (a switch's
/// only when asked: its cases are no true and false).
inline const clang::Expr *conditionOf(const clang::Stmt *S,
                                      bool Switches = false) {
  using namespace clang;
  if (const auto *If = dyn_cast<IfStmt>(S))
    return If->getCond();
  if (const auto *While = dyn_cast<WhileStmt>(S))
    return While->getCond();
  if (const auto *Do = dyn_cast<DoStmt>(S))
    return Do->getCond();
  if (const auto *For = dyn_cast<ForStmt>(S))
    return For->getCond();
  if (const auto *Switch = dyn_cast<SwitchStmt>(S))
    return Switches ? Switch->getCond() : nullptr;
  if (const auto *CO = dyn_cast<ConditionalOperator>(S))
    return CO->getCond();
  if (const auto *BO = dyn_cast<BinaryOperator>(S); BO && BO->isLogicalOp())
    return BO->getLHS();
  return nullptr;
}

} // namespace iodrain

#endif // IODRAIN_CORE_STMTSEARCH_H
