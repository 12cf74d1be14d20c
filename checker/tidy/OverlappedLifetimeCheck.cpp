//===- OverlappedLifetimeCheck.cpp - iodrain-overlapped-lifetime ----------===//

#include "OverlappedLifetimeCheck.h"
#include "PathNotes.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Expr.h"

using namespace clang;

namespace iodrain {

void OverlappedLifetimeCheck::onEvent(const Event &E) {
  if (E.Kind != EventKind::Free && E.Kind != EventKind::StorageEnd &&
      E.Kind != EventKind::Reissue)
    return;
  std::vector<RequestView> Live;
  bool Buffer = false, Queued = false;
  for (const AffectedRequest &A : E.Requests) {
    if (A.Request->State != Typestate::Pending &&
        A.Request->State != Typestate::PacketQueued)
      continue;
    // The file-offset idiom on a handle opened synchronously elsewhere.
    if (A.Request->TreatedAsSynchronous && E.Kind != EventKind::Free)
      continue;
    Live.push_back(*A.Request);
    Buffer |= A.Part == RequestPart::Buffer;
    Queued |= A.Request->State == Typestate::PacketQueued;
  }
  if (Live.empty())
    return;
  // A queued packet matters only when the storage goes: a new request on
  // the same OVERLAPPED after a synchronous completion is how servers work.
  if (E.Kind == EventKind::Reissue && Queued)
    return;
  bool AllQueued = llvm::all_of(Live, [](const RequestView &R) {
    return R.State == Typestate::PacketQueued;
  });
  const ASTContext *CtxP = &astContext();
  SourceLocation Loc = reportLocation(E.Loc, *CtxP);
  std::string Actor = E.Rule ? E.Rule->Name : "delete";
  std::string Subject = subjectText(E, *CtxP);
  std::string Destroyed = E.DestroyedObject;
  EventKind Kind = E.Kind;
  std::optional<CallSiteNote> InCall = callSiteNote(E, *CtxP);
  NoteScope Scope = noteScope();
  report(E.Site ? static_cast<const void *>(E.Site) : Loc.getPtrEncoding(),
         [=] {
           const ASTContext &Ctx = *CtxP;
           if (Kind == EventKind::Reissue) {
             diag(Loc, "'%0' reuses the OVERLAPPED '%1' while the request "
                       "that last used it may still be pending; wait for "
                       "that request to complete first")
                 << Actor << Subject;
           } else {
             unsigned Action = Kind == EventKind::StorageEnd ? 0
                               : Destroyed.empty()           ? 1
                                                             : 2;
             diag(Loc,
                  "%select{'%1' goes out of scope|'%0' frees '%1'|the "
                  "destructor of '%5' frees '%1'}2 while %select{overlapped "
                  "I/O that uses it|the completion packet of overlapped I/O "
                  "that uses it}3 may still be %select{pending|queued}3"
                  "%select{| (it is the I/O's buffer)}4; %select{cancel the "
                  "I/O and wait for it to complete first|dequeue the packet "
                  "first}3")
                 << Actor << Subject << Action << AllQueued << Buffer
                 << Destroyed;
           }
           emitCallSiteNote(*this, InCall, Ctx);
           emitPathNotes(*this, Live, maxNotes(), Scope);
         });
}

} // namespace iodrain
