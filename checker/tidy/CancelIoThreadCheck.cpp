//===- CancelIoThreadCheck.cpp - iodrain-cancelio-thread ------------------===//

#include "CancelIoThreadCheck.h"
#include "PathNotes.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/Expr.h"

using namespace clang;

namespace iodrain {
namespace {

/// `CancelIo(h)` becomes `CancelIoEx(h, NULL)`, which cancels the requests
/// of every thread on `h`; none when the call is not written plainly.
std::vector<FixItHint> cancelEveryThread(const CallExpr &Call) {
  const Expr *Callee = Call.getCallee()->IgnoreParenImpCasts();
  const auto *Ref = dyn_cast<DeclRefExpr>(Callee);
  if (!Ref || Call.getNumArgs() != 1 || Call.getBeginLoc().isMacroID() ||
      Call.getRParenLoc().isMacroID() ||
      Ref->getNameInfo().getAsString() != "CancelIo")
    return {};
  return {FixItHint::CreateReplacement(Ref->getSourceRange(), "CancelIoEx"),
          FixItHint::CreateInsertion(Call.getRParenLoc(), ", NULL")};
}

/// A function as a note names it: `'reader'`, or `a lambda in 'start'`.
std::string nameOf(const FunctionDecl *FD) {
  if (!FD)
    return "'?'";
  if (const auto *MD = dyn_cast<CXXMethodDecl>(FD);
      MD && MD->getParent()->isLambda()) {
    const DeclContext *Outer = MD->getParent()->getParent();
    while (Outer && !isa<FunctionDecl>(Outer))
      Outer = Outer->getParent();
    return Outer ? "a lambda in '" +
                       cast<FunctionDecl>(Outer)->getQualifiedNameAsString() +
                       "'"
                 : std::string("a lambda");
  }
  return "'" + FD->getQualifiedNameAsString() + "'";
}

} // namespace

void CancelIoThreadCheck::onEvent(const Event &E) {
  if (E.Kind != EventKind::CancelOtherThread || E.OtherThreadIssues.empty())
    return;
  const ASTContext *CtxP = &astContext();
  SourceLocation Loc = reportLocation(E.Loc, *CtxP);
  std::string Canceller = E.Rule ? E.Rule->Name : "CancelIo";
  std::string Handle =
      subjectText(E, *CtxP);
  std::vector<IssueSite> Sites(E.OtherThreadIssues.begin(),
                               E.OtherThreadIssues.end());
  const FunctionDecl *Cancelling = E.CancellingThread;
  // Only a cancel written in the analysed function itself gets a fix.
  const auto *Call = E.CallStack.empty() ? dyn_cast_or_null<CallExpr>(E.Site)
                                         : nullptr;
  std::optional<CallSiteNote> InCall;
  if (!E.CallStack.empty() && E.InnerLoc.isValid())
    InCall = CallSiteNote{E.InnerLoc, E.InnerFunction,
                          "'" + Canceller + "' cancels I/O on '" + Handle +
                              "'"};
  report(E.Site ? static_cast<const void *>(E.Site) : Loc.getPtrEncoding(),
         [=] {
           const ASTContext &Ctx = *CtxP;
           diag(Loc, "'%0' cancels only the I/O that the calling thread "
                     "issued, but overlapped I/O on '%1' is issued by "
                     "another thread and stays pending; cancel it with "
                     "'CancelIoEx'")
               << Canceller << Handle;
           emitCallSiteNote(*this, InCall, Ctx);
           for (const IssueSite &Site : Sites) {
             std::string Issuer = calleeName(Site.Call, Ctx);
             SourceLocation At = reportLocation(Site.Call->getBeginLoc(), Ctx);
             if (Site.Thread)
               diag(At, "'%0' in %1 issues it, on the thread that runs %2",
                    DiagnosticIDs::Note)
                   << Issuer << nameOf(Site.In) << nameOf(Site.Thread);
             else
               diag(At, "'%0' in %1 issues it, on a thread other than the "
                        "one that runs %2",
                    DiagnosticIDs::Note)
                   << Issuer << nameOf(Site.In) << nameOf(Cancelling);
           }
           if (Call) {
             std::vector<FixItHint> Fix = cancelEveryThread(*Call);
             if (!Fix.empty())
               diag(Loc, "cancel the I/O of every thread on the handle "
                         "with 'CancelIoEx(h, NULL)'",
                    DiagnosticIDs::Note)
                   << Fix;
           }
         });
}

} // namespace iodrain
