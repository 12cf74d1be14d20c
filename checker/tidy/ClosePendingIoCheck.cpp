//===- ClosePendingIoCheck.cpp - iodrain-close-pending-io -----------------===//

#include "ClosePendingIoCheck.h"
#include "DrainFixSuggestion.h"
#include "PathNotes.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Expr.h"

using namespace clang;

namespace iodrain {

void ClosePendingIoCheck::onEvent(const Event &E) {
  if (E.Kind != EventKind::Close)
    return;
  std::vector<RequestView> Pending;
  for (const AffectedRequest &A : E.Requests)
    if (A.Request->State == Typestate::Pending)
      Pending.push_back(*A.Request);
  if (Pending.empty())
    return;
  const ASTContext *CtxP = &astContext();
  SourceLocation Loc = reportLocation(E.Loc, *CtxP);
  std::string Closer = E.Rule ? E.Rule->Name : "";
  std::string Handle = subjectText(E, *CtxP);
  std::string Destroyed = E.DestroyedObject;
  const auto *Close = dyn_cast_or_null<CallExpr>(E.Site);
  const Stmt *Site = E.Site;
  std::optional<CallSiteNote> InCall = callSiteNote(E, *CtxP);
  NoteScope Scope = noteScope();
  report(Site ? static_cast<const void *>(Site) : Loc.getPtrEncoding(),
         [=] {
           const ASTContext &Ctx = *CtxP;
           if (Destroyed.empty())
             diag(Loc,
                  "'%0' closes '%1' while overlapped I/O on it may still be "
                  "pending; cancel the I/O, wait for it to complete, then "
                  "close the handle")
                 << Closer << Handle;
           else
             diag(Loc,
                  "the destructor of '%0' closes '%1' while overlapped I/O "
                  "on it may still be pending; cancel the I/O and wait for "
                  "it to complete before '%0' is destroyed")
                 << Destroyed << Handle;
           emitCallSiteNote(*this, InCall, Ctx);
           emitPathNotes(*this, Pending, maxNotes(), Scope);
           // A request received with the object is named as its issuer
           // wrote it: no words for a fix here.
           if (Close && Pending.size() == 1 &&
               Pending.front().ReceivedWith.empty())
             if (auto Fix = suggestDrainBeforeClose(*Close, Pending.front(),
                                                    model(), astContext(),
                                                    *Scope.Root))
               diag(Loc,
                    "cancel the pending I/O and wait for it before closing "
                    "the handle",
                    DiagnosticIDs::Note)
                   << *Fix;
         });
}

} // namespace iodrain
