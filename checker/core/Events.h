//===- Events.h - What the exploration tells the checks -------------------===//
//
// The explorer walks a function once and emits typed events to every
// observer (one per enabled check) as it goes. An event says what happened
// (a close, a free, a storage end...), where, and which requests it touches,
// each with its typestate. The path that led there is kept in neutral form
// (program points and step kinds); a check words it only when it reports.
//
// This header is the engine's whole interface to the checks.
//
//===----------------------------------------------------------------------===//

#ifndef IODRAIN_CORE_EVENTS_H
#define IODRAIN_CORE_EVENTS_H

#include "clang/Basic/SourceLocation.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"
#include <memory>
#include <string>
#include <vector>

namespace clang {
class CallExpr;
class Expr;
class FunctionDecl;
class Stmt;
class VarDecl;
} // namespace clang

namespace iodrain {

struct FunctionRule;
struct ProtocolRule;

/// Where a request is in its life.
enum class Typestate : uint8_t {
  Pending,   ///< Issued and not completed as far as the path knows.
  Cancelled, ///< Cancellation requested; the completion is still to come.
  /// Completed at once on a port-bound handle: the kernel still writes the
  /// OVERLAPPED when its packet is dequeued.
  PacketQueued,
  Drained, ///< A wait saw it complete.
};

/// How the request's completion is delivered.
enum class CompletionMode : uint8_t {
  Event,   ///< The OVERLAPPED's event, the handle, or a completion port.
  Routine, ///< A completion routine, run by an alertable wait of the issuer.
};

/// One step of the path that explains why a request is still pending.
struct PathStep {
  enum Kind : uint8_t {
    Issue,           ///< At: the issuing call.
    Cancel,          ///< At: the cancelling call.
    BranchTrue,      ///< At: a condition the path assumed true.
    BranchFalse,     ///< At: a condition the path assumed false.
    WaitTimedOut,    ///< At: a wait that may time out.
    WaitEarly,       ///< At: a wait that may return before completion.
    WaitAlerted,     ///< At: a wait that may return to run a routine.
    WaitOtherObject, ///< At: a wait that may return for another object.
    WaitObjectSignaled, ///< At: a wait-all whose objects do not include it.
    DequeuedOther,   ///< At: a dequeue that may deliver another packet.
    RoutineTimedOut, ///< At: an alertable sleep that may time out first.
  };
  Kind K;
  const clang::Stmt *At;
};

/// The steps of one path, shared between the paths that forked from it.
class PathSteps {
public:
  void append(PathStep Step);
  void append(llvm::ArrayRef<PathStep> More);
  /// The identity of the latest step; null when there is none.
  const void *tail() const { return Last.get(); }
  /// The steps after the latest one whose identity `IsBase` picks, in
  /// program order; `Base` is set to that identity (null when none is
  /// picked: then every step).
  std::vector<PathStep>
  stepsAfter(llvm::function_ref<bool(const void *)> IsBase,
             const void *&Base) const;
  /// The steps in program order: the first (the issue) and the last
  /// `Max - 1`, with repeated visits of one step kept once (the latest).
  std::vector<PathStep> collect(unsigned Max) const;

private:
  struct Node {
    PathStep Step;
    std::shared_ptr<const Node> Prev;
  };
  std::shared_ptr<const Node> Last;
};

/// A request as the checks see it: read-only, with the calls and arguments
/// as written.
struct RequestView {
  Typestate State = Typestate::Pending;
  CompletionMode Mode = CompletionMode::Event;
  /// The handle is associated with a completion port in this function.
  bool PortBound = false;
  /// The function never waits, cancels or tests for ERROR_IO_PENDING: it
  /// treats the call as synchronous, the OVERLAPPED as a file offset
  /// (a handle opened without FILE_FLAG_OVERLAPPED elsewhere).
  bool TreatedAsSynchronous = false;
  const clang::CallExpr *IssueCall = nullptr;
  /// The analysed function's call during which a followed function issued
  /// the request (null: the analysed function issued it).
  const clang::CallExpr *IssuedDuring = nullptr;
  const FunctionRule *IssueRule = nullptr;
  /// For a request a coroutine left pending in its frame at a suspension:
  /// that coroutine (IssueCall is the call to it, IssueRule the API its
  /// awaiter calls).
  const clang::FunctionDecl *SuspendedIn = nullptr;
  const clang::CallExpr *CancelCall = nullptr;
  const FunctionRule *CancelRule = nullptr;
  const clang::Expr *HandleArg = nullptr;
  const clang::Expr *OverlappedArg = nullptr;
  const clang::Expr *BufferArg = nullptr;
  /// For a request another function of the unit left pending on an object
  /// the analysed function receives: how this function names the object
  /// (`d`, `this`, `g_dev`). Empty for requests issued on this path.
  std::string ReceivedWith;
  /// A received request that the analysed function's own last call left
  /// (on a function-static OVERLAPPED, or cancelled and not waited for):
  /// nothing but that call can have finished it, so a new issue on its
  /// OVERLAPPED is a reuse.
  bool Reentered = false;
  /// The issuer stored the request's object where other code finds it
  /// (`g_orphans.next = &req->link`): that code, not the issuer's next
  /// call, owns it from then on.
  bool HandedOver = false;
  /// For a received request that another unit's summary describes: that
  /// summary (its issue is not in this unit).
  const ProtocolRule *Imported = nullptr;
  PathSteps Steps;
};

/// An issuing call somewhere in the translation unit.
struct IssueSite {
  const clang::CallExpr *Call = nullptr;
  const clang::FunctionDecl *In = nullptr;
  /// A thread procedure that runs `In`, if it runs on one.
  const clang::FunctionDecl *Thread = nullptr;
};

enum class EventKind : uint8_t {
  Issue,        ///< A request was started (Requests: the new one).
  Reissue,      ///< An OVERLAPPED already in use was passed to a new issue.
  Cancel,       ///< Cancellation requested (Requests: those it targets).
  Wait,         ///< A wait or dequeue (Requests: those it drained).
  Close,        ///< A handle was closed (Requests: those issued on it).
  Free,         ///< Memory was released (Requests: those using it).
  StorageEnd,   ///< Automatic storage ended (Requests: those using it).
  Escape,       ///< Requests were handed to code iodrain does not see.
  /// The function returns (Requests: all still pending; for the analysed
  /// function, each with the part of it in storage its caller lent it,
  /// when only the caller could still wait for it: lentPart()).
  FunctionExit,
  /// A cancel of the calling thread's requests on a handle that another
  /// thread issues I/O on (OtherThreadIssues).
  CancelOtherThread,
  DumpState,    ///< A `dump-state` call: Detail is the path's state.
};

/// Which part of a request an event touches.
enum class RequestPart : uint8_t { Handle, Overlapped, Buffer, None };

struct AffectedRequest {
  const RequestView *Request;
  RequestPart Part;
  /// For FunctionExit: the parameter through which the caller lent Part.
  const clang::VarDecl *Lender = nullptr;
};

struct Event {
  explicit Event(EventKind Kind) : Kind(Kind) {}
  Event(EventKind Kind, const clang::Stmt *Site, clang::SourceLocation Loc,
        const FunctionRule *Rule, const clang::Expr *SubjectExpr,
        std::string SubjectName, std::string DestroyedObject)
      : Kind(Kind), Site(Site), Loc(Loc), Rule(Rule), SubjectExpr(SubjectExpr),
        SubjectName(std::move(SubjectName)),
        DestroyedObject(std::move(DestroyedObject)) {}

