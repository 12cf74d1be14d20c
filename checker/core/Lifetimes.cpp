//===- Lifetimes.cpp - Closes, frees, storage ends and destructors --------===//
//
// Where a handle is closed or storage ends, the requests that use it are
// reported to the observers once and then forgotten: a request is
// explained at the first place it goes wrong, not again at every later one.
//
//===----------------------------------------------------------------------===//

#include "DestructorEffects.h"
#include "ObjectProtocols.h"
#include "Transfer.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMap.h"
#include "clang/AST/StmtCXX.h"
#include "clang/AST/Stmt.h"
#include "llvm/ADT/StringExtras.h"

using namespace clang;

namespace iodrain {
namespace {

/// How a diagnostic names the member `Field` of the object it calls
/// `Object`: `o.w.h_` for `o.w`, `w->h_` for `*w`.
std::string memberName(StringRef Object, StringRef Field) {
  if (!Object.consume_front("*"))
    return Object.empty() ? Field.str() : (Object + "." + Field).str();
  if (Object.empty())
    return Field.str();
  bool Simple = llvm::all_of(Object, [](char C) {
    return llvm::isAlnum(C) || StringRef("_.->:[]").contains(C);
  });
  return Simple ? (Object + "->" + Field).str()
                : ("(*" + Object + ")." + Field).str();
}

/// `*p` for the object the pointer expression `P` points to, as written
/// (short), else `*`.
std::string pointeeName(const Expr *P, const ASTContext &Ctx) {
  std::string Text;
  if (P) {
    llvm::raw_string_ostream OS(Text);
    P->IgnoreParenImpCasts()->printPretty(OS, nullptr,
                                          PrintingPolicy(Ctx.getLangOpts()));
  }
  if (Text.find('\n') != std::string::npos)
    Text.clear();
  if (Text.size() > 40)
    Text = Text.substr(0, 37) + "...";
  return "*" + Text;
}

} // namespace

SourceLocation Transfer::endLocation(const Stmt *Trigger, const VarDecl *VD) {
  if (const auto *CS = dyn_cast_or_null<CompoundStmt>(Trigger))
    return CS->getRBracLoc();
  if (Trigger)
    return Trigger->getBeginLoc();
  return VD ? VD->getLocation() : SourceLocation();
}

void Transfer::emitAndForget(
    State &S, Event E, llvm::function_ref<RequestPart(const Request &)> Pick)
    const {
  llvm::SmallVector<AffectedRequest, 2> Affected;
  std::vector<AccessPath> Gone;
  for (const auto &[P, R] : S.Requests) {
    RequestPart Part = Pick(R);
    if (Part == RequestPart::None)
      continue;
    Affected.push_back({&R.View, Part});
    Gone.push_back(P);
  }
  if (Affected.empty())
    return;
  E.Requests = Affected;
  emit(E);
  for (const AccessPath &P : Gone)
    S.Requests.erase(P);
}

void Transfer::endStorage(State &S, const AccessPath &Object, EventKind Kind,
                          const Stmt *Site, SourceLocation Loc,
                          const FunctionRule *Rule, const Expr *Subject,
                          std::string SubjectName,
                          std::string Destroyed) const {
  Event E{Kind, Site, Loc, Rule, Subject, std::move(SubjectName),
          std::move(Destroyed)};
  emitAndForget(S, std::move(E), [&](const Request &R) {
    if (R.Overlapped.isStoredIn(Object))
      return RequestPart::Overlapped;
    if (R.Buffer && R.Buffer->isStoredIn(Object))
      return RequestPart::Buffer;
    return RequestPart::None;
  });
}

void Transfer::closeHandle(State &S, const AccessPath &Handle,
                           const Stmt *Site, SourceLocation Loc,
                           const FunctionRule *Rule, const Expr *Subject,
                           std::string SubjectName,
                           std::string Destroyed) const {
  Event E{EventKind::Close, Site, Loc, Rule, Subject, std::move(SubjectName),
          std::move(Destroyed)};
  emitAndForget(S, std::move(E), [&](const Request &R) {
    // A completed request whose packet is queued no longer needs the
    // handle.
    return R.Handle == Handle && R.View.State != Typestate::PacketQueued
               ? RequestPart::Handle
               : RequestPart::None;
  });
}

void Transfer::applyEffects(State &S, const AccessPath &Object,
                            llvm::ArrayRef<DestructorEffect> Effects,
                            const Stmt *Site, SourceLocation Loc,
                            const std::string &Destroyed) const {
  for (const DestructorEffect &Effect : Effects) {
    AccessPath Target = Object;
    std::string Name = Destroyed;
    for (const FieldDecl *F : Effect.Fields) {
      Target = Target.field(F);
      Name = memberName(Name, F->getName());
    }
    if (Effect.OnHeldPointer) {
      Target = Target.held();
      Name += ".get()";
    }
    // The handle or pointer the member holds.
    const AbsValue *V = S.Vars.find(Target);
    AccessPath Referent = V && V->K == AbsValue::Object ? V->Referent
                                                        : Target.deref();
    if (Effect.K == DestructorEffect::Close) {
      closeHandle(S, Referent, Site, Loc, Effect.Rule, nullptr, Name,
                  Destroyed);
    } else {
      endStorage(S, Referent, EventKind::Free, Site, Loc, Effect.Rule,
                 nullptr, Name, Destroyed);
    }
  }
}

void Transfer::runDestructor(State &S, const AccessPath &Object,
                             const CXXRecordDecl *RD, const Stmt *Site,
                             SourceLocation Loc, std::string Destroyed,
                             unsigned Depth) const {
  if (!RD || Depth > 3 || S.Requests.empty())
    return;
  auto Cached = DestructorCache.find(RD);
  if (Cached == DestructorCache.end())
    Cached = DestructorCache.try_emplace(RD, destructorEffects(RD, Model)).first;
  const std::vector<DestructorEffect> Effects = Cached->second;
  applyEffects(S, Object, Effects, Site, Loc, Destroyed);
  // Members are destroyed after the body: their destructors run too.
  if (const CXXRecordDecl *Def = RD->getDefinition())
    for (const FieldDecl *F : Def->fields())
      if (const auto *MRD = F->getType()->getAsCXXRecordDecl())
        if (MRD->hasDefinition() && !MRD->hasTrivialDestructor())
          runDestructor(S, Object.field(F), MRD, Site, Loc,
                        memberName(Destroyed, F->getName()), Depth + 1);
}

void Transfer::storageEnds(const VarDecl *VD, const Stmt *Trigger,
                           State &S) {
  if (S.Requests.empty())
    return;
  endStorage(S, AccessPath::variable(VD), EventKind::StorageEnd, Trigger,
             endLocation(Trigger, VD), nullptr, nullptr,
             VD->getName().str(), "");
}

void Transfer::destroyLocal(const VarDecl *VD, const Stmt *Trigger, State S,
                            StateList &Out) {
  if (FollowDestructor &&
      FollowDestructor(VD->getType(), AccessPath::variable(VD), VD,
                       endLocation(Trigger, VD), S, Out))
    return;
  QualType T = VD->getType();
  while (const auto *AT = Ctx.getAsArrayType(T))
    T = AT->getElementType();
  runDestructor(S, AccessPath::variable(VD), T->getAsCXXRecordDecl(), Trigger,
                endLocation(Trigger, VD), VD->getName().str());
  // A smart pointer built with a deleter runs it when it dies.
  if (S.Requests.empty()) {
    Out.push_back(std::move(S));
    return;
  }
  if (const Expr *Deleter = ownedDeleter(VD)) {
    applyEffects(S, AccessPath::variable(VD), deleterEffects(Deleter, Model),
                 Trigger, endLocation(Trigger, VD), VD->getName().str());
    Out.push_back(std::move(S));
  } else if (ownsUntilScopeEnd(VD)) {
    // A unique_ptr that kept its object to the end deletes it now.
    destroyHeld(std::move(S), AccessPath::variable(VD), VD->getType(),
                Trigger, endLocation(Trigger, VD), nullptr,
                "*" + VD->getName().str(), VD->getName().str(),
                /*MayFollow=*/true, Out);
  } else {
    Out.push_back(std::move(S));
  }
}

void Transfer::destroyMember(const FieldDecl *FD, const Stmt *Trigger,
                             State S, StateList &Out) {
  destroyObject(std::move(S), AccessPath::thisObject().field(FD),
                FD->getType(), Trigger, endLocation(Trigger, nullptr),
                FD->getName().str(), /*MayFollow=*/true, Out);
}

void Transfer::destroyObject(State S, const AccessPath &Object, QualType T,
                             const Stmt *Site, SourceLocation Loc,
                             const std::string &Destroyed, bool MayFollow,
                             StateList &Out) const {
  if (MayFollow && FollowDestructor &&
      FollowDestructor(T, Object, Site, Loc, S, Out))
    return;
  runDestructor(S, Object, T->getAsCXXRecordDecl(), Site, Loc, Destroyed);
  Out.push_back(std::move(S));
}

void Transfer::deleteObject(const CXXDeleteExpr *DE, State S,
                            StateList &Out) const {
  ObjectRef Object = Paths.objectOf(S, DE->getArgument());
  QualType T = DE->getDestroyedType();
  if (!Object.isKnown() || T.isNull()) {
    Out.push_back(std::move(S));
    return;
  }
  llvm::SmallVector<State, 2> Destroyed;
  destroyObject(std::move(S), Object.Path, T, DE, DE->getBeginLoc(),
                pointeeName(DE->getArgument(), Ctx), /*MayFollow=*/true,
                Destroyed);
  for (State &D : Destroyed) {
    endStorage(D, Object.Path, EventKind::Free, DE, DE->getBeginLoc(),
               nullptr, DE->getArgument(), "", "");
    Out.push_back(std::move(D));
  }
}

void Transfer::destroyHeld(State S, const AccessPath &Owner,
                           QualType SmartPointer, const Stmt *Site,
                           SourceLocation Loc, const Expr *Subject,
                           std::string Name, std::string Destroyed,
                           bool MayFollow, StateList &Out) const {
  static const FunctionRule Reset = [] {
    FunctionRule R;
    R.Name = "std::unique_ptr::reset";
    R.FunctionRole = Role::Free;
    return R;
  }();
  QualType T = AccessPaths::smartPointee(SmartPointer);
  const AbsValue *V = S.Vars.find(Owner.held());
  if (T.isNull() || S.Requests.empty() || (V && V->K == AbsValue::Null)) {
    Out.push_back(std::move(S));
    return;
  }
  AccessPath Object = V && V->K == AbsValue::Object ? V->Referent
                                                    : Owner.held().deref();
  llvm::SmallVector<State, 2> After;
  std::string Pointee = Name.empty()               ? pointeeName(Subject, Ctx)
                        : StringRef(Name).starts_with("*") ? Name
                                                           : "*" + Name;
  destroyObject(std::move(S), Object, T, Site, Loc, Pointee, MayFollow, After);
  for (State &D : After) {
    endStorage(D, Object, EventKind::Free, Site, Loc,
               Destroyed.empty() ? &Reset : nullptr, Subject, Name,
               Destroyed);
    Out.push_back(std::move(D));
  }
}

void Transfer::leaveByThrow(const CXXThrowExpr *Throw, State S,
                            StateList &Out) {
  if (S.Requests.empty()) {
    Out.push_back(std::move(S));
    return;
  }
  // The locals declared before the throw in each enclosing block,
  // innermost and latest first; a throw inside a try block of this
  // function may be caught here, and then nothing ends yet.
  llvm::SmallVector<const VarDecl *, 8> Locals;
  const Stmt *Child = Throw;
  for (const Stmt *P = PM.getParent(Throw); P;
       Child = P, P = PM.getParent(P)) {
    if (const auto *Try = dyn_cast<CXXTryStmt>(P);
        Try && Try->getTryBlock() == Child) {
      Out.push_back(std::move(S));
      return;
    }
    const auto *Block = dyn_cast<CompoundStmt>(P);
    if (!Block)
      continue;
    llvm::SmallVector<const VarDecl *, 4> Here;
    for (const Stmt *Item : Block->body()) {
      if (Item == Child)
        break;
      if (const auto *DS = dyn_cast<DeclStmt>(Item))
        for (const Decl *D : DS->decls())
          if (const auto *VD = dyn_cast<VarDecl>(D);
              VD && VD->hasLocalStorage())
            Here.push_back(VD);
    }
    Locals.append(Here.rbegin(), Here.rend());
  }
  // The analysed function leaves by this throw, not by a return.
  if (CallStack.empty())
    S.Returning = Throw;
  llvm::SmallVector<State, 2> Now;
  Now.push_back(std::move(S));
  for (const VarDecl *VD : Locals) {
    llvm::SmallVector<State, 2> Next;
    for (State &St : Now)
      destroyLocal(VD, Throw, std::move(St), Next);
    for (State &St : Next)
      storageEnds(VD, Throw, St);
    Now = std::move(Next);
  }
  for (State &St : Now)
    Out.push_back(std::move(St));
}

void Transfer::functionExit(const Stmt *Return, State &S) {
  if (S.Requests.empty())
    return;
  // A destructor ends the storage of its object: an OVERLAPPED or buffer
  // member still in use is freed under the kernel, and so are the objects
  // its smart-pointer members own.
  if (const auto *Dtor = dyn_cast_or_null<CXXDestructorDecl>(Function);
      Dtor && CallStack.empty() && Dtor->getBody()) {
    const Stmt *Body = Dtor->getBody();
    SourceLocation End = Body->getEndLoc().isValid() ? Body->getEndLoc()
                                                     : Dtor->getLocation();
    if (const CXXRecordDecl *RD = Dtor->getParent()->getDefinition())
      for (const FieldDecl *F : RD->fields()) {
        // One state goes on to the exit: the members' objects are
        // destroyed as their destructors' effects.
        llvm::SmallVector<State, 1> After;
        destroyHeld(std::move(S), AccessPath::thisObject().field(F),
                    F->getType(), Body, End, nullptr, F->getName().str(),
                    Dtor->getParent()->getNameAsString(),
                    /*MayFollow=*/false, After);
        S = std::move(After.front());
      }
    endStorage(S, AccessPath::thisObject(), EventKind::Free, Body, End,
               nullptr, nullptr, "*this",
               Dtor->getParent()->getNameAsString());
  }
  if (S.Requests.empty())
    return;
  // Where the analysed function returns to its caller: the path's
  // `return`, or the end of its body.
  bool Analysed = CallStack.empty() && Function;
  const Stmt *Site = Return ? Return : S.Returning;
  SourceLocation Loc = Site ? Site->getBeginLoc() : SourceLocation();
  if (!Site && Analysed && Function->getBody()) {
    Site = Function->getBody();
    Loc = Site->getEndLoc();
  }
  // Parameters passed by value live in the frame too (`WriteFile(h, &cmd,
  // 1, NULL, &g_ov)` on a `char cmd`).
  // (A coroutine's body uses the copies in its frame.)
  if (Analysed && !isa_and_nonnull<CoroutineBodyStmt>(Function->getBody()))
    for (const ParmVarDecl *P : Function->parameters())
      if (!P->getType()->isReferenceType())
        endStorage(S, AccessPath::variable(P), EventKind::StorageEnd, Site,
                   Loc, nullptr, nullptr, P->getName().str(), "");
  if (S.Requests.empty())
    return;
  llvm::SmallVector<AffectedRequest, 2> All;
  for (const auto &[P, R] : S.Requests) {
    LentStorage Lent;
    if (Analysed && Facts)
      Lent = lentPart(R, S, *Function, *Facts);
    All.push_back({&R.View, Lent.Part, Lent.Parameter});
  }
  Event E(EventKind::FunctionExit);
  E.Site = Site;
  E.Loc = Loc;
  E.Requests = All;
  emit(E);
}

} // namespace iodrain
