//===- Coroutines.cpp -----------------------------------------------------===//

#include "Coroutines.h"
#include "AccessPath.h"
#include "ApiModel.h"
#include "StmtSearch.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtCXX.h"

using namespace clang;

namespace iodrain {
namespace {

const CXXMethodDecl *awaiterMethod(const Expr *Call) {
  const auto *MCE =
      dyn_cast_or_null<CXXMemberCallExpr>(Call ? Call->IgnoreImplicit() : nullptr);
  return MCE ? MCE->getMethodDecl() : nullptr;
}

/// Whether the awaiter of a suspension never suspends: std::suspend_never,
/// or an await_ready that returns true.
bool neverSuspends(const CoroutineSuspendExpr *Suspend) {
  const CXXMethodDecl *Ready = awaiterMethod(Suspend->getReadyExpr());
  if (!Ready)
    return false;
  const CXXRecordDecl *RD = Ready->getParent();
  if (RD->isInStdNamespace() && RD->getName() == "suspend_never")
    return true;
  const FunctionDecl *Def = nullptr;
  if (!Ready->hasBody(Def))
    return false;
  const auto *Body = dyn_cast<CompoundStmt>(Def->getBody());
  if (!Body || Body->size() != 1)
    return false;
  const auto *Ret = dyn_cast<ReturnStmt>(Body->body_front());
  const auto *Lit = Ret && Ret->getRetValue()
                        ? dyn_cast<CXXBoolLiteralExpr>(
                              Ret->getRetValue()->IgnoreParenImpCasts())
                        : nullptr;
  return Lit && Lit->getValue();
}

/// The member of `*this` an expression names (`ov`, `this->ov`, `&ov`).
const FieldDecl *memberOfThis(const Expr *E) {
  E = stripIdentityCasts(E);
  if (const auto *UO = dyn_cast<UnaryOperator>(E);
      UO && UO->getOpcode() == UO_AddrOf)
    E = stripIdentityCasts(UO->getSubExpr());
  const auto *ME = dyn_cast<MemberExpr>(E);
  if (!ME || !isa<CXXThisExpr>(ME->getBase()->IgnoreParenImpCasts()))
    return nullptr;
  return dyn_cast<FieldDecl>(ME->getMemberDecl());
}

/// An issuing call in `Body` whose OVERLAPPED is a member of the awaiter.
const CallExpr *issueOnMember(const Stmt *Body, const ApiModel &Model,
                              const FunctionRule *&Rule) {
  return cast_or_null<CallExpr>(findStatement(
      Body,
      [&](const Stmt *S) {
        const auto *CE = dyn_cast<CallExpr>(S);
        const FunctionRule *R = CE ? Model.lookupCall(CE) : nullptr;
        if (!R || R->FunctionRole != Role::Issue ||
            R->Overlapped.K != ArgRef::Index ||
            R->Overlapped.Position > CE->getNumArgs() ||
            !memberOfThis(CE->getArg(R->Overlapped.Position - 1)))
          return false;
        Rule = R;
        return true;
      },
      /*IntoLambdas=*/false));
}

/// The coroutine parameter the awaiter's member `Field` is built from, in
/// `read_op{h, buf, n}`.
std::optional<unsigned> paramFor(const Expr *Operand, const FieldDecl *Field,
                                 const FunctionDecl &Coroutine) {
  if (!Operand || !Field)
    return std::nullopt;
  const Expr *E = Operand->IgnoreImplicit();
  if (const auto *Cast = dyn_cast<CXXFunctionalCastExpr>(E))
    E = Cast->getSubExpr()->IgnoreImplicit();
  const auto *Init = dyn_cast<InitListExpr>(E);
  if (!Init || Field->getFieldIndex() >= Init->getNumInits())
    return std::nullopt;
  const auto *DRE =
      dyn_cast<DeclRefExpr>(stripIdentityCasts(Init->getInit(Field->getFieldIndex())));
  const auto *P = DRE ? dyn_cast<ParmVarDecl>(DRE->getDecl()) : nullptr;
  if (!P || P->getDeclContext() != &Coroutine)
    return std::nullopt;
  return P->getFunctionScopeIndex();
}

} // namespace

std::optional<SuspendedIssue>
suspendedIssueOf(const FunctionDecl &Coroutine, const ApiModel &Model) {
  const auto *Body = dyn_cast_or_null<CoroutineBodyStmt>(Coroutine.getBody());
  if (!Body)
    return std::nullopt;
  // A lazy coroutine starts nothing until it is resumed.
  const auto *InitialStmt = dyn_cast_or_null<Expr>(Body->getInitSuspendStmt());
  const auto *Initial = InitialStmt ? dyn_cast<CoroutineSuspendExpr>(
                                          InitialStmt->IgnoreImplicit())
                                    : nullptr;
  if (!Initial || !neverSuspends(Initial))
    return std::nullopt;
  std::optional<SuspendedIssue> Found;
  findStatement(
      Body->getBody(),
      [&](const Stmt *S) {
        const auto *Await = dyn_cast<CoawaitExpr>(S);
        const CXXMethodDecl *Suspend =
            Await ? awaiterMethod(Await->getSuspendExpr()) : nullptr;
        const FunctionDecl *Def = nullptr;
        const FunctionRule *Rule = nullptr;
        const CallExpr *Issue =
            Suspend && Suspend->hasBody(Def)
                ? issueOnMember(Def->getBody(), Model, Rule)
                : nullptr;
        if (!Issue)
          return false;
        Found = SuspendedIssue{Issue, Rule, std::nullopt};
        if (Rule->Handle.K == ArgRef::Index &&
            Rule->Handle.Position <= Issue->getNumArgs())
          Found->HandleParam = paramFor(
              Await->getOperand(),
              memberOfThis(Issue->getArg(Rule->Handle.Position - 1)),
              Coroutine);
        return true;
      },
      /*IntoLambdas=*/false);
  return Found;
}

bool callsSuspendingCoroutine(const Stmt *Body, const ApiModel &Model) {
  return findStatement(
             Body,
             [&](const Stmt *S) {
               const auto *CE = dyn_cast<CallExpr>(S);
               const FunctionDecl *Callee = CE ? CE->getDirectCallee() : nullptr;
               const FunctionDecl *Def = nullptr;
               return Callee && Callee->hasBody(Def) &&
                      isa<CoroutineBodyStmt>(Def->getBody()) &&
                      suspendedIssueOf(*Def, Model);
             },
             /*IntoLambdas=*/false) != nullptr;
}

bool isCoroutineHandle(QualType T) {
  const auto *RD = T.isNull() ? nullptr : T->getAsCXXRecordDecl();
  return RD && RD->isInStdNamespace() && RD->getName() == "coroutine_handle";
}

const FieldDecl *frameHandleOf(const CXXRecordDecl *RD) {
  if (!RD || !RD->getDefinition())
    return nullptr;
  const FieldDecl *Found = nullptr;
  for (const FieldDecl *F : RD->getDefinition()->fields())
    if (isCoroutineHandle(F->getType())) {
      if (Found)
        return nullptr;
      Found = F;
    }
  return Found;
}

} // namespace iodrain
