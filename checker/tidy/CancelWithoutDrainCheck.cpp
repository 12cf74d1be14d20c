//===- CancelWithoutDrainCheck.cpp - iodrain-cancel-without-drain ---------===//

#include "CancelWithoutDrainCheck.h"
#include "PathNotes.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"

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

void CancelWithoutDrainCheck::onFunctionBegin(const FunctionDecl &FD) {
  IodrainCheck::onFunctionBegin(FD);
  ReportedCancels.clear();
  LentReturns.clear();
  Reentries.clear();
}

void CancelWithoutDrainCheck::onFunctionEnd(const FunctionDecl &FD,
                                            const AnalysisResult &Result) {
  llvm::DenseSet<const CallExpr *> Lent;
  for (HeldReport &L : LentReturns)
    if (!ReportedCancels.contains(L.Cancel)) {
      Lent.insert(L.Cancel);
      report(L.Site, std::move(L.Emit));
    }
  for (HeldReport &R : Reentries)
    if (!Lent.contains(R.Cancel))
      report(R.Site, std::move(R.Emit));
  LentReturns.clear();
  Reentries.clear();
  IodrainCheck::onFunctionEnd(FD, Result);
}

void CancelWithoutDrainCheck::onReturn(const Event &E) {
  // A request this path issued and cancelled, still using what the caller
  // lent: the caller reuses or frees it next, under the kernel.
  const AffectedRequest *Lent = nullptr;
  for (const AffectedRequest &A : E.Requests)
    if (A.Part != RequestPart::None &&
        A.Request->State == Typestate::Cancelled &&
        A.Request->ReceivedWith.empty() && A.Request->CancelCall) {
      Lent = &A;
      break;
    }
  if (!Lent || !E.Site)
    return;
  const ASTContext *CtxP = &astContext();
  RequestView R = *Lent->Request;
  if (!Lent->Lender)
    return;
  std::string Subject = Lent->Lender->getName().str();
  SourceLocation Loc = reportLocation(E.Loc, *CtxP);
  std::string Canceller = R.CancelRule ? R.CancelRule->Name : "the cancel";
  bool Throws = isa<CXXThrowExpr>(E.Site);
  NoteScope Scope = noteScope();
  LentReturns.push_back({R.CancelCall, E.Site, [=] {
                           diag(Loc, "%select{returning|throwing}0 hands '%1' "
                                     "back to the caller after '%2' without "
                                     "waiting for the cancelled I/O to "
                                     "complete; %3")
                               << Throws << Subject << Canceller
                               << drainAdvice(R);
                           emitPathNotes(*this, {R}, maxNotes(), Scope);
                         }});
}

void CancelWithoutDrainCheck::onEvent(const Event &E) {
  if (E.Kind == EventKind::FunctionExit)
    return onReturn(E);
  if (E.Kind != EventKind::Close && E.Kind != EventKind::Free &&
      E.Kind != EventKind::StorageEnd && E.Kind != EventKind::Reissue)
    return;
  std::vector<RequestView> Cancelled;
  for (const AffectedRequest &A : E.Requests)
    if (A.Request->State == Typestate::Cancelled)
      Cancelled.push_back(*A.Request);
  if (Cancelled.empty())
    return;
  // A reuse of what the function's own last call cancelled says what a
  // report at that call's return says better (where the wait belongs).
  bool Reentry = llvm::all_of(
      Cancelled, [](const RequestView &R) { return R.Reentered; });
  if (!Reentry)
    for (const RequestView &R : Cancelled)
      ReportedCancels.insert(R.CancelCall);
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
  NoteScope Scope = noteScope();
  const void *Site =
      E.Site ? static_cast<const void *>(E.Site) : Loc.getPtrEncoding();
  auto Emit = [=] {
           const ASTContext &Ctx = *CtxP;
           diag(Loc, "%select{'%1' closes '%2'|'%1' frees '%2'|'%2' goes out "
                     "of scope|the destructor of '%5' releases '%2'|'%1' "
                     "reuses the OVERLAPPED '%2'}0 after "
                     "'%3' without waiting for the cancelled I/O to complete; "
                     "%4")
               << Action << Actor << Subject << Canceller << Advice
               << Destroyed;
           emitCallSiteNote(*this, InCall, Ctx);
           emitPathNotes(*this, Cancelled, maxNotes(), Scope);
  };
  if (Reentry)
    Reentries.push_back({Cancelled.front().CancelCall, Site, Emit});
  else
    report(Site, Emit);
}

} // namespace iodrain
