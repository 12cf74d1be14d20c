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
#include "TranslationUnitFacts.h"
#include "clang/Basic/Builtins.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMap.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"

using namespace clang;

namespace iodrain {
namespace {

// Builds the outcome states of one call.
class Outcomes {
public:
  Outcomes(const CallExpr *CE, StateList &Out) : CE(CE), Out(Out) {}

  void add(State S, AbsValue Result,
           std::optional<AbsValue> LastError = AbsValue::unknown()) {
    S.Exprs[CE] = std::move(Result);
    if (LastError)
      S.LastError = std::move(*LastError);
    Out.push_back(std::move(S));
  }

private:
  const CallExpr *CE;
  StateList &Out;
};

/// Whether an argument may be a non-null pointer: not `NULL`, `nullptr`,
/// `0` or a value-initialized `{}`.
bool mayBeNonNull(const Expr *E, ASTContext &Ctx) {
  if (!E)
    return false;
  E = E->IgnoreParenCasts();
  if (isa<ImplicitValueInitExpr, CXXScalarValueInitExpr>(E))
    return false;
  if (const auto *ILE = dyn_cast<InitListExpr>(E))
    return ILE->getNumInits() == 1 && mayBeNonNull(ILE->getInit(0), Ctx);
  return E->isNullPointerConstant(Ctx, Expr::NPC_ValueDependentIsNotNull) ==
         Expr::NPCK_NotNull;
}

bool isInfinite(std::optional<int64_t> Timeout) {
  return Timeout && (uint64_t(*Timeout) & 0xFFFFFFFFu) == win32::Infinite;
}

template <typename Pred>
std::vector<AccessPath> requestsWhere(const State &S, Pred P) {
  std::vector<AccessPath> Keys;
  for (const auto &[Key, R] : S.Requests)
    if (P(R))
      Keys.push_back(Key);
  return Keys;
}

/// Whether `P` is `Pattern` with any index where Pattern has an unknown
/// one: a wait on `ov[i]` may be for any element.
bool matchesElements(const AccessPath &Pattern, const AccessPath &P) {
  if (Pattern.rootKind() != P.rootKind() || Pattern.root() != P.root() ||
      Pattern.components().size() != P.components().size())
    return false;
  for (size_t I = 0; I < P.components().size(); ++I) {
    const PathComponent &A = Pattern.components()[I];
    const PathComponent &B = P.components()[I];
    if (A.K == PathComponent::Element && B.K == PathComponent::Element &&
        A.Index < 0) {
      if (!PathComponent::indicesMayMeet(A.Index, B.Index))
        return false;
      continue;
    }
    if (!(A == B))
      return false;
  }
  return true;
}

/// The global flags a completion routine sets to a constant: once the
/// routine has run, the waiting loop sees them (`while (!done)
/// SleepEx(INFINITE, TRUE);`).
std::vector<std::pair<const VarDecl *, int64_t>>
flagsSetBy(const FunctionDecl *Routine, ASTContext &Ctx) {
  struct Finder : RecursiveASTVisitor<Finder> {
    ASTContext &Ctx;
    std::vector<std::pair<const VarDecl *, int64_t>> Flags;
    explicit Finder(ASTContext &Ctx) : Ctx(Ctx) {}
    bool VisitBinaryOperator(BinaryOperator *BO) {
      if (BO->getOpcode() != BO_Assign)
        return true;
      const auto *DRE = dyn_cast<DeclRefExpr>(BO->getLHS()->IgnoreParenImpCasts());
      const auto *VD = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
      Expr::EvalResult R;
      if (VD && !VD->hasLocalStorage() && !BO->getRHS()->isValueDependent() &&
          BO->getRHS()->EvaluateAsInt(R, Ctx))
        Flags.push_back({VD, R.Val.getInt().getExtValue()});
      return true;
    }
  } F(Ctx);
  if (Routine && Routine->hasBody())
    F.TraverseStmt(Routine->getBody());
  return F.Flags;
}

/// The function a completion-routine argument names, if any: a function
/// or a captureless lambda.
const FunctionDecl *routineOf(const Expr *Arg) {
  if (!Arg)
    return nullptr;
  auto Named = TranslationUnitFacts::functionsNamed(Arg);
  return Named.size() == 1 ? Named.front() : nullptr;
}

/// The `hEvent` member of the OVERLAPPED an argument points to.
const FieldDecl *hEventField(QualType ArgType) {
  if (!ArgType->isPointerType() ||
      !AccessPaths::isOverlappedType(ArgType->getPointeeType()))
    return nullptr;
  const RecordDecl *RD = ArgType->getPointeeType()->getAsRecordDecl();
  for (const FieldDecl *F : RD->fields())
    if (F->getName() == "hEvent")
      return F;
  return nullptr;
}

} // namespace

const FunctionRule *Transfer::ruleFor(const CallExpr *CE) const {
  return Model.lookupCall(CE);
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

ObjectRef Transfer::memberArg(const State &S, const CallExpr *CE,
                              const ArgRef &A) const {
  const Expr *E = argExpr(CE, A);
  if (!E)
    return ObjectRef::none();
  ObjectRef Base = A.K == ArgRef::This ? Paths.objectOrPointee(S, E)
                                       : Paths.objectOf(S, E);
  if (!Base.isKnown())
    return Base;
  QualType T = E->IgnoreParenImpCasts()->getType();
  if (T->isPointerType())
    T = T->getPointeeType();
  QualType Last;
  std::optional<AccessPath> Member =
      resolveProtocolPath(A.Member, Base.Path, T, Ctx, &Last);
  if (!Member)
    return ObjectRef::none();
  if (!Last.isNull() && Ctx.getAsArrayType(Last))
    return ObjectRef::at(Member->element(0));
  if (!AccessPaths::isHandleLike(Last))
    return ObjectRef::at(*Member);
  if (const AbsValue *V = S.Vars.find(*Member)) {
    if (V->K == AbsValue::Object)
      return ObjectRef::at(V->Referent);
    if (V->K == AbsValue::Null)
      return ObjectRef::null();
  }
  return ObjectRef::at(Member->deref());
}

ObjectRef Transfer::objectArg(const State &S, const CallExpr *CE,
                              ArgRef A) const {
  if (!A.Member.empty())
    return memberArg(S, CE, A);
  const Expr *E = argExpr(CE, A);
  if (!E)
    return ObjectRef::none();
  if (A.K == ArgRef::This)
    return Paths.objectOrPointee(S, E);
  return Paths.objectOf(S, E);
}

bool Transfer::waitsForever(const State &S, const CallExpr *CE,
                            const FunctionRule &R) const {
  return !R.Timeout.isSet() || isInfinite(intArg(S, CE, R.Timeout));
}

ObjectRef Transfer::overlappedArg(const State &S, const CallExpr *CE,
                                  ArgRef A) const {
  const Expr *E = argExpr(CE, A);
  if (!E)
    return ObjectRef::none();
  if (A.K == ArgRef::This || !A.Member.empty())
    return objectArg(S, CE, A);
  return Paths.overlappedOf(S, E);
}

std::optional<int64_t> Transfer::intArg(const State &S, const CallExpr *CE,
                                        ArgRef A) const {
  const Expr *E = argExpr(CE, A);
  if (!E)
    return std::nullopt;
  AbsValue V = valueOf(S, E);
  if (V.K == AbsValue::Null)
    return 0;
  if (V.K == AbsValue::Bits && A.Bit) {
    auto [Ones, Zeros] = V.knownBits();
    if (Ones & A.Bit)
      return 1;
    if ((Zeros & A.Bit) == A.Bit)
      return 0;
  }
  if (V.K != AbsValue::Int)
    return std::nullopt;
  return A.Bit ? int64_t((uint64_t(V.Value) & A.Bit) != 0) : V.Value;
}

bool Transfer::mayBeAlerted(const State &S, const CallExpr *CE,
                            const FunctionRule &R) const {
  auto Alertable = intArg(S, CE, R.Alertable);
  return R.Alertable.isSet() && !(Alertable && *Alertable == 0);
}

std::vector<AccessPath> Transfer::routinesRunBy(const State &S,
                                                const CallExpr *CE,
                                                const FunctionRule &R) const {
  if (!mayBeAlerted(S, CE, R))
    return {};
  return requestsWhere(S, [](const Request &Q) {
    return Q.View.Mode == CompletionMode::Routine;
  });
}

Event Event::atCall(EventKind Kind, const CallExpr *Call,
                    const FunctionRule *Rule) {
  Event E(Kind);
  E.Site = Call;
  E.Loc = Call->getBeginLoc();
  E.Rule = Rule;
  return E;
}

void Transfer::emit(Event E) const {
  llvm::SmallVector<AffectedRequest, 2> Kept;
  if (!CallStack.empty()) {
    // In a followed call, report at the call in the analysed function. A
    // request a followed function issued itself, or one in its own local
    // that a function it called issued (`watch()` calls `recv(&w)`, then
    // `w` dies), is that function's own business: its own analysis
    // reports it, once, not at every caller.
    const SourceManager &SM = Ctx.getSourceManager();
    llvm::SmallVector<SourceRange, 4> Bodies;
    for (const CallExpr *Call : CallStack) {
      if (const FunctionDecl *Def = ApiModel::followedDefinition(Call))
        Bodies.push_back(Def->getBody()->getSourceRange());
    }
    auto IssuedInCallee = [&](const CallExpr *Issue) {
      SourceLocation L = SM.getExpansionLoc(Issue->getBeginLoc());
      return llvm::any_of(Bodies, [&](SourceRange B) {
        return SM.isPointWithin(L, SM.getExpansionLoc(B.getBegin()),
                                SM.getExpansionLoc(B.getEnd()));
      });
    };
    // (A callee's own local that dies: the request cannot be another run's
    // of the same call, nor tie two of the caller's objects. Not when the
    // callee is in another file, a header whose findings may be hidden.)
    const FunctionDecl *Front = ApiModel::followedDefinition(CallStack.front());
    bool FrontInSameFile =
        Front && SM.getFileID(SM.getExpansionLoc(Front->getLocation())) ==
                     SM.getFileID(SM.getExpansionLoc(
                         CallStack.front()->getBeginLoc()));
    for (const AffectedRequest &A : E.Requests) {
      const CallExpr *Issue = A.Request->IssueCall;
      if (Issue && (IssuedInCallee(Issue) ||
                    (E.Kind == EventKind::StorageEnd && FrontInSameFile &&
                     A.Request->IssuedDuring == CallStack.front())))
        continue;
      Kept.push_back(A);
    }
    if (!E.Requests.empty() && Kept.empty())
      return;
    E.Requests = Kept;
    E.CallStack = CallStack;
    E.InnerLoc = E.Loc;
    E.Loc = CallStack.front()->getBeginLoc();
    E.Site = CallStack.front();
    if (const FunctionDecl *Inner =
            ApiModel::followedDefinition(CallStack.back()))
      E.InnerFunction = Inner->getQualifiedNameAsString();
  }
  for (AnalysisObserver *O : Observers)
    O->onEvent(E);
}

void Transfer::addEarlyReturn(const CallExpr *CE, const State &S,
                              const EarlyReturn &E, StateList &Out) const {
  State Early = S;
  for (const AccessPath &P : E.Completed)
    Early.Requests.erase(P);
  Early.addStepToPending({E.Why, CE});
  Outcomes(CE, Out).add(std::move(Early), E.Result, E.LastError);
}

void Transfer::invalidateOutArgs(const CallExpr *CE, const FunctionRule &R,
                                 State &S) const {
  // Out-parameters (byte counts, completion keys, OVERLAPPED pointers
  // returned by GetQueuedCompletionStatus) get new, unknown values.
  for (unsigned I = 0; I < CE->getNumArgs(); ++I) {
    unsigned Pos = I + 1;
    bool Kept = llvm::any_of(
        std::initializer_list<ArgRef>{R.Overlapped, R.Handle, R.Object,
                                      R.Objects, R.Port, R.Buffer},
        [&](ArgRef A) { return A.K == ArgRef::Index && A.Position == Pos; });
    if (Kept)
      continue;
    QualType T = CE->getArg(I)->IgnoreParenImpCasts()->getType();
    if (!T->isPointerType() || T->getPointeeType().isConstQualified())
      continue;
    ObjectRef O = Paths.objectOf(S, CE->getArg(I));
    if (O.isKnown())
      S.Vars.eraseIf([&](const AccessPath &P, const AbsValue &) {
        return P.isUnder(O.Path);
      });
  }
}

bool Transfer::isHandleType(QualType T) {
  // HANDLE itself, or a typedef of it (WSAEVENT).
  while (const auto *TT = T->getAs<TypedefType>()) {
    if (TT->getDecl()->getName() == "HANDLE")
      return true;
    T = TT->getDecl()->getUnderlyingType();
  }
  return false;
}

void Transfer::forgetSharedValues(State &S) const {
  // Another thread's writes show after a lock is taken or an event is
  // signalled, but not to the flags of objects that hold a request.
  S.Vars.eraseIf([&](const AccessPath &P, const AbsValue &) {
    return P.isShared() &&
           (!Facts || P.rootKind() == AccessPath::RootKind::Global ||
            !Facts->isTestedField(P) ||
            llvm::none_of(S.Requests, [&](const auto &Entry) {
              return Entry.second.Overlapped.isUnder(P.enclosingObject());
            }));
  });
}

void Transfer::markEvent(State &S, const AccessPath &Event, bool Quiet) const {
  auto Slot = Event.pointerSlot();
  const AbsValue *V = Slot ? S.Vars.find(*Slot) : nullptr;
  // Only an event this path created, kept where no other code sees it.
  if (!V || V->Quiet == Quiet || (Quiet && (!V->Created || Slot->isShared())))
    return;
  AbsValue New = *V;
  New.Quiet = Quiet;
  S.Vars.set(*Slot, New);
}

void Transfer::leakHandle(State &S, const AccessPath &Object) const {
  if (auto Slot = Object.pointerSlot())
    forgetPrivacy(S, *Slot);
}

void Transfer::forgetPrivacy(State &S, const AccessPath &Slot) const {
  const AbsValue *V = S.Vars.find(Slot);
  if (!V || (!V->Quiet && !V->Private))
    return;
  AbsValue New = *V;
  New.Quiet = New.Private = false;
  S.Vars.set(Slot, New);
}

void Transfer::unknownCall(const CallExpr *CE, State &S) const {
  // The callee may wait for, cancel or store any request it can reach.
  const FunctionDecl *FD = CE->getDirectCallee();
  // A function of the unit that starts threads may start a joined one
  // again.
  if (!S.Joined.empty() && Facts && Facts->mayStartThreads(FD))
    S.Joined.clear();
  // A call that gets a global structure (a list head) and a member of an
  // object (`&req->link`) may link the object into it: whoever walks the
  // structure later owns the whole object (CONTAINING_RECORD).
  bool GetsGlobal = llvm::any_of(CE->arguments(), [&](const Expr *Arg) {
    ObjectRef O = Paths.objectOf(S, Arg);
    return O.isKnown() && O.Path.rootKind() == AccessPath::RootKind::Global &&
           Arg->getType()->isPointerType();
  });
  llvm::SmallVector<AccessPath, 4> Reached;
  unsigned Builtin = FD ? FD->getBuiltinID() : 0;
  bool WritesThrough =
      Builtin == Builtin::BImemset || Builtin == Builtin::BI__builtin_memset ||
      Builtin == Builtin::BImemcpy || Builtin == Builtin::BI__builtin_memcpy ||
      Builtin == Builtin::BImemmove || Builtin == Builtin::BI__builtin_memmove;
  // A function of the unit that only reads and writes values through a
  // pointer leaves the object's requests with the caller.
  // (Not a virtual method: an override may do anything.)
  const FunctionDecl *Def = nullptr;
  const auto *Method = dyn_cast_or_null<CXXMethodDecl>(FD);
  if (!FD || !Facts || (Method && Method->isVirtual()) || !FD->hasBody(Def))
    Def = nullptr;
  // The objects such calls get, with the members they may write.
  llvm::SmallVector<std::pair<AccessPath, llvm::SmallPtrSet<const FieldDecl *, 4>>, 2>
      Kept;
  // Kept objects and the parameter they came through: the callee's
  // definite stores apply to them after the call.
  llvm::SmallVector<std::pair<AccessPath, int>, 2> StoresInto;
  auto KeptByCaller = [&](int Index) {
    return Def && !Facts->mayRetain(*Def, Index);
  };
  auto Visit = [&](const Expr *Arg, QualType ParamType, int Index) {
    // The callee has a handle it gets, and may signal it.
    if (Arg->getType()->isPointerType())
      if (ObjectRef Ev = Paths.objectOf(S, Arg); Ev.isKnown())
        leakHandle(S, Ev.Path);
    ObjectRef O;
    if (ParamType->isReferenceType()) {
      if (ParamType->getPointeeType().isConstQualified())
        return;
      if (auto Path = Paths.lvalueOf(S, Arg))
        O = ObjectRef::at(*Path);
    } else if (ParamType->isPointerType()) {
      if (ParamType->getPointeeType().isConstQualified())
        return;
      O = Paths.objectOf(S, Arg);
      // An array passed as its first element's address: the callee may
      // write every element (`memcpy(table, ...)`).
      const Expr *A = Arg->IgnoreParens();
      while (const auto *Conv = dyn_cast<ImplicitCastExpr>(A)) {
        if (Conv->getCastKind() == CK_ArrayToPointerDecay) {
          if (auto Whole = Paths.lvalueOf(S, Conv->getSubExpr()))
            O = ObjectRef::at(*Whole);
          break;
        }
        A = Conv->getSubExpr()->IgnoreParens();
      }
    }
    if (!O.isKnown())
      return;
    // A member's address reaches its whole object (CONTAINING_RECORD), but
    // a pointer to a number reaches only the number
    // (`InterlockedExchange(&state.quit, 1)`).
    QualType Pointee = ParamType->getPointeeType();
    if (Pointee->isVoidType())
      Pointee = Arg->IgnoreParenImpCasts()->getType()->isPointerType()
                    ? Arg->IgnoreParenImpCasts()->getType()->getPointeeType()
                    : Pointee;
    bool Scalar = Pointee->isArithmeticType() || Pointee->isEnumeralType();
    AccessPath Whole = Scalar ? O.Path : O.Path.enclosingObject();
    Reached.push_back(Whole);
    // The C library's memory functions write through what they get and
    // keep nothing: a request on an OVERLAPPED they clear is still the
    // caller's (`memset(&ov, 0, sizeof ov)`).
    if (WritesThrough) {
      S.Vars.eraseIf([&](const AccessPath &P, const AbsValue &) {
        return P.isUnder(O.Path);
      });
      // Clearing a received request's OVERLAPPED sets the object up anew,
      // as a new issue on it would: the caller's protocol saw it finish.
      S.Requests.eraseIf([&](const AccessPath &, const Request &R) {
        return !R.View.ReceivedWith.empty() && !R.View.Reentered &&
               R.Overlapped.isUnder(O.Path);
      });
      return;
    }
    // It has, and may signal, a handle it finds there (`s.stop = ev;
    // register_stop(&s);`, `read_event(&ov)`).
    llvm::SmallVector<AccessPath, 2> Events, Slots;
    for (const auto &[P, V] : S.Vars)
      if (P.isUnder(Whole) && V.K == AbsValue::Object)
        Events.push_back(V.Referent);
      else if (P.isUnder(Whole) && (V.Quiet || V.Private))
        Slots.push_back(P);
    for (const AccessPath &Ev : Events)
      leakHandle(S, Ev);
    for (const AccessPath &Slot : Slots)
      forgetPrivacy(S, Slot);
    if (!KeptByCaller(Index)) {
      escape(S, GetsGlobal ? Whole : O.Path, CE);
    } else if (ParamType->isPointerType()) {
      Kept.emplace_back(O.Path, Facts->writtenMembers(*Def, Index));
      StoresInto.emplace_back(O.Path, Index);
    }
  };
  for (unsigned I = 0; I < CE->getNumArgs(); ++I) {
    const Expr *Arg = CE->getArg(I);
    QualType PT = FD && I < FD->getNumParams()
                      ? FD->getParamDecl(I)->getType()
                      : Arg->IgnoreParenImpCasts()->getType();
    Visit(Arg, PT, I);
  }
  if (const auto *MCE = dyn_cast<CXXMemberCallExpr>(CE))
    if (const Expr *Obj = MCE->getImplicitObjectArgument()) {
      const auto *MD = MCE->getMethodDecl();
      ObjectRef O = Paths.objectOrPointee(S, Obj);
      if (O.isKnown() && (!MD || !MD->isConst())) {
        Reached.push_back(O.Path);
        if (!KeptByCaller(-1))
          escape(S, O.Path, CE);
        else {
          Kept.emplace_back(O.Path, Facts->writtenMembers(*Def, -1));
          StoresInto.emplace_back(O.Path, -1);
        }
      }
    }
  // Nor do we know what it did to globals or to memory behind pointers.
  // (Forgetting only what its arguments reach, as the Static Analyzer
  // does, keeps paths apart that merge here: it cost usbpcap's read loop a
  // quarter more time and changed no finding on the real-code set.)
  // Flags that conditions test (`watch->is_active`) of an object with a
  // live request are the exception, when no argument reaches the object:
  // a flag forgotten by every log call between a start and its cancel
  // opens paths that never run. (Keeping every such flag, of objects
  // without requests too, cost rufus's WriteDrive four times its budget.)
  auto HoldsRequest = [&](const AccessPath &Object) {
    return llvm::any_of(S.Requests, [&](const auto &Entry) {
      return Entry.second.Overlapped.isUnder(Object);
    });
  };
  // What a kept object holds in the members the call does not write
  // stays known.
  auto Unwritten = [&](const AccessPath &P) {
    return llvm::any_of(Kept, [&](const auto &Entry) {
      const auto &[Object, Writes] = Entry;
      if (!P.isStoredIn(Object) || P == Object)
        return false;
      const PathComponent &First = P.components()[Object.components().size()];
      return First.K == PathComponent::Field &&
             !Writes.contains(static_cast<const FieldDecl *>(First.Ptr));
    });
  };
  S.Vars.eraseIf([&](const AccessPath &P, const AbsValue &) {
    if (!P.isShared() || Unwritten(P))
      return false;
    if (!Facts ||
        llvm::any_of(Reached, [&](const AccessPath &R) { return P.isUnder(R); }))
      return true;
    bool Flag = P.rootKind() != AccessPath::RootKind::Global &&
                Facts->isTestedField(P) && HoldsRequest(P.enclosingObject());
    return !Flag && !S.holdsLiveHandle(P);
  });
  // What a kept object's members hold after the call, when the callee
  // always stores it (`enter_state(s, STATE_CONNECTING)`).
  for (const auto &[Object, Index] : StoresInto)
    for (const ParameterUses::Store &St : Facts->definiteStores(*Def, Index)) {
      AbsValue V = AbsValue::integer(St.Constant);
      if (St.Param)
        V = *St.Param < CE->getNumArgs() ? valueOf(S, CE->getArg(*St.Param))
                                         : AbsValue::unknown();
      AccessPath Member = Object.field(St.Field);
      S.Vars.erase(Member);
      if (V.K != AbsValue::Unknown)
        S.Vars.set(Member, V);
    }
  // The last error survives: Win32 functions set it when they fail, and
  // code that reads it after another call (a free, a log line) relies on
  // that call succeeding. Forgetting it would open paths the program never
  // takes, such as "not ERROR_IO_PENDING" right after a pending read.
}

void Transfer::call(const CallExpr *CE, State S, StateList &Out) {
  Outcomes O(CE, Out);
  // Smart pointers: `p.get()` is the pointer they own.
  if (const auto *MCE = dyn_cast<CXXMemberCallExpr>(CE)) {
    const Expr *Obj = MCE->getImplicitObjectArgument();
    if (Obj)
      Obj = Obj->IgnoreParenImpCasts();
    // `p.reset()`: the object it held dies here.
    if (QualType SmartPointer = AccessPaths::resetSmartPointer(MCE);
        !SmartPointer.isNull()) {
      ObjectRef Owner = Paths.objectOrPointee(S, Obj);
      if (!Owner.isKnown())
        return O.add(std::move(S), AbsValue::unknown(), std::nullopt);
      AbsValue Next = MCE->getNumArgs() > 0 ? valueOf(S, MCE->getArg(0))
                                            : AbsValue::null();
      llvm::SmallVector<State, 2> After;
      destroyHeld(std::move(S), Owner.Path, SmartPointer, CE,
                  CE->getBeginLoc(), Obj, "", "", /*MayFollow=*/true, After);
      for (State &A : After) {
        A.Vars.set(Owner.Path.held(), Next);
        O.add(std::move(A), AbsValue::unknown(), std::nullopt);
      }
      return;
    }
    // Tested as a bool, a smart pointer is what the path knows of the
    // pointer it holds (null after `reset()`; valid at a protocol's entry
    // when it holds the handle the request was started on).
    if (AccessPaths::isSmartPointerMethod(MCE, "")) {
      ObjectRef Owner = Paths.objectOrPointee(S, Obj);
      const AbsValue *Held = Owner.isKnown() ? S.Vars.find(Owner.Path.held())
                                             : nullptr;
      AbsValue Value = AbsValue::unknown();
      if (Held && Held->K == AbsValue::Null)
        Value = AbsValue::integer(0);
      else if (Held && !Held->mayEqual(0))
        Value = AbsValue::integer(1);
      return O.add(std::move(S), Value, std::nullopt);
    }
    // `p.release()`: the pointer it held, and it holds none.
    if (AccessPaths::isSmartPointerMethod(MCE, "release")) {
      ObjectRef Owner = Paths.objectOrPointee(S, Obj);
      if (!Owner.isKnown())
        return O.add(std::move(S), AbsValue::unknown(), std::nullopt);
      const AbsValue *Held = S.Vars.find(Owner.Path.held());
      AbsValue Value =
          Held ? *Held : AbsValue::object(Owner.Path.held().deref());
      S.Vars.set(Owner.Path.held(), AbsValue::null());
      return O.add(std::move(S), Value, std::nullopt);
    }
    if (AccessPaths::isSmartPointerGet(MCE)) {
      ObjectRef Owner = Paths.objectOrPointee(S, Obj);
      const AbsValue *Held = Owner.isKnown() ? S.Vars.find(Owner.Path.held())
                                             : nullptr;
      // Not known from its construction (`std::make_unique`): the object
      // the held pointer points to, which reset() and the end of the owner
      // name the same way.
      AbsValue Value = Held          ? *Held
                       : Owner.isKnown() ? AbsValue::object(Owner.Path.held().deref())
                                         : AbsValue::unknown();
      return O.add(std::move(S), Value, std::nullopt);
    }
  }
  // Element access of standard containers names the element.
  if (const auto *OCE = dyn_cast<CXXOperatorCallExpr>(CE);
      OCE && OCE->getOperator() == OO_Subscript)
    return O.add(std::move(S), AbsValue::unknown(), std::nullopt);

  const FunctionRule *R = ruleFor(CE);
  if (!R) {
    if (Inline && Inline(CE, S, *this, Out))
      return;
    unknownCall(CE, S);
    return O.add(std::move(S), AbsValue::unknown(), std::nullopt);
  }
  // A helper of this unit summarised as its effects (a rule made in code,
  // with no origin in a rules file) is run instead when it can be: the
  // same effects, with notes that point inside it.
  if (R->FunctionRole == Role::Effects && R->Origin.empty() && Inline &&
      Inline(CE, S, *this, Out))
    return;
  // A rule with effects says what the call does to what it gets.
  if (R->FunctionRole != Role::Effects)
    invalidateOutArgs(CE, *R, S);
  apply(CE, *R, std::move(S), Out);
}

void Transfer::effects(const CallExpr *CE, const FunctionRule &R, State S,
                       StateList &Out) {
  llvm::SmallVector<State, 2> Current;
  Current.push_back(std::move(S));
  for (const FunctionRule &Effect : R.Effects) {
    llvm::SmallVector<State, 2> Next;
    for (State &Each : Current)
      apply(CE, Effect, std::move(Each), Next);
    Current = std::move(Next);
  }
  for (State &Each : Current)
    Outcomes(CE, Out).add(std::move(Each), AbsValue::unknown(), std::nullopt);
}

void Transfer::apply(const CallExpr *CE, const FunctionRule &Rule, State S,
                     StateList &Out) {
  Outcomes O(CE, Out);
  const FunctionRule *R = &Rule;
  switch (R->FunctionRole) {
  case Role::Effects:
    return effects(CE, *R, std::move(S), Out);
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
  case Role::Free:
    return release(CE, *R, std::move(S), Out);
  case Role::Associate:
  case Role::NotifyModes:
    return associate(CE, *R, std::move(S), Out);
  case Role::Transfer: {
    // The object the argument points into, whole, now belongs to the
    // callee: its requests are someone else's to drain.
    ObjectRef Given = objectArg(S, CE, R->Pointer);
    if (Given.isKnown())
      escape(S, Given.Path.enclosingObject(), CE);
    unknownCall(CE, S);
    return O.add(std::move(S), AbsValue::unknown(), std::nullopt);
  }
  case Role::CompleteAll: {
    ObjectRef Handle = objectArg(S, CE, R->Handle);
    if (Handle.isKnown())
      completeNow(S, [&](const Request &Q) { return Q.Handle == Handle.Path; });
    return O.add(std::move(S), AbsValue::unknown(), std::nullopt);
  }
  case Role::ThreadStart:
    // What the new thread receives is out of this path's sight. A
    // procedure it runs is no longer one the path saw exit.
    for (const FunctionDecl *Proc :
         TranslationUnitFacts::functionsNamed(argExpr(CE, R->Procedure)))
      llvm::erase(S.Joined, Proc->getCanonicalDecl());
    unknownCall(CE, S);
    return O.add(std::move(S), AbsValue::unknown(), std::nullopt);
  case Role::DumpState: {
    Event E = Event::atCall(EventKind::DumpState, CE, R);
    E.Detail = S.str();
    emit(E);
    return O.add(std::move(S), AbsValue::unknown(), std::nullopt);
  }
  case Role::SetEvent:
  case Role::ResetEvent:
    if (ObjectRef Ev = objectArg(S, CE, R->Object); Ev.isKnown())
      markEvent(S, Ev.Path, R->FunctionRole == Role::ResetEvent);
    forgetSharedValues(S);
    return O.add(std::move(S), AbsValue::unknown(), std::nullopt);
  case Role::Inert:
    // A validity check, a lock, a logger: the objects and their requests
    // stay the caller's.
    forgetSharedValues(S);
    return O.add(std::move(S), AbsValue::unknown(), std::nullopt);
  case Role::LastError: {
    AbsValue Err = S.LastError;
    return O.add(std::move(S), Err, std::nullopt);
  }
  case Role::Open:
  case Role::Create: {
    AbsValue Result;
    if (R->Failure == FailureValue::Null)
      Result = AbsValue::notIntegers({-1});
    else if (R->Failure == FailureValue::InvalidHandle)
      Result = AbsValue::notIntegers({0});
    if (R->FunctionRole == Role::Open) {
      auto Flags = intArg(S, CE, R->Flags);
      Result.SyncHandle = Flags && !(*Flags & win32::FileFlagOverlapped);
    }
    // A handle, not a block of memory: `realloc` may return its argument.
    Result.Created = Result.Private = isHandleType(CE->getType());
    // Unnamed: another process can signal a named event, and creating one
    // that exists opens it in the state it is in.
    const Expr *Name = argExpr(CE, R->Path);
    auto Initial = intArg(S, CE, R->InitialState);
    Result.Quiet = Result.Created && Initial && *Initial == 0 &&
                   (!R->Path.isSet() || (Name && !mayBeNonNull(Name, Ctx)));
    clientOpens(CE, *R, S);
    return O.add(std::move(S), Result);
  }
  }
}

namespace {

/// What names the object an open call opens: a variable or member holding
/// the name (`pipe_name`, `name.c_str()`), or a string literal.
std::optional<std::pair<const void *, std::string>> nameKey(const Expr *E) {
  if (!E)
    return std::nullopt;
  E = E->IgnoreParenCasts();
  if (const auto *MCE = dyn_cast<CXXMemberCallExpr>(E);
      MCE && MCE->getMethodDecl() && MCE->getImplicitObjectArgument() &&
      (MCE->getMethodDecl()->getName() == "c_str" ||
       MCE->getMethodDecl()->getName() == "data"))
    E = MCE->getImplicitObjectArgument()->IgnoreParenCasts();
  if (const auto *SL = dyn_cast<StringLiteral>(E))
    return std::make_pair(nullptr, SL->getBytes().str());
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
    return std::make_pair(static_cast<const void *>(DRE->getDecl()),
                          std::string());
  if (const auto *ME = dyn_cast<MemberExpr>(E))
    return std::make_pair(static_cast<const void *>(ME->getMemberDecl()),
                          std::string());
  return std::nullopt;
}

} // namespace

void Transfer::clientOpens(const CallExpr *CE, const FunctionRule &R,
                           State &S) const {
  if (!R.Path.isSet() || !Function || !Function->getBody() ||
      llvm::none_of(S.Requests, [](const auto &Entry) {
        const FunctionRule *Issue = Entry.second.View.IssueRule;
        return Issue && Issue->CompletesOnClientOpen;
      }))
    return;
  auto Cached = SameNameCreations.find(CE);
  if (Cached == SameNameCreations.end()) {
    llvm::SmallVector<const Stmt *, 2> Stores;
    auto Key = nameKey(argExpr(CE, R.Path));
    llvm::SmallVector<const Stmt *, 32> Work{Function->getBody()};
    while (Key && !Work.empty()) {
      const Stmt *St = Work.pop_back_val();
      if (!St)
        continue;
      for (const Stmt *Child : St->children())
        Work.push_back(Child);
      const auto *Create = dyn_cast<CallExpr>(St);
      const FunctionRule *CR = Create && Create != CE ? ruleFor(Create) : nullptr;
      if (!CR || !CR->Path.isSet() || nameKey(argExpr(Create, CR->Path)) != Key)
        continue;
      // Where the new handle goes: `pipe_ = CreateNamedPipeA(...)` or
      // `HANDLE pipe = CreateNamedPipeA(...)`.
      const Stmt *Up = PM.getParentIgnoreParenImpCasts(const_cast<CallExpr *>(Create));
      if (const auto *BO = dyn_cast_or_null<BinaryOperator>(Up);
          BO && BO->getOpcode() == BO_Assign)
        Stores.push_back(BO->getLHS());
      else if (const auto *DS = dyn_cast_or_null<DeclStmt>(Up))
        for (const Decl *D : DS->decls())
          if (const auto *VD = dyn_cast<VarDecl>(D);
              VD && VD->getInit() &&
              VD->getInit()->IgnoreParenImpCasts() == Create)
            Stores.push_back(DS);
    }
    Cached = SameNameCreations.try_emplace(CE, std::move(Stores)).first;
  }
  for (const Stmt *Store : Cached->second) {
    std::optional<AccessPath> Holder;
    if (const auto *LHS = dyn_cast<Expr>(Store))
      Holder = Paths.lvalueOf(S, LHS);
    else
      for (const Decl *D : cast<DeclStmt>(Store)->decls())
        if (const auto *VD = dyn_cast<VarDecl>(D))
          Holder = AccessPath::variable(VD);
    if (!Holder)
      continue;
    const AbsValue *V = S.Vars.find(*Holder);
    AccessPath Pipe = V && V->K == AbsValue::Object ? V->Referent
                                                    : Holder->deref();
    completeNow(S, [&](const Request &Q) {
      return Q.Handle == Pipe && Q.View.IssueRule &&
             Q.View.IssueRule->CompletesOnClientOpen;
    });
  }
}

void Transfer::completeNow(
    State &S, llvm::function_ref<bool(const Request &)> Which) const {
  llvm::SmallVector<AccessPath, 2> Done;
  for (const auto &[P, Q] : S.Requests)
    if (Q.View.State != Typestate::PacketQueued && Which(Q))
      Done.push_back(P);
  for (const AccessPath &P : Done) {
    Request Completed = *S.Requests.find(P);
    S.Requests.erase(P);
    if (Completed.View.PortBound) {
      Completed.View.State = Typestate::PacketQueued;
      S.Requests.set(P, Completed);
    }
  }
}

void Transfer::issue(const CallExpr *CE, const FunctionRule &R, State S,
                     StateList &Out) {
  Outcomes O(CE, Out);
  ObjectRef Handle = objectArg(S, CE, R.Handle);
  // A handle some call returns here (`DeviceIoControl(get_h(id), ...)`)
  // has no name a later call could repeat, but the request's OVERLAPPED
  // and buffer live as long as for any other handle.
  if (const Expr *Arg = argExpr(CE, R.Handle);
      Arg && Handle.K == ObjectRef::None && R.Handle.Member.empty())
    if (const auto *Returned = dyn_cast<CallExpr>(stripIdentityCasts(Arg)))
      Handle = ObjectRef::at(AccessPath::callResult(Returned).deref());
  ObjectRef Ov = overlappedArg(S, CE, R.Overlapped);
  if (Ov.K == ObjectRef::Null || !Handle.isKnown() || !Ov.isKnown())
    return O.add(std::move(S), AbsValue::unknown()); // Synchronous or untracked.

  // Reusing an OVERLAPPED whose request may still be pending (`ov[i]` in
  // a loop names a different element each time: not a reuse).
  bool KnownElement = llvm::none_of(Ov.Path.components(), [](const PathComponent &C) {
    return C.K == PathComponent::Element && C.Index < 0;
  });
  // A request received with the object is forgotten without a word: the
  // caller's protocol, not this function, made sure it had completed.
  // Not one this function's own last call left: nothing else finished it.
  if (const Request *Old = S.Requests.find(Ov.Path);
      Old && KnownElement && !Old->View.ReceivedWith.empty() &&
      !Old->View.Reentered)
    S.Requests.erase(Ov.Path);
  if (const Request *Old = S.Requests.find(Ov.Path); Old && KnownElement) {
    AffectedRequest A{&Old->View, RequestPart::Overlapped};
    Event E = Event::atCall(EventKind::Reissue, CE, &R);
    // The OVERLAPPED itself: `ov` for `&ov`.
    E.SubjectExpr = argExpr(CE, R.Overlapped)->IgnoreParenCasts();
    if (const auto *UO = dyn_cast<UnaryOperator>(E.SubjectExpr);
        UO && UO->getOpcode() == UO_AddrOf)
      E.SubjectExpr = UO->getSubExpr();
    E.Requests = A;
    emit(E);
  }

  bool Sync = S.SyncHandles.contains(Handle.Path);
  const Expr *Routine = argExpr(CE, R.CompletionRoutine);
  bool HasRoutine = mayBeNonNull(Routine, Ctx);
  bool PortBound = S.PortBound.contains(Handle.Path);

  // The kernel owns Internal and InternalHigh from now on.
  S.Vars.eraseIf([&](const AccessPath &P, const AbsValue &) {
    return P.isUnder(Ov.Path) &&
           (P.endsInField("Internal") || P.endsInField("InternalHigh"));
  });

  Request Req;
  Req.Overlapped = Ov.Path;
  Req.Handle = Handle.Path;
  if (const FieldDecl *F = hEventField(argExpr(CE, R.Overlapped)->getType())) {
    const AbsValue *Ev = S.Vars.find(Ov.Path.field(F));
    Req.EventObject = Ev && Ev->K == AbsValue::Object
                          ? Ev->Referent
                          : Ov.Path.field(F).deref();
  }
  if (const Expr *Buffer = argExpr(CE, R.Buffer)) {
    ObjectRef B = Paths.objectOf(S, Buffer);
    if (B.isKnown())
      Req.Buffer = B.Path;
  }
  Req.View.Mode = HasRoutine ? CompletionMode::Routine : CompletionMode::Event;
  Req.View.PortBound = PortBound && !HasRoutine;
  // Code that never looks for ERROR_IO_PENDING uses the call as if it
  // were synchronous; but a call whose success means "queued"
  // (ReadDirectoryChangesW) has no synchronous outcome to mistake.
  Req.View.TreatedAsSynchronous =
      !HandlesPending && !HasRoutine && R.Result != ResultConvention::Queued &&
      !(Facts && Facts->holdsOverlappedHandle(argExpr(CE, R.Handle)));
  Req.View.IssueCall = CE;
  Req.View.IssuedDuring = CallStack.empty() ? nullptr : CallStack.front();
  Req.View.IssueRule = &R;
  Req.View.HandleArg = argExpr(CE, R.Handle);
  Req.View.OverlappedArg = argExpr(CE, R.Overlapped);
  Req.View.BufferArg = argExpr(CE, R.Buffer);
  Req.View.Steps.append({PathStep::Issue, CE});
  State Valid = S;
  // A completion signals the event. A failure leaves it as it was: the
  // call resets it as it starts, except on an invalid handle.
  if (Req.EventObject)
    markEvent(Valid, *Req.EventObject, /*Quiet=*/false);

  // I/O that starts or completes was issued on a valid handle: later
  // tests against INVALID_HANDLE_VALUE or NULL are decided, of a handle
  // kept in an integer too (`WriteFile((HANDLE) ttyfd, ...)`).
  if (const Expr *HandleArg = argExpr(CE, R.Handle);
      HandleArg && HandleArg->isPRValue() && R.Handle.K == ArgRef::Index)
    if (auto HandleVar = Paths.lvalueOf(S, HandleArg->IgnoreParenCasts());
        HandleVar && !S.Vars.contains(*HandleVar))
      Valid.Vars.set(*HandleVar, AbsValue::validHandle());
  State Pending = Valid;
  Pending.Requests.set(Ov.Path, Req);
  // A completion routine runs only in an alertable wait of this thread:
  // until then, the flags it raises are still down.
  if (HasRoutine)
    for (const auto &[Flag, Value] : flagsSetBy(routineOf(Routine), Ctx))
      Pending.Vars.set(AccessPath::variable(Flag),
                       Value ? AbsValue::integer(0)
                             : AbsValue::notIntegers({Value}));
  {
    const Request &Issued = *Pending.Requests.find(Ov.Path);
    AffectedRequest A{&Issued.View, RequestPart::Overlapped};
    Event E = Event::atCall(EventKind::Issue, CE, &R);
    E.Requests = A;
    emit(E);
  }
  // A request that completes at once on a port-bound handle still queues
  // its packet (unless the handle skips it): the OVERLAPPED stays in use
  // until the packet is dequeued.
  State Completed = Valid;
  if (PortBound && !Sync) {
    Request Queued = Req;
    Queued.View.State = Typestate::PacketQueued;
    Completed.Requests.set(Ov.Path, Queued);
  }

  using namespace win32;
  switch (R.Result) {
  case ResultConvention::Bool:
    O.add(std::move(Completed), AbsValue::notIntegers({0}));
    if (!Sync)
      O.add(std::move(Pending), AbsValue::integer(0),
            AbsValue::integer(ErrorIoPending));
    O.add(std::move(S), AbsValue::integer(0),
          AbsValue::notIntegers({ErrorIoPending}));
    return;
  case ResultConvention::Wsa:
    O.add(std::move(Completed), AbsValue::integer(0));
    if (!Sync)
      O.add(std::move(Pending), AbsValue::integer(SocketError),
            AbsValue::integer(ErrorIoPending));
    O.add(std::move(S), AbsValue::integer(SocketError),
          AbsValue::notIntegers({ErrorIoPending}));
    return;
  case ResultConvention::PendsOrFails:
    // Success means the handle was synchronous after all (the call
    // blocked until it was done): nothing is left in flight, and a
    // port-bound handle is never synchronous.
    if (!PortBound || Sync)
      O.add(std::move(Valid), AbsValue::notIntegers({0}));
    if (!Sync)
      O.add(std::move(Pending), AbsValue::integer(0),
            AbsValue::integer(ErrorIoPending));
    O.add(std::move(S), AbsValue::integer(0),
          AbsValue::notIntegers({ErrorIoPending}));
    return;
  case ResultConvention::Queued:
    // Queued I/O with a routine completes only through it, even on a
    // synchronous handle; other queued I/O is synchronous there.
    if (Sync && !HasRoutine)
      O.add(std::move(Completed), AbsValue::notIntegers({0}));
    else
      O.add(std::move(Pending), AbsValue::notIntegers({0}));
    O.add(std::move(S), AbsValue::integer(0));
    return;
  }
}

void Transfer::cancel(const CallExpr *CE, const FunctionRule &R, State S,
                      StateList &Out) {
  Outcomes O(CE, Out);
  std::vector<IssueSite> Others;
  if (R.CallingThreadOnly && Facts && R.Handle.Member.empty()) {
    Others = Facts->issuedByOtherThreads(argExpr(CE, R.Handle), Function);
    // A thread the path waited to exit has nothing pending; but a request
    // bound to a port, with no event, outlives its thread (semantics 2.4).
    if (!Facts->usesPorts())
      llvm::erase_if(Others, [&](const IssueSite &Site) {
        return Site.Thread && llvm::is_contained(S.Joined, Site.Thread);
      });
    // A cancel in a called function that its own analysis reports is not
    // reported again at each call of it.
    const FunctionDecl *Inner =
        CallStack.empty() ? nullptr
                          : ApiModel::followedDefinition(CallStack.back());
    bool ReportedInside =
        Inner &&
        !Facts->issuedByOtherThreads(argExpr(CE, R.Handle), Inner).empty();
    if (!Others.empty() && !ReportedInside) {
      Event E = Event::atCall(EventKind::CancelOtherThread, CE, &R);
      E.SubjectExpr = argExpr(CE, R.Handle);
      E.SubjectName = R.Handle.Written;
      E.OtherThreadIssues = Others;
      const ThreadSet &Mine = Facts->threadsOf(Function);
      if (!Mine.Procedures.empty())
        E.CancellingThread = Mine.Procedures.front();
      emit(E);
    }
  }
  ObjectRef Handle = objectArg(S, CE, R.Handle);
  ObjectRef Ov = R.Overlapped.isSet() ? overlappedArg(S, CE, R.Overlapped)
                                      : ObjectRef::null();
  // CancelIo does not touch requests another thread issued (a request
  // the object's protocol brought in from a thread procedure).
  auto Live = [&](const Request &Q) {
    return Q.View.State != Typestate::PacketQueued &&
           llvm::none_of(Others, [&](const IssueSite &Site) {
             return Site.Call == Q.View.IssueCall;
           });
  };
  std::vector<AccessPath> Targets;
  if (Ov.isKnown()) {
    if (const Request *Q = S.Requests.find(Ov.Path); Q && Live(*Q))
      Targets.push_back(Ov.Path);
  } else if (Ov.K == ObjectRef::Null && Handle.isKnown()) {
    Targets = requestsWhere(S, [&](const Request &Q) {
      return Live(Q) && Q.Handle == Handle.Path;
    });
  }
  if (Targets.empty())
    return O.add(std::move(S), AbsValue::unknown());

  // Cancelled, but the cancellation itself completes later.
  State Cancelled = S;
  llvm::SmallVector<AffectedRequest, 2> Affected;
  for (const AccessPath &K : Targets) {
    Request Q = *Cancelled.Requests.find(K);
    Q.View.State = Typestate::Cancelled;
    Q.View.CancelCall = CE;
    Q.View.CancelRule = &R;
    Q.View.Steps.append({PathStep::Cancel, CE});
    Cancelled.Requests.set(K, std::move(Q));
  }
  for (const AccessPath &K : Targets)
    Affected.push_back({&Cancelled.Requests.find(K)->View, RequestPart::Handle});
  Event E = Event::atCall(EventKind::Cancel, CE, &R);
  E.Requests = Affected;
  emit(E);
  O.add(std::move(Cancelled), AbsValue::notIntegers({0}));
  // ERROR_NOT_FOUND: nothing was outstanding any more.
  for (const AccessPath &K : Targets)
    S.Requests.erase(K);
  O.add(std::move(S), AbsValue::integer(0),
        AbsValue::integer(win32::ErrorNotFound));
}

void Transfer::waitOverlapped(const CallExpr *CE, const FunctionRule &R,
                              State S, StateList &Out) {
  Outcomes O(CE, Out);
  ObjectRef Ov = overlappedArg(S, CE, R.Overlapped);
  if (!Ov.isKnown())
    return O.add(std::move(S), AbsValue::unknown());
  // A wait on `ov[i]` in a loop over the requests may be for any of them.
  std::vector<AccessPath> Targets = requestsWhere(S, [&](const Request &Q) {
    return Q.Overlapped == Ov.Path || matchesElements(Ov.Path, Q.Overlapped);
  });
  if (Targets.empty())
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
  for (const AccessPath &P : Targets)
    S.Requests.erase(P);
  if (Blocks && !MayBeAlerted)
    return O.add(std::move(S), AbsValue::unknown());

  O.add(S, AbsValue::notIntegers({0}));
  O.add(std::move(S), AbsValue::integer(0),
        AbsValue::notIntegers({ErrorIoIncomplete, WaitTimeout,
                               WaitIoCompletion}));
  EarlyReturn Early{Blocks ? PathStep::WaitAlerted : PathStep::WaitEarly,
                    AbsValue::integer(0),
                    Blocks ? AbsValue::integer(WaitIoCompletion)
                           : (MayBeAlerted ? AbsValue::unknown()
                                           : AbsValue::integer(IncompleteError)),
                    {}};
  addEarlyReturn(CE, Still, Early, Out);
}

/// The number of elements of the array `Table` when the count `Count` is
/// a constexpr function of that array alone, taken by reference to its
/// array type (`std::size(events)`, which clang 19 does not fold: a
/// reference to a local in a constant expression).
static std::optional<int64_t> extentCounted(const Expr *Count,
                                            const Expr *Table) {
  const auto *Ref = dyn_cast<DeclRefExpr>(Table->IgnoreParenImpCasts());
  const auto *Array =
      Ref ? dyn_cast<ConstantArrayType>(Ref->getType()->getAsArrayTypeUnsafe())
          : nullptr;
  const auto *Size =
      Count ? dyn_cast<CallExpr>(Count->IgnoreParenCasts()) : nullptr;
  const auto *Of = Size && Size->getNumArgs() == 1
                       ? dyn_cast<DeclRefExpr>(
                             Size->getArg(0)->IgnoreParenImpCasts())
                       : nullptr;
  const FunctionDecl *Fn = Size ? Size->getDirectCallee() : nullptr;
  if (!Array || !Of || Of->getDecl() != Ref->getDecl() || !Fn ||
      !Fn->isConstexpr() || Fn->getNumParams() != 1 ||
      !Fn->getParamDecl(0)->getType()->isReferenceType() ||
      !Fn->getParamDecl(0)->getType()->getPointeeType()->isArrayType())
    return std::nullopt;
  return static_cast<int64_t>(Array->getSize().getZExtValue());
}

void Transfer::waitObjects(const CallExpr *CE, const FunctionRule &R, State S,
                           StateList &Out) {
  Outcomes O(CE, Out);
  using namespace win32;
  // The objects waited on, one per index.
  std::vector<ObjectRef> Objects;
  bool Opaque = false;
  // The array the objects come from, when it is one.
  const ImplicitCastExpr *TableDecay = nullptr;
  // Or the object a pointer to the objects points to; and whether the
  // wait may end for objects after the known ones.
  std::optional<AccessPath> PointerTable;
  bool OthersUnknown = false;
  auto ObjectIn = [&](const AccessPath &Slot) {
    const AbsValue *V = S.Vars.find(Slot);
    return V && V->K == AbsValue::Object ? ObjectRef::at(V->Referent)
                                         : ObjectRef::at(Slot.deref());
  };
  if (R.FunctionRole == Role::WaitObject) {
    Objects.push_back(objectArg(S, CE, R.Object));
    // A wait without a timeout for a thread's handle returns once the
    // thread has exited (or fails on a bad handle).
    if (Facts && waitsForever(S, CE, R))
      for (const FunctionDecl *Proc :
           Facts->threadsStartedInto(argExpr(CE, R.Object))) {
        if (!llvm::is_contained(S.Joined, Proc)) {
          S.Joined.push_back(Proc);
          llvm::sort(S.Joined);
        }
        // A request in a global table that the thread may have drained
        // and freed is no longer the path's to track.
        S.Requests.eraseIf([&](const AccessPath &, const Request &Q) {
          return Q.Overlapped.rootKind() == AccessPath::RootKind::Global &&
                 Facts->mayDisposeOf(
                     Proc, static_cast<const VarDecl *>(Q.Overlapped.root()));
        });
      }
  } else {
    auto Count = intArg(S, CE, R.Count);
    const Expr *Arr = argExpr(CE, R.Objects);
    std::optional<AccessPath> Base;
    if (Arr) {
      const Expr *A = Arr->IgnoreParens();
      while (const auto *Conv = dyn_cast<ImplicitCastExpr>(A)) {
        if (Conv->getCastKind() != CK_NoOp && Conv->getCastKind() != CK_BitCast)
          break;
        A = Conv->getSubExpr()->IgnoreParens();
      }
      if (const auto *Decay = dyn_cast<ImplicitCastExpr>(A);
          Decay && Decay->getCastKind() == CK_ArrayToPointerDecay) {
        TableDecay = Decay;
        Base = Paths.lvalueOf(S, Decay->getSubExpr());
        if (!Count)
          Count = extentCounted(argExpr(CE, R.Count), Decay->getSubExpr());
      }
      else if (const auto *UO = dyn_cast<UnaryOperator>(A);
               UO && UO->getOpcode() == UO_AddrOf && Count && *Count == 1) {
        if (auto Slot = Paths.lvalueOf(S, UO->getSubExpr()))
          Objects.push_back(ObjectIn(*Slot));
      } else if (A->getType()->isPointerType()) {
        if (ObjectRef Table = Paths.objectOf(S, A); Table.isKnown())
          PointerTable = Table.Path;
      }
    }
    // A table written through a pointer into it holds what no element
    // says: any request may be among its objects.
    bool Aliased = TableDecay && Paths.isAliasedTable(TableDecay->getSubExpr());
    // A table whose elements the path lost (a call filled it) may hold
    // any request's event. One filled at unknown indices keeps the last
    // value stored there: its elements are none of the requests' events
    // that the path knows of (as before).
    bool Lost = false;
    if (Base && Count && *Count > 0 && *Count <= 16 && !Aliased)
      for (int64_t I = 0; I < *Count; ++I) {
        Lost |= !S.Vars.contains(Base->element(I));
        Objects.push_back(ObjectIn(Base->element(I)));
      }
    // A table behind a pointer (`handles = malloc(...)`): the elements
    // stored at known indices from the start, then, if the count may go
    // further, objects stored at unknown indices whose values the path
    // does not know (`handles[i + 1] = events[i]`), which are none of the
    // requests' events it knows of, as for a table filled at unknown
    // indices above. Unknown first elements, or an object it knows stored
    // at an unknown index, leave the table opaque.
    if (PointerTable && Objects.empty()) {
      int64_t Known = 0;
      while (Known < 16 && S.Vars.contains(PointerTable->element(Known)))
        ++Known;
      bool StoredUnknown = llvm::any_of(S.Vars, [&](const auto &Entry) {
        return Entry.first.hasUnknownIndex() &&
               Entry.first.mayAlias(PointerTable->element(-1));
      });
      if (Known > 0 && !StoredUnknown) {
        int64_t Listed = Count ? std::min(*Count, Known) : Known;
        for (int64_t I = 0; I < Listed; ++I)
          Objects.push_back(ObjectIn(PointerTable->element(I)));
        OthersUnknown = !Count || *Count > Known;
      }
    }
    // No objects at all (a message wait or an alertable wait on nothing)
    // is not a table iodrain cannot read.
    bool None = Count && *Count == 0;
    Opaque = (Objects.empty() && !None) ||
             (Lost && TableDecay && !S.Vars.contains(Base->element(-1)));
  }
  bool Forever = waitsForever(S, CE, R);
  auto ApcTargets = routinesRunBy(S, CE, R);

  if (Opaque) {
    // Unknown objects: assume the wait may complete any request.
    for (const AccessPath &P : requestsWhere(S, [](const Request &Q) {
           return Q.View.Mode == CompletionMode::Event;
         }))
      S.Requests.erase(P);
    return O.add(std::move(S), AbsValue::unknown());
  }

  std::vector<std::vector<AccessPath>> PerObject;
  // Per index: an event nothing can signal, which does not end the wait.
  std::vector<bool> Silent;
  bool AnyTarget = false, AnySilent = false;
  for (const ObjectRef &Obj : Objects) {
    // In a table behind a pointer, an object the path knows nothing of
    // (what `io_event` refers to, returned by a helper that also stored it
    // in the OVERLAPPED) may be a request's event it knows nothing of
    // either: as an opaque table would, it is taken to end that request.
    auto Unnamed = [&](const AccessPath &P) {
      auto Slot = P.pointerSlot();
      return Slot && !S.Vars.contains(*Slot);
    };
    PerObject.push_back(requestsWhere(S, [&](const Request &Q) {
      return Obj.isKnown() && Q.View.Mode == CompletionMode::Event &&
             ((Q.EventObject && *Q.EventObject == Obj.Path) ||
              Q.Handle == Obj.Path ||
              (PointerTable && Q.EventObject && Unnamed(*Q.EventObject) &&
               Unnamed(Obj.Path)));
    }));
    AnyTarget |= !PerObject.back().empty();
    auto Slot = Obj.isKnown() ? Obj.Path.pointerSlot() : std::nullopt;
    const AbsValue *Ev = Slot ? S.Vars.find(*Slot) : nullptr;
    Silent.push_back(Ev && Ev->Quiet && PerObject.back().empty());
    AnySilent |= Silent.back();
  }
  // When no request ends with the wait, which object woke it matters only
  // to code that dispatches on the table (`table[dw - WAIT_OBJECT_0] ==
  // ev`): elsewhere one path, not one per object.
  bool Dispatched =
      TableDecay && Paths.isDispatchTable(TableDecay->getSubExpr());
  if (!AnyTarget && (!AnySilent || !Dispatched) && ApcTargets.empty())
    return O.add(std::move(S), AbsValue::unknown());
  // An object after the known ones, which ends no request.
  if (OthersUnknown) {
    llvm::SmallVector<int64_t, 8> KnownIndices;
    for (size_t I = 0; I < Objects.size(); ++I)
      KnownIndices.push_back(int64_t(I));
    KnownIndices.push_back(WaitTimeout);
    KnownIndices.push_back(WaitIoCompletion);
    State Other = S;
    Other.addStepToPending({PathStep::WaitOtherObject, CE});
    O.add(std::move(Other), AbsValue::notIntegers(KnownIndices));
  }

  auto WaitAll = intArg(S, CE, R.WaitAll);
  bool All = R.FunctionRole == Role::WaitObjects && WaitAll && *WaitAll != 0;
  if (All || Objects.size() == 1) {
    State Signaled = S;
    for (const auto &Keys : PerObject)
      for (const AccessPath &P : Keys)
        Signaled.Requests.erase(P);
    Signaled.addStepToPending({PathStep::WaitObjectSignaled, CE});
    O.add(std::move(Signaled), AbsValue::integer(0));
  } else {
    for (size_t I = 0; I < PerObject.size(); ++I) {
      if (Silent[I])
        continue;
      State Signaled = S;
      for (const AccessPath &P : PerObject[I])
        Signaled.Requests.erase(P);
      Signaled.addStepToPending({PathStep::WaitOtherObject, CE});
      O.add(std::move(Signaled), AbsValue::integer(int64_t(I)));
    }
  }
  if (!Forever)
    addEarlyReturn(CE, S,
                   {PathStep::WaitTimedOut, AbsValue::integer(WaitTimeout),
                    AbsValue::unknown(), {}},
                   Out);
  if (!ApcTargets.empty())
    addEarlyReturn(CE, S,
                   {PathStep::WaitAlerted, AbsValue::integer(WaitIoCompletion),
                    AbsValue::unknown(), ApcTargets},
                   Out);
  // A message in the thread's queue ends the wait too, with the index
  // after the last object (MsgWaitForMultipleObjects).
  if (auto Mask = intArg(S, CE, R.WakeMask);
      R.WakeMask.isSet() && (!Mask || *Mask != 0)) {
    auto Count = intArg(S, CE, R.Count); // WAIT_OBJECT_0 is 0.
    addEarlyReturn(CE, S,
                   {PathStep::WaitEarly,
                    Count ? AbsValue::integer(*Count) : AbsValue::unknown(),
                    AbsValue::unknown(), {}},
                   Out);
  }
}

void Transfer::dequeue(const CallExpr *CE, const FunctionRule &R, State S,
                       StateList &Out) {
  Outcomes O(CE, Out);
  using namespace win32;
  // A packet belongs to one request, known only at run time: each may be
  // the one delivered, and the others stay pending.
  auto Targets = requestsWhere(S, [](const Request &Q) {
    return Q.View.Mode == CompletionMode::Event;
  });
  auto ApcTargets = routinesRunBy(S, CE, R);
  if (Targets.empty() && ApcTargets.empty())
    return O.add(std::move(S), AbsValue::unknown());

  // Beyond a few requests, one path per request costs more than it
  // finds: then a dequeue is taken to deliver any of them.
  constexpr size_t MaxDistinguished = 4;
  AbsValue Ok = AbsValue::unknown();
  AbsValue Err = AbsValue::notIntegers({WaitTimeout, WaitIoCompletion});
  if (Targets.size() > MaxDistinguished) {
    State Dequeued = S;
    for (const AccessPath &P : Targets)
      Dequeued.Requests.erase(P);
    O.add(std::move(Dequeued), Ok, Err);
  } else {
    for (const AccessPath &P : Targets) {
      State Dequeued = S;
      Dequeued.Requests.erase(P);
      if (Targets.size() > 1)
        Dequeued.addStepToPending({PathStep::DequeuedOther, CE});
      O.add(std::move(Dequeued), Ok, Err);
    }
  }
  if (!isInfinite(intArg(S, CE, R.Timeout)))
    addEarlyReturn(CE, S,
                   {PathStep::WaitTimedOut, AbsValue::integer(0),
                    AbsValue::integer(WaitTimeout), {}},
                   Out);
  if (!ApcTargets.empty())
    addEarlyReturn(CE, S,
                   {PathStep::WaitAlerted, AbsValue::integer(0),
                    AbsValue::integer(WaitIoCompletion), ApcTargets},
                   Out);
}

void Transfer::alertableSleep(const CallExpr *CE, const FunctionRule &R,
                              State S, StateList &Out) {
  Outcomes O(CE, Out);
  using namespace win32;
  auto ApcTargets = routinesRunBy(S, CE, R);
  if (ApcTargets.empty())
    return O.add(std::move(S), AbsValue::unknown());

  State Ran = S;
  for (const AccessPath &P : ApcTargets) {
    // What the routine sets, the code after the wait sees.
    const Request &Q = *Ran.Requests.find(P);
    const Expr *RoutineArg =
        Q.View.IssueRule ? argExpr(Q.View.IssueCall,
                                   Q.View.IssueRule->CompletionRoutine)
                         : nullptr;
    for (const auto &[Flag, Value] : flagsSetBy(routineOf(RoutineArg), Ctx))
      Ran.Vars.set(AccessPath::variable(Flag), AbsValue::integer(Value));
    Ran.Requests.erase(P);
  }
  O.add(std::move(Ran), AbsValue::integer(WaitIoCompletion));
  if (!isInfinite(intArg(S, CE, R.Timeout)))
    addEarlyReturn(CE, S,
                   {PathStep::RoutineTimedOut, AbsValue::integer(0),
                    AbsValue::unknown(), {}},
                   Out);
}

void Transfer::associate(const CallExpr *CE, const FunctionRule &R, State S,
                         StateList &Out) {
  ObjectRef Handle = objectArg(S, CE, R.Handle);
  if (Handle.isKnown()) {
    if (R.FunctionRole == Role::Associate) {
      S.PortBound.set(Handle.Path, true);
    } else {
      // FILE_SKIP_COMPLETION_PORT_ON_SUCCESS: no packet for synchronous
      // completions, as if the handle were not bound for them.
      auto Flags = intArg(S, CE, R.Flags);
      if (!Flags || (*Flags & 1))
        S.PortBound.erase(Handle.Path);
    }
  }
  Outcomes(CE, Out).add(std::move(S), AbsValue::unknown());
}

void Transfer::close(const CallExpr *CE, const FunctionRule &R, State S,
                     StateList &Out) {
  ObjectRef Handle = objectArg(S, CE, R.Handle);
  if (Handle.isKnown())
    closeHandle(S, Handle.Path, CE, CE->getBeginLoc(), &R,
                argExpr(CE, R.Handle), R.Handle.Written, "");
  Outcomes(CE, Out).add(std::move(S), AbsValue::unknown());
}

void Transfer::release(const CallExpr *CE, const FunctionRule &R, State S,
                       StateList &Out) {
  const Expr *Ptr = argExpr(CE, R.Pointer);
  ObjectRef Object = !Ptr                      ? ObjectRef::none()
                     : R.Pointer.Member.empty() ? Paths.objectOf(S, Ptr)
                                                : memberArg(S, CE, R.Pointer);
  if (Object.isKnown())
    endStorage(S, Object.Path, EventKind::Free, CE, CE->getBeginLoc(), &R,
               Ptr, R.Pointer.Written, "");
  Outcomes(CE, Out).add(std::move(S), AbsValue::unknown());
}

} // namespace iodrain
