//===- ApiModel.h - What each modeled API call does to pending I/O ---------===//
//
// The API model is data: every entry says which role a function plays
// (it issues overlapped I/O, cancels it, waits for it, closes a handle...)
// and which argument carries the handle, the OVERLAPPED, the timeout and so
// on. The built-in entries come from rules/win32.yaml, compiled into the
// binaries; users add their own files through a check option.
//
//===----------------------------------------------------------------------===//

#ifndef IODRAIN_CORE_APIMODEL_H
#define IODRAIN_CORE_APIMODEL_H

#include "ProtocolRule.h"
#include "YamlNesting.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <optional>
#include <string>
#include <vector>

namespace clang {
class CallExpr;
class CXXConstructExpr;
class FunctionDecl;
class Stmt;
} // namespace clang

namespace iodrain {

enum class Role {
  Issue,          ///< Starts overlapped I/O (ReadFile, WSARecv, ...).
  Cancel,         ///< Requests cancellation (CancelIo, CancelIoEx).
  WaitOverlapped, ///< Waits on one OVERLAPPED (GetOverlappedResult[Ex]).
  WaitObject,     ///< Waits on one object (WaitForSingleObject[Ex]).
  WaitObjects,    ///< Waits on an array of objects (WaitForMultipleObjects).
  Dequeue,        ///< Dequeues completion packets (GetQueuedCompletionStatus).
  AlertableSleep, ///< Runs completion routines (SleepEx).
  Close,          ///< Closes a handle (CloseHandle, closesocket).
  Free,           ///< Releases memory (free, HeapFree).
  LastError,      ///< Reads the thread's last error (GetLastError).
  Open,           ///< Opens a handle whose flags say overlapped or not.
  Create,         ///< Creates an object (an event); says how it fails.
  Associate,      ///< Binds a handle to a completion port.
  NotifyModes,    ///< Sets FILE_SKIP_COMPLETION_PORT_ON_SUCCESS and such.
  DumpState,      ///< Engine tests: shows what the path knows here.
  ThreadStart,    ///< Runs a procedure on another thread (CreateThread).
  Transfer,       ///< Takes over the requests of an object (a work queue).
  CompleteAll,    ///< Completes every request on a handle (DisconnectNamedPipe).
  SetEvent,       ///< Signals an event (SetEvent).
  ResetEvent,     ///< Makes an event non-signalled (ResetEvent).
  Inert,          ///< Touches nothing modelled (a check, a lock, a logger).
  Effects,        ///< Several of the above in turn (a user's helper).
};

/// The roles that act on requests: what makes a call of the unit worth
/// following, and what a helper that keeps nothing must not do.
inline constexpr Role RequestRoles[] = {
    Role::Issue,       Role::Cancel,   Role::WaitOverlapped, Role::WaitObject,
    Role::WaitObjects, Role::Dequeue,  Role::AlertableSleep, Role::Close,
    Role::Free,        Role::Transfer, Role::CompleteAll};

/// How an issuing call reports that its I/O is still pending.
enum class ResultConvention {
  Bool,   ///< FALSE + last error ERROR_IO_PENDING means pending.
  Wsa,    ///< SOCKET_ERROR + last error WSA_IO_PENDING means pending.
  Queued, ///< Nonzero means queued: it always completes later.
  /// Never succeeds at once on an overlapped handle: FALSE + ERROR_IO_PENDING
  /// means pending, any other error means no request (ConnectNamedPipe).
  PendsOrFails,
};

/// What a creating or opening call returns when it fails.
enum class FailureValue {
  Unknown,
  Null,          ///< NULL (CreateEvent, CreateIoCompletionPort).
  InvalidHandle, ///< INVALID_HANDLE_VALUE (CreateFile, CreateNamedPipe).
};

/// One argument position. Positions are 1-based, as in the Win32 docs and
/// cppcheck's library files; `this` names the implicit object of a method.
struct ArgRef {
  enum Kind { None, Index, This } K = None;
  unsigned Position = 0;
  /// A member reached from the argument, `1->handle`: what `d->handle`
  /// holds (or, for a record or an array, that storage itself). Kept as a
  /// path from the object the argument points to (ProtocolRule.h:
  /// `.handle`), and as written after the position (`->handle`).
  std::string Member, Written;
  /// For a setting kept as a bit of a flag word (`5 & 0x2`, MWMO_ALERTABLE
  /// of MsgWaitForMultipleObjectsEx): that bit; 0 when the whole argument
  /// says it.
  uint64_t Bit = 0;

