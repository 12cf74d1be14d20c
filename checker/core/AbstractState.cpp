//===- AbstractState.cpp --------------------------------------------------===//

#include "AbstractState.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/Hashing.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"
#include <map>

namespace iodrain {

AnalysisObserver::~AnalysisObserver() = default;

AbsValue AbsValue::integer(int64_t V) {
  AbsValue A;
  A.K = Int;
  A.Value = V;
  return A;
}

AbsValue AbsValue::notIntegers(llvm::ArrayRef<int64_t> Vs) {
  AbsValue A;
  A.K = NotInts;
  A.Excluded.assign(Vs.begin(), Vs.end());
  llvm::sort(A.Excluded);
  A.Excluded.erase(std::unique(A.Excluded.begin(), A.Excluded.end()),
                   A.Excluded.end());
  return A;
}

AbsValue AbsValue::bits(uint64_t Ones, uint64_t Zeros) {
  if ((Ones | Zeros) == ~uint64_t(0))
    return integer(int64_t(Ones));
  if ((Ones | Zeros) == 0)
    return unknown();
  AbsValue A;
  A.K = Bits;
  A.Ones = Ones;
  A.Zeros = Zeros;
  return A;
}

std::pair<uint64_t, uint64_t> AbsValue::knownBits() const {
  if (K == Int)
    return {uint64_t(Value), ~uint64_t(Value)};
  if (K == Bits)
    return {Ones, Zeros};
  return {0, 0};
}

AbsValue AbsValue::object(AccessPath P) {
  AbsValue A;
  A.K = Object;
  A.Referent = std::move(P);
  return A;
}

AbsValue AbsValue::null() {
  AbsValue A;
  A.K = Null;
  return A;
}

AbsValue AbsValue::validHandle() { return notIntegers({0, -1, -2}); }

bool State::holdsLiveHandle(const AccessPath &P) const {
  if (Requests.empty())
    return false;
  // The slot a request's handle is named after, or one that refers to a
  // request's handle or event (`w->dir = dir` of a published watch).
  const AbsValue *V = Vars.find(P);
  const AccessPath *Held =
      V && V->K == AbsValue::Object ? &V->Referent : nullptr;
  return llvm::any_of(Requests, [&](const auto &Entry) {
    const Request &R = Entry.second;
    return R.Handle.pointerSlot() == P ||
           (Held && (R.Handle == *Held || R.EventObject == *Held));
  });
}

std::optional<bool> AbsValue::truth() const {
  switch (K) {
  case Int:
    return Value != 0;
  case NotInts:
    if (llvm::is_contained(Excluded, 0))
      return true;
    return std::nullopt;
  case Bits:
    if (Ones != 0)
      return true;
    return std::nullopt;
  case Null:
    return false;
  default:
    return std::nullopt;
  }
}

bool AbsValue::mayEqual(int64_t C) const {
  if (K == Int)
    return Value == C;
  if (K == NotInts)
    return !llvm::is_contained(Excluded, C);
  if (K == Bits)
    return (uint64_t(C) & Ones) == Ones && (uint64_t(C) & Zeros) == 0;
  if (K == Null)
    return C == 0;
  return true;
}

std::string AbsValue::str() const {
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  switch (K) {
  case Unknown:
    OS << "?";
    break;
  case Int:
    OS << Value;
    break;
  case NotInts:
    OS << "!{";
    llvm::interleave(Excluded, OS, ",");
    OS << "}";
    break;
  case Bits:
    OS << "bits{";
    if (Ones)
      OS << "+0x" << llvm::utohexstr(Ones, /*LowerCase=*/true);
    if (Ones && Zeros)
      OS << ",";
    if (Zeros)
      OS << "-0x" << llvm::utohexstr(Zeros, /*LowerCase=*/true);
    OS << "}";
    break;
  case Object:
    OS << "&" << Referent.str();
    break;
  case Null:
    OS << "null";
    break;
  }
  if (SyncHandle)
    OS << "[sync]";
  if (Created)
    OS << "[new]";
  if (Quiet)
    OS << "[quiet]";
  if (Private)
    OS << "[private]";
  return Out;
}

size_t AbsValue::hash() const {
  llvm::hash_code H =
      llvm::hash_combine(int(K), SyncHandle, Created, Quiet, Private, Value, Ones,
                         Zeros);
  for (int64_t X : Excluded)
    H = llvm::hash_combine(H, X);
  if (K == Object)
    H = llvm::hash_combine(H, Referent.hash());
  return H;
}

void PathSteps::append(PathStep Step) {
  auto N = std::make_shared<Node>();
  N->Step = Step;
  N->Prev = std::move(Last);
  Last = std::move(N);
}

void PathSteps::append(llvm::ArrayRef<PathStep> More) {
  for (const PathStep &Step : More)
    append(Step);
}

std::vector<PathStep>
PathSteps::stepsAfter(llvm::function_ref<bool(const void *)> IsBase,
                      const void *&Base) const {
  std::vector<PathStep> Reversed;
  Base = nullptr;
  for (const Node *N = Last.get(); N; N = N->Prev.get()) {
    if (IsBase(N)) {
      Base = N;
      break;
    }
    Reversed.push_back(N->Step);
  }
  return std::vector<PathStep>(Reversed.rbegin(), Reversed.rend());
}

std::vector<PathStep> PathSteps::collect(unsigned Max) const {
  std::vector<PathStep> Reversed;
  for (const Node *N = Last.get(); N; N = N->Prev.get()) {
    // A loop visits the same step again: keep only its latest visit.
    bool Seen = llvm::any_of(Reversed, [&](const PathStep &S) {
      return S.K == N->Step.K && S.At == N->Step.At;
    });
    if (!Seen)
      Reversed.push_back(N->Step);
  }
  std::vector<PathStep> Steps(Reversed.rbegin(), Reversed.rend());
  // Keep the issue and the most recent decisions.
  if (Max >= 2 && Steps.size() > Max)
    Steps.erase(Steps.begin() + 1, Steps.begin() + (Steps.size() - Max + 1));
  return Steps;
}

void State::addStepToPending(PathStep Step) {
  if (Requests.empty())
    return;
  for (auto &Entry : Requests.mut())
    Entry.second.View.Steps.append(Step);
}

bool operator==(const State &A, const State &B) {
  if (!(A.LastError == B.LastError) || !(A.Vars == B.Vars) ||
      !(A.Requests == B.Requests) || !(A.SyncHandles == B.SyncHandles) ||
      !(A.PortBound == B.PortBound) || A.Joined != B.Joined ||
      A.Exprs.size() != B.Exprs.size())
    return false;
  for (const auto &[E, V] : A.Exprs) {
    auto It = B.Exprs.find(E);
    if (It == B.Exprs.end() || !(It->second == V))
      return false;
  }
  return true;
}

size_t State::hash(size_t Seed) const {
  // Each map's hash is cached in the map, shared by the states that share
  // it; the two fingerprint halves use independent map hashes.
  unsigned Which = Seed != 0;
  size_t VarsHash = Vars.contentHash(
      Which, [](size_t H, const AccessPath &P, const AbsValue &V) {
        return size_t(llvm::hash_combine(H, P.hash(), V.hash()));
      });
  size_t RequestsHash = Requests.contentHash(
      Which, [](size_t H, const AccessPath &P, const Request &R) {
        return size_t(llvm::hash_combine(
            H, P.hash(), R.Handle.hash(), int(R.View.State), int(R.View.Mode),
            R.View.PortBound, R.View.IssueCall,
            R.EventObject ? R.EventObject->hash() : 0,
            R.Buffer ? R.Buffer->hash() : 0));
      });
  auto KeyOnly = [](size_t H, const AccessPath &P, const bool &) {
    return size_t(llvm::hash_combine(H, P.hash()));
  };
  size_t SyncHash = SyncHandles.contentHash(Which, KeyOnly);
  size_t PortHash = PortBound.contentHash(Which, KeyOnly);
  // Exprs is unordered: combine its entries order-independently.
  size_t ExprSum = 0;
  for (const auto &[E, V] : Exprs)
    ExprSum += llvm::hash_combine(Seed, E, V.hash());
  return llvm::hash_combine(
      Seed, LastError.hash(), VarsHash, RequestsHash, SyncHash, PortHash,
      ExprSum, llvm::hash_combine_range(Joined.begin(), Joined.end()));
}

StateFingerprint State::fingerprint() const {
  return {hash(0), hash(0x9e3779b97f4a7c15ull)};
}

std::string State::str() const {
  // Sorted by text: map order follows pointers, which differ between runs.
  auto Join = [](std::vector<std::string> Items) {
    llvm::sort(Items);
    return llvm::join(Items, ", ");
  };
  std::vector<std::string> VarItems, RequestItems, Sync, Ports;
  for (const auto &[P, V] : Vars)
    VarItems.push_back(P.str() + "=" + V.str());
  static const char *const StateNames[] = {"pending", "cancelled",
                                           "packet-queued", "drained"};
  for (const auto &[P, R] : Requests)
    RequestItems.push_back(
        P.str() + ": on " + R.Handle.str() + " " +
        StateNames[int(R.View.State)] +
        (R.View.Mode == CompletionMode::Routine ? " routine" : ""));
  for (const auto &Entry : SyncHandles)
    Sync.push_back(Entry.first.str());
  for (const auto &Entry : PortBound)
    Ports.push_back(Entry.first.str());
  std::string Out = "vars{" + Join(VarItems) + "} requests{" +
                    Join(RequestItems) + "} lasterror=" + LastError.str();
  if (!Sync.empty())
    Out += " sync{" + Join(Sync) + "}";
  if (!Ports.empty())
    Out += " port-bound{" + Join(Ports) + "}";
  if (!Exprs.empty())
    Out += " exprs=" + std::to_string(Exprs.size());
  return Out;
}

void State::renameUnder(const AccessPath &Prefix,
                        llvm::function_ref<void(AccessPath &)> Fix) {
  bool Touches = false;
  for (const auto &[P, R] : Requests)
    Touches |= R.Overlapped.isUnder(Prefix) || R.Handle.isUnder(Prefix) ||
               (R.EventObject && R.EventObject->isUnder(Prefix)) ||
               (R.Buffer && R.Buffer->isUnder(Prefix)) ||
               (R.ReceivedIn && R.ReceivedIn->isUnder(Prefix));
  if (Touches) {
    std::map<AccessPath, Request> Renamed;
    for (const auto &[P, R] : Requests) {
      Request Q = R;
      Fix(Q.Overlapped);
      Fix(Q.Handle);
      if (Q.EventObject)
        Fix(*Q.EventObject);
      if (Q.ReceivedIn)
        Fix(*Q.ReceivedIn);
      if (Q.Buffer)
        Fix(*Q.Buffer);
      Renamed.emplace(Q.Overlapped, std::move(Q));
    }
    Requests.mut() = std::move(Renamed);
  }
  for (CowMap<AccessPath, bool> *Set : {&SyncHandles, &PortBound}) {
    if (llvm::none_of(*Set, [&](const auto &E) { return E.first.isUnder(Prefix); }))
      continue;
    std::map<AccessPath, bool> Fixed;
    for (const auto &Entry : *Set) {
      AccessPath P = Entry.first;
      Fix(P);
      Fixed.emplace(P, Entry.second);
    }
    Set->mut() = std::move(Fixed);
  }
  bool AnyAlias = llvm::any_of(Vars, [&](const auto &E) {
    return E.second.K == AbsValue::Object && E.second.Referent.isUnder(Prefix);
  });
  if (AnyAlias)
    for (auto &Entry : Vars.mut())
      if (Entry.second.K == AbsValue::Object)
        Fix(Entry.second.Referent);
  // Values already computed in the current expression (an earlier
  // argument's object) keep naming the object they named.
  for (auto &Entry : Exprs)
    if (Entry.second.K == AbsValue::Object)
      Fix(Entry.second.Referent);
}

void State::retire(const AccessPath &Prefix, const void *Tag) {
  size_t Depth = Prefix.components().size();
  Vars.eraseIf(
      [&](const AccessPath &P, const AbsValue &) { return P.isUnder(Prefix); });
  renameUnder(Prefix, [&](AccessPath &P) {
    if (P.isUnder(Prefix))
      P = P.retiredAt(Depth, Tag);
  });
}

void State::moveObject(const AccessPath &From, const AccessPath &To) {
  // (A handle or event the object's members hold keeps its name: the
  // members' values move and still refer to it.)
  std::vector<std::pair<AccessPath, AbsValue>> Members;
  for (const auto &[P, V] : Vars)
    if (P.isUnder(From))
      Members.emplace_back(*P.rebased(From, To), V);
  Vars.eraseIf(
      [&](const AccessPath &P, const AbsValue &) { return P.isUnder(From); });
  for (auto &[P, V] : Members)
    Vars.set(P, V);
  renameUnder(From, [&](AccessPath &P) {
    if (auto Moved = P.rebased(From, To))
      P = *Moved;
  });
  // What pointed to the object (the local it was built in, a returned
  // pointer) points to it under its new name.
  if (std::optional<AccessPath> Slot = From.pointerSlot()) {
    const AbsValue *Held = Vars.find(*Slot);
    if (!Held || Held->K != AbsValue::Object)
      Vars.set(*Slot, AbsValue::object(To));
  }
}

} // namespace iodrain
