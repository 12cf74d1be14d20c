//===- CallEffects.cpp - What each API role does to the pending requests --===//
//
// A modeled call forks the path into the outcomes the API documents, each
// with its own return value and last error. Waits that may time out keep
// both "satisfied" and "timed out"; a wait that blocks until completion has
// one outcome. Where the model cannot tell which request a wait completes,
// it assumes the wait completes them: a missed bug is cheaper than a false
// alarm.
//
//===----------------------------------------------------------------------===//

#include "Transfer.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"

using namespace clang;

namespace iodrain {
namespace {

// Builds the outcome states of one call.
class Outcomes {
public:
  Outcomes(const CallExpr *CE, llvm::SmallVectorImpl<State> &Out)
      : CE(CE), Out(Out) {}

  void add(State S, AbsValue Result,
           std::optional<AbsValue> LastError = AbsValue::unknown()) {
    S.Exprs[CE] = std::move(Result);
    if (LastError)
      S.LastError = std::move(*LastError);
    Out.push_back(std::move(S));
  }

private:
  const CallExpr *CE;
  llvm::SmallVectorImpl<State> &Out;
};

bool isInfinite(std::optional<int64_t> Timeout) {
  return Timeout && (uint64_t(*Timeout) & 0xFFFFFFFFu) == win32::Infinite;
}

template <typename Pred>
std::vector<std::string> requestsWhere(const State &S, Pred P) {
  std::vector<std::string> Keys;
  for (const auto &[Key, R] : S.Requests)
    if (P(R))
      Keys.push_back(Key);
  return Keys;
}

void eraseAll(State &S, const std::vector<std::string> &Keys) {
  for (const std::string &K : Keys)
    S.Requests.erase(K);
}

} // namespace

const FunctionRule *Transfer::ruleFor(const CallExpr *CE) const {
  if (const FunctionDecl *FD = CE->getDirectCallee())
    return Model.lookup(FD);
  // Calls through pointers are matched by the pointer's typedef name
  // (LPFN_CONNECTEX), following the typedef chain.
  QualType T = CE->getCallee()->IgnoreParenImpCasts()->getType();
  while (const auto *TT = T->getAs<TypedefType>()) {
    if (const FunctionRule *R = Model.lookup(TT->getDecl()->getName()))
      return R;
    T = TT->getDecl()->getUnderlyingType();
  }
  return nullptr;
}

const Expr *Transfer::argExpr(const CallExpr *CE, ArgRef A) const {
  if (A.K == ArgRef::This) {
    const auto *MCE = dyn_cast<CXXMemberCallExpr>(CE);
    return MCE ? MCE->getImplicitObjectArgument() : nullptr;
  }
  if (A.K != ArgRef::Index || A.Position > CE->getNumArgs())
    return nullptr;
  return CE->getArg(A.Position - 1);
}

ObjectRef Transfer::objectArg(const State &S, const CallExpr *CE,
                              ArgRef A) const {
  const Expr *E = argExpr(CE, A);
  if (!E)
    return ObjectRef::none();
  if (A.K == ArgRef::This && !E->getType()->isPointerType()) {
    auto Key = Paths.lvalueKey(S, E);
    return Key ? ObjectRef::key(*Key) : ObjectRef::none();
  }
  return Paths.objectOf(S, E);
}

ObjectRef Transfer::overlappedArg(const State &S, const CallExpr *CE,
                                  ArgRef A) const {
  const Expr *E = argExpr(CE, A);
  if (!E)
    return ObjectRef::none();
  if (A.K == ArgRef::This)
    return objectArg(S, CE, A);
  return Paths.overlappedOf(S, E);
}

std::optional<int64_t> Transfer::intArg(const State &S, const CallExpr *CE,
                                        ArgRef A) const {
  const Expr *E = argExpr(CE, A);
  if (!E)
    return std::nullopt;
  AbsValue V = valueOf(S, E);
  if (V.K == AbsValue::Int)
    return V.Value;
  if (V.K == AbsValue::Null)
    return 0;
  return std::nullopt;
}

std::string Transfer::calleeName(const CallExpr *CE) const {
  if (const FunctionDecl *FD = CE->getDirectCallee())
    return FD->getQualifiedNameAsString();
  return sourceText(CE->getCallee());
}

bool Transfer::mayBeAlerted(const State &S, const CallExpr *CE,
                            const FunctionRule &R) const {
  auto Alertable = intArg(S, CE, R.Alertable);
  return R.Alertable.isSet() && !(Alertable && *Alertable == 0);
}

std::vector<std::string> Transfer::routinesRunBy(const State &S,
                                                 const CallExpr *CE,
                                                 const FunctionRule &R) const {
  if (!mayBeAlerted(S, CE, R))
    return {};
  return requestsWhere(
      S, [](const Request &Q) { return Q.Mode == CompletionMode::Apc; });
}

void Transfer::note(Request &R, const Stmt *At, std::string Text) const {
  appendNote(R.Notes, {reportLoc(At), std::move(Text)}, Budget.MaxNotes);
}

void Transfer::invalidateOutArgs(const CallExpr *CE, const FunctionRule &R,
                                 State &S) const {
  // Out-parameters (byte counts, completion keys, OVERLAPPED pointers
  // returned by GetQueuedCompletionStatus) get new, unknown values.
  for (unsigned I = 0; I < CE->getNumArgs(); ++I) {
    unsigned Pos = I + 1;
    for (ArgRef Kept : {R.Overlapped, R.Handle, R.Object, R.Objects, R.Port})
      if (Kept.K == ArgRef::Index && Kept.Position == Pos)
        goto next;
    {
      QualType T = CE->getArg(I)->IgnoreParenImpCasts()->getType();
      if (!T->isPointerType() || T->getPointeeType().isConstQualified())
        continue;
      ObjectRef O = Paths.objectOf(S, CE->getArg(I));
      if (O.isKey())
        for (auto It = S.Vars.begin(); It != S.Vars.end();)
          It = keyIsUnder(It->first, O.Name) ? S.Vars.erase(It)
                                              : std::next(It);
    }
  next:;
  }
}

void Transfer::unknownCall(const CallExpr *CE, State &S) const {
  // The callee may wait for, cancel or store any request it can reach.
  const FunctionDecl *FD = CE->getDirectCallee();
  auto Visit = [&](const Expr *Arg, QualType ParamType) {
    ObjectRef O;
    if (ParamType->isReferenceType()) {
      if (ParamType->getPointeeType().isConstQualified())
        return;
      auto Key = Paths.lvalueKey(S, Arg);
      if (Key)
        O = ObjectRef::key(*Key);
    } else if (ParamType->isPointerType()) {
      if (ParamType->getPointeeType().isConstQualified())
        return;
      O = Paths.objectOf(S, Arg);
    }
    if (O.isKey())
      escape(S, O.Name);
  };
  for (unsigned I = 0; I < CE->getNumArgs(); ++I) {
    const Expr *Arg = CE->getArg(I);
    QualType PT = FD && I < FD->getNumParams()
                      ? FD->getParamDecl(I)->getType()
                      : Arg->IgnoreParenImpCasts()->getType();
    Visit(Arg, PT);
  }
  if (const auto *MCE = dyn_cast<CXXMemberCallExpr>(CE))
    if (const Expr *Obj = MCE->getImplicitObjectArgument()) {
      const auto *MD = MCE->getMethodDecl();
      if (!MD || !MD->isConst()) {
        ObjectRef O = Obj->getType()->isPointerType()
                          ? Paths.objectOf(S, Obj)
                          : ObjectRef::key(
                                Paths.lvalueKey(S, Obj).value_or(""));
        if (O.isKey() && !O.Name.empty())
          escape(S, O.Name);
      }
    }
  // Nor do we know what it did to globals or to memory behind pointers.
  for (auto It = S.Vars.begin(); It != S.Vars.end();) {
    StringRef Key = It->first;
    bool Shared = Key.starts_with("::") || Key.contains('*');
    It = Shared ? S.Vars.erase(It) : std::next(It);
  }
  S.LastError = AbsValue::unknown();
}

void Transfer::call(const CallExpr *CE, State S,
                    llvm::SmallVectorImpl<State> &Out) {
  const FunctionRule *R = ruleFor(CE);
  if (!R) {
    unknownCall(CE, S);
    S.Exprs[CE] = AbsValue::unknown();
    Out.push_back(std::move(S));
    return;
  }
  invalidateOutArgs(CE, *R, S);
  Outcomes O(CE, Out);
  switch (R->FunctionRole) {
  case Role::Issue:
    return issue(CE, *R, std::move(S), Out);
  case Role::Cancel:
    return cancel(CE, *R, std::move(S), Out);
  case Role::WaitOverlapped:
    return waitOverlapped(CE, *R, std::move(S), Out);
  case Role::WaitObject:
  case Role::WaitObjects:
    return waitObjects(CE, *R, std::move(S), Out);
  case Role::Dequeue:
    return dequeue(CE, *R, std::move(S), Out);
  case Role::AlertableSleep:
    return alertableSleep(CE, *R, std::move(S), Out);
  case Role::Close:
    return close(CE, *R, std::move(S), Out);
  case Role::LastError: {
    AbsValue Err = S.LastError;
    return O.add(std::move(S), Err, std::nullopt);
  }
  case Role::Open: {
    auto Flags = intArg(S, CE, R->Flags);
    AbsValue Result;
    Result.SyncHandle = Flags && !(*Flags & win32::FileFlagOverlapped);
    return O.add(std::move(S), Result);
  }
  case Role::Free:
    return O.add(std::move(S), AbsValue::unknown());
  }
}

void Transfer::issue(const CallExpr *CE, const FunctionRule &R, State S,
                     llvm::SmallVectorImpl<State> &Out) {
  Outcomes O(CE, Out);
  ObjectRef Handle = objectArg(S, CE, R.Handle);
  ObjectRef Ov = overlappedArg(S, CE, R.Overlapped);
  if (Ov.K == ObjectRef::Null || !Handle.isKey() || !Ov.isKey())
    return O.add(std::move(S), AbsValue::unknown()); // Synchronous or untracked.

  bool Sync = S.SyncHandles.count(Handle.Name) != 0;
  const Expr *Routine = argExpr(CE, R.CompletionRoutine);
  bool Apc = R.Result == ResultConvention::Queued ||
             (Routine && Routine->IgnoreParenCasts()->isNullPointerConstant(
                             Ctx, Expr::NPC_ValueDependentIsNotNull) ==
                             Expr::NPCK_NotNull);

  // The kernel owns Internal and InternalHigh from now on.
  for (const char *Field : {".Internal", ".InternalHigh"})
    S.Vars.erase(Ov.Name + Field);

  State Pending = S;
  Request Req;
  Req.OverlappedKey = Ov.Name;
  Req.HandleKey = Handle.Name;
  Req.HandleText = sourceText(argExpr(CE, R.Handle));
  Req.Mode = Apc ? CompletionMode::Apc : CompletionMode::Default;
  Req.IssueCall = CE;
  Req.HandleArg = argExpr(CE, R.Handle);
  Req.OverlappedArg = argExpr(CE, R.Overlapped);
  auto Event = Pending.Vars.find(Ov.Name + ".hEvent");
  if (Event == Pending.Vars.end() || Event->second.K == AbsValue::Unknown ||
      Event->second.K == AbsValue::Int || Event->second.K == AbsValue::NotInts)
    Req.EventKey = Ov.Name + ".hEvent*";
  else if (Event->second.K == AbsValue::Object)
    Req.EventKey = Event->second.ObjectKey;
  note(Req, CE,
       "'" + calleeName(CE) + "' starts overlapped I/O on '" + Req.HandleText +
           "' that may still be pending");
  Pending.Requests[Ov.Name] = std::move(Req);

  using namespace win32;
  switch (R.Result) {
  case ResultConvention::Bool:
    O.add(S, AbsValue::notIntegers({0}));
    if (!Sync)
      O.add(std::move(Pending), AbsValue::integer(0),
            AbsValue::integer(ErrorIoPending));
    O.add(std::move(S), AbsValue::integer(0),
          AbsValue::notIntegers({ErrorIoPending}));
    return;
  case ResultConvention::Wsa:
    O.add(S, AbsValue::integer(0));
    if (!Sync)
      O.add(std::move(Pending), AbsValue::integer(SocketError),
            AbsValue::integer(ErrorIoPending));
    O.add(std::move(S), AbsValue::integer(SocketError),
          AbsValue::notIntegers({ErrorIoPending}));
    return;
  case ResultConvention::Queued:
    // Queued I/O completes only through its routine, even when the
    // handle itself is synchronous.
    O.add(std::move(Pending), AbsValue::notIntegers({0}));
    O.add(std::move(S), AbsValue::integer(0));
    return;
  }
}

void Transfer::cancel(const CallExpr *CE, const FunctionRule &R, State S,
                      llvm::SmallVectorImpl<State> &Out) {
  Outcomes O(CE, Out);
  ObjectRef Handle = objectArg(S, CE, R.Handle);
  ObjectRef Ov = R.Overlapped.isSet() ? overlappedArg(S, CE, R.Overlapped)
                                      : ObjectRef::null();
  std::vector<std::string> Targets;
  if (Ov.isKey()) {
    if (S.Requests.count(Ov.Name))
      Targets.push_back(Ov.Name);
  } else if (Ov.K == ObjectRef::Null && Handle.isKey()) {
    Targets = requestsWhere(
        S, [&](const Request &Q) { return Q.HandleKey == Handle.Name; });
  }
  if (Targets.empty())
    return O.add(std::move(S), AbsValue::unknown());

  // Cancelled, but the cancellation itself completes later.
  State Cancelled = S;
  for (const std::string &K : Targets) {
    Request &Q = Cancelled.Requests[K];
    Q.CancelRequested = true;
    Q.CancelCall = CE;
    note(Q, CE,
         "'" + calleeName(CE) +
             "' requests cancellation here, but the cancelled I/O still "
             "completes later");
  }
  O.add(std::move(Cancelled), AbsValue::notIntegers({0}));
  // ERROR_NOT_FOUND: nothing was outstanding any more.
  eraseAll(S, Targets);
  O.add(std::move(S), AbsValue::integer(0),
        AbsValue::integer(win32::ErrorNotFound));
}

void Transfer::waitOverlapped(const CallExpr *CE, const FunctionRule &R,
                              State S, llvm::SmallVectorImpl<State> &Out) {
  Outcomes O(CE, Out);
  ObjectRef Ov = overlappedArg(S, CE, R.Overlapped);
  if (!Ov.isKey() || !S.Requests.count(Ov.Name))
    return O.add(std::move(S), AbsValue::unknown());

  using namespace win32;
  // With neither a wait flag nor a timeout, the call always blocks.
  bool Blocks = true;
  int64_t IncompleteError = ErrorIoIncomplete;
  if (R.Wait.isSet()) {
    auto Wait = intArg(S, CE, R.Wait);
    Blocks = Wait && *Wait != 0;
  } else if (R.Timeout.isSet()) {
    auto Timeout = intArg(S, CE, R.Timeout);
    Blocks = isInfinite(Timeout);
    if (!(Timeout && *Timeout == 0))
      IncompleteError = WaitTimeout;
  }
  bool MayBeAlerted = mayBeAlerted(S, CE, R);

  State Still = S;
  S.Requests.erase(Ov.Name);
  if (Blocks && !MayBeAlerted)
    return O.add(std::move(S), AbsValue::unknown());

  O.add(S, AbsValue::notIntegers({0}));
  O.add(std::move(S), AbsValue::integer(0),
        AbsValue::notIntegers({ErrorIoIncomplete, WaitTimeout,
                               WaitIoCompletion}));
  std::string Why =
      Blocks ? "' may return early here to run a completion routine"
             : "' may return here before the I/O completes";
  note(Still.Requests[Ov.Name], CE, "'" + calleeName(CE) + Why);
  O.add(std::move(Still), AbsValue::integer(0),
        Blocks ? AbsValue::integer(WaitIoCompletion)
               : (MayBeAlerted ? AbsValue::unknown()
                               : AbsValue::integer(IncompleteError)));
}

void Transfer::waitObjects(const CallExpr *CE, const FunctionRule &R, State S,
                           llvm::SmallVectorImpl<State> &Out) {
  Outcomes O(CE, Out);
  using namespace win32;
  // The objects waited on, one per index.
  std::vector<ObjectRef> Objects;
  bool Opaque = false;
  if (R.FunctionRole == Role::WaitObject) {
    Objects.push_back(objectArg(S, CE, R.Object));
  } else {
    auto Count = intArg(S, CE, R.Count);
    const Expr *Arr = argExpr(CE, R.Objects);
    std::optional<std::string> Base;
    if (Arr) {
      const Expr *A = Arr->IgnoreParens();
      while (const auto *Conv = dyn_cast<ImplicitCastExpr>(A)) {
        if (Conv->getCastKind() != CK_NoOp && Conv->getCastKind() != CK_BitCast)
          break;
        A = Conv->getSubExpr()->IgnoreParens();
      }
      if (const auto *Decay = dyn_cast<ImplicitCastExpr>(A);
          Decay && Decay->getCastKind() == CK_ArrayToPointerDecay)
        Base = Paths.lvalueKey(S, Decay->getSubExpr());
      else if (const auto *UO = dyn_cast<UnaryOperator>(A);
               UO && UO->getOpcode() == UO_AddrOf && Count && *Count == 1)
        if (auto K = Paths.lvalueKey(S, UO->getSubExpr()))
          Objects.push_back(S.Vars.count(*K) &&
                                    S.Vars[*K].K == AbsValue::Object
                                ? ObjectRef::key(S.Vars[*K].ObjectKey)
                                : ObjectRef::key(*K + "*"));
    }
    if (Base && Count && *Count > 0 && *Count <= 16) {
      for (int64_t I = 0; I < *Count; ++I) {
        std::string K = *Base + "[" + std::to_string(I) + "]";
        auto It = S.Vars.find(K);
        Objects.push_back(It != S.Vars.end() && It->second.K == AbsValue::Object
                              ? ObjectRef::key(It->second.ObjectKey)
                              : ObjectRef::key(K + "*"));
      }
    }
    Opaque = Objects.empty();
  }
  auto Timeout = intArg(S, CE, R.Timeout);
  auto ApcTargets = routinesRunBy(S, CE, R);

  if (Opaque) {
    // Unknown objects: assume the wait may complete any request.
    eraseAll(S, requestsWhere(S, [](const Request &Q) {
               return Q.Mode == CompletionMode::Default;
             }));
    return O.add(std::move(S), AbsValue::unknown());
  }

  std::vector<std::vector<std::string>> PerObject;
  bool AnyTarget = false;
  for (const ObjectRef &Obj : Objects) {
    PerObject.push_back(requestsWhere(S, [&](const Request &Q) {
      return Obj.isKey() && Q.Mode == CompletionMode::Default &&
             (Q.EventKey == Obj.Name || Q.HandleKey == Obj.Name);
    }));
    AnyTarget |= !PerObject.back().empty();
  }
  if (!AnyTarget && ApcTargets.empty())
    return O.add(std::move(S), AbsValue::unknown());

  auto WaitAll = intArg(S, CE, R.WaitAll);
  bool All = R.FunctionRole == Role::WaitObjects && WaitAll && *WaitAll != 0;
  std::string Name = calleeName(CE);
  if (All || Objects.size() == 1) {
    State Signaled = S;
    for (const auto &Keys : PerObject)
      eraseAll(Signaled, Keys);
    for (auto &[K, Q] : Signaled.Requests)
      note(Q, CE,
           "'" + Name + "' may return here because its object is signaled, "
                        "leaving the I/O pending");
    O.add(std::move(Signaled), AbsValue::integer(0));
  } else {
    for (size_t I = 0; I < PerObject.size(); ++I) {
      State Signaled = S;
      eraseAll(Signaled, PerObject[I]);
      for (auto &[K, Q] : Signaled.Requests)
        note(Q, CE,
             "'" + Name + "' may return here for another object, leaving "
                          "the I/O pending");
      O.add(std::move(Signaled), AbsValue::integer(int64_t(I)));
    }
  }
  if (!isInfinite(Timeout)) {
    State TimedOut = S;
    for (auto &[K, Q] : TimedOut.Requests)
      note(Q, CE, "'" + Name + "' may time out here, leaving the I/O pending");
    O.add(std::move(TimedOut), AbsValue::integer(WaitTimeout));
  }
  if (!ApcTargets.empty()) {
    State Alerted = S;
    eraseAll(Alerted, ApcTargets);
    for (auto &[K, Q] : Alerted.Requests)
      note(Q, CE,
           "'" + Name + "' may return here after a completion routine ran, "
                        "leaving the I/O pending");
    O.add(std::move(Alerted), AbsValue::integer(WaitIoCompletion));
  }
}

void Transfer::dequeue(const CallExpr *CE, const FunctionRule &R, State S,
                       llvm::SmallVectorImpl<State> &Out) {
  Outcomes O(CE, Out);
  using namespace win32;
  // Which request a packet belongs to is only known at run time: assume a
  // dequeue can deliver any of them.
  auto Targets = requestsWhere(
      S, [](const Request &Q) { return Q.Mode == CompletionMode::Default; });
  auto ApcTargets = routinesRunBy(S, CE, R);
  if (Targets.empty() && ApcTargets.empty())
    return O.add(std::move(S), AbsValue::unknown());

  std::string Name = calleeName(CE);
  auto Timeout = intArg(S, CE, R.Timeout);
  if (!Targets.empty()) {
    State Dequeued = S;
    eraseAll(Dequeued, Targets);
    O.add(std::move(Dequeued), AbsValue::unknown(),
          AbsValue::notIntegers({WaitTimeout, WaitIoCompletion}));
  }
  if (!isInfinite(Timeout)) {
    State TimedOut = S;
    for (auto &[K, Q] : TimedOut.Requests)
      note(Q, CE, "'" + Name + "' may time out here, leaving the I/O pending");
    O.add(std::move(TimedOut), AbsValue::integer(0),
          AbsValue::integer(WaitTimeout));
  }
  if (!ApcTargets.empty()) {
    State Alerted = S;
    eraseAll(Alerted, ApcTargets);
    O.add(std::move(Alerted), AbsValue::integer(0),
          AbsValue::integer(WaitIoCompletion));
  }
}

void Transfer::alertableSleep(const CallExpr *CE, const FunctionRule &R,
                              State S, llvm::SmallVectorImpl<State> &Out) {
  Outcomes O(CE, Out);
  using namespace win32;
  auto ApcTargets = routinesRunBy(S, CE, R);
  if (ApcTargets.empty())
    return O.add(std::move(S), AbsValue::unknown());

  State Ran = S;
  eraseAll(Ran, ApcTargets);
  O.add(std::move(Ran), AbsValue::integer(WaitIoCompletion));
  if (!isInfinite(intArg(S, CE, R.Timeout))) {
    for (auto &[K, Q] : S.Requests)
      if (Q.Mode == CompletionMode::Apc)
        note(Q, CE,
             "'" + calleeName(CE) +
                 "' may time out here before the completion routine runs");
    O.add(std::move(S), AbsValue::integer(0));
  }
}

void Transfer::close(const CallExpr *CE, const FunctionRule &R, State S,
                     llvm::SmallVectorImpl<State> &Out) {
  Outcomes O(CE, Out);
  ObjectRef Handle = objectArg(S, CE, R.Handle);
  if (Handle.isKey()) {
    auto Pending = requestsWhere(
        S, [&](const Request &Q) { return Q.HandleKey == Handle.Name; });
    if (!Pending.empty() && !Findings.count(CE)) {
      CloseFinding F;
      F.Rule = &R;
      const Expr *HandleExpr = argExpr(CE, R.Handle);
      F.HandleText = HandleExpr ? sourceText(HandleExpr) : "this";
      for (const std::string &K : Pending)
        F.Pending.push_back(S.Requests[K]);
      Findings[CE] = std::move(F);
    }
    // Reported once, here; later closes of the same object stay quiet.
    eraseAll(S, Pending);
  }
  O.add(std::move(S), AbsValue::unknown());
}

} // namespace iodrain
