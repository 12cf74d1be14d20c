//===- ActiveBlocks.cpp - Where a path without requests can still matter --===//

#include "ActiveBlocks.h"
#include "ApiModel.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Analysis/CFG.h"
#include "llvm/ADT/SmallVector.h"

using namespace clang;

namespace iodrain {
namespace {

/// What a call may do that matters to a path holding no request.
constexpr Role Acting[] = {Role::Issue, Role::Cancel, Role::ThreadStart,
                           Role::DumpState};

bool acts(const CallExpr *CE, const ApiModel &Model, unsigned Levels,
          llvm::DenseMap<const FunctionDecl *, bool> &Memo) {
  // Calling a coroutine runs it to its first suspension, which may leave
  // I/O pending in its frame, whatever rule names it.
  const FunctionDecl *Callee = CE->getDirectCallee();
  const FunctionDecl *Body = nullptr;
  if (Callee && Callee->hasBody(Body) && isa<CoroutineBodyStmt>(Body->getBody()))
    return true;
  if (const FunctionRule *R = Model.lookupCall(CE))
    return llvm::any_of(Acting, [&](Role Want) { return R->hasRole(Want); });
  const FunctionDecl *Def =
      Levels > 0 ? ApiModel::followedDefinition(CE) : nullptr;
  return Def && Model.callsThrough(*Def, Acting, Levels - 1, Memo);
}

} // namespace

llvm::BitVector
activeBlocks(const CFG &Graph, const ApiModel &Model, unsigned Levels,
             llvm::DenseMap<const FunctionDecl *, bool> &Memo) {
  llvm::BitVector Active(Graph.getNumBlockIDs());
  llvm::SmallVector<const CFGBlock *, 32> Work;
  for (const CFGBlock *B : Graph) {
    bool Acts = llvm::any_of(*B, [&](const CFGElement &E) {
      auto SE = E.getAs<CFGStmt>();
      if (!SE)
        return false;
      if (const auto *CE = dyn_cast<CallExpr>(SE->getStmt()))
        return acts(CE, Model, Levels, Memo);
      // A constructor that starts I/O (followed where its object is named).
      const auto *CCE = dyn_cast<CXXConstructExpr>(SE->getStmt());
      const FunctionDecl *Def =
          CCE && Levels > 0 ? ApiModel::followedConstructor(CCE) : nullptr;
      return Def && Model.callsThrough(*Def, Acting, Levels - 1, Memo);
    });
    if (Acts) {
      Active.set(B->getBlockID());
      Work.push_back(B);
    }
  }
  // Backwards: a block is active when a path from it reaches an active one.
  while (!Work.empty()) {
    const CFGBlock *B = Work.pop_back_val();
    for (const CFGBlock *Pred : B->preds())
      if (Pred && !Active.test(Pred->getBlockID())) {
        Active.set(Pred->getBlockID());
        Work.push_back(Pred);
      }
  }
  return Active;
}

} // namespace iodrain
