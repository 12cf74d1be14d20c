//===- ObjectProtocols.cpp ------------------------------------------------===//

#include "ObjectProtocols.h"
#include "StmtSearch.h"
#include "TranslationUnitFacts.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"
#include "clang/Basic/Builtins.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringSet.h"
#include <functional>

using namespace clang;

namespace iodrain {
namespace {

/// The object a pointer or reference parameter, or `this`, names, when the
/// path goes through a field of it: `d->ov` is in `*d`, `this->ov_` in
/// `*this`.
bool objectHolding(const AccessPath &P, AccessPath &Object,
                   const RecordDecl *&Record) {
  llvm::ArrayRef<PathComponent> C = P.components();
  size_t Skip;
  if (P.rootKind() == AccessPath::RootKind::This)
    Skip = 0;
  else if (P.rootKind() == AccessPath::RootKind::Param && !C.empty() &&
           C.front().K == PathComponent::Deref)
    Skip = 1;
  else
    return false;
  Object = P.rootKind() == AccessPath::RootKind::This
               ? AccessPath::thisObject()
               : AccessPath::variable(static_cast<const VarDecl *>(P.root()))
                     .deref();
  // A parameter that points into the object (container_of).
  for (; Skip < C.size() && C[Skip].K == PathComponent::Container; ++Skip)
    Object = Object.container(static_cast<const FieldDecl *>(C[Skip].Ptr));
  if (C.size() <= Skip || C[Skip].K != PathComponent::Field)
    return false;
  Record = static_cast<const FieldDecl *>(C[Skip].Ptr)->getParent();
  return true;
}

/// An object a function reaches from a parameter that does not have the
/// object's type: a `void *` context cast to the record
/// (`struct pipe *p = ctx;`), or a pointer to a member the object is found
/// back from (`container_of(s, struct server, sock)`).
struct ParameterView {
  const ParmVarDecl *Param;
  AccessPath Object;
  const RecordDecl *Record;
};

const ParmVarDecl *parameterNamed(const Expr *E) {
  const auto *DRE = dyn_cast<DeclRefExpr>(stripIdentityCasts(E));
  const auto *P = DRE ? dyn_cast<ParmVarDecl>(DRE->getDecl()) : nullptr;
  return P && P->getType()->isPointerType() ? P : nullptr;
}

/// Whether a record begins with an OVERLAPPED, so that a pointer to it is
/// also a pointer to that OVERLAPPED (`(struct io *)overlapped`).
bool beginsWithOverlapped(const RecordDecl *RD) {
  for (unsigned Depth = 0; RD && Depth < 4; ++Depth) {
    const RecordDecl *Def = RD->getDefinition();
    if (!Def || Def->field_empty())
      return false;
    QualType First = Def->field_begin()->getType();
    if (AccessPaths::isOverlappedType(First))
      return true;
    RD = First->getAsRecordDecl();
  }
  return false;
}

std::vector<ParameterView> parameterViews(const FunctionDecl &FD) {
  std::vector<ParameterView> Found;
  auto Add = [&](const ParmVarDecl *P, AccessPath Object,
                 const RecordDecl *RD) {
    if (llvm::none_of(Found, [&](const ParameterView &V) {
          return V.Object == Object;
        }))
      Found.push_back({P, std::move(Object), RD});
  };
  llvm::SmallVector<const Stmt *, 32> Work{FD.getBody()};
  while (!Work.empty()) {
    const Stmt *S = Work.pop_back_val();
    if (!S)
      continue;
    if (const auto *E = dyn_cast<Expr>(S)) {
      // A parameter that is an OVERLAPPED (found back with
      // CONTAINING_RECORD in a completion routine or a port's handler)
      // arrives because its request completed: no view.
      if (std::optional<ContainerOf> C = matchContainerOf(E)) {
        const ParmVarDecl *P = parameterNamed(C->Member);
        if (P && !AccessPaths::isOverlappedType(C->Fields.back()->getType()) &&
            !AccessPaths::isOverlappedType(P->getType()->getPointeeType())) {
          AccessPath Whole = AccessPath::variable(P).deref();
          for (const FieldDecl *F : llvm::reverse(C->Fields))
            Whole = Whole.container(F);
          Add(P, std::move(Whole), C->Fields.front()->getParent());
        }
        continue;
      }
      const auto *Cast = dyn_cast<CastExpr>(E);
      if (Cast && Cast->getCastKind() == CK_BitCast &&
          Cast->getType()->isPointerType())
        if (const ParmVarDecl *P = parameterNamed(Cast->getSubExpr());
            P && P->getType()->getPointeeType()->isVoidType())
          if (const RecordDecl *RD =
                  Cast->getType()->getPointeeType()->getAsRecordDecl();
              RD && !beginsWithOverlapped(RD))
            Add(P, AccessPath::variable(P).deref(), RD);
    }
    for (const Stmt *Child : S->children())
      Work.push_back(Child);
  }
  return Found;
}

/// Whether a path names the same storage in every function: a global, or
/// an object one call created (its result).
bool isAbsolute(const AccessPath &P) {
  return P.rootKind() == AccessPath::RootKind::Global ||
         P.rootKind() == AccessPath::RootKind::CallResult;
}

bool sameRecord(const RecordDecl *Have, const RecordDecl *Want) {
  if (Have->getCanonicalDecl() == Want->getCanonicalDecl())
    return true;
  const auto *HaveCxx = dyn_cast<CXXRecordDecl>(Have);
  const auto *WantCxx = dyn_cast<CXXRecordDecl>(Want);
  return HaveCxx && WantCxx && HaveCxx->hasDefinition() &&
         HaveCxx->isDerivedFrom(WantCxx);
}

/// The names a protocol may give the record: its own and its bases'.
void addTypeNames(const RecordDecl *RD, llvm::StringSet<> &Names,
                  unsigned Depth = 0) {
  if (!RD || Depth > 16)
    return;
  Names.insert(protocolTypeName(*RD));
  const auto *Cxx = dyn_cast<CXXRecordDecl>(RD);
  if (Cxx && Cxx->hasDefinition())
    for (const CXXBaseSpecifier &Base : Cxx->bases())
      addTypeNames(Base.getType()->getAsRecordDecl(), Names, Depth + 1);
}

/// Whether a protocol rule names the record or one of its bases.
bool hasTypeNamed(const RecordDecl *RD, llvm::ArrayRef<ProtocolRule> Rules) {
  if (Rules.empty())
    return false;
  llvm::StringSet<> Names;
  addTypeNames(RD, Names);
  return llvm::any_of(Rules, [&](const ProtocolRule &P) {
    return !P.Type.empty() && Names.contains(P.Type);
  });
}

/// An entry state: `S` (the issuer's fields) with the request pending.
void addEntryState(State S, Request Q, std::vector<State> &States) {
  if (Q.View.PortBound)
    S.PortBound.set(Q.Handle, true);
  // The variable or field that holds the request's handle holds a valid
  // one: tests against INVALID_HANDLE_VALUE or NULL (or -1 for a handle
  // kept in an integer) are decided, as after the issue.
  if (auto Slot = Q.Handle.pointerSlot(); Slot && !S.Vars.contains(*Slot))
    S.Vars.set(*Slot, AbsValue::validHandle());
  AccessPath Key = Q.Overlapped;
  S.Requests.set(Key, std::move(Q));
  States.push_back(std::move(S));
}

/// The global a DeclRefExpr names, if any.
const void *globalNamed(const Expr *E) {
  const auto *DRE = dyn_cast<DeclRefExpr>(E);
  const auto *VD = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
  return VD && VD->hasGlobalStorage() ? VD->getCanonicalDecl() : nullptr;
}

/// The globals `Body` names.
llvm::DenseSet<const void *> globalsNamed(const Stmt *Body) {
  llvm::DenseSet<const void *> Globals;
  findStatement(Body, [&](const Stmt *S) {
    if (const auto *E = dyn_cast<Expr>(S))
      if (const void *G = globalNamed(E))
        Globals.insert(G);
    return false;
  });
  return Globals;
}

/// The globals from which `Body` loads a pointer (`g_dev`, `g_watches[i]`,
/// `state.watches[i]`): only through those can it reach an object a
/// global holds. `state.quit` or `&state.lock` reach none.
llvm::DenseSet<const void *> globalPointersLoaded(const Stmt *Body) {
  llvm::DenseSet<const void *> Globals;
  findStatement(Body, [&](const Stmt *S) {
    const auto *Load = dyn_cast<ImplicitCastExpr>(S);
    if (!Load || Load->getCastKind() != CK_LValueToRValue ||
        !Load->getType()->isPointerType())
      return false;
    const Expr *E = Load->getSubExpr();
    for (unsigned Depth = 0; E && Depth < 16; ++Depth) {
      E = E->IgnoreParens();
      if (const auto *ME = dyn_cast<MemberExpr>(E); ME && !ME->isArrow()) {
        E = ME->getBase();
      } else if (const auto *AS = dyn_cast<ArraySubscriptExpr>(E)) {
        E = AS->getBase()->IgnoreParenImpCasts();
      } else {
        if (const void *G = globalNamed(E))
          Globals.insert(G);
        break;
      }
    }
    return false;
  });
  return Globals;
}

bool sameFields(const std::vector<std::pair<AccessPath, AbsValue>> &A,
                const std::vector<std::pair<AccessPath, AbsValue>> &B) {
  return A.size() == B.size() &&
         std::equal(A.begin(), A.end(), B.begin(), [](auto &X, auto &Y) {
           return X.first == Y.first && X.second == Y.second;
         });
}

/// Whether an OVERLAPPED argument names a local variable's own storage
/// (`&ov`, `&ctx.ov`, `&ovs[i]`), which dies with the function.
bool isLocalStorage(const Expr *E) {
  E = E->IgnoreParenCasts();
  const auto *UO = dyn_cast<UnaryOperator>(E);
  if (!UO || UO->getOpcode() != UO_AddrOf)
    return false;
  const Expr *Base = UO->getSubExpr()->IgnoreParenCasts();
  for (;;) {
    if (const auto *ME = dyn_cast<MemberExpr>(Base); ME && !ME->isArrow()) {
      Base = ME->getBase()->IgnoreParenCasts();
      continue;
    }
    if (const auto *AS = dyn_cast<ArraySubscriptExpr>(Base);
        AS && AS->getBase()->IgnoreParenImpCasts()->getType()->isArrayType()) {
      Base = AS->getBase()->IgnoreParenImpCasts();
      continue;
    }
    break;
  }
  const auto *DRE = dyn_cast<DeclRefExpr>(Base);
  const auto *VD = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
  return VD && VD->hasLocalStorage() && !VD->getType()->isReferenceType();
}

/// Whether another call of the unit, or of code beside it, may finish the
/// request between two calls of its issuer without naming it: a port the
/// unit binds handles to or dequeues from, or a Winsock request with no
/// event (the completion-port idiom; the port may be another unit's).
/// `HasEvent`: the path set the OVERLAPPED's event.
bool mayFinishUnseen(const Request &R, bool HasEvent,
                     const TranslationUnitFacts &Facts) {
  if (R.View.PortBound || Facts.usesPorts() ||
      R.View.Mode != CompletionMode::Event)
    return true;
  const Expr *Handle = R.View.HandleArg;
  const auto *Typedef =
      Handle ? Handle->IgnoreParenImpCasts()->getType()->getAs<TypedefType>()
             : nullptr;
  return !HasEvent && Typedef && Typedef->getDecl()->getName() == "SOCKET";
}

bool isEventField(const AccessPath &Field, const AbsValue &Value,
                  const Request &R) {
  return Field.isUnder(R.Overlapped) && Field.endsInField("hEvent") &&
         Value.K == AbsValue::Object;
}

bool mayFinishUnseen(const ObjectProtocols::Entry &E,
                     const TranslationUnitFacts &Facts) {
  bool HasEvent = llvm::any_of(E.Fields, [&](const auto &Field) {
    return isEventField(Field.first, Field.second, E.Shape);
  });
  return mayFinishUnseen(E.Shape, HasEvent, Facts);
}

/// What names an OVERLAPPED in code: its member (`d->ov`, `g.ov`), or the
/// global itself.
const void *overlappedDecl(const AccessPath &P) {
  llvm::ArrayRef<PathComponent> C = P.components();
  for (const PathComponent &X : llvm::reverse(C))
    if (X.K == PathComponent::Field)
      return static_cast<const FieldDecl *>(X.Ptr)->getCanonicalDecl();
  if (P.rootKind() == AccessPath::RootKind::Global)
    return static_cast<const VarDecl *>(P.root())->getCanonicalDecl();
  return nullptr;
}

/// The function-`static` variable of `FD` that `P` lies in, if any: only
/// `FD` names it, so a request left pending there meets `FD`'s next call.
const VarDecl *functionStaticOf(const AccessPath &P, const FunctionDecl &FD) {
  const VarDecl *VD = P.functionStatic();
  const auto *Owner =
      VD ? dyn_cast_or_null<FunctionDecl>(VD->getParentFunctionOrMethod())
         : nullptr;
  return Owner && Owner->getCanonicalDecl() == FD.getCanonicalDecl() ? VD
                                                                     : nullptr;
}

/// Whether `FD` uses its static `VD` only through its fields and by giving
/// its address to calls the model knows (or `memset`), which keep no copy:
/// then no other code can wait for a request on it.
bool staysInFunction(const VarDecl *VD, const FunctionDecl &FD,
                     const ApiModel &Model) {
  llvm::DenseSet<const Expr *> Allowed, EventsAllowed;
  unsigned Uses = 0, EventUses = 0;
  auto NamesVar = [&](const Expr *E) -> const DeclRefExpr * {
    const auto *DRE = dyn_cast<DeclRefExpr>(E->IgnoreParenImpCasts());
    return DRE && DRE->getDecl()->getCanonicalDecl() == VD->getCanonicalDecl()
               ? DRE
               : nullptr;
  };
  // `ov.hEvent` of this variable, if `E` is it.
  auto EventOf = [&](const Expr *E) -> const MemberExpr * {
    const auto *ME = dyn_cast<MemberExpr>(E->IgnoreParenImpCasts());
    return ME && !ME->isArrow() && ME->getMemberDecl()->getName() == "hEvent" &&
                   NamesVar(ME->getBase())
               ? ME
               : nullptr;
  };
  llvm::SmallVector<const Stmt *, 32> Work{FD.getBody()};
  while (!Work.empty()) {
    const Stmt *S = Work.pop_back_val();
    if (!S || isa<UnaryExprOrTypeTraitExpr>(S))
      continue;
    if (const auto *ME = dyn_cast<MemberExpr>(S); ME && !ME->isArrow())
      if (const DeclRefExpr *DRE = NamesVar(ME->getBase()))
        Allowed.insert(DRE);
    if (const auto *CE = dyn_cast<CallExpr>(S)) {
      const FunctionRule *R = Model.lookupCall(CE);
      const FunctionDecl *Callee = CE->getDirectCallee();
      unsigned Builtin = Callee ? Callee->getBuiltinID() : 0;
      bool Keeps = R ? R->FunctionRole == Role::Transfer ||
                           R->FunctionRole == Role::ThreadStart
                     : Builtin != Builtin::BImemset &&
                           Builtin != Builtin::BI__builtin_memset;
      for (const Expr *Arg : CE->arguments()) {
        if (const auto *UO = dyn_cast<UnaryOperator>(Arg->IgnoreParenCasts());
            !Keeps && UO && UO->getOpcode() == UO_AddrOf)
          if (const DeclRefExpr *DRE = NamesVar(UO->getSubExpr()))
            Allowed.insert(DRE);
        // Its event given to a call the model knows.
        if (const MemberExpr *Ev = EventOf(Arg); Ev && R && !Keeps)
          EventsAllowed.insert(Ev);
      }
    }
    if (const auto *DRE = dyn_cast<DeclRefExpr>(S);
        DRE && DRE->getDecl()->getCanonicalDecl() == VD->getCanonicalDecl())
      ++Uses;
    // Its event: set from a creation or to NULL, given to calls the model
    // knows (above), or tested; never handed on (`return ov.hEvent;`, `ov.hEvent =
    // g_done;`), or the code it goes to could wait for the request.
    if (const auto *BO = dyn_cast<BinaryOperator>(S)) {
      if (const MemberExpr *Ev = EventOf(BO->getLHS());
          Ev && BO->getOpcode() == BO_Assign) {
        const Expr *RHS = BO->getRHS()->IgnoreParenCasts();
        const auto *Call = dyn_cast<CallExpr>(RHS);
        const FunctionRule *R = Call ? Model.lookupCall(Call) : nullptr;
        if ((R && R->FunctionRole == Role::Create) ||
            RHS->isNullPointerConstant(FD.getASTContext(),
                                       Expr::NPC_ValueDependentIsNull))
          EventsAllowed.insert(Ev);
      }
      if (BO->isEqualityOp())
        for (const Expr *Side : {BO->getLHS(), BO->getRHS()})
          if (const MemberExpr *Ev = EventOf(Side))
            EventsAllowed.insert(Ev);
    }
    if (const auto *UO = dyn_cast<UnaryOperator>(S);
        UO && UO->getOpcode() == UO_LNot)
      if (const MemberExpr *Ev = EventOf(UO->getSubExpr()))
        EventsAllowed.insert(Ev);
    if (const auto *ME = dyn_cast<MemberExpr>(S); ME && EventOf(ME) == ME)
      ++EventUses;
    for (const Stmt *Child : S->children())
      Work.push_back(Child);
  }
  return Uses == Allowed.size() && EventUses == EventsAllowed.size();
}

} // namespace

LentStorage lentPart(const Request &R, const State &Exit,
                     const FunctionDecl &FD,
                     const TranslationUnitFacts &Facts) {
  LentStorage Lent;
  if (R.Overlapped.isParameterPointee())
    Lent = {RequestPart::Overlapped,
            static_cast<const VarDecl *>(R.Overlapped.root())};
  else if (R.Buffer && R.Buffer->isParameterPointee() &&
           !R.Overlapped.ownerVariable()) // Its own scope end says more.
    Lent = {RequestPart::Buffer, static_cast<const VarDecl *>(R.Buffer->root())};
  if (Lent.Part == RequestPart::None)
    return Lent;
  bool HasEvent = false;
  for (const auto &[Field, Value] : Exit.Vars)
    HasEvent = HasEvent || isEventField(Field, Value, R);
  const void *Named = overlappedDecl(R.Overlapped);
  if (mayFinishUnseen(R, HasEvent, Facts) || Facts.callersMayWait(&FD) ||
      (Named && Facts.othersMayWaitOn(Named, &FD)))
    return {};
  return Lent;
}

bool ObjectProtocols::mayIssueOnCallerStorage(
    const FunctionDecl &FD, const ApiModel &Model, unsigned Levels,
    llvm::DenseMap<const FunctionDecl *, bool> &IssuesMemo) {
  llvm::SmallVector<const Stmt *, 32> Work{FD.getBody()};
  while (!Work.empty()) {
    const Stmt *S = Work.pop_back_val();
    if (!S || isa<LambdaExpr>(S))
      continue;
    if (const auto *CE = dyn_cast<CallExpr>(S)) {
      const FunctionRule *R = Model.lookupCall(CE);
      if (R && R->FunctionRole == Role::Issue) {
        const Expr *Ov = R->Overlapped.K == ArgRef::Index &&
                                 R->Overlapped.Position <= CE->getNumArgs()
                             ? CE->getArg(R->Overlapped.Position - 1)
                             : nullptr;
        if (!Ov || !isLocalStorage(Ov))
          return true;
      }
      // A followed callee may issue on what it is given.
      const FunctionDecl *Def = ApiModel::followedDefinition(CE);
      if (!R && Levels > 0 && Def &&
          Model.callsThrough(*Def, {Role::Issue}, Levels - 1, IssuesMemo))
        return true;
    }
    for (const Stmt *Child : S->children())
      Work.push_back(Child);
  }
  return false;
}

void ObjectProtocols::learnExit(const FunctionDecl &Issuer, const State &Exit) {
  for (const auto &[Key, R] : Exit.Requests) {
    if (R.View.State == Typestate::Drained || R.View.TreatedAsSynchronous ||
        !R.View.ReceivedWith.empty())
      continue;
    AccessPath Object;
    const RecordDecl *Record = nullptr;
    bool Global = R.Overlapped.rootKind() == AccessPath::RootKind::Global;
    if (!Global && !objectHolding(R.Overlapped, Object, Record))
      continue;
    // A function-static OVERLAPPED meets the issuer's own next call, which
    // is taken to get the same handle (its parameter of the same name).
    bool Static = functionStaticOf(R.Overlapped, Issuer);
    // Paths in the object become paths under `this`; globals and created
    // objects keep their names.
    auto Relative = [&](const AccessPath &P) -> std::optional<AccessPath> {
      if (isAbsolute(P))
        return P;
      if (Static && P.rootKind() == AccessPath::RootKind::Param)
        return P;
      if (Global)
        return std::nullopt;
      return P.rebased(Object, AccessPath::thisObject());
    };
    Entry E;
    E.Record = Record;
    E.Issuer = &Issuer;
    E.Shape = R;
    auto Ov = Relative(R.Overlapped);
    auto Handle = Relative(R.Handle);
    // A handle the issuer was given and kept in the object (a
    // constructor's `m_dir = dir`) is the one the member holds.
    if (!Handle && !Global &&
        R.Handle.rootKind() == AccessPath::RootKind::Param)
      for (const auto &[Slot, V] : Exit.Vars)
        if (V.K == AbsValue::Object && V.Referent == R.Handle &&
            Slot.isUnder(Object) && !(Slot == Object)) {
          Handle = Relative(Slot.deref());
          break;
        }
    if (!Ov || !Handle)
      continue;
    E.Shape.Overlapped = *Ov;
    E.Shape.Handle = *Handle;
    // The next call's buffer is its own, unless it is static too.
    E.Shape.Buffer = R.Buffer && (!Static || isAbsolute(*R.Buffer))
                         ? Relative(*R.Buffer)
                         : std::nullopt;
    E.Shape.EventObject =
        R.EventObject ? Relative(*R.EventObject) : std::nullopt;
    E.Shape.View.Steps = PathSteps();
    for (const auto &[P, V] : Exit.Vars) {
      if (V.K == AbsValue::Unknown || (Global ? !isAbsolute(P) : isAbsolute(P)))
        continue;
      // The slot of the request's handle holds a valid handle at every
      // entry (addEntryState); what else the issuer learnt of it would
      // only make more entries.
      if (P == R.Handle.pointerSlot())
        continue;
      auto Field = Relative(P);
      if (!Field)
        continue;
      AbsValue Value = V;
      if (V.K == AbsValue::Object) {
        auto Referent = Relative(V.Referent);
        if (!Referent)
          continue;
        Value.Referent = *Referent;
      }
      E.Fields.emplace_back(*Field, Value);
    }
    bool Known = llvm::any_of(Entries, [&](const Entry &Old) {
      return Old.Record == E.Record && Old.Shape == E.Shape &&
             sameFields(Old.Fields, E.Fields);
    });
    if (!Known)
      Entries.push_back(std::move(E));
  }
}

bool ObjectProtocols::leavesStaticPending(const FunctionDecl &FD) const {
  return llvm::any_of(Entries, [&](const Entry &E) {
    return functionStaticOf(E.Shape.Overlapped, FD);
  });
}

std::vector<State>
ObjectProtocols::entryStates(const FunctionDecl &FD,
                             const TranslationUnitFacts &Facts,
                             llvm::ArrayRef<ProtocolRule> Imported,
                             unsigned Max, bool &Truncated) const {
  std::vector<State> States;
  Truncated = false;
  if ((Entries.empty() && Imported.empty()) || !FD.getBody() || FD.isMain() ||
      isa<CXXConstructorDecl>(FD) || !Facts.isEntryPoint(&FD))
    return States;

  struct Holder {
    AccessPath Object;
    const RecordDecl *Record;
    QualType Type;
    std::string Name;
  };
  std::vector<Holder> Holders;
  for (const ParmVarDecl *P : FD.parameters()) {
    QualType T = P->getType();
    if (!T->isPointerType() && !T->isReferenceType())
      continue;
    if (const RecordDecl *RD = T->getPointeeType()->getAsRecordDecl())
      Holders.push_back({AccessPath::variable(P).deref(), RD,
                         T->getPointeeType(), P->getName().str()});
  }
  ASTContext &Ctx = FD.getASTContext();
  for (const ParameterView &V : parameterViews(FD))
    Holders.push_back({V.Object, V.Record, Ctx.getRecordType(V.Record),
                       V.Param->getName().str()});
  // Objects a global points to, or a global table of pointers holds (any
  // element: `g_watches[i]`, `state.watches[i]`), which other entry points
  // fill and empty.
  llvm::DenseSet<const void *> Globals = globalsNamed(FD.getBody());
  std::function<void(AccessPath, QualType, const std::string &, unsigned)>
      AddPointees = [&](AccessPath Object, QualType T, const std::string &Name,
                        unsigned Depth) {
        if (const ArrayType *AT = Ctx.getAsArrayType(T)) {
          T = AT->getElementType();
          Object = Object.element(-1);
        }
        if (T->isPointerType()) {
          if (const RecordDecl *RD = T->getPointeeType()->getAsRecordDecl())
            Holders.push_back({Object.deref(), RD, T->getPointeeType(), Name});
          return;
        }
        const RecordDecl *RD = T->getAsRecordDecl();
        if (Depth > 0 || !RD || !RD->getDefinition())
          return;
        for (const FieldDecl *F : RD->getDefinition()->fields())
          if (!F->getName().empty())
            AddPointees(Object.field(F), F->getType(),
                        Name + "." + F->getName().str(), Depth + 1);
      };
  for (const void *G : globalPointersLoaded(FD.getBody())) {
    const auto *VD = static_cast<const VarDecl *>(G);
    AddPointees(AccessPath::variable(VD), VD->getType(), VD->getName().str(),
                0);
  }
  if (const auto *MD = dyn_cast<CXXMethodDecl>(&FD);
      MD && MD->isInstance() && !MD->getParent()->isLambda())
    Holders.push_back({AccessPath::thisObject(), MD->getParent(),
                       Ctx.getRecordType(MD->getParent()), "this"});
  // The objects those own, one level down: a member (`this->reader_`) or
  // a smart pointer's object (`worker_.reset()` destroys it), when a
  // protocol may have left them a request. A raw pointer member may point
  // anywhere (a borrowed object, one that another owner drains): not
  // followed.
  auto HasProtocol = [&](const RecordDecl *RD) {
    return llvm::any_of(Entries,
                        [&](const Entry &E) {
                          return E.Record && sameRecord(RD, E.Record);
                        }) ||
           hasTypeNamed(RD, Imported);
  };
  for (size_t I = 0, N = Holders.size(); I < N; ++I) {
    const RecordDecl *Def = Holders[I].Record->getDefinition();
    if (!Def)
      continue;
    for (const FieldDecl *F : Def->fields()) {
      QualType T = F->getType();
      AccessPath Member = Holders[I].Object.field(F);
      if (QualType Held = AccessPaths::smartPointee(T); !Held.isNull()) {
        T = Held;
        Member = Member.held().deref();
      }
      const RecordDecl *RD = T->getAsRecordDecl();
      if (!RD || F->getName().empty() || !HasProtocol(RD))
        continue;
      std::string Name = Holders[I].Name == "this"
                             ? F->getName().str()
                             : Holders[I].Name + "->" + F->getName().str();
      Holders.push_back({Member, RD, T, Name});
    }
  }
  llvm::DenseSet<const FunctionDecl *> Reachable = Facts.reachableFrom(&FD);

  // A worker's back reference to the object that holds it names that
  // object (`m_outputWorker->m_namedPipe.m_handle` is `m_handle`).
  const BackReferences &Back = Facts.backReferences();
  auto Place = [&](const AccessPath &P, const AccessPath &Object) {
    return P.rootKind() == AccessPath::RootKind::This
               ? Back.collapse(*P.rebased(AccessPath::thisObject(), Object))
               : P;
  };
  auto Instantiate = [&](const Entry &E, const AccessPath &Object,
                         const std::string &Name, bool Reentered = false) {
    if (States.size() == Max) {
      Truncated = true;
      return;
    }
    Request Q = E.Shape;
    Q.Overlapped = Place(Q.Overlapped, Object);
    Q.Handle = Place(Q.Handle, Object);
    if (Q.Buffer)
      Q.Buffer = Place(*Q.Buffer, Object);
    if (Q.EventObject)
      Q.EventObject = Place(*Q.EventObject, Object);
    if (E.Record)
      Q.ReceivedIn = Object;
    Q.View.ReceivedWith = Name;
    Q.View.Reentered = Reentered;
    Q.View.Steps.append({PathStep::Issue, Q.View.IssueCall});
    if (Q.View.State == Typestate::Cancelled && Q.View.CancelCall)
      Q.View.Steps.append({PathStep::Cancel, Q.View.CancelCall});
    State S;
    for (const auto &[Field, Value] : E.Fields) {
      AbsValue V = Value;
      if (V.K == AbsValue::Object)
        V.Referent = Place(V.Referent, Object);
      S.Vars.set(Place(Field, Object), V);
    }
    addEntryState(std::move(S), std::move(Q), States);
  };

  for (const Entry &E : Entries) {
    // A function-static OVERLAPPED that no other code can reach: the
    // request the last call left pending there is still pending when the
    // function is called again, unless a port or a completion routine
    // (code that runs between the calls) finishes it.
    if (const VarDecl *Static = functionStaticOf(E.Shape.Overlapped, FD)) {
      if (E.Issuer->getCanonicalDecl() == FD.getCanonicalDecl() &&
          !mayFinishUnseen(E, Facts) &&
          staysInFunction(Static, FD, Facts.model()))
        Instantiate(E, AccessPath::thisObject(), Static->getName().str(),
                    /*Reentered=*/true);
      continue;
    }
    // A function that starts the request itself, or through the calls it
    // makes, re-enters knowing its own protocol: were the request still
    // pending, its own issue would be the bug. Unless it cancelled the
    // request and returned without waiting: then only a wait of its own
    // can tell when the OVERLAPPED is free again.
    // (Not when a port or a completion routine finishes it between the
    // calls, nor when other code of the unit names its OVERLAPPED and may
    // wait for it.)
    // The request's completion handler runs once it has completed.
    if (Facts.isCompletionHandlerOf(&FD, E.Shape.Overlapped))
      continue;
    const FunctionDecl *Starter = Facts.issuerOf(E.Shape.View.IssueCall);
    bool Itself = E.Issuer->getCanonicalDecl() == FD.getCanonicalDecl();
    bool Reentered = Itself && E.Shape.View.State == Typestate::Cancelled &&
                     !E.Shape.View.HandedOver && !mayFinishUnseen(E, Facts) &&
                     !Facts.othersMayWaitOn(
                         overlappedDecl(E.Shape.Overlapped), &FD);
    if (!Reentered &&
        (Itself || (Starter && Reachable.contains(Starter->getCanonicalDecl()))))
      continue;
    if (!E.Record) {
      // A function that names the OVERLAPPED, the handle or the buffer.
      const Request &R = E.Shape;
      for (const AccessPath *P : {&R.Overlapped, &R.Handle,
                                  R.Buffer ? &*R.Buffer : nullptr})
        if (P && P->rootKind() == AccessPath::RootKind::Global &&
            Globals.contains(P->root())) {
          Instantiate(E, AccessPath::thisObject(),
                      static_cast<const VarDecl *>(P->root())->getName().str(),
                      Reentered);
          break;
        }
      continue;
    }
    for (const Holder &H : Holders)
      if (sameRecord(H.Record, E.Record))
        Instantiate(E, H.Object, H.Name, Reentered);
  }

  // Protocols other units wrote down: unless this unit defines their
  // issuer (it learned the protocol itself) or the function reaches it.
  std::optional<llvm::StringSet<>> Known;
  auto KnowsIssuer = [&](const ProtocolRule &P) {
    if (!Known) {
      // Named once per function, not once per protocol.
      Known.emplace();
      for (const FunctionDecl *F : Reachable)
        Known->insert(F->getQualifiedNameAsString());
    }
    return Facts.functionNames().contains(P.Issuer) ||
           Known->contains(P.Issuer);
  };
  auto InstantiateImported = [&](const ProtocolRule &P,
                                 const AccessPath &Object, QualType Type,
                                 const std::string &Name) {
    auto Resolve = [&](const std::string &Text) {
      return Text.empty() ? std::nullopt
                          : resolveProtocolPath(Text, Object, Type, Ctx);
    };
    std::optional<AccessPath> Ov = Resolve(P.Overlapped);
    std::optional<AccessPath> Handle = Resolve(P.Handle);
    if (!Ov || !Handle)
      return;
    if (States.size() == Max) {
      Truncated = true;
      return;
    }
    Request Q;
    Q.Overlapped = *Ov;
    Q.Handle = *Handle;
    Q.Buffer = Resolve(P.Buffer);
    Q.EventObject = Resolve(P.Event);
    if (!P.Type.empty())
      Q.ReceivedIn = Object;
    Q.View.State = P.State;
    Q.View.Mode = P.Mode;
    Q.View.PortBound = P.PortBound;
    Q.View.ReceivedWith = Name;
    Q.View.Imported = &P;
    State S;
    for (const ProtocolField &F : P.Fields) {
      std::optional<AccessPath> Field = Resolve(F.Path);
      if (!Field)
        continue;
      AbsValue V;
      switch (F.K) {
      case ProtocolField::Equals:
        V = AbsValue::integer(F.Value);
        break;
      case ProtocolField::NotEquals:
        V = AbsValue::notIntegers(F.Values);
        break;
      case ProtocolField::IsNull:
        V = AbsValue::null();
        break;
      case ProtocolField::PointsTo:
        if (std::optional<AccessPath> Referent = Resolve(F.Referent))
          V = AbsValue::object(*Referent);
        break;
      }
      if (V.K != AbsValue::Unknown)
        S.Vars.set(*Field, V);
    }
    addEntryState(std::move(S), std::move(Q), States);
  };
  std::vector<llvm::StringSet<>> HolderNames(Holders.size());
  if (!Imported.empty())
    for (size_t I = 0; I < Holders.size(); ++I)
      addTypeNames(Holders[I].Record, HolderNames[I]);
  for (const ProtocolRule &P : Imported) {
    if (KnowsIssuer(P))
      continue;
    if (P.Type.empty()) {
      // On globals: for a function that names the OVERLAPPED, the handle
      // or the buffer.
      for (const std::string *Text : {&P.Overlapped, &P.Handle, &P.Buffer}) {
        std::optional<AccessPath> Path =
            Text->empty() ? std::nullopt
                          : resolveProtocolPath(*Text, AccessPath::thisObject(),
                                                QualType(), Ctx);
        if (Path && Path->rootKind() == AccessPath::RootKind::Global &&
            Globals.contains(Path->root())) {
          InstantiateImported(
              P, AccessPath::thisObject(), QualType(),
              static_cast<const VarDecl *>(Path->root())->getName().str());
          break;
        }
      }
      continue;
    }
    for (size_t I = 0; I < Holders.size(); ++I)
      if (HolderNames[I].contains(P.Type))
        InstantiateImported(P, Holders[I].Object, Holders[I].Type,
                            Holders[I].Name);
  }
  return States;
}

} // namespace iodrain