  /// An event at a modelled call.
  static Event atCall(EventKind Kind, const clang::CallExpr *Call,
                      const FunctionRule *Rule);

  EventKind Kind;
  /// The statement that caused it: a call, a `delete`, a `return`, the
  /// compound statement whose scope ends. May be null for the exit.
  const clang::Stmt *Site = nullptr;
  /// Where a diagnostic about it belongs.
  clang::SourceLocation Loc;
  /// The modelled call, for call events.
  const FunctionRule *Rule = nullptr;
  /// The closed handle, freed pointer or ended variable, as written.
  const clang::Expr *SubjectExpr = nullptr;
  /// Its name when there is no expression (a variable whose scope ends).
  std::string SubjectName;
  /// For closes and frees done by a destructor: the object destroyed.
  std::string DestroyedObject;
  /// For waits: whether the wait blocks until completion.
  bool Blocking = false;
  llvm::ArrayRef<AffectedRequest> Requests;
  /// For CancelOtherThread: the requests the cancel cannot reach, and the
  /// thread procedure that runs the cancelling function, if any.
  llvm::ArrayRef<IssueSite> OtherThreadIssues;
  const clang::FunctionDecl *CancellingThread = nullptr;
  /// For DumpState: what the path knows, as text.
  std::string Detail;
  /// When the event happens in a called function that iodrain followed:
  /// the calls from the analysed function inward (front: the call in the
  /// analysed function, where a report belongs).
  llvm::ArrayRef<const clang::CallExpr *> CallStack;
  /// Then also where in the called function it happened, and its name.
  clang::SourceLocation InnerLoc;
  std::string InnerFunction;
};

struct AnalysisResult {
  enum Status {
    Completed,
    NotApplicable,  ///< No body, or a template (its instances are analysed).
    Skipped,        ///< Too large, or clang could not build its CFG.
    BudgetExhausted ///< Explored too many path states.
  } Outcome = Completed;
  std::string Reason;
  unsigned StateVisits = 0;
  /// Followed calls used up their share of the budget (a quarter of
  /// MaxBlockVisits): later calls into the translation unit were unknown.
  bool StoppedFollowingCalls = false;
};

/// A check. It hears every event of every path, owns its findings and their
/// deduplication, and reports when the function ends: only then is it
/// known whether the exploration finished within budget.
class AnalysisObserver {
public:
  virtual ~AnalysisObserver();
  virtual void onFunctionBegin(const clang::FunctionDecl &FD) {}
  virtual void onEvent(const Event &E) = 0;
  virtual void onFunctionEnd(const clang::FunctionDecl &FD,
                             const AnalysisResult &Result) = 0;
};

} // namespace iodrain

#endif // IODRAIN_CORE_EVENTS_H
