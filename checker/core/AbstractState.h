//===- AbstractState.h - What one path knows at one program point ---------===//
//
// The explorer carries one State per path. A State holds what the path
// knows about values (enough to follow correlated flags such as
// `if (pending)`), the thread's last error, and the overlapped requests that
// may still be pending. Storage is named by typed access paths, so `h`, an
// alias of `h` and `c->pipe` all have stable names.
//
//===----------------------------------------------------------------------===//

#ifndef IODRAIN_CORE_ABSTRACTSTATE_H
#define IODRAIN_CORE_ABSTRACTSTATE_H

#include "AccessPath.h"
#include "CowMap.h"
#include "Events.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"
#include <cstdint>
#include <optional>
#include <string>

namespace clang {
class Expr;
} // namespace clang

namespace iodrain {

/// An abstract value: an exact integer, "none of these integers", an
/// integer of which some bits are known (flags tested with `x & F` or set
/// with `x |= F`), the object a pointer or handle refers to, a null
/// pointer, or nothing known.
struct AbsValue {
  enum Kind : uint8_t { Unknown, Int, NotInts, Bits, Object, Null };
  Kind K = Unknown;
  /// Returned by an open without FILE_FLAG_OVERLAPPED.
  bool SyncHandle = false;
  /// Returned by an open or create call on this path: no handle value of
  /// another origin equals it (two events a function creates differ).
  bool Created = false;
  /// For an event this path created non-signalled (or reset) that no
  /// request, SetEvent or unknown code could signal since: a wait on
  /// several objects does not return for it.
  bool Quiet = false;
  /// For a created handle: no code iodrain does not see has been given it,
  /// so a handle such code produced is another one.
  bool Private = false;
  int64_t Value = 0;                      ///< For Int.
  llvm::SmallVector<int64_t, 2> Excluded; ///< For NotInts, sorted.
  uint64_t Ones = 0, Zeros = 0;           ///< For Bits: known set, clear.
  AccessPath Referent;                    ///< For Object.

  static AbsValue unknown() { return {}; }
  static AbsValue integer(int64_t V);
  static AbsValue notIntegers(llvm::ArrayRef<int64_t> Vs);
  /// Known bits; an exact integer when every bit is known, unknown when
  /// none is.
  static AbsValue bits(uint64_t Ones, uint64_t Zeros);
  static AbsValue object(AccessPath P);
  static AbsValue null();
  /// What a handle that I/O was issued on holds: not NULL, not -1
  /// (INVALID_HANDLE_VALUE, also the current process's pseudo-handle), not
  /// -2 (the current thread's): none of them is a file.
  static AbsValue validHandle();
  /// The bits known set and known clear (none for an unknown value).
  std::pair<uint64_t, uint64_t> knownBits() const;

  /// Whether the value, read as a condition, is known true or false.
  std::optional<bool> truth() const;
  /// Whether the value may equal C (false only when it provably cannot).
  bool mayEqual(int64_t C) const;
  std::string str() const;
  size_t hash() const;

  friend bool operator==(const AbsValue &A, const AbsValue &B) {
    return A.K == B.K && A.SyncHandle == B.SyncHandle &&
           A.Created == B.Created && A.Quiet == B.Quiet &&
           A.Private == B.Private &&
           A.Value == B.Value &&
           A.Excluded == B.Excluded && A.Ones == B.Ones && A.Zeros == B.Zeros &&
           A.Referent == B.Referent;
  }
};

/// An overlapped operation that may still be pending on this path.
struct Request {
  AccessPath Overlapped;
  AccessPath Handle;
  std::optional<AccessPath> EventObject; ///< What `ov.hEvent` referred to.
  std::optional<AccessPath> Buffer;
  /// For a request an object's protocol left pending: the object it was
  /// received in (`*d`, `this`, `*g_watches[?]`), whose own state a branch
  /// may test.
  std::optional<AccessPath> ReceivedIn;
  RequestView View; ///< What checks see.

