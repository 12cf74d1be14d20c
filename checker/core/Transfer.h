//===- Transfer.h - How statements and calls transform a path's State -----===//
//
// Internal to the explorer. Expressions are evaluated lazily over the State;
// calls, assignments, declarations and the ends of storage are applied as
// CFG elements, may fork a path into several outcomes, and emit events to
// the observers.
//
//===----------------------------------------------------------------------===//

#ifndef IODRAIN_CORE_TRANSFER_H
#define IODRAIN_CORE_TRANSFER_H

#include "AbstractState.h"
#include "AccessPath.h"
#include "ApiModel.h"
#include "Coroutines.h"
#include "DestructorEffects.h"
#include "Events.h"
#include "PathExplorer.h"
#include "clang/AST/OperationKinds.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"
#include <functional>
#include <map>

namespace clang {
class ASTContext;
class BinaryOperator;
class CallExpr;
class CXXConstructExpr;
class CXXCtorInitializer;
class CXXDeleteExpr;
class CXXThrowExpr;
class CXXRecordDecl;
class DeclStmt;
class Expr;
class FieldDecl;
class FunctionDecl;
class ParentMap;
class Stmt;
class VarDecl;
} // namespace clang

namespace iodrain {

class TranslationUnitFacts;
using StateList = llvm::SmallVectorImpl<State>;

class Transfer {
public:
  Transfer(clang::ASTContext &Ctx, const ApiModel &Model,
           clang::ParentMap &PM,
           llvm::ArrayRef<AnalysisObserver *> Observers);

  /// Applies one CFG statement element; appends the resulting states.
  void element(const clang::Stmt *S, State St, StateList &Out);
  /// The automatic storage of `VD` ends (scope exit, return, jump).
  void storageEnds(const clang::VarDecl *VD, const clang::Stmt *Trigger,
                   State &S);
  /// The destructor of a local object runs: followed when the explorer
  /// follows it, else as its effects; a smart pointer's object dies with
  /// it.
  void destroyLocal(const clang::VarDecl *VD, const clang::Stmt *Trigger,
                    State S, StateList &Out);
  /// A constructor that is not followed may keep the pointers it is given:
  /// what they point to escapes.
  void constructorKeepsArguments(const clang::CXXConstructExpr *CCE,
                                 State &S) const;
  /// In a followed constructor: its initializer `Init` of a member with a
  /// value (`pipe_(pipe)`) stores it.
  void initializeMember(const clang::CXXCtorInitializer *Init,
                        State &S) const;
  /// Where an object the CFG destroys at `Trigger` dies: the closing brace
  /// of a scope, the jump that leaves it, or its declaration.
  static clang::SourceLocation endLocation(const clang::Stmt *Trigger,
                                           const clang::VarDecl *VD);
  /// In a destructor: the destructor of the member `FD` of `*this` runs.
  void destroyMember(const clang::FieldDecl *FD, const clang::Stmt *Trigger,
                     State S, StateList &Out);
  /// The function returns on this path.
  void functionExit(const clang::Stmt *Return, State &S);
  /// A `throw` that leaves the function: the locals in scope end there
  /// (clang's CFG has no edges for exceptions, so no scope end says so).
  void leaveByThrow(const clang::CXXThrowExpr *Throw, State S,
                    StateList &Out);

  /// Drops expression values of finished full expressions when `Next`
  /// starts a new one.
  void enterStatement(State &St, const clang::Stmt *Next);

  AbsValue valueOf(const State &S, const clang::Expr *E) const;
  /// Whether two handle operands are equal, if known: they name the same
  /// object, or different ones of which one is a handle this path created
  /// (`table[i] == connect_ov.hEvent` when the table holds other events).
  std::optional<bool> compareHandles(const State &S, const clang::Expr *A,
                                     const clang::Expr *B) const;
  /// Whether `Referent` is what a by-value parameter that the function
  /// never assigns, increments or takes the address of refers to.
  bool isGivenHandle(const AccessPath &Referent) const;

