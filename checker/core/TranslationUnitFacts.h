//===- TranslationUnitFacts.h - What the whole translation unit shows -----===//
//
// One walk over the translation unit before any function is analysed: who
// calls whom, which functions are entry points (nothing in the unit calls
// them, or their address is taken), which threads may run each function
// (thread procedures are found through the model's `thread-start` calls),
// and on which handles each function issues overlapped I/O.
//
// Handles are matched across functions by what names them: a global
// variable, or a field of a record (`d->handle` in one function and
// `dev->handle` in another are the same field of the same kind of object).
//
//===----------------------------------------------------------------------===//

#ifndef IODRAIN_CORE_TRANSLATIONUNITFACTS_H
#define IODRAIN_CORE_TRANSLATIONUNITFACTS_H

#include "AccessPath.h"
#include "ApiModel.h"
#include "BackReferences.h"
#include "CorrelatedFields.h"
#include "Events.h"
#include "ParameterUses.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/SmallVector.h"
#include <optional>
#include <vector>

namespace clang {
class ASTContext;
class CallExpr;
class Expr;
class FieldDecl;
class FunctionDecl;
class SourceManager;
class Stmt;
} // namespace clang

namespace iodrain {

/// The threads that may run a function: thread procedures of the unit,
/// and `Others`, the threads that call the unit's entry points.
struct ThreadSet {
  llvm::SmallVector<const clang::FunctionDecl *, 2> Procedures;
  bool Others = false;
  /// Run from somewhere iodrain cannot place (a callback, a cycle).
  bool Unknown = false;

  bool known() const { return !Unknown && (Others || !Procedures.empty()); }
  bool intersects(const ThreadSet &O) const;
};

class TranslationUnitFacts {
public:
  TranslationUnitFacts(clang::ASTContext &Ctx, const ApiModel &Model);

  /// Functions with bodies (lambda call operators included), in unit order.
  llvm::ArrayRef<const clang::FunctionDecl *> functions() const {
    return Functions;
  }
  /// The function of the unit whose own body holds `S` (for a statement
  /// in a lambda, the lambda's call operator); null if none does. Found
  /// by position, then confirmed in the body: no parent map of the whole
  /// unit, which costs as much as a fifth of a run.
  const clang::FunctionDecl *functionHolding(const clang::Stmt *S,
                                             const clang::SourceManager &SM)
      const;
  /// The qualified names of functions(), computed once.
  const llvm::StringSet<> &functionNames() const;
  /// Whether some call of `FD` in the unit passes an object its caller
  /// cannot name from its own parameters, `this` or globals (a completion
  /// key cast to the object, a local from an allocation): that caller
  /// cannot hand what `FD` leaves pending on to the next entry point.
  bool hasUnrootedCallSite(const clang::FunctionDecl *FD) const;
  /// Whether code outside the unit, or a thread, may call `FD` with an
  /// object in any state: its address is taken (in a body or a global
  /// initialiser), it is virtual or a thread procedure, or no function of
  /// the unit calls it and it is not a `static` function (which would be
  /// dead here). Destructors: see isDestroyedHere and isDestroyedUnnamed.
  bool isEntryPoint(const clang::FunctionDecl *FD) const;

  /// The API model the facts were gathered with.
  const ApiModel &model() const { return Model; }
  /// Members that refer back to the object that made their object.
  const BackReferences &backReferences() const { return *BackRefs; }
  const ThreadSet &threadsOf(const clang::FunctionDecl *FD) const;
  /// Whether the unit starts threads and issues overlapped I/O: only then
  /// can a cancel miss another thread's requests.
  bool threadsAndIssues() const { return ThreadsAndIssues; }

  /// The functions `From` calls, directly or through functions of the
  /// unit, and `From` itself (canonical declarations).
  llvm::DenseSet<const clang::FunctionDecl *>
  reachableFrom(const clang::FunctionDecl *From) const;
  /// The function whose body holds an issuing call.
  const clang::FunctionDecl *issuerOf(const clang::CallExpr *Issue) const {
    return IssuingFunction.lookup(Issue);
  }

