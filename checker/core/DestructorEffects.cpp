//===- DestructorEffects.cpp ----------------------------------------------===//

#include "DestructorEffects.h"
#include "AccessPath.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMap.h"
#include "clang/AST/RecursiveASTVisitor.h"

using namespace clang;

namespace iodrain {
namespace {

/// `h_`, `this->h_` or `this->file.h`: the chain of members of `*this`.
bool memberChain(const Expr *E, llvm::SmallVectorImpl<const FieldDecl *> &Out) {
  E = stripIdentityCasts(E);
  const auto *ME = dyn_cast<MemberExpr>(E);
  if (!ME)
    return false;
  const auto *FD = dyn_cast<FieldDecl>(ME->getMemberDecl());
  if (!FD)
    return false;
  const Expr *Base = ME->getBase()->IgnoreParenImpCasts();
  if (!isa<CXXThisExpr>(Base) && !memberChain(Base, Out))
    return false;
  Out.push_back(FD);
  return true;
}

/// Whether `E` is (a cast of) the parameter `P`.
bool isParam(const Expr *E, const ParmVarDecl *P) {
  const auto *DRE = dyn_cast<DeclRefExpr>(stripIdentityCasts(E));
  return DRE && DRE->getDecl() == P;
}

const Expr *argOf(const CallExpr *CE, ArgRef A) {
  if (A.K == ArgRef::This) {
    const auto *MCE = dyn_cast<CXXMemberCallExpr>(CE);
    return MCE ? MCE->getImplicitObjectArgument() : nullptr;
  }
  if (A.K != ArgRef::Index || A.Position > CE->getNumArgs())
    return nullptr;
  return CE->getArg(A.Position - 1);
}

/// Calls in `Body` that close or free what `Target` selects.
template <typename Select>
void collect(const Stmt *Body, const ApiModel &Model, Select Target,
             std::vector<DestructorEffect> &Out) {
  struct Finder : RecursiveASTVisitor<Finder> {
    const ApiModel &Model;
    Select &Target;
    std::vector<DestructorEffect> &Out;
    Finder(const ApiModel &M, Select &T, std::vector<DestructorEffect> &O)
        : Model(M), Target(T), Out(O) {}
    bool VisitCallExpr(CallExpr *CE) {
      const FunctionRule *R = Model.lookupCall(CE);
      if (!R || (R->FunctionRole != Role::Close && R->FunctionRole != Role::Free))
        return true;
      const Expr *Arg = argOf(CE, R->FunctionRole == Role::Close ? R->Handle
                                                                  : R->Pointer);
      DestructorEffect E;
      E.K = R->FunctionRole == Role::Close ? DestructorEffect::Close
                                           : DestructorEffect::Free;
      E.Rule = R;
      if (Arg && Target(Arg, E))
        Out.push_back(std::move(E));
      return true;
    }
  } F(Model, Target, Out);
  F.TraverseStmt(const_cast<Stmt *>(Body));
}

/// What a deleter function does to its first parameter.
void functionAsDeleter(const FunctionDecl *FD, const ApiModel &Model,
                       std::vector<DestructorEffect> &Out) {
  if (const FunctionRule *R = Model.lookup(FD);
      R && (R->FunctionRole == Role::Close || R->FunctionRole == Role::Free)) {
    ArgRef A = R->FunctionRole == Role::Close ? R->Handle : R->Pointer;
    if (A.K == ArgRef::Index && A.Position == 1) {
      DestructorEffect E;
      E.K = R->FunctionRole == Role::Close ? DestructorEffect::Close
                                           : DestructorEffect::Free;
      E.Rule = R;
      E.OnHeldPointer = true;
      Out.push_back(std::move(E));
    }
    return;
  }
  const FunctionDecl *Def = nullptr;
  if (FD->getNumParams() < 1 || !FD->hasBody(Def) || !Def)
    return;
  const ParmVarDecl *P = Def->getParamDecl(0);
  collect(Def->getBody(), Model,
          [&](const Expr *Arg, DestructorEffect &E) {
            E.OnHeldPointer = true;
            return isParam(Arg, P);
          },
          Out);
}

/// What a deleter object's call operator does to its parameter.
void classAsDeleter(const CXXRecordDecl *Deleter, const ApiModel &Model,
                    std::vector<DestructorEffect> &Out) {
  if (!Deleter || !Deleter->getDefinition())
    return;
  for (const CXXMethodDecl *M : Deleter->getDefinition()->methods())
    if (M->getOverloadedOperator() == OO_Call)
      functionAsDeleter(M, Model, Out);
}

bool isSmartPointer(const CXXRecordDecl *RD) {
  return RD && RD->isInStdNamespace() &&
         (RD->getName() == "unique_ptr" || RD->getName() == "shared_ptr");
}

std::vector<DestructorEffect> compute(const CXXRecordDecl *RD,
                                      const ApiModel &Model) {
  std::vector<DestructorEffect> Effects;
  RD = RD->getDefinition();
  if (!RD)
    return Effects;
  // std::unique_ptr<T, Deleter>: the deleter's call operator. A deleter
  // given to the constructor is the constructor's (deleterEffects).
  if (isSmartPointer(RD)) {
    const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(RD);
    if (RD->getName() == "unique_ptr" && Spec &&
        Spec->getTemplateArgs().size() >= 2)
      classAsDeleter(
          Spec->getTemplateArgs()[1].getAsType()->getAsCXXRecordDecl(), Model,
          Effects);
    return Effects;
  }
  const CXXDestructorDecl *D = RD->getDestructor();
  const FunctionDecl *Def = nullptr;
  if (!D || !D->hasBody(Def) || !Def)
    return Effects;
  collect(Def->getBody(), Model,
          [](const Expr *Arg, DestructorEffect &E) {
            return memberChain(Arg, E.Fields);
          },
          Effects);
  return Effects;
}

/// Whether the use `E` of a smart pointer leaves its ownership in place:
/// `p.get()`, `*p`, `p->`, comparisons and tests.
bool keepsOwnership(const Expr *Use, ParentMap &PM) {
  const Stmt *Parent = PM.getParentIgnoreParenImpCasts(const_cast<Expr *>(Use));
  if (const auto *ME = dyn_cast_or_null<MemberExpr>(Parent)) {
    const auto *MD = dyn_cast<CXXMethodDecl>(ME->getMemberDecl());
    return MD && (MD->getName() == "get" || MD->isConst());
  }
  if (const auto *OCE = dyn_cast_or_null<CXXOperatorCallExpr>(Parent))
    switch (OCE->getOperator()) {
    case OO_Arrow:
    case OO_Star:
    case OO_EqualEqual:
    case OO_ExclaimEqual:
      return true;
    default:
      return false;
    }
  return false;
}

} // namespace

/// Whether every use of the local smart pointer `VD` in its function
/// leaves its ownership in place.
bool keepsOwnershipThroughout(const VarDecl *VD) {
  const auto *FD = dyn_cast<FunctionDecl>(VD->getDeclContext());
  const Stmt *Body = FD ? FD->getBody() : nullptr;
  if (!Body)
    return false;
  ParentMap PM(const_cast<Stmt *>(Body));
  llvm::SmallVector<const Stmt *, 32> Work{Body};
  while (!Work.empty()) {
    const Stmt *S = Work.pop_back_val();
    if (!S)
      continue;
    if (const auto *DRE = dyn_cast<DeclRefExpr>(S);
        DRE && DRE->getDecl() == VD && !keepsOwnership(DRE, PM))
      return false;
    for (const Stmt *Child : S->children())
      Work.push_back(Child);
  }
  return true;
}

const Expr *ownedDeleter(const VarDecl *VD) {
  const auto *RD = VD->getType()->getAsCXXRecordDecl();
  if (!isSmartPointer(RD) || !VD->hasLocalStorage() || !VD->getInit())
    return nullptr;
  const auto *CCE = dyn_cast<CXXConstructExpr>(
      VD->getInit()->IgnoreImplicit()->IgnoreParens());
  if (!CCE || CCE->getNumArgs() < 2 || !keepsOwnershipThroughout(VD))
    return nullptr;
  return CCE->getArg(1);
}

bool ownsUntilScopeEnd(const VarDecl *VD) {
  const auto *RD = VD->getType()->getAsCXXRecordDecl();
  return RD && RD->isInStdNamespace() && RD->getName() == "unique_ptr" &&
         VD->hasLocalStorage() && !isa<ParmVarDecl>(VD) &&
         keepsOwnershipThroughout(VD);
}

std::vector<DestructorEffect> deleterEffects(const Expr *Deleter,
                                            const ApiModel &Model) {
  std::vector<DestructorEffect> Effects;
  const Expr *E = Deleter->IgnoreParenImpCasts();
  // A lambda converted to a function pointer calls its operator().
  if (const auto *MCE = dyn_cast<CXXMemberCallExpr>(E);
      MCE && isa_and_nonnull<CXXConversionDecl>(MCE->getMethodDecl()))
    E = MCE->getImplicitObjectArgument()->IgnoreParenImpCasts();
  if (const auto *MTE = dyn_cast<MaterializeTemporaryExpr>(E))
    E = MTE->getSubExpr()->IgnoreParenImpCasts();
  if (const auto *UO = dyn_cast<UnaryOperator>(E);
      UO && UO->getOpcode() == UO_AddrOf)
    E = UO->getSubExpr()->IgnoreParenImpCasts();
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
    if (const auto *FD = dyn_cast<FunctionDecl>(DRE->getDecl())) {
      functionAsDeleter(FD, Model, Effects);
      return Effects;
    }
  classAsDeleter(E->getType()->getAsCXXRecordDecl(), Model, Effects);
  return Effects;
}

std::vector<DestructorEffect> destructorEffects(const CXXRecordDecl *RD,
                                               const ApiModel &Model) {
  return compute(RD, Model);
}

} // namespace iodrain
