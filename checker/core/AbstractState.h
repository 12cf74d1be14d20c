//===- AbstractState.h - What one path knows at one program point ---------===//
//
// The explorer carries one State per path. A State holds what the path
// knows about local values (enough to follow correlated flags such as
// `if (pending)`), the thread's last error, and the overlapped requests that
// may still be pending. Objects are named by access-path keys (see
// AccessPath.h), so `h`, an alias of `h` and `c->pipe` all have stable names.
//
//===----------------------------------------------------------------------===//

#ifndef IODRAIN_CORE_ABSTRACTSTATE_H
#define IODRAIN_CORE_ABSTRACTSTATE_H

#include "clang/Basic/SourceLocation.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace clang {
class Expr;
} // namespace clang

namespace iodrain {

/// An abstract value: an exact integer, "none of these integers", the object
/// a pointer or handle refers to, a null pointer, or nothing known.
struct AbsValue {
  enum Kind : uint8_t { Unknown, Int, NotInts, Object, Null };
  Kind K = Unknown;
  int64_t Value = 0;                     ///< For Int.
  llvm::SmallVector<int64_t, 2> Excluded; ///< For NotInts, sorted.
  std::string ObjectKey;                 ///< For Object.
  bool SyncHandle = false; ///< Returned by an open without FILE_FLAG_OVERLAPPED.

  static AbsValue unknown() { return {}; }
  static AbsValue integer(int64_t V);
  static AbsValue notIntegers(llvm::ArrayRef<int64_t> Vs);
  static AbsValue object(std::string Key);
  static AbsValue null();

  bool isKnownInt() const { return K == Int; }
  /// Whether the value, read as a condition, is known true or false.
  std::optional<bool> truth() const;
  /// Whether the value may equal C (false only when it provably cannot).
  bool mayEqual(int64_t C) const;
  void print(std::string &Out) const;
};

/// A note on the path that explains a finding.
struct PathNote {
  clang::SourceLocation Loc;
  std::string Text;
};

enum class CompletionMode : uint8_t {
  Default, ///< Event, completion port or the handle itself.
  Apc,     ///< A completion routine run by an alertable wait.
};

/// An overlapped operation that may still be pending on this path.
struct Request {
  std::string OverlappedKey;
  std::string HandleKey;
  std::string EventKey; ///< The object `ov.hEvent` referred to at issue.
  std::string HandleText; ///< The handle as the user wrote it.
  CompletionMode Mode = CompletionMode::Default;
  bool CancelRequested = false;
  const clang::Expr *IssueCall = nullptr;
  const clang::Expr *CancelCall = nullptr;
  /// The arguments as written at the issue, for fix suggestions.
  const clang::Expr *HandleArg = nullptr;
  const clang::Expr *OverlappedArg = nullptr;
  /// Why the operation is still pending: the issue, then the decisions along
  /// the path. Not part of the state's identity: the first path wins.
  std::vector<PathNote> Notes;
};

struct State {
  std::map<std::string, AbsValue> Vars;      ///< Keyed by lvalue access path.
  std::map<std::string, Request> Requests;   ///< Keyed by OVERLAPPED object.
  std::set<std::string> SyncHandles;         ///< Objects opened non-overlapped.
  AbsValue LastError;
  /// Values of calls, assignments and assumed conditions in the current
  /// full expression. Cleared when the next full expression starts.
  llvm::DenseMap<const clang::Expr *, AbsValue> Exprs;
  /// The full expression Exprs belongs to (not part of the identity).
  const void *CurrentFullExpr = nullptr;

  /// A canonical text of everything that matters for exploration: two paths
  /// with equal keys at the same block behave the same from there on.
  std::string key() const;

  bool hasPending() const { return !Requests.empty(); }
  void addNoteToPending(clang::SourceLocation Loc, const std::string &Text,
                        unsigned MaxNotes);
};

/// Whether `Key` equals `Prefix` or extends it by a component
/// (".field", "*" or "[index]").
bool keyIsUnder(llvm::StringRef Key, llvm::StringRef Prefix);

/// Appends a path note, keeping only the latest visit of a repeated one
/// and at most MaxNotes notes (the first, the issue, always stays).
void appendNote(std::vector<PathNote> &Notes, PathNote Note, unsigned MaxNotes);

} // namespace iodrain

#endif // IODRAIN_CORE_ABSTRACTSTATE_H
