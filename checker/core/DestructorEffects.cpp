//===- DestructorEffects.cpp ----------------------------------------------===//

#include "DestructorEffects.h"
#include "AccessPath.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
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

std::vector<DestructorEffect> compute(const CXXRecordDecl *RD,
                                      const ApiModel &Model) {
  std::vector<DestructorEffect> Effects;
  RD = RD->getDefinition();
  if (!RD)
    return Effects;
  // std::unique_ptr<T, Deleter>: the deleter's call operator.
  if (RD->isInStdNamespace() && RD->getName() == "unique_ptr") {
    const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(RD);
    if (!Spec || Spec->getTemplateArgs().size() < 2)
      return Effects;
    const auto *Deleter =
        Spec->getTemplateArgs()[1].getAsType()->getAsCXXRecordDecl();
    if (!Deleter || !Deleter->getDefinition())
      return Effects;
    for (const CXXMethodDecl *M : Deleter->getDefinition()->methods()) {
      if (M->getOverloadedOperator() != OO_Call || M->getNumParams() < 1 ||
          !M->hasBody())
        continue;
      const ParmVarDecl *P = M->getParamDecl(0);
      collect(M->getBody(), Model,
              [&](const Expr *Arg, DestructorEffect &E) {
                E.OnHeldPointer = true;
                return isParam(Arg, P);
              },
              Effects);
    }
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

} // namespace

std::vector<DestructorEffect> destructorEffects(const CXXRecordDecl *RD,
                                               const ApiModel &Model) {
  return compute(RD, Model);
}

} // namespace iodrain
