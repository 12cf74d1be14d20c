//===- CallSummaries.h - How followed calls return, kept for reuse --------===//
//
// A followed call is run once per distinct part of the caller's state it
// can see; the ways it returns are its summary. Before it runs, the storage
// its arguments reach is renamed after the callee's parameters (`*req` of
// the caller becomes `*w` of the callee), so that callers which pass
// equal-looking objects from different functions see the same entry. Such
// a summary names nothing of its caller and is kept for the whole
// translation unit, with the events the callee emitted: another function's
// call applies it, renamed back, and hears those events again at its own
// call site, with its own path in their explanations.
//
//===----------------------------------------------------------------------===//

#ifndef IODRAIN_CORE_CALLSUMMARIES_H
#define IODRAIN_CORE_CALLSUMMARIES_H

#include "AbstractState.h"
#include "Events.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

namespace iodrain {

/// Storage renamed between a caller's names and the callee's: each pair
/// maps a caller prefix to the callee's name for it.
class Renaming {
public:
  void add(AccessPath Caller, AccessPath Callee);
  bool empty() const { return Pairs.empty(); }
  std::optional<AccessPath> toCallee(const AccessPath &P) const;
  std::optional<AccessPath> toCaller(const AccessPath &P) const;
  AccessPath callerName(const AccessPath &P) const {
    return toCaller(P).value_or(P);
  }

private:
  llvm::SmallVector<std::pair<AccessPath, AccessPath>, 2> Pairs;
};

/// The state with storage renamed: every path `Rename` maps, as keys and
/// as the objects values and requests refer to; the others stay.
State renamed(const State &S,
              llvm::function_ref<std::optional<AccessPath>(const AccessPath &)>
                  Rename);

/// Whether anything in the state names storage that `Pred` picks.
bool mentions(const State &S,
              llvm::function_ref<bool(const AccessPath &)> Pred);

/// A request the call received and still holds: its key at the exit, its
/// key at the entry, and the steps the call added to its explanation.
struct ContinuedRequest {
  AccessPath AtExit;
  AccessPath AtEntry;
  std::vector<PathStep> Added;
};

/// One way a followed call returns: the caller's state after it (what the
/// callee could see of it, in the callee's names) and the value it returns.
struct SummaryExit {
  State Exit;
  AbsValue Result;
  std::vector<ContinuedRequest> Continued;
};

/// An event a followed call emitted, with what it needs to be heard again
/// at another call: the requests it touched (by their key at the call's
/// entry, when they were there) and the calls below the summarised one.
struct RecordedEvent {
  explicit RecordedEvent(const Event &E) : E(E) {}
  Event E;
  std::vector<RequestView> Views;
  std::vector<RequestPart> Parts;
  std::vector<std::optional<AccessPath>> EntryKeys;
  std::vector<std::vector<PathStep>> Added;
  std::vector<IssueSite> OtherThreadIssues;
  std::vector<const clang::CallExpr *> Below;
};

struct CallSummary {
  std::vector<SummaryExit> Exits;
  std::vector<RecordedEvent> Events;
};

/// The steps each request of an entry state ends with, to tell later which
/// of them a request continues.
class EntryTails {
public:
  explicit EntryTails(const State &Entry);
  /// Two requests ending in the same step cannot be told apart.
  bool ambiguous() const { return Ambiguous; }
  /// The entry key the request `View` continues, and the steps added
  /// since; no key for a request the entry did not hold.
  std::optional<AccessPath> continues(const RequestView &View,
                                      std::vector<PathStep> &Added) const;

private:
  llvm::DenseMap<const void *, AccessPath> Keys;
  bool Ambiguous = false;
};

/// Hears the events of a followed call for its summary and passes them on
/// to the observers of the enclosing run.
class EventRecorder : public AnalysisObserver {
public:
  EventRecorder(llvm::ArrayRef<AnalysisObserver *> Next, const EntryTails &Tails,
                size_t Depth, std::vector<RecordedEvent> &Into)
      : Next(Next), Tails(Tails), Depth(Depth), Into(Into) {}
  void onEvent(const Event &E) override;
  void onFunctionEnd(const clang::FunctionDecl &,
                     const AnalysisResult &) override {}

private:
  llvm::ArrayRef<AnalysisObserver *> Next;
  const EntryTails &Tails;
  size_t Depth; ///< The summarised call's place in an event's call stack.
  std::vector<RecordedEvent> &Into;
};

/// Emits a recorded event again for a call reached through `Stack` (from
/// the analysed function to the summarised call), explaining each request
/// it touches with the path that holds it now (`Current`, by entry key).
void replay(const RecordedEvent &R, llvm::ArrayRef<const clang::CallExpr *> Stack,
            llvm::function_ref<const Request *(const AccessPath &)> Current,
            llvm::ArrayRef<AnalysisObserver *> Observers);

/// The summaries that name nothing of their caller, shared by every
/// function of a translation unit (one cache per exploration pass).
class SummaryCache {
public:
  const CallSummary *find(const StateFingerprint &Key) const;
  void insert(const StateFingerprint &Key, CallSummary Summary);
  /// A call that ran out of the budget for calls with `Left` path states
  /// left: with no more left, it would again.
  void tooCostly(const StateFingerprint &Key, unsigned Left);
  bool isTooCostly(const StateFingerprint &Key, unsigned Left) const;
  void clear() {
    Summaries.clear();
    Costly.clear();
  }

private:
  std::unordered_map<StateFingerprint, CallSummary, FingerprintHash> Summaries;
  std::unordered_map<StateFingerprint, unsigned, FingerprintHash> Costly;
};

} // namespace iodrain

#endif // IODRAIN_CORE_CALLSUMMARIES_H