  /// Identity for merging: everything but the explanation.
  friend bool operator==(const Request &A, const Request &B) {
    return A.Overlapped == B.Overlapped && A.Handle == B.Handle &&
           A.EventObject == B.EventObject && A.Buffer == B.Buffer &&
           A.View.State == B.View.State && A.View.Mode == B.View.Mode &&
           A.View.PortBound == B.View.PortBound &&
           A.View.IssueCall == B.View.IssueCall;
  }
};

struct StateFingerprint {
  size_t A, B;
  friend bool operator==(const StateFingerprint &X, const StateFingerprint &Y) {
    return X.A == Y.A && X.B == Y.B;
  }
};

struct FingerprintHash {
  size_t operator()(const StateFingerprint &F) const { return F.A; }
};

struct State {
  CowMap<AccessPath, AbsValue> Vars;     ///< By lvalue.
  CowMap<AccessPath, Request> Requests;  ///< By OVERLAPPED object.
  CowMap<AccessPath, bool> SyncHandles;  ///< Objects opened non-overlapped.
  CowMap<AccessPath, bool> PortBound;    ///< Handles bound to a port.
  /// Thread procedures of the unit whose thread the path waited to exit
  /// (`WaitForSingleObject(worker, INFINITE)`): none of their requests is
  /// pending any more, so a cancel cannot miss one.
  llvm::SmallVector<const clang::FunctionDecl *, 1> Joined;
  AbsValue LastError;
  /// Values of calls, assignments and assumed conditions in the current
  /// full expression. Cleared when the next full expression starts.
  llvm::SmallDenseMap<const clang::Expr *, AbsValue, 4> Exprs;
  /// The full expression Exprs belongs to (not part of the identity).
  const void *CurrentFullExpr = nullptr;
  /// The `return` (or uncaught `throw`) the analysed function leaves by,
  /// once the path took one (not part of the identity: only the exit reads
  /// it).
  const clang::Stmt *Returning = nullptr;

  const AbsValue *exprValue(const clang::Expr *E) const {
    auto It = Exprs.find(E);
    return It == Exprs.end() ? nullptr : &It->second;
  }
  bool hasPending() const { return !Requests.empty(); }
  /// Whether `P` holds a live request's handle (or its event). The
  /// request is found through it, so iodrain takes the slot to keep naming
  /// that handle, and
  /// a call it does not see into, or a followed one on its way back, to
  /// leave its value as it was (`ttyfd == -1` after a log call).
  bool holdsLiveHandle(const AccessPath &P) const;
  /// Adds a step to the explanation of every pending request.
  void addStepToPending(PathStep Step);
  /// The object once reached through `Prefix` keeps living under a retired
  /// name (tagged with `Tag`), so requests and aliases still find it,
  /// while `Prefix` now names a new object.
  void retire(const AccessPath &Prefix, const void *Tag);
  /// The object at `From` is from now on named `To` (a heap object stored
  /// into a global table): its requests and the values of its members
  /// move there, and what pointed to it points there.
  void moveObject(const AccessPath &From, const AccessPath &To);

private:
  /// Renames with `Fix` every path under `Prefix` that requests, handle
  /// sets and values refer to (not the variables' own keys).
  void renameUnder(const AccessPath &Prefix,
                   llvm::function_ref<void(AccessPath &)> Fix);

public:
  /// Two paths with equal states behave the same from here on.
  friend bool operator==(const State &A, const State &B);
  size_t hash(size_t Seed = 0) const;
  /// Two independent 64-bit hashes: paths already explored are remembered
  /// by fingerprint alone, so a visited state costs 16 bytes, not a copy
  /// (collisions are vanishingly rare at the budgets used).
  StateFingerprint fingerprint() const;
  /// A readable dump, for engine tests.
  std::string str() const;
};


} // namespace iodrain

#endif // IODRAIN_CORE_ABSTRACTSTATE_H