  /// Requests issued on the handle `HandleArg` names by functions that no
  /// thread running `Canceller` also runs (at most a few).
  std::vector<IssueSite> issuedByOtherThreads(
      const clang::Expr *HandleArg, const clang::FunctionDecl *Canceller) const;

  /// Whether some condition of the unit tests this field (a flag such as
  /// `watch->is_active`), directly or compared with a constant.
  bool isTestedField(const clang::FieldDecl *FD) const {
    return TestedFields.contains(FD);
  }
  /// Whether the storage is such a field.
  bool isTestedField(const AccessPath &P) const;
  /// Whether a function `From` calls, directly or through functions of
  /// the unit, tests this field or global (an `if` or a `switch`): what
  /// `From` learns about it decides the callee's branches.
  bool isTestedByCallees(const clang::FunctionDecl *From,
                         const AccessPath &P) const;
  /// Whether some condition of the unit tests this variable of static
  /// storage (a global flag such as `network`), itself and not a member.
  bool isTestedGlobal(const AccessPath &P) const;
  /// Whether a handle argument is a member that the unit stores a handle
  /// opened with FILE_FLAG_OVERLAPPED into (`wm->dev_handle = dev;` after
  /// `dev = CreateFile(..., FILE_FLAG_OVERLAPPED, ...)`), and never one
  /// opened without: I/O on it is overlapped even where the code never
  /// looks for ERROR_IO_PENDING.
  bool holdsOverlappedHandle(const clang::Expr *HandleArg) const;
  /// Whether a function other than `FD` names this OVERLAPPED member or
  /// global (a FieldDecl or VarDecl) and waits for something: it may wait
  /// for a request on it.
  bool othersMayWaitOn(const void *Decl, const clang::FunctionDecl *FD) const;
  /// Whether a function of the unit that calls `FD` waits for something:
  /// it may wait for a request `FD` left in the storage it passed. For a
  /// function called through a pointer or virtually, any that waits.
  bool callersMayWait(const clang::FunctionDecl *FD) const;
  /// The thread procedures whose thread handle the unit stores where
  /// `Handle` reads (`w->thread = CreateThread(.., worker, ..)`, a local
  /// `HANDLE t = (HANDLE)_beginthreadex(..)`): waiting for it to be
  /// signaled waits for them to exit.
  llvm::SmallVector<const clang::FunctionDecl *, 1>
  threadsStartedInto(const clang::Expr *Handle) const;
  /// Whether a function of the unit other than `FD` names the global.
  bool namedElsewhere(const clang::VarDecl *Global,
                      const clang::FunctionDecl *FD) const;
  /// Whether the functions `Proc` reaches name the global and close or
  /// free something: a thread that runs it may dispose of what the global
  /// holds (a reaper thread that drains a table).
  bool mayDisposeOf(const clang::FunctionDecl *Proc,
                    const clang::VarDecl *Global) const;
  /// Whether a call of `FD` (a function of the unit) may start a thread.
  bool mayStartThreads(const clang::FunctionDecl *FD) const;
  /// Whether the unit binds handles to completion ports or dequeues their
  /// packets: code that may finish a request between two calls.
  bool usesPorts() const { return UsesPorts; }
  /// Whether a value stored in this field may say something about
  /// requests: a function that does I/O (issues, cancels, waits, dequeues,
  /// closes or hands over, itself or through the unit's functions it
  /// calls) tests it in a condition that decides about that I/O
  /// (CorrelatedFields.h), a function that does I/O itself stores to it,
  /// or a function returns it. The others (a configuration a getter fills
  /// in) only multiply paths.
  bool mayCorrelate(const clang::FieldDecl *FD) const;
  /// Whether the field's record holds only numbers (CorrelatedFields.h):
  /// only such fields are ever forgotten for saying nothing about I/O.
  bool isPlainField(const clang::FieldDecl *FD) const {
    return Plain.isPlainField(FD);
  }
  /// Whether the member `Flag` may say something about requests on the
  /// OVERLAPPED member `Overlapped`: not when every function of the unit
  /// that stores to it (or takes its address), with the functions it
  /// calls, names other OVERLAPPED members only (`wr_pending`, written
  /// where `wr` is started and drained, says nothing about `rd`). A member
  /// no function here stores to may be set in another unit.
  bool mayDescribe(const clang::FieldDecl *Flag,
                   const clang::FieldDecl *Overlapped) const;