  /// Notes the lvalues a branch condition reads. What a branch teaches
  /// about an lvalue is kept only if some other condition reads it again:
  /// remembering values nobody tests again would only keep paths apart.
  void countConditionReads(const clang::Expr *Cond);
  /// The count of a wait on several objects decides which it waits for,
  /// as a test would: what a branch learns of it is kept
  /// (`WaitForMultipleObjects(count + 1, handles, ...)` after a loop over
  /// `count` that never ran).
  void countWaitCounts(const clang::Stmt *Body);

  /// A branch on state of a received object that the protocol does not
  /// determine (an integer field nobody set on the issuer's path) may
  /// exclude the received requests for all iodrain knows: they are
  /// forgotten rather than reported on a path that may not exist.
  void forgetUndeterminedReceived(State &S, const clang::Expr *Cond) const;

  /// Restricts the path to `Cond == Truth`; false if that is impossible.
  bool assume(State &S, const clang::Expr *Cond, bool Truth) const;
  /// Keeps a switch case's value of `Cond` when a function this one calls
  /// tests it (recordLearnt's rule for callees, which the case's other
  /// lessons do not follow).
  void learnCaseForCallees(State &S, const clang::Expr *Cond,
                           int64_t Value) const;
  /// Restricts the path to a switch's case: `Cond == *Value`, or for the
  /// default (no `Value`), `Cond` equal to none of `Others`; false if that
  /// is impossible.
  bool assumeCase(State &S, const clang::Expr *Cond,
                  std::optional<int64_t> Value,
                  llvm::ArrayRef<int64_t> Others) const;

  const AccessPaths &paths() const { return Paths; }

  /// Runs the body of a function defined in the translation unit in place
  /// of an unknown call; false if it declines (the call stays unknown).
  using Inliner = std::function<bool(const clang::CallExpr *, const State &,
                                     const Transfer &, StateList &)>;
  void setInliner(Inliner I) { Inline = std::move(I); }
  /// Runs the destructor of `Object`, of type `T`, dying at `Site` and
  /// `Loc`, as a followed call; false when it is not followed (then its
  /// effects apply).
  using DestructorFollower = std::function<bool(
      clang::QualType T, const AccessPath &Object, const void *Site,
      clang::SourceLocation Loc, const State &, StateList &)>;
  void setDestructorFollower(DestructorFollower F) {
    FollowDestructor = std::move(F);
  }
  /// The calls, from the analysed function inward, that led into the
  /// function this Transfer runs; events carry them.
  void setCallStack(std::vector<const clang::CallExpr *> Stack) {
    CallStack = std::move(Stack);
  }
  /// The unit's facts (threads, issue sites), and the function run.
  void setUnit(const TranslationUnitFacts *F, const clang::FunctionDecl *Fn) {
    Facts = F;
    Function = Fn;
  }
  /// Whether the function shows it expects I/O to stay pending.
  void setHandlesPending(bool V) { HandlesPending = V; }
  /// Whether calls of the unit's functions are followed: what a test
  /// learns is then kept for the callees' tests too.
  void setFollowsCalls(bool V) { FollowsCalls = V; }
  /// Hears the requests the function publishes by storing their object
  /// where other code finds it (`g_watches[i] = w`), as a state holding
  /// only those: like an exit, they are left pending for later calls.
  void setOnPublish(const std::function<void(const State &)> *F) {
    OnPublish = F;
  }

private:
  // Call effects, one per role (CallEffects.cpp).
  void call(const clang::CallExpr *CE, State S, StateList &Out);
  void issue(const clang::CallExpr *CE, const FunctionRule &R, State S,
             StateList &Out);
  void cancel(const clang::CallExpr *CE, const FunctionRule &R, State S,
              StateList &Out);
  void waitOverlapped(const clang::CallExpr *CE, const FunctionRule &R,
                      State S, StateList &Out);
  void waitObjects(const clang::CallExpr *CE, const FunctionRule &R, State S,
                   StateList &Out);
  void dequeue(const clang::CallExpr *CE, const FunctionRule &R, State S,
               StateList &Out);
  void alertableSleep(const clang::CallExpr *CE, const FunctionRule &R,
                      State S, StateList &Out);
  void close(const clang::CallExpr *CE, const FunctionRule &R, State S,
             StateList &Out);
  void release(const clang::CallExpr *CE, const FunctionRule &R, State S,
               StateList &Out);
  void associate(const clang::CallExpr *CE, const FunctionRule &R, State S,
                 StateList &Out);
  /// Whether `T` is HANDLE or a typedef of it.
  static bool isHandleType(clang::QualType T);
  /// Forgets what other threads may have written to shared storage, but
  /// not the tested flags of objects that hold a request.
  void forgetSharedValues(State &S) const;
  /// Marks the event `Event` (the object a handle refers to) as one that
  /// nothing can signal now, or clears that.
  void markEvent(State &S, const AccessPath &Event, bool Quiet) const;
  /// Code iodrain does not see gets the handle `Object` is what of (it may
  /// keep it, return it, signal it): it is no longer quiet or private.
  void leakHandle(State &S, const AccessPath &Object) const;
  void forgetPrivacy(State &S, const AccessPath &Slot) const;
  void unknownCall(const clang::CallExpr *CE, State &S) const;
  void invalidateOutArgs(const clang::CallExpr *CE, const FunctionRule &R,
                         State &S) const;

