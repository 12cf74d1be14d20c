//===- ObjectProtocols.h - Requests left pending between entry points -----===//
//
// A record type (a C struct, a C++ class) has a protocol when some function
// of the translation unit starts overlapped I/O on its fields and can
// return with it pending: `device_read(d)` issues on `d->handle` into
// `d->ov`, sets `d->read_pending`, and returns. The next entry point that
// receives such an object (`device_close(d)`, a method, a destructor) may
// be called with that request still pending, and so starts in that state
// too, with the fields the issuer set on the way (the flag that says so).
// Requests on globals work the same, for functions that name the global.
//
// Learned from the issuers' exit states in a first pass over the unit; the
// paths are kept relative to the object (rooted at `this`), so that they
// apply to whatever the next function calls that object. Protocols that
// other units wrote down (ProtocolRule.h) apply the same way.
//
//===----------------------------------------------------------------------===//

#ifndef IODRAIN_CORE_OBJECTPROTOCOLS_H
#define IODRAIN_CORE_OBJECTPROTOCOLS_H

#include "AbstractState.h"
#include "ApiModel.h"
#include "llvm/ADT/DenseMap.h"
#include <utility>
#include <vector>

namespace clang {
class FunctionDecl;
class RecordDecl;
} // namespace clang

namespace iodrain {

class TranslationUnitFacts;

/// The part of a request that `FD` returns with in storage its caller
/// lent it, and the parameter it came through; None when it uses none or
/// when other code may finish the request: a completion port or routine,
/// a caller of `FD` or another function naming its OVERLAPPED that waits.
struct LentStorage {
  RequestPart Part = RequestPart::None;
  const clang::VarDecl *Parameter = nullptr;
};
LentStorage lentPart(const Request &R, const State &Exit,
                     const clang::FunctionDecl &FD,
                     const TranslationUnitFacts &Facts);

class ObjectProtocols {
public:
  /// Learns the requests `Issuer` may return with, still pending, on
  /// storage its caller provided, from one state at its exit.
  void learnExit(const clang::FunctionDecl &Issuer, const State &Exit);

  /// The states an entry point may start in besides the empty one: one per
  /// request its objects' protocols may have left pending, at most `Max`
  /// (`Truncated` says when more were possible).
  /// `Imported` are protocols other units wrote down.
  std::vector<State> entryStates(const clang::FunctionDecl &FD,
                                 const TranslationUnitFacts &Facts,
                                 llvm::ArrayRef<ProtocolRule> Imported,
                                 unsigned Max, bool &Truncated) const;

  bool empty() const { return Entries.empty(); }

  /// Whether `FD` may return with a request pending on an OVERLAPPED of its
  /// own that is `static`: its next call then meets it, wherever it ends.
  bool leavesStaticPending(const clang::FunctionDecl &FD) const;

  /// Whether `FD` may start I/O on storage other than its own locals
  /// (itself, or through the calls iodrain follows `Levels` deep): only
  /// such a function can set up a protocol, so only such a function is
  /// explored in the first pass.
  static bool mayIssueOnCallerStorage(
      const clang::FunctionDecl &FD, const ApiModel &Model, unsigned Levels,
      llvm::DenseMap<const clang::FunctionDecl *, bool> &IssuesMemo);

  struct Entry {
    /// The record whose fields hold the request; null for globals.
    const clang::RecordDecl *Record = nullptr;
    /// The request, its paths under `this` for a record.
    Request Shape;
    /// What the issuer's path knew of the object's fields (its flags).
    std::vector<std::pair<AccessPath, AbsValue>> Fields;
    const clang::FunctionDecl *Issuer = nullptr;
  };
  /// What the unit's issuers leave pending, for writing it down.
  llvm::ArrayRef<Entry> learned() const { return Entries; }

private:
  std::vector<Entry> Entries;
};

} // namespace iodrain

#endif // IODRAIN_CORE_OBJECTPROTOCOLS_H