  /// Whether a call to `Callee` (a definition of the unit) may keep, hand
  /// over or finish what its argument `Index` points to (-1: the object a
  /// method is called on); ParameterUses.h.
  bool mayRetain(const clang::FunctionDecl &Callee, int Index) const {
    return Uses.mayRetain(Callee, Index);
  }
  /// For such a call that does not retain it: the members of the object
  /// it may write.
  llvm::SmallPtrSet<const clang::FieldDecl *, 4>
  writtenMembers(const clang::FunctionDecl &Callee, int Index) const {
    return Uses.writtenMembers(Callee, Index);
  }

  /// For such a call: the stores it always makes into the object.
  llvm::SmallVector<ParameterUses::Store, 2>
  definiteStores(const clang::FunctionDecl &Callee, int Index) const {
    auto Stores = Uses.definiteStores(Callee, Index);
    return {Stores.begin(), Stores.end()};
  }

  /// Whether `FD` was handed over in one call with the storage that holds
  /// the request's OVERLAPPED (`ioq_ovl_wait(&t->send_ovl, send_done)`):
  /// it is that storage's completion handler, called once the request
  /// has completed, not while it is pending.
  bool isCompletionHandlerOf(const clang::FunctionDecl *FD,
                             const AccessPath &Overlapped) const;

  /// What names a handle across functions: a global variable or a field.
  static const void *handleKey(const clang::Expr *E);
  /// The functions a function-pointer argument names: `f`, `&f`, either
  /// arm of `c ? f : g`, a captureless lambda converted to a pointer (its
  /// call operator).
  static llvm::SmallVector<const clang::FunctionDecl *, 2>
  functionsNamed(const clang::Expr *Arg);

private:
  void walk(const clang::FunctionDecl *FD, const clang::Stmt *Body);
  void noteProcedure(const clang::Expr *Arg);
  /// A call that hands over a function with storage holding an OVERLAPPED.
  void noteHandlerRegistration(const clang::CallExpr *CE);
  void noteThreadStart(const clang::Expr *Start, const clang::Expr *Procedure,
                       const clang::FunctionDecl *Starter);
  /// Functions a global initialiser names (a table of callbacks).
  void noteAddressesTaken(const clang::Expr *Init);
  /// Whether the unit destroys objects of `RD` (through a base pointer,
  /// for a virtual destructor).
  bool isDestroyedHere(const clang::CXXRecordDecl *RD, unsigned Depth = 0) const;
  /// `Caller` destroys objects of type `T` (a `delete`, a local, a member,
  /// a smart pointer's object): it calls their destructor.
  void noteDestroyed(const clang::FunctionDecl *Caller, clang::QualType T,
                     unsigned Depth = 0);
  /// Whether the unit deletes objects of `RD` it cannot name (`delete *it`
  /// over a container): those arrive at the destructor from elsewhere.
  bool isDestroyedUnnamed(const clang::CXXRecordDecl *RD,
                          unsigned Depth = 0) const;
  void noteTestedFields(const clang::Expr *Cond,
                        const clang::FunctionDecl *Tester);
  void computeThreads();
  void computeCorrelatedFields(const clang::SourceManager &SM);