  /// The outcomes of a wait that may return before the requests it waits
  /// for complete: one helper for every timed or alertable wait.
  struct EarlyReturn {
    PathStep::Kind Why;
    AbsValue Result;
    AbsValue LastError;
    /// Requests the early return still completes (routines that ran).
    std::vector<AccessPath> Completed;
  };
  void addEarlyReturn(const clang::CallExpr *CE, const State &S,
                      const EarlyReturn &E, StateList &Out) const;

  // Events.
  void emit(Event E) const;
  /// Emits `E` for the requests `Pick` selects (a part other than None),
  /// then forgets them: they are reported once, at the first end.
  void emitAndForget(State &S, Event E,
                     llvm::function_ref<RequestPart(const Request &)> Pick)
      const;
  /// Emits `Kind` for the requests using storage under `Object`, then
  /// forgets them: they are reported once, at the first end.
  void endStorage(State &S, const AccessPath &Object, EventKind Kind,
                  const clang::Stmt *Site, clang::SourceLocation Loc,
                  const FunctionRule *Rule, const clang::Expr *Subject,
                  std::string SubjectName, std::string Destroyed) const;
  /// Emits a Close for the requests issued on `Handle`, then forgets them.
  void closeHandle(State &S, const AccessPath &Handle,
                   const clang::Stmt *Site, clang::SourceLocation Loc,
                   const FunctionRule *Rule, const clang::Expr *Subject,
                   std::string SubjectName, std::string Destroyed) const;
  /// Runs what the destructor of an object of type `RD` at `Object` does
  /// to handles and memory (closes found in its body and its members').
  void applyEffects(State &S, const AccessPath &Object,
                    llvm::ArrayRef<DestructorEffect> Effects,
                    const clang::Stmt *Site, clang::SourceLocation Loc,
                    const std::string &Destroyed) const;
  void runDestructor(State &S, const AccessPath &Object,
                     const clang::CXXRecordDecl *RD, const clang::Stmt *Site,
                     clang::SourceLocation Loc, std::string Destroyed,
                     unsigned Depth = 0) const;

