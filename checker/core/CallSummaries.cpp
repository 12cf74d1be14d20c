//===- CallSummaries.cpp - How followed calls return, kept for reuse ------===//

#include "CallSummaries.h"
#include "clang/AST/Expr.h"
#include <algorithm>

namespace iodrain {

void Renaming::add(AccessPath Caller, AccessPath Callee) {
  Pairs.emplace_back(std::move(Caller), std::move(Callee));
}

std::optional<AccessPath> Renaming::toCallee(const AccessPath &P) const {
  for (const auto &[From, To] : Pairs)
    if (auto R = P.rebased(From, To))
      return R;
  return std::nullopt;
}

std::optional<AccessPath> Renaming::toCaller(const AccessPath &P) const {
  for (const auto &[From, To] : Pairs)
    if (auto R = P.rebased(To, From))
      return R;
  return std::nullopt;
}

State renamed(const State &S,
              llvm::function_ref<std::optional<AccessPath>(const AccessPath &)>
                  Rename) {
  auto Name = [&](const AccessPath &P) { return Rename(P).value_or(P); };
  State Out;
  Out.LastError = S.LastError;
  Out.Joined = S.Joined;
  for (const auto &[P, V] : S.Vars) {
    AbsValue W = V;
    if (W.K == AbsValue::Object)
      W.Referent = Name(W.Referent);
    Out.Vars.set(Name(P), W);
  }
  for (const auto &[P, R] : S.Requests) {
    Request Q = R;
    Q.Overlapped = Name(Q.Overlapped);
    Q.Handle = Name(Q.Handle);
    if (Q.Buffer)
      Q.Buffer = Name(*Q.Buffer);
    if (Q.EventObject)
      Q.EventObject = Name(*Q.EventObject);
    if (Q.ReceivedIn)
      Q.ReceivedIn = Name(*Q.ReceivedIn);
    Out.Requests.set(Name(P), std::move(Q));
  }
  for (const auto &[P, V] : S.SyncHandles)
    Out.SyncHandles.set(Name(P), V);
  for (const auto &[P, V] : S.PortBound)
    Out.PortBound.set(Name(P), V);
  return Out;
}

bool mentions(const State &S,
              llvm::function_ref<bool(const AccessPath &)> Pred) {
  for (const auto &[P, V] : S.Vars)
    if (Pred(P) || (V.K == AbsValue::Object && Pred(V.Referent)))
      return true;
  for (const auto &[P, R] : S.Requests)
    if (Pred(R.Overlapped) || Pred(R.Handle) || (R.Buffer && Pred(*R.Buffer)) ||
        (R.EventObject && Pred(*R.EventObject)) ||
        (R.ReceivedIn && Pred(*R.ReceivedIn)))
      return true;
  for (const auto &[P, V] : S.SyncHandles)
    if (Pred(P))
      return true;
  for (const auto &[P, V] : S.PortBound)
    if (Pred(P))
      return true;
  return false;
}

EntryTails::EntryTails(const State &Entry) {
  for (const auto &[P, R] : Entry.Requests)
    if (const void *Tail = R.View.Steps.tail())
      if (!Keys.try_emplace(Tail, P).second)
        Ambiguous = true;
}

std::optional<AccessPath>
EntryTails::continues(const RequestView &View,
                      std::vector<PathStep> &Added) const {
  const void *Base = nullptr;
  Added = View.Steps.stepsAfter(
      [&](const void *Step) { return Keys.count(Step) != 0; }, Base);
  if (!Base)
    return std::nullopt;
  return Keys.find(Base)->second;
}

void EventRecorder::onEvent(const Event &E) {
  RecordedEvent R(E);
  for (const AffectedRequest &A : E.Requests) {
    std::vector<PathStep> Added;
    R.EntryKeys.push_back(Tails.continues(*A.Request, Added));
    R.Added.push_back(std::move(Added));
    R.Views.push_back(*A.Request);
    R.Parts.push_back(A.Part);
  }
  R.OtherThreadIssues.assign(E.OtherThreadIssues.begin(),
                             E.OtherThreadIssues.end());
  if (E.CallStack.size() > Depth + 1)
    R.Below.assign(E.CallStack.begin() + Depth + 1, E.CallStack.end());
  // The arrays belong to the emitter; the copy points into its own.
  R.E.Requests = {};
  R.E.OtherThreadIssues = {};
  R.E.CallStack = {};
  Into.push_back(std::move(R));
  for (AnalysisObserver *O : Next)
    O->onEvent(E);
}

void replay(const RecordedEvent &R,
            llvm::ArrayRef<const clang::CallExpr *> Stack,
            llvm::function_ref<const Request *(const AccessPath &)> Current,
            llvm::ArrayRef<AnalysisObserver *> Observers) {
  Event E = R.E;
  std::vector<RequestView> Views = R.Views;
  std::vector<AffectedRequest> Affected;
  for (size_t I = 0; I < Views.size(); ++I) {
    if (R.EntryKeys[I])
      if (const Request *Now = Current(*R.EntryKeys[I])) {
        Views[I].Steps = Now->View.Steps;
        Views[I].Steps.append(R.Added[I]);
      }
    Affected.push_back({&Views[I], R.Parts[I]});
  }
  std::vector<const clang::CallExpr *> CallStack(Stack.begin(), Stack.end());
  CallStack.insert(CallStack.end(), R.Below.begin(), R.Below.end());
  E.Requests = Affected;
  E.OtherThreadIssues = R.OtherThreadIssues;
  E.CallStack = CallStack;
  E.Site = CallStack.front();
  E.Loc = CallStack.front()->getBeginLoc();
  for (AnalysisObserver *O : Observers)
    O->onEvent(E);
}

const CallSummary *SummaryCache::find(const StateFingerprint &Key) const {
  auto It = Summaries.find(Key);
  return It == Summaries.end() ? nullptr : &It->second;
}

void SummaryCache::insert(const StateFingerprint &Key, CallSummary Summary) {
  // A bound on memory: past it, summaries are made again when needed.
  constexpr size_t MaxShared = 4096;
  if (Summaries.size() >= MaxShared)
    Summaries.clear();
  Summaries.emplace(Key, std::move(Summary));
}

void SummaryCache::tooCostly(const StateFingerprint &Key, unsigned Left) {
  unsigned &Most = Costly[Key];
  Most = std::max(Most, Left);
}

bool SummaryCache::isTooCostly(const StateFingerprint &Key,
                               unsigned Left) const {
  auto It = Costly.find(Key);
  return It != Costly.end() && Left <= It->second;
}

} // namespace iodrain