  bool isSet() const { return K != None; }
  static ArgRef index(unsigned Pos) {
    ArgRef A;
    A.K = Index;
    A.Position = Pos;
    return A;
  }
  static ArgRef self() {
    ArgRef A;
    A.K = This;
    return A;
  }
};

/// An entry's effects at most: a cleanup helper closes and frees a dozen
/// members; more would be a function to follow, not a list.
constexpr size_t MaxEffects = 16;

struct FunctionRule {
  std::string Name;
  Role FunctionRole = Role::Issue;
  ArgRef Handle, Overlapped, Buffer, Object, Objects, Count, WaitAll, Wait,
      Timeout, Alertable, Port, CompletionRoutine, Pointer, Flags, Procedure,
      Path, InitialState, WakeMask;
  /// For issues: the request completes when a client opens the object by
  /// its name (ConnectNamedPipe, `Completes: client-open`).
  bool CompletesOnClientOpen = false;
  /// For cancels: only requests the calling thread issued (CancelIo).
  bool CallingThreadOnly = false;
  ResultConvention Result = ResultConvention::Bool;
  FailureValue Failure = FailureValue::Unknown;
  /// For Role::Effects: what the function does, in order; each effect
  /// carries the function's name.
  std::vector<FunctionRule> Effects;
  /// How many parameters the function declares, when the rules say.
  std::optional<unsigned> Parameters;
  /// "<file>:<line>" of the entry in its rules file (the built-in one is
  /// "<builtin rules/win32.yaml>"); empty for rules made in code.
  std::string Origin;

  /// Whether the function plays `R`, itself or as one of its effects.
  bool hasRole(Role R) const {
    return FunctionRole == R ||
           llvm::any_of(Effects,
                        [R](const FunctionRule &E) { return E.hasRole(R); });
  }
};

/// The first argument position `R` (or one of its effects) names beyond
/// `Parameters`, as "'Handle: 7'"; none if all fit.
std::optional<std::string> positionBeyond(const FunctionRule &R,
                                          unsigned Parameters);

/// "<line>:<column>: <problem>" where a text is not UTF-8 (a rules file
/// saved as UTF-16 or Latin-1); none if it is.
std::optional<std::string> encodingProblem(llvm::StringRef Text);


/// One rules document: function entries and written-down protocols.
struct RulesDocument {
  std::vector<FunctionRule> Functions;
  std::vector<ProtocolRule> Protocols;
  /// Functions a unit calls without defining them (phase one writes them,
  /// so that the unit defining one knows it has callers elsewhere).
  std::vector<std::string> Called;
};

class ApiModel {
public:
  /// The model built from the rules compiled into the binary.
  static const ApiModel &builtin();

  /// Parses a rules document. `SourceName` names it in error messages.
  /// Errors carry "<file>:<line>:<column>: <problem>".
  static llvm::Expected<RulesDocument> parse(llvm::StringRef Yaml,
                                             llvm::StringRef SourceName);

  /// Reads and parses a rules file from disk.
  static llvm::Expected<RulesDocument> parseFile(llvm::StringRef Path);

  /// A rules document holding `Functions` and `Protocols`, as `parse`
  /// reads it back.
  static std::string write(llvm::ArrayRef<FunctionRule> Functions,
                           llvm::ArrayRef<ProtocolRule> Protocols,
                           llvm::ArrayRef<std::string> Called);