  const FunctionRule *ruleFor(const clang::CallExpr *CE) const;
  const clang::Expr *argExpr(const clang::CallExpr *CE, ArgRef A) const;
  ObjectRef objectArg(const State &S, const clang::CallExpr *CE, ArgRef A) const;
  /// What a member argument (`1->handle`) names: the object a pointer or
  /// handle member refers to, an array member's first element, or the
  /// member's own storage.
  ObjectRef memberArg(const State &S, const clang::CallExpr *CE,
                      const ArgRef &A) const;
  /// Several effects in turn (Role::Effects).
  void effects(const clang::CallExpr *CE, const FunctionRule &R, State S,
               StateList &Out);
  /// One rule's effect on the state.
  void apply(const clang::CallExpr *CE, const FunctionRule &R, State S,
             StateList &Out);
  ObjectRef overlappedArg(const State &S, const clang::CallExpr *CE,
                          ArgRef A) const;
  std::optional<int64_t> intArg(const State &S, const clang::CallExpr *CE,
                                ArgRef A) const;
  /// Whether a wait never times out: its timeout is INFINITE, or it has
  /// none (`std::thread::join`).
  bool waitsForever(const State &S, const clang::CallExpr *CE,
                    const FunctionRule &R) const;
  /// Whether the wait may return early to run completion routines.
  bool mayBeAlerted(const State &S, const clang::CallExpr *CE,
                    const FunctionRule &R) const;
  /// The requests whose completion routines the wait may run.
  std::vector<AccessPath> routinesRunBy(const State &S,
                                        const clang::CallExpr *CE,
                                        const FunctionRule &R) const;

  // Statements (Transfer.cpp).
  void declare(const clang::DeclStmt *DS, State &S) const;
  /// The requests `Which` selects complete now: on a port-bound handle
  /// their packets are still to be dequeued.
  void completeNow(State &S,
                   llvm::function_ref<bool(const Request &)> Which) const;
  /// `CreateFile(name, ...)`: a client opening a pipe by the name this
  /// function created it with completes the pipe's pending listen.
  void clientOpens(const clang::CallExpr *CE, const FunctionRule &R,
                   State &S) const;
  /// `task t = reader(h);`: a coroutine that suspends with a request
  /// pending in its frame leaves it to the task that holds the frame.
  void startSuspendedCoroutine(State &S, const AccessPath &Owner,
                               clang::QualType T, const clang::Expr *Init) const;
  void assign(const clang::Expr *E, State &S) const;
  void deleteObject(const clang::CXXDeleteExpr *DE, State S,
                    StateList &Out) const;
  /// Destroys the object at `Object` (of type `T`): its destructor is
  /// followed when the explorer follows it, else applied as its effects;
  /// appends the states after it.
  void destroyObject(State S, const AccessPath &Object, clang::QualType T,
                     const clang::Stmt *Site, clang::SourceLocation Loc,
                     const std::string &Destroyed, bool MayFollow,
                     StateList &Out) const;
  /// The object a smart pointer at `Owner` (of type `SmartPointer`) holds
  /// dies: its destructor runs and its storage ends (`reset()`, or the
  /// smart pointer's own end). `Name` names the smart pointer.
  void destroyHeld(State S, const AccessPath &Owner,
                   clang::QualType SmartPointer, const clang::Stmt *Site,
                   clang::SourceLocation Loc, const clang::Expr *Subject,
                   std::string Name, std::string Destroyed, bool MayFollow,
                   StateList &Out) const;
  AbsValue assignedValue(const State &S, clang::QualType T,
                         const clang::Expr *RHS) const;
  void storeInit(State &S, const AccessPath &Path, clang::QualType T,
                 const clang::Expr *Init, unsigned Depth = 0) const;
  void escape(State &S, const AccessPath &Object,
              const clang::Stmt *Site) const;
  bool refine(State &S, const clang::Expr *Sub, bool Equal, int64_t C) const;
  /// Whether a value learnt of `Path` is kept for the functions this one
  /// calls.
  bool keptForCallees(const AccessPath &Path) const;
  /// `a < b` and the like, as far as it leaves one value.
  bool assumeOrder(State &S, const clang::BinaryOperator &BO,
                   bool Truth) const;
  int64_t castTo(int64_t V, clang::QualType T) const;
  /// The known bits of a value of type `T`, within its width.
  AbsValue bitsIn(uint64_t Ones, uint64_t Zeros, clang::QualType T) const;
  /// `L & R` or `L | R` from what is known of their bits.
  AbsValue bitwise(clang::BinaryOperatorKind Op, const AbsValue &L,
                   const AbsValue &R, clang::QualType T) const;
  /// What `X & Mask == C` (or `!=`) teaches about the bits of `X`; false
  /// if it cannot hold.
  bool refineBits(State &S, const clang::Expr *X, uint64_t Mask, bool Equal,
                  int64_t C) const;
  /// Known bits converted from type `From` to `To`.
  AbsValue castBits(const AbsValue &V, clang::QualType From,
                    clang::QualType To) const;
  /// Whether a condition of the function (or, for a field, of the unit)
  /// reads the lvalue `E`.
  bool isTested(const State &S, const clang::Expr *E) const;
  /// Records a value learnt for the lvalue `E` if a later test may use it.
  void recordLearnt(State &S, const clang::Expr *E, const AbsValue &New) const;
  std::optional<int64_t> constantOf(const clang::Expr *E) const;
  const clang::Stmt *fullExprOf(const clang::Stmt *S);