  const ApiModel &Model;
  std::optional<BackReferences> BackRefs;
  /// The functions that name each OVERLAPPED member or global, and those
  /// that wait for something.
  llvm::DenseSet<const clang::FunctionDecl *> Waiters;
  bool UsesPorts = false;
  llvm::DenseMap<const void *, llvm::DenseSet<const clang::FunctionDecl *>>
      OverlappedNamers;
  /// Per thread handle's key, per procedure: the starts stored there.
  llvm::DenseMap<const void *,
                 llvm::DenseMap<const clang::FunctionDecl *,
                                llvm::SmallPtrSet<const clang::Expr *, 2>>>
      ThreadHandles;
  /// Per procedure: every start of a thread that runs it.
  llvm::DenseMap<const clang::FunctionDecl *,
                 llvm::SmallPtrSet<const clang::Expr *, 2>>
      ThreadStarts;
  /// The functions that start threads themselves.
  llvm::DenseSet<const clang::FunctionDecl *> ThreadStarters;
  mutable ParameterUses Uses;
  std::vector<const clang::FunctionDecl *> Functions;
  llvm::DenseMap<const clang::FunctionDecl *,
                 llvm::SmallVector<const clang::FunctionDecl *, 4>>
      Callees;
  mutable std::optional<llvm::StringSet<>> FunctionNames;
  llvm::DenseSet<const clang::FunctionDecl *> Walked, Called, AddressTaken,
      Procedures;
  /// The calls of each function of the unit.
  llvm::DenseMap<const clang::FunctionDecl *,
                 llvm::SmallVector<const clang::CallExpr *, 2>>
      CallSites;
  /// Destructors run by a `delete` of an object the deleter cannot name.
  llvm::DenseSet<const clang::FunctionDecl *> DeletedUnnamed;
  llvm::DenseSet<const clang::FieldDecl *> TestedFields;
  llvm::DenseSet<const void *> TestedGlobals;
  /// Per function: the fields and globals its own conditions test; and,
  /// computed when asked, those the functions it calls test.
  llvm::DenseMap<const clang::FunctionDecl *, llvm::DenseSet<const void *>>
      TestedIn;
  mutable llvm::DenseMap<const clang::FunctionDecl *,
                         llvm::DenseSet<const void *>>
      TestedInCallees;
  /// Members and globals the unit stores handles opened without (0) and
  /// with (1) FILE_FLAG_OVERLAPPED into.
  llvm::DenseSet<const clang::ValueDecl *> HandleFieldOpens[2];
  /// Functions whose own body does I/O (a request role other than a free).
  llvm::DenseSet<const clang::FunctionDecl *> DirectIo;
  llvm::DenseSet<const clang::FieldDecl *> CorrelatedFields;
  PlainRecords Plain;
  /// Per member stored to, the functions that store to it; per function,
  /// the OVERLAPPED members it names.
  llvm::DenseMap<const clang::FieldDecl *,
                 llvm::SmallVector<const clang::FunctionDecl *, 2>>
      Writers;
  llvm::DenseMap<const clang::FunctionDecl *,
                 llvm::SmallPtrSet<const clang::FieldDecl *, 4>>
      OverlappedNamedIn;
  llvm::DenseMap<const clang::FunctionDecl *, ThreadSet> Threads;
  llvm::DenseMap<const void *, std::vector<IssueSite>> IssuesOnHandle;
  /// Functions that close or free something themselves.
  llvm::DenseSet<const clang::FunctionDecl *> Disposers;
  /// Thread objects some code detaches (threadHandleKey).
  llvm::DenseSet<const void *> Detached;
  /// Per global variable: the functions that name it.
  llvm::DenseMap<const clang::VarDecl *,
                 llvm::SmallPtrSet<const clang::FunctionDecl *, 4>>
      GlobalNamers;
  /// Per function: the storage (a global, a member) holding an OVERLAPPED
  /// it was handed over with (isCompletionHandlerOf).
  llvm::DenseMap<const clang::FunctionDecl *, llvm::DenseSet<const void *>>
      HandlerStorage;
  llvm::DenseMap<const clang::CallExpr *, const clang::FunctionDecl *>
      IssuingFunction;
  bool ThreadsAndIssues = false;
};

} // namespace iodrain

#endif // IODRAIN_CORE_TRANSLATIONUNITFACTS_H