  /// Adds rules; a later rule for the same name replaces an earlier one,
  /// so user files can override built-in entries. Protocols written twice
  /// (by two units that share a header) are kept once. A rule naming an
  /// argument beyond the parameters its predecessor declares is refused;
  /// the problems are returned, one line each.
  std::vector<std::string> add(RulesDocument Document);

  /// The protocols read from rules files (other units' summaries).
  llvm::ArrayRef<ProtocolRule> protocols() const { return Protocols; }
  /// Whether another unit's summary says it calls `Name`.
  bool isCalledElsewhere(llvm::StringRef Name) const {
    return CalledElsewhere.contains(Name);
  }

  /// The rule for a callee, looked up by qualified name, then by plain name
  /// for functions at file scope.
  const FunctionRule *lookup(const clang::FunctionDecl *FD) const;
  const FunctionRule *lookup(llvm::StringRef Name) const;
  /// The rule for a call: its callee's, or for calls through pointers the
  /// rule named like the pointer's typedef (LPFN_CONNECTEX).
  const FunctionRule *lookupCall(const clang::CallExpr *CE) const;

  /// Whether `Body` calls a function with one of `Roles`, outside the
  /// bodies of lambdas it defines (functions of their own).
  bool bodyCalls(const clang::Stmt *Body, llvm::ArrayRef<Role> Roles) const;
  /// Whether iodrain follows `Call` into `Def`: a function, or a non-virtual
  /// method (its `this` is the object it is called on).
  static bool isFollowable(const clang::CallExpr *Call,
                           const clang::FunctionDecl *Def);
  /// The definition iodrain follows `Call` into: its callee's, or for a
  /// virtual call whose object's type is known, the override's; null when
  /// there is none or it is not followable.
  static const clang::FunctionDecl *
  followedDefinition(const clang::CallExpr *Call);
  /// The constructor body a construction runs, when it is written in the
  /// code (not implicit, not the standard library's): iodrain follows it
  /// where the object is named (ImplicitCalls.h).
  static const clang::FunctionDecl *
  followedConstructor(const clang::CXXConstructExpr *Construct);
  /// For `std::make_unique<T>(args...)`: the construction of `T` its body
  /// makes (`new T(std::forward<Args>(args)...)`); else null. The caller's
  /// arguments are that constructor's.
  static const clang::CXXConstructExpr *
  madeUnique(const clang::CallExpr *Call);
  /// `E` without what only moves or copies a value into place: implicit
  /// nodes, `T(x)` written as a cast, elidable copies (`W w = W(h);`).
  static const clang::Expr *withoutCopies(const clang::Expr *E);
  /// Whether `FD` calls a function with one of `Roles`, itself or through
  /// functions of the translation unit it calls (see isFollowable), at most
  /// `Levels` calls below it. `Memo` keeps the answers per function.
  bool callsThrough(const clang::FunctionDecl &FD, llvm::ArrayRef<Role> Roles,
                    unsigned Levels,
                    llvm::DenseMap<const clang::FunctionDecl *, bool> &Memo)
      const;

  /// Names of all functions with the given role (for cheap pre-filters).
  std::vector<std::string> namesWithRole(Role R) const;
  /// Every rule, sorted by name (for dumps and tests).
  std::vector<const FunctionRule *> all() const;

private:
  /// callsThrough's search; `Open` holds the functions being searched, and
  /// `Final` turns false when the answer may differ if asked again with
  /// more levels or once they are done (then it is not memoised).
  bool searchCalls(const clang::FunctionDecl &FD, llvm::ArrayRef<Role> Roles,
                   unsigned Levels,
                   llvm::DenseMap<const clang::FunctionDecl *, bool> &Memo,
                   llvm::SmallPtrSetImpl<const clang::FunctionDecl *> &Open,
                   bool &Final) const;

  llvm::StringMap<FunctionRule> Rules;
  std::vector<ProtocolRule> Protocols;
  llvm::StringSet<> CalledElsewhere;
};

} // namespace iodrain

#endif // IODRAIN_CORE_APIMODEL_H
