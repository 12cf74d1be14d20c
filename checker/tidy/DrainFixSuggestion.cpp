//===- DrainFixSuggestion.cpp ---------------------------------------------===//

#include "DrainFixSuggestion.h"
#include "../core/AccessPath.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMap.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"

using namespace clang;

namespace iodrain {
namespace {

/// Whether E names only parameters, locals declared at the top of the
/// function, fields of those, and their addresses: text that means the same
/// at the close as at the issue.
bool isPlainInFunction(const Expr *E, const FunctionDecl &F) {
  E = E->IgnoreParenImpCasts();
  if (const auto *UO = dyn_cast<UnaryOperator>(E))
    return (UO->getOpcode() == UO_AddrOf || UO->getOpcode() == UO_Deref) &&
           isPlainInFunction(UO->getSubExpr(), F);
  if (const auto *ME = dyn_cast<MemberExpr>(E))
    return isPlainInFunction(ME->getBase(), F);
  if (isa<CXXThisExpr>(E))
    return isa<CXXMethodDecl>(F) &&
           F.getBody()->getSourceRange().fullyContains(E->getSourceRange());
  const auto *DRE = dyn_cast<DeclRefExpr>(E);
  if (!DRE)
    return false;
  // A parameter of this function (not of a helper the issue happened in).
  if (const auto *P = dyn_cast<ParmVarDecl>(DRE->getDecl()))
    return P->getDeclContext() == &F;
  const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
  if (!VD || !VD->hasLocalStorage())
    return false;
  const auto *Body = dyn_cast_or_null<CompoundStmt>(F.getBody());
  if (!Body)
    return false;
  for (const Stmt *S : Body->body())
    if (const auto *DS = dyn_cast<DeclStmt>(S))
      for (const Decl *D : DS->decls())
        if (D == VD)
          return true;
  return false;
}

std::string text(const Expr *E, const ASTContext &Ctx) {
  return Lexer::getSourceText(
             CharSourceRange::getTokenRange(E->getSourceRange()),
             Ctx.getSourceManager(), Ctx.getLangOpts())
      .str();
}

} // namespace

std::optional<FixItHint>
suggestDrainBeforeClose(const CallExpr &Close, const RequestView &Pending,
                        const ApiModel &Model, ASTContext &Ctx,
                        const FunctionDecl &Function) {
  const SourceManager &SM = Ctx.getSourceManager();
  if (Pending.Mode != CompletionMode::Event || Pending.PortBound ||
      !Pending.HandleArg || !Pending.OverlappedArg || !Pending.IssueRule)
    return std::nullopt;
  // Only arguments that CancelIoEx and GetOverlappedResult take as they
  // are: a HANDLE and an OVERLAPPED pointer (not a wrapper object).
  if (Pending.IssueRule->Handle.K != ArgRef::Index ||
      Pending.IssueRule->Overlapped.K != ArgRef::Index)
    return std::nullopt;
  QualType OvType = Pending.OverlappedArg->IgnoreParenImpCasts()->getType();
  if (!OvType->isPointerType() ||
      !AccessPaths::isOverlappedType(OvType->getPointeeType()))
    return std::nullopt;
  // The function's own parent map: clang's whole-TU one costs a walk of
  // every header.
  if (!Function.getBody())
    return std::nullopt;
  ParentMap Parents(const_cast<Stmt *>(Function.getBody()));
  if (Close.getBeginLoc().isMacroID() ||
      Pending.HandleArg->getBeginLoc().isMacroID() ||
      Pending.OverlappedArg->getBeginLoc().isMacroID())
    return std::nullopt;
  // GetOverlappedResult takes a HANDLE; a SOCKET would need a cast.
  if (!Pending.HandleArg->IgnoreParenImpCasts()->getType()->isPointerType())
    return std::nullopt;
  if (!isPlainInFunction(Pending.HandleArg, Function) ||
      !isPlainInFunction(Pending.OverlappedArg, Function) ||
      Model.bodyCalls(Function.getBody(), {Role::Dequeue}))
    return std::nullopt;
  // The close must be a statement of its own, to insert before it.
  if (!isa_and_nonnull<CompoundStmt>(
          Parents.getParent(const_cast<CallExpr *>(&Close))))
    return std::nullopt;

  SourceLocation Start = Close.getBeginLoc();
  std::pair<FileID, unsigned> Pos = SM.getDecomposedLoc(Start);
  StringRef Buffer = SM.getBufferData(Pos.first);
  size_t LineStart = Buffer.rfind('\n', Pos.second);
  LineStart = LineStart == StringRef::npos ? 0 : LineStart + 1;
  StringRef Indent = Buffer.slice(LineStart, Pos.second);
  if (!Indent.trim().empty())
    return std::nullopt; // something else precedes the close on its line

  std::string H = text(Pending.HandleArg, Ctx);
  std::string Ov = text(Pending.OverlappedArg, Ctx);
  std::string Insert = "CancelIoEx(" + H + ", " + Ov + ");\n" + Indent.str() +
                       "{\n" + Indent.str() +
                       "  DWORD iodrain_transferred;\n" + Indent.str() +
                       "  GetOverlappedResult(" + H + ", " + Ov +
                       ", &iodrain_transferred, TRUE);\n" + Indent.str() +
                       "}\n" + Indent.str();
  return FixItHint::CreateInsertion(Start, Insert);
}

} // namespace iodrain
