//===- DeadValues.cpp - Forget the values of variables no longer read -----===//

#include "DeadValues.h"
#include "AbstractState.h"
#include "AccessPath.h"
#include "StmtSearch.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ParentMap.h"
#include "clang/AST/Stmt.h"
#include "clang/Analysis/CFG.h"
#include "llvm/ADT/BitVector.h"
#include "llvm/ADT/DenseSet.h"

using namespace clang;

namespace iodrain {
namespace {

/// Whether a reference to a variable only reads it or only stores to it:
/// under an lvalue-to-rvalue conversion, or the direct target of an
/// assignment, a compound assignment, `++` or `--`.
bool plainUse(const DeclRefExpr *DRE, const ParentMap &PM) {
  const Stmt *P = PM.getParent(DRE);
  while (P && isa<ParenExpr>(P))
    P = PM.getParent(P);
  if (const auto *Cast = dyn_cast_or_null<ImplicitCastExpr>(P))
    return Cast->getCastKind() == CK_LValueToRValue;
  if (const auto *BO = dyn_cast_or_null<BinaryOperator>(P))
    return BO->isAssignmentOp() && BO->getLHS()->IgnoreParens() == DRE;
  if (const auto *UO = dyn_cast_or_null<UnaryOperator>(P))
    return UO->isIncrementDecrementOp();
  return false;
}

/// Numbers only: flags and counters are what multiply paths. Pointers and
/// handles name objects, and the transfer functions look them up again
/// away from their uses (the pipe a later open connects to).
bool mayTrack(const VarDecl *VD, const FunctionDecl &FD) {
  QualType T = VD->getType();
  return VD->getDeclContext() == &FD && VD->hasLocalStorage() &&
         T->isIntegralOrEnumerationType() && !AccessPaths::isHandleLike(T) &&
         !T.isVolatileQualified();
}

} // namespace

DeadValues::DeadValues(const CFG &Graph, const FunctionDecl &FD,
                       const ParentMap &PM)
    : DeadOnEntry(Graph.getNumBlockIDs()) {
  // Which block mentions which variable; a variable also mentioned
  // anywhere else (a lambda's body, an unevaluated operand) or used
  // otherwise than plainly is not tracked.
  llvm::DenseMap<const VarDecl *, unsigned> Index;
  llvm::DenseSet<const VarDecl *> Untracked;
  llvm::DenseSet<const Stmt *> Elements;
  std::vector<llvm::SmallVector<const VarDecl *, 4>> Mentions(
      Graph.getNumBlockIDs());
  for (const CFGBlock *B : Graph) {
    for (const CFGElement &E : *B) {
      auto S = E.getAs<CFGStmt>();
      if (!S)
        continue;
      Elements.insert(S->getStmt());
      const VarDecl *VD = nullptr;
      if (const auto *DRE = dyn_cast<DeclRefExpr>(S->getStmt())) {
        VD = dyn_cast<VarDecl>(DRE->getDecl());
        if (VD && !plainUse(DRE, PM))
          Untracked.insert(VD);
      } else if (const auto *DS = dyn_cast<DeclStmt>(S->getStmt());
                 DS && DS->isSingleDecl()) {
        VD = dyn_cast<VarDecl>(DS->getSingleDecl());
      }
      if (VD && mayTrack(VD, FD)) {
        Index.try_emplace(VD, Index.size());
        Mentions[B->getBlockID()].push_back(VD);
      }
    }
  }
  if (FD.getBody())
    findStatement(FD.getBody(), [&](const Stmt *S) {
      if (const auto *DRE = dyn_cast<DeclRefExpr>(S))
        if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
            VD && !Elements.contains(S))
          Untracked.insert(VD);
      return false;
    });
  for (const ParmVarDecl *P : FD.parameters())
    if (mayTrack(P, FD))
      Index.try_emplace(P, Index.size());
  std::vector<const VarDecl *> Vars(Index.size());
  for (const auto &[VD, I] : Index)
    Vars[I] = VD;

  // Live on entry: mentioned here or live on entry to a successor (a
  // store counts as a mention: simple, and never forgets too early).
  unsigned N = Graph.getNumBlockIDs();
  std::vector<llvm::BitVector> LiveIn(N, llvm::BitVector(Vars.size()));
  for (bool Changed = true; Changed;) {
    Changed = false;
    for (const CFGBlock *B : llvm::reverse(Graph)) {
      llvm::BitVector In(Vars.size());
      for (const VarDecl *VD : Mentions[B->getBlockID()])
        In.set(Index[VD]);
      for (const CFGBlock *Succ : B->succs())
        if (Succ)
          In |= LiveIn[Succ->getBlockID()];
      if (In != LiveIn[B->getBlockID()]) {
        LiveIn[B->getBlockID()] = std::move(In);
        Changed = true;
      }
    }
  }

  // Dead on entry, and possibly held by a predecessor's paths: a path
  // holds a value at a block's entry only if the variable is live there
  // (it was forgotten where it died before).
  for (const CFGBlock *B : Graph) {
    llvm::BitVector Held(Vars.size());
    if (B == &Graph.getEntry())
      Held.set();
    for (const CFGBlock *Pred : B->preds())
      if (Pred)
        Held |= LiveIn[Pred->getBlockID()];
    Held.reset(LiveIn[B->getBlockID()]);
    for (unsigned I : Held.set_bits())
      if (!Untracked.contains(Vars[I]))
        DeadOnEntry[B->getBlockID()].push_back(Vars[I]);
  }
}

void DeadValues::forgetAtEntry(const CFGBlock &B, State &S) const {
  for (const VarDecl *VD : DeadOnEntry[B.getBlockID()])
    S.Vars.erase(AccessPath::variable(VD));
}

} // namespace iodrain