  /// How deep valueOf is in one expression, and how deep it may go.
  mutable unsigned ValueDepth = 0;
  static constexpr unsigned MaxValueDepth = 1000;
  clang::ASTContext &Ctx;
  const ApiModel &Model;
  clang::ParentMap &PM;
  llvm::ArrayRef<AnalysisObserver *> Observers;
  AccessPaths Paths;
  llvm::DenseMap<const clang::Stmt *, const clang::Stmt *> FullExprCache;
  std::map<AccessPath, unsigned> ConditionReads;
  bool HandlesPending = true;
  bool FollowsCalls = false;
  const std::function<void(const State &)> *OnPublish = nullptr;
  Inliner Inline;
  DestructorFollower FollowDestructor;
  std::vector<const clang::CallExpr *> CallStack;
  const TranslationUnitFacts *Facts = nullptr;
  const clang::FunctionDecl *Function = nullptr;
  mutable llvm::DenseMap<const clang::VarDecl *, bool> UnwrittenParams;
  mutable llvm::DenseMap<const clang::CXXRecordDecl *,
                         std::vector<DestructorEffect>>
      DestructorCache;
  mutable llvm::DenseMap<const clang::FunctionDecl *,
                         std::optional<SuspendedIssue>>
      SuspendedIssueCache;
  /// Per open call: where this function stores the handles it creates
  /// under the same name (an assigned expression or a variable).
  mutable llvm::DenseMap<const clang::CallExpr *,
                         llvm::SmallVector<const clang::Stmt *, 2>>
      SameNameCreations;
};

/// Win32 values the model relies on (from the mingw-w64 headers).
namespace win32 {
constexpr int64_t ErrorIoPending = 997;    // ERROR_IO_PENDING, WSA_IO_PENDING
constexpr int64_t ErrorIoIncomplete = 996; // ERROR_IO_INCOMPLETE
constexpr int64_t ErrorNotFound = 1168;    // ERROR_NOT_FOUND
constexpr int64_t WaitTimeout = 258;       // WAIT_TIMEOUT
constexpr int64_t WaitIoCompletion = 192;  // WAIT_IO_COMPLETION
constexpr int64_t StatusPending = 0x103;   // STATUS_PENDING (OVERLAPPED.Internal)
constexpr int64_t Infinite = 0xFFFFFFFF;   // INFINITE
constexpr int64_t FileFlagOverlapped = 0x40000000;
constexpr int64_t SocketError = -1; // SOCKET_ERROR
} // namespace win32

} // namespace iodrain

#endif // IODRAIN_CORE_TRANSFER_H
