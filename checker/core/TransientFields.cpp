//===- TransientFields.cpp - Forget fields that say nothing about I/O -----===//

#include "TransientFields.h"
#include "AbstractState.h"
#include "AccessPath.h"
#include "StmtSearch.h"
#include "TranslationUnitFacts.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ParentMap.h"

using namespace clang;

namespace iodrain {
namespace {

/// Whether the member expression is the target of a plain `=`.
bool onlyStored(const MemberExpr *ME, const ParentMap &PM) {
  const Stmt *Child = ME;
  const Stmt *P = PM.getParent(ME);
  while (P && isa<ParenExpr>(P)) {
    Child = P;
    P = PM.getParent(P);
  }
  const auto *BO = dyn_cast_or_null<BinaryOperator>(P);
  return BO && BO->getOpcode() == BO_Assign && BO->getLHS() == Child;
}

bool mayForget(const FieldDecl *F) {
  QualType T = F->getType();
  return T->isIntegralOrEnumerationType() && !AccessPaths::isHandleLike(T) &&
         !T.isVolatileQualified();
}

} // namespace

TransientFields::TransientFields(const FunctionDecl &FD,
                                 const TranslationUnitFacts &Facts,
                                 const ParentMap &PM)
    : Facts(Facts) {
  llvm::SmallPtrSet<const FieldDecl *, 8> Stored, Read;
  findStatement(FD.getBody(), [&](const Stmt *S) {
    const auto *ME = dyn_cast<MemberExpr>(S);
    const auto *F = ME ? dyn_cast<FieldDecl>(ME->getMemberDecl()) : nullptr;
    if (F)
      (onlyStored(ME, PM) ? Stored : Read).insert(F->getCanonicalDecl());
    return false;
  });
  for (const FieldDecl *F : Stored)
    if (!Read.contains(F) && mayForget(F) && Facts.isPlainField(F) &&
        !Facts.mayCorrelate(F))
      Fields.insert(F);
}

void TransientFields::forget(State &S) const {
  S.Vars.eraseIf([&](const AccessPath &P, const AbsValue &) {
    return Fields.contains(plainMember(P, Facts));
  });
}

const FieldDecl *TransientFields::plainMember(const AccessPath &P,
                                              const TranslationUnitFacts &Facts) {
  // A member of a record held by value in another is part of that one too
  // (`c->flags.pending` is part of a `struct conn`): every record on the
  // way must hold only numbers.
  llvm::ArrayRef<PathComponent> C = P.components();
  if (C.empty() || C.back().K != PathComponent::Field)
    return nullptr;
  for (size_t I = C.size(); I-- > 0 && C[I].K == PathComponent::Field;)
    if (!Facts.isPlainField(static_cast<const FieldDecl *>(C[I].Ptr)))
      return nullptr;
  return static_cast<const FieldDecl *>(C.back().Ptr);
}

} // namespace iodrain
