//===- CancelWithoutDrainCheck.cpp - iodrain-cancel-without-drain ---------===//

#include "CancelWithoutDrainCheck.h"
#include "PathNotes.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Expr.h"

using namespace clang;

namespace iodrain {
namespace {

/// The wait that drains a request delivered the way `R` is.
const char *drainAdvice(const RequestView &R) {
  if (R.Mode == CompletionMode::Routine)
    return "wait alertably (SleepEx(INFINITE, TRUE)) until its completion "
           "routine has run";
  if (R.PortBound)
    return "dequeue its completion packet (GetQueuedCompletionStatus) first";
  return "wait for its completion first (GetOverlappedResult(..., TRUE), or "
         "its packet from the completion port)";
}

} // namespace

void CancelWithoutDrainCheck::onEvent(const Event &E) {
  if (E.Kind != EventKind::Close && E.Kind != EventKind::Free &&
      E.Kind != EventKind::StorageEnd && E.Kind != EventKind::Reissue)
    return;
  std::vector<RequestView> Cancelled;
  for (const AffectedRequest &A : E.Requests)
    if (A.Request->State == Typestate::Cancelled)
      Cancelled.push_back(*A.Request);
  if (Cancelled.empty())
    return;
  const ASTContext *CtxP = &astContext();
  SourceLocation Loc = reportLocation(E.Loc, *CtxP);
  std::string Actor = E.Rule ? E.Rule->Name
                      : E.Kind == EventKind::Free ? "delete"
                                                  : "";
  std::string Subject = subjectText(E, *CtxP);
  std::string Canceller = Cancelled.front().CancelRule
                              ? Cancelled.front().CancelRule->Name
                              : "the cancel";
  std::string Advice = drainAdvice(Cancelled.front());
  unsigned Action = E.Kind == EventKind::Close     ? 0
                    : E.Kind == EventKind::Free    ? 1
                    : E.Kind == EventKind::Reissue ? 4
                                                   : 2;
  if (!E.DestroyedObject.empty())
    Action = 3;
  std::string Destroyed = E.DestroyedObject;
  std::optional<CallSiteNote> InCall = callSiteNote(E, *CtxP);
  const FunctionDecl *Root = analysedFunction();
  report(E.Site ? static_cast<const void *>(E.Site) : Loc.getPtrEncoding(),
         [=] {
           const ASTContext &Ctx = *CtxP;
           diag(Loc, "%select{'%1' closes '%2'|'%1' frees '%2'|'%2' goes out "
                     "of scope|the destructor of '%5' releases '%2'|'%1' "
                     "reuses the OVERLAPPED '%2'}0 after "
                     "'%3' without waiting for the cancelled I/O to complete; "
                     "%4")
               << Action << Actor << Subject << Canceller << Advice
               << Destroyed;
           emitCallSiteNote(*this, InCall, Ctx);
           emitPathNotes(*this, Cancelled, maxNotes(), Ctx, Root);
         });
}

} // namespace iodrain
