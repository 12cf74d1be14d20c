//===- TranslationUnitFacts.cpp -------------------------------------------===//

#include "TranslationUnitFacts.h"
#include "AccessPath.h"
#include "StmtSearch.h"
#include "Transfer.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"

using namespace clang;

namespace iodrain {
namespace {

const FunctionDecl *canon(const FunctionDecl *FD) {
  return FD ? FD->getCanonicalDecl() : nullptr;
}

/// Every function body of the unit outside system headers, template
/// instances included (system headers start no thread and issue nothing
/// the unit's functions share).
struct BodyFinder : RecursiveASTVisitor<BodyFinder> {
  explicit BodyFinder(const SourceManager &SM) : SM(SM) {}
  const SourceManager &SM;
  std::vector<const FunctionDecl *> Found;
  bool shouldVisitTemplateInstantiations() const { return true; }
  bool TraverseDecl(Decl *D) {
    if (D && !isa<TranslationUnitDecl>(D) && D->getLocation().isValid() &&
        SM.isInSystemHeader(D->getLocation()))
      return true;
    return RecursiveASTVisitor::TraverseDecl(D);
  }
  bool VisitFunctionDecl(FunctionDecl *FD) {
    if (FD->doesThisDeclarationHaveABody() && !FD->isDependentContext())
      Found.push_back(FD);
    return true;
  }
  /// Initialisers of variables outside functions: a table of function
  /// pointers (a vtable in C) makes its functions callable from anywhere.
  std::vector<const Expr *> GlobalInits;
  bool VisitVarDecl(VarDecl *VD) {
    if (VD->hasGlobalStorage() && !VD->isLocalVarDecl() && VD->getInit() &&
        !VD->isTemplated())
      GlobalInits.push_back(VD->getInit());
    return true;
  }
};

/// The member an assignment, compound assignment, `++` or `--` stores to,
/// or whose address is taken (`InterlockedExchange(&c->flag, 1)`, a
/// setter given `&c->flag`).
const FieldDecl *storedMember(const Stmt *S) {
  const Expr *Target = nullptr;
  if (const auto *BO = dyn_cast<BinaryOperator>(S); BO && BO->isAssignmentOp())
    Target = BO->getLHS();
  else if (const auto *UO = dyn_cast<UnaryOperator>(S);
           UO && (UO->isIncrementDecrementOp() || UO->getOpcode() == UO_AddrOf))
    Target = UO->getSubExpr();
  const auto *ME =
      Target ? dyn_cast<MemberExpr>(Target->IgnoreParenImpCasts()) : nullptr;
  return ME ? dyn_cast<FieldDecl>(ME->getMemberDecl()) : nullptr;
}

/// What names a thread handle: a global or a field (handleKey), or a
/// local variable.
const void *threadHandleKey(const Expr *E) {
  if (const void *Key = TranslationUnitFacts::handleKey(E))
    return Key;
  const auto *DRE =
      E ? dyn_cast<DeclRefExpr>(stripIdentityCasts(E)->IgnoreParens())
        : nullptr;
  const auto *VD = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
  return VD && VD->hasLocalStorage() ? VD->getCanonicalDecl() : nullptr;
}

const Expr *argAt(const CallExpr *CE, ArgRef A) {
  if (A.K != ArgRef::Index || A.Position > CE->getNumArgs())
    return nullptr;
  return CE->getArg(A.Position - 1);
}

/// The expression an object expression starts from, through members,
/// pointers and elements: a DeclRefExpr or `this`; null when a value a
/// call produced is in the way (`*it`, `v.back()`, `take()`).
const Expr *objectRoot(const Expr *E) {
  for (unsigned Depth = 0; E && Depth < 16; ++Depth) {
    E = stripIdentityCasts(E);
    if (isa<DeclRefExpr, CXXThisExpr>(E))
      return E;
    if (const auto *ME = dyn_cast<MemberExpr>(E))
      E = ME->getBase();
    else if (const auto *UO = dyn_cast<UnaryOperator>(E);
             UO && (UO->getOpcode() == UO_Deref ||
                    UO->getOpcode() == UO_AddrOf))
      E = UO->getSubExpr();
    else if (const auto *AS = dyn_cast<ArraySubscriptExpr>(E))
      E = AS->getBase();
    else
      return nullptr;
  }
  return nullptr;
}

/// Whether the engine names the object a pointer expression refers to (a
/// variable, `this`, a member or an element of one).
bool namesObject(const Expr *E) { return objectRoot(E) != nullptr; }

/// Whether an object argument is reached from what its caller received:
/// a parameter, `this`, a global, or the caller's own local object
/// (`&ctx`, whose end the caller sees); not a local pointer or integer,
/// whose object came from elsewhere (an allocation, a completion key).
bool rootedInCaller(const Expr *E) {
  const Expr *Root = objectRoot(E);
  if (!Root || isa<CXXThisExpr>(Root))
    return Root != nullptr;
  const auto *VD = dyn_cast<VarDecl>(cast<DeclRefExpr>(Root)->getDecl());
  return VD && (isa<ParmVarDecl>(VD) || VD->hasGlobalStorage() ||
                VD->getType()->isRecordType() || VD->getType()->isArrayType());
}

bool isObjectArgument(const Expr *E) {
  QualType T = E->getType();
  if (T->isPointerType())
    T = T->getPointeeType();
  return T->isRecordType();
}


} // namespace

void TranslationUnitFacts::noteTestedFields(const Expr *Cond,
                                            const FunctionDecl *Tester) {
  llvm::DenseSet<const void *> &Own = TestedIn[Tester];
  llvm::SmallVector<const Stmt *, 8> Work{Cond};
  while (!Work.empty()) {
    const Stmt *S = Work.pop_back_val();
    if (!S || isa<CallExpr>(S))
      continue;
    if (const auto *ME = dyn_cast<MemberExpr>(S))
      if (const auto *FD = dyn_cast<FieldDecl>(ME->getMemberDecl())) {
        TestedFields.insert(FD);
        Own.insert(FD->getCanonicalDecl());
      }
    if (const auto *DRE = dyn_cast<DeclRefExpr>(S))
      if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
          VD && VD->hasGlobalStorage()) {
        TestedGlobals.insert(VD->getCanonicalDecl());
        Own.insert(VD->getCanonicalDecl());
      }
    for (const Stmt *Child : S->children())
      Work.push_back(Child);
  }
}

bool ThreadSet::intersects(const ThreadSet &O) const {
  if (Others && O.Others)
    return true;
  return llvm::any_of(Procedures, [&](const FunctionDecl *P) {
    return llvm::is_contained(O.Procedures, P);
  });
}

llvm::SmallVector<const FunctionDecl *, 1>
TranslationUnitFacts::threadsStartedInto(const Expr *Handle) const {
  llvm::SmallVector<const FunctionDecl *, 1> Procs;
  const void *Key = threadHandleKey(Handle);
  auto It = ThreadHandles.find(Key);
  if (It == ThreadHandles.end() || Detached.contains(Key))
    return Procs;
  // Only a procedure every start of which stores its handle here: another
  // thread running it (a pool, a handle not kept) may still be running.
  for (const auto &[Proc, Calls] : It->second) {
    auto Starts = ThreadStarts.find(Proc);
    if (Starts != ThreadStarts.end() && Starts->second.size() == Calls.size())
      Procs.push_back(Proc);
  }
  llvm::sort(Procs);
  return Procs;
}

void TranslationUnitFacts::noteThreadStart(const Expr *Start,
                                           const Expr *Procedure,
                                           const FunctionDecl *Starter) {
  ThreadStarters.insert(Starter);
  for (const FunctionDecl *Proc : functionsNamed(Procedure))
    ThreadStarts[canon(Proc)].insert(Start);
}

void TranslationUnitFacts::noteHandlerRegistration(const CallExpr *CE) {
  llvm::SmallVector<const FunctionDecl *, 2> Handlers;
  llvm::SmallVector<const void *, 2> Storage;
  for (const Expr *Arg : CE->arguments()) {
    for (const FunctionDecl *Fn : functionsNamed(Arg))
      Handlers.push_back(canon(Fn));
    const auto *Addr = dyn_cast<UnaryOperator>(Arg->IgnoreParenCasts());
    if (!Addr || Addr->getOpcode() != UO_AddrOf ||
        !AccessPaths::containsOverlapped(Addr->getSubExpr()->getType()))
      continue;
    const Expr *Held = Addr->getSubExpr()->IgnoreParenImpCasts();
    if (const auto *ME = dyn_cast<MemberExpr>(Held))
      Storage.push_back(ME->getMemberDecl()->getCanonicalDecl());
    else if (const auto *DRE = dyn_cast<DeclRefExpr>(Held);
             DRE && isa<VarDecl>(DRE->getDecl()) &&
             cast<VarDecl>(DRE->getDecl())->hasGlobalStorage())
      Storage.push_back(DRE->getDecl()->getCanonicalDecl());
  }
  for (const FunctionDecl *Fn : Handlers)
    HandlerStorage[Fn].insert(Storage.begin(), Storage.end());
}

bool TranslationUnitFacts::isCompletionHandlerOf(
    const FunctionDecl *FD, const AccessPath &Overlapped) const {
  auto It = HandlerStorage.find(canon(FD));
  if (It == HandlerStorage.end())
    return false;
  if (Overlapped.rootKind() == AccessPath::RootKind::Global &&
      It->second.contains(
          static_cast<const VarDecl *>(Overlapped.root())->getCanonicalDecl()))
    return true;
  return llvm::any_of(Overlapped.components(), [&](const PathComponent &C) {
    return C.K == PathComponent::Field &&
           It->second.contains(
               static_cast<const FieldDecl *>(C.Ptr)->getCanonicalDecl());
  });
}

bool TranslationUnitFacts::namedElsewhere(const VarDecl *Global,
                                          const FunctionDecl *FD) const {
  auto It = GlobalNamers.find(Global->getCanonicalDecl());
  return It != GlobalNamers.end() &&
         llvm::any_of(It->second, [&](const FunctionDecl *F) {
           return !FD || F != canon(FD);
         });
}

bool TranslationUnitFacts::mayDisposeOf(const FunctionDecl *Proc,
                                        const VarDecl *Global) const {
  auto Named = GlobalNamers.find(Global->getCanonicalDecl());
  if (Named == GlobalNamers.end())
    return false;
  llvm::DenseSet<const FunctionDecl *> Reached = reachableFrom(Proc);
  return llvm::any_of(Reached,
                      [&](const FunctionDecl *F) {
                        return Disposers.contains(canon(F));
                      }) &&
         llvm::any_of(Reached, [&](const FunctionDecl *F) {
           return Named->second.contains(canon(F));
         });
}

bool TranslationUnitFacts::mayStartThreads(const FunctionDecl *FD) const {
  if (ThreadStarters.empty() || !FD)
    return false;
  return llvm::any_of(reachableFrom(canon(FD)), [&](const FunctionDecl *F) {
    return ThreadStarters.contains(F);
  });
}

const void *TranslationUnitFacts::handleKey(const Expr *E) {
  if (!E)
    return nullptr;
  E = stripIdentityCasts(E)->IgnoreParens();
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
        VD && VD->hasGlobalStorage())
      return VD->getCanonicalDecl();
  if (const auto *ME = dyn_cast<MemberExpr>(E))
    if (const auto *FD = dyn_cast<FieldDecl>(ME->getMemberDecl()))
      return FD->getCanonicalDecl();
  return nullptr;
}

TranslationUnitFacts::TranslationUnitFacts(ASTContext &Ctx,
                                           const ApiModel &Model)
    : Model(Model), Uses(Model) {
  BodyFinder Finder(Ctx.getSourceManager());
  Finder.TraverseDecl(Ctx.getTranslationUnitDecl());
  for (const FunctionDecl *FD : Finder.Found)
    walk(FD, FD->getBody());
  BackRefs.emplace(Finder.Found);
  for (const Expr *Init : Finder.GlobalInits)
    noteAddressesTaken(Init);
  computeThreads();
  computeCorrelatedFields(Ctx.getSourceManager());
}

void TranslationUnitFacts::computeCorrelatedFields(const SourceManager &SM) {
  // The functions that do I/O, through the unit's calls: from those that
  // do it themselves up to their callers.
  llvm::DenseMap<const FunctionDecl *, llvm::SmallVector<const FunctionDecl *, 4>>
      Callers;
  for (const auto &[Caller, Calls] : Callees)
    for (const FunctionDecl *Callee : Calls)
      Callers[Callee].push_back(Caller);
  llvm::DenseSet<const FunctionDecl *> DoesIo(DirectIo.begin(), DirectIo.end());
  llvm::SmallVector<const FunctionDecl *, 16> Work(DirectIo.begin(),
                                                  DirectIo.end());
  while (!Work.empty())
    for (const FunctionDecl *Caller : Callers.lookup(Work.pop_back_val()))
      if (DoesIo.insert(Caller).second)
        Work.push_back(Caller);
  auto IsIo = [&](const CallExpr *CE) {
    const FunctionRule *R = Model.lookupCall(CE);
    if (R && R->FunctionRole != Role::Free &&
        llvm::is_contained(RequestRoles, R->FunctionRole))
      return true;
    const FunctionDecl *Callee = CE->getDirectCallee();
    return Callee && DoesIo.contains(canon(Callee));
  };
  for (const FunctionDecl *F : Functions)
    if (DoesIo.contains(canon(F)))
      addDecidingFields(*F, IsIo, Plain, SM, CorrelatedFields);
  for (const auto &[Field, Storers] : Writers)
    if (llvm::any_of(Storers,
                     [&](const FunctionDecl *F) { return DirectIo.contains(F); }))
      CorrelatedFields.insert(Field);
}

void TranslationUnitFacts::noteAddressesTaken(const Expr *Init) {
  llvm::SmallVector<const Stmt *, 16> Work{Init};
  while (!Work.empty()) {
    const Stmt *S = Work.pop_back_val();
    if (!S)
      continue;
    if (const auto *DRE = dyn_cast<DeclRefExpr>(S))
      if (const auto *Fn = dyn_cast<FunctionDecl>(DRE->getDecl()))
        AddressTaken.insert(canon(Fn));
    // A function called to compute the initial value is called, not
    // stored: only its arguments are looked at.
    if (const auto *CE = dyn_cast<CallExpr>(S)) {
      for (const Expr *Arg : CE->arguments())
        Work.push_back(Arg);
      continue;
    }
    for (const Stmt *Child : S->children())
      Work.push_back(Child);
  }
}

llvm::SmallVector<const FunctionDecl *, 2>
TranslationUnitFacts::functionsNamed(const Expr *Arg) {
  for (unsigned Depth = 0; Arg && Depth < 8; ++Depth) {
    Arg = Arg->IgnoreImplicit()->IgnoreParenCasts();
    if (const auto *UO = dyn_cast<UnaryOperator>(Arg);
        UO && UO->getOpcode() == UO_AddrOf) {
      Arg = UO->getSubExpr();
      continue;
    }
    if (const auto *MTE = dyn_cast<MaterializeTemporaryExpr>(Arg)) {
      Arg = MTE->getSubExpr();
      continue;
    }
    if (const auto *Construct = dyn_cast<CXXConstructExpr>(Arg);
        Construct && Construct->getNumArgs() == 1) {
      Arg = Construct->getArg(0);
      continue;
    }
    // A captureless lambda converted to a function pointer.
    if (const auto *Convert = dyn_cast<CXXMemberCallExpr>(Arg);
        Convert && isa<CXXConversionDecl>(Convert->getMethodDecl())) {
      Arg = Convert->getImplicitObjectArgument();
      continue;
    }
    break;
  }
  llvm::SmallVector<const FunctionDecl *, 2> Named;
  if (!Arg)
    return Named;
  // `fixed ? worker_a : worker_b`: either may run.
  if (const auto *CO = dyn_cast<AbstractConditionalOperator>(Arg)) {
    Named.append(functionsNamed(CO->getTrueExpr()));
    Named.append(functionsNamed(CO->getFalseExpr()));
    return Named;
  }
  if (const auto *DRE = dyn_cast<DeclRefExpr>(Arg))
    if (const auto *FD = dyn_cast<FunctionDecl>(DRE->getDecl()))
      Named.push_back(FD);
  if (const auto *LE = dyn_cast<LambdaExpr>(Arg))
    Named.push_back(LE->getCallOperator());
  return Named;
}

void TranslationUnitFacts::noteProcedure(const Expr *Arg) {
  for (const FunctionDecl *FD : functionsNamed(Arg))
    Procedures.insert(canon(FD));
}

void TranslationUnitFacts::noteDestroyed(const FunctionDecl *Caller, QualType T,
                                         unsigned Depth) {
  if (T.isNull() || Depth > 16)
    return;
  if (const ArrayType *AT = T->getAsArrayTypeUnsafe())
    T = AT->getElementType();
  const auto *RD = T->getAsCXXRecordDecl();
  if (!RD || !RD->hasDefinition())
    return;
  // The object a smart pointer owns dies with it, or at its reset().
  if (const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(RD);
      Spec && RD->isInStdNamespace() &&
      (RD->getName() == "unique_ptr" || RD->getName() == "shared_ptr") &&
      Spec->getTemplateArgs().size() > 0 &&
      Spec->getTemplateArgs()[0].getKind() == TemplateArgument::Type)
    return noteDestroyed(Caller, Spec->getTemplateArgs()[0].getAsType(),
                         Depth + 1);
  // A derived object's destructor runs its bases' destructors.
  for (const CXXBaseSpecifier &Base : RD->bases())
    noteDestroyed(Caller, Base.getType(), Depth + 1);
  const CXXDestructorDecl *Dtor = RD->getDestructor();
  if (!Dtor || Dtor->isTrivial())
    return;
  const FunctionDecl *D = canon(Dtor);
  Callees[canon(Caller)].push_back(D);
  if (D != canon(Caller))
    Called.insert(D);
}

void TranslationUnitFacts::walk(const FunctionDecl *FD, const Stmt *Body) {
  if (!Body)
    return;
  const FunctionDecl *Self = canon(FD);
  if (!Walked.insert(Self).second)
    return;
  Functions.push_back(FD);
  llvm::DenseSet<const DeclRefExpr *> DirectCallees;
  llvm::SmallPtrSet<const FieldDecl *, 4> Stored, OverlappedNamed;
  // Locals that hold a handle an open call returned (overlapped or not),
  // and the members locals are stored into.
  llvm::SmallPtrSet<const VarDecl *, 4> LocalOpens[2];
  llvm::SmallVector<std::pair<const FieldDecl *, const VarDecl *>, 4>
      FieldsFromLocals;
  // Whether `E` is an open call with constant flags: 1 when they hold
  // FILE_FLAG_OVERLAPPED, 0 when not.
  auto OpenMode = [&](const Expr *E) -> std::optional<bool> {
    const auto *CE = E ? dyn_cast<CallExpr>(E->IgnoreParenCasts()) : nullptr;
    const FunctionRule *R = CE ? Model.lookupCall(CE) : nullptr;
    const Expr *Flags = R && R->FunctionRole == Role::Open
                            ? argAt(CE, R->Flags)
                            : nullptr;
    Expr::EvalResult V;
    if (!Flags || Flags->isValueDependent() ||
        !Flags->EvaluateAsInt(V, FD->getASTContext()))
      return std::nullopt;
    return (V.Val.getInt().getZExtValue() & win32::FileFlagOverlapped) != 0;
  };
  // A thread handle kept where code can wait for it.
  // (Or a thread object built there: `std::thread t(proc)`,
  // `worker_ = std::thread(proc)`.)
  auto NoteThreadHandle = [&](const void *Key, const Expr *Value) {
    if (!Key || !Value)
      return;
    // (Through the elidable move of `std::thread t = std::thread(proc);`.)
    Value = ApiModel::withoutCopies(stripIdentityCasts(Value));
    const Expr *Start = nullptr, *Procedure = nullptr;
    if (const auto *CE = dyn_cast<CallExpr>(Value)) {
      const FunctionRule *R = Model.lookupCall(CE);
      if (R && R->FunctionRole == Role::ThreadStart)
        Start = CE, Procedure = argAt(CE, R->Procedure);
    } else if (const auto *Construct = dyn_cast<CXXConstructExpr>(Value)) {
      const FunctionRule *R = Model.lookup(Construct->getConstructor());
      if (R && R->FunctionRole == Role::ThreadStart &&
          R->Procedure.K == ArgRef::Index &&
          R->Procedure.Position <= Construct->getNumArgs())
        Start = Construct,
        Procedure = Construct->getArg(R->Procedure.Position - 1);
    }
    if (!Start)
      return;
    for (const FunctionDecl *Proc : functionsNamed(Procedure))
      ThreadHandles[Key][canon(Proc)].insert(Start);
  };
  auto NoteHandleStore = [&](const Expr *Target, const Expr *Value) {
    NoteThreadHandle(threadHandleKey(Target), Value);
    Target = Target->IgnoreParenImpCasts();
    const auto *Local = dyn_cast<DeclRefExpr>(Value->IgnoreParenCasts());
    const auto *LocalVar =
        Local ? dyn_cast<VarDecl>(Local->getDecl()) : nullptr;
    if (const auto *ME = dyn_cast<MemberExpr>(Target)) {
      const auto *Field = dyn_cast<FieldDecl>(ME->getMemberDecl());
      if (!Field)
        return;
      if (auto Mode = OpenMode(Value))
        HandleFieldOpens[*Mode].insert(Field->getCanonicalDecl());
      else if (LocalVar && LocalVar->hasLocalStorage())
        FieldsFromLocals.emplace_back(Field->getCanonicalDecl(), LocalVar);
    } else if (const auto *DRE = dyn_cast<DeclRefExpr>(Target)) {
      const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
      auto Mode = VD ? OpenMode(Value) : std::nullopt;
      if (Mode && VD->hasLocalStorage())
        LocalOpens[*Mode].insert(VD);
      else if (Mode && VD->hasGlobalStorage())
        HandleFieldOpens[*Mode].insert(VD->getCanonicalDecl());
    }
  };
  llvm::SmallVector<const Stmt *, 32> Work{Body};
  while (!Work.empty()) {
    const Stmt *S = Work.pop_back_val();
    if (!S)
      continue;
    if (const auto *LE = dyn_cast<LambdaExpr>(S)) {
      // A lambda body is a function of its own, run whenever its closure
      // is called: from here, a thread, or a callback.
      const CXXMethodDecl *Op = LE->getCallOperator();
      AddressTaken.insert(canon(Op));
      if (!Op->isDependentContext())
        walk(Op, LE->getBody());
      continue;
    }
    if (const Expr *Cond = conditionOf(S, /*Switches=*/true))
      noteTestedFields(Cond, Self);
    // A field a function returns may decide its caller's I/O.
    if (const auto *Return = dyn_cast<ReturnStmt>(S); Return && Return->getRetValue())
      findStatement(Return->getRetValue(), [&](const Stmt *X) {
        if (const auto *ME = dyn_cast<MemberExpr>(X))
          if (const auto *Field = dyn_cast<FieldDecl>(ME->getMemberDecl()))
            CorrelatedFields.insert(Field->getCanonicalDecl());
        return false;
      });
    if (const auto *CE = dyn_cast<CallExpr>(S)) {
      const FunctionRule *R = Model.lookupCall(CE);
      if (R && R->FunctionRole != Role::Free &&
          llvm::is_contained(RequestRoles, R->FunctionRole))
        DirectIo.insert(Self);
      if (R && (R->FunctionRole == Role::Close || R->FunctionRole == Role::Free))
        Disposers.insert(Self);
      if (R && R->FunctionRole == Role::ThreadStart) {
        noteProcedure(argAt(CE, R->Procedure));
        noteThreadStart(CE, argAt(CE, R->Procedure), Self);
      }
      // (Not a join: `t.join()` waits for a thread object, never for a
      // request.)
      bool Joins = R && R->FunctionRole == Role::WaitObject &&
                   R->Object.K == ArgRef::This && !R->Timeout.isSet();
      if (R && !Joins &&
          llvm::is_contained({Role::WaitOverlapped, Role::WaitObject,
                              Role::WaitObjects, Role::Dequeue,
                              Role::AlertableSleep},
                             R->FunctionRole))
        Waiters.insert(Self);
      if (R && (R->FunctionRole == Role::Associate ||
                R->FunctionRole == Role::Dequeue))
        UsesPorts = true;
      if (R && R->FunctionRole == Role::Issue)
        IssuingFunction[CE] = FD;
      if (!R)
        noteHandlerRegistration(CE);
      if (R && R->FunctionRole == Role::Issue)
        if (const void *Key = handleKey(argAt(CE, R->Handle)))
          IssuesOnHandle[Key].push_back({CE, FD, nullptr});
      if (const FunctionDecl *Callee = CE->getDirectCallee()) {
        if (const auto *DRE = dyn_cast<DeclRefExpr>(
                CE->getCallee()->IgnoreParenImpCasts()))
          DirectCallees.insert(DRE);
        Callees[Self].push_back(canon(Callee));
        CallSites[canon(Callee)].push_back(CE);
        if (canon(Callee) != Self)
          Called.insert(canon(Callee));
      }
    }
    if (const auto *Construct = dyn_cast<CXXConstructExpr>(S))
      if (const FunctionRule *R = Model.lookup(Construct->getConstructor());
          R && R->FunctionRole == Role::ThreadStart &&
          R->Procedure.K == ArgRef::Index &&
          R->Procedure.Position <= Construct->getNumArgs())
      {
        noteProcedure(Construct->getArg(R->Procedure.Position - 1));
        noteThreadStart(Construct, Construct->getArg(R->Procedure.Position - 1),
                        Self);
      }
    if (const auto *DRE = dyn_cast<DeclRefExpr>(S))
      if (const auto *Fn = dyn_cast<FunctionDecl>(DRE->getDecl());
          Fn && !DirectCallees.contains(DRE))
        AddressTaken.insert(canon(Fn));
    // Destructors run where objects die: a `delete`, a local's scope, a
    // member of an object this code owns (`m_worker.reset()`).
    if (const auto *DE = dyn_cast<CXXDeleteExpr>(S)) {
      noteDestroyed(FD, DE->getDestroyedType());
      const auto *RD = DE->getDestroyedType().isNull()
                           ? nullptr
                           : DE->getDestroyedType()->getAsCXXRecordDecl();
      if (RD && RD->hasDefinition() && RD->getDestructor() &&
          !namesObject(DE->getArgument()))
        DeletedUnnamed.insert(canon(RD->getDestructor()));
    }
    if (const auto *DS = dyn_cast<DeclStmt>(S))
      for (const Decl *D : DS->decls())
        if (const auto *VD = dyn_cast<VarDecl>(D); VD && VD->hasLocalStorage())
          noteDestroyed(FD, VD->getType());
    if (const auto *ME = dyn_cast<MemberExpr>(S))
      if (const auto *Field = dyn_cast<FieldDecl>(ME->getMemberDecl())) {
        noteDestroyed(FD, Field->getType());
        if (AccessPaths::isOverlappedType(Field->getType())) {
          OverlappedNamed.insert(Field->getCanonicalDecl());
          OverlappedNamers[Field->getCanonicalDecl()].insert(Self);
        }
      }
    if (const auto *DRE = dyn_cast<DeclRefExpr>(S))
      if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
          VD && VD->hasGlobalStorage()) {
        GlobalNamers[VD->getCanonicalDecl()].insert(Self);
        if (AccessPaths::isOverlappedType(VD->getType()))
          OverlappedNamers[VD->getCanonicalDecl()].insert(Self);
      }
    if (const FieldDecl *Target = storedMember(S))
      Stored.insert(Target->getCanonicalDecl());
    if (const auto *BO = dyn_cast<BinaryOperator>(S);
        BO && BO->getOpcode() == BO_Assign)
      NoteHandleStore(BO->getLHS(), BO->getRHS());
    if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(S);
        Op && Op->getOperator() == OO_Equal && Op->getNumArgs() == 2)
      NoteThreadHandle(threadHandleKey(Op->getArg(0)), Op->getArg(1));
    // A thread object detached anywhere may let a thread run on while it
    // holds (and joins) another.
    if (const auto *Call = dyn_cast<CXXMemberCallExpr>(S))
      if (const CXXMethodDecl *M = Call->getMethodDecl();
          M && M->getName() == "detach" && M->getParent()->isInStdNamespace())
        if (const void *Key =
                threadHandleKey(Call->getImplicitObjectArgument()))
          Detached.insert(Key);
    if (const auto *DS = dyn_cast<DeclStmt>(S))
      for (const Decl *D : DS->decls())
        if (const auto *VD = dyn_cast<VarDecl>(D);
            VD && VD->hasLocalStorage()) {
          if (auto Mode = OpenMode(VD->getInit()))
            LocalOpens[*Mode].insert(VD);
          NoteThreadHandle(VD->getCanonicalDecl(), VD->getInit());
        }
    for (const Stmt *Child : S->children())
      Work.push_back(Child);
  }
  for (const auto &[Field, Local] : FieldsFromLocals)
    for (bool Mode : {false, true})
      if (LocalOpens[Mode].contains(Local))
        HandleFieldOpens[Mode].insert(Field);
  for (const FieldDecl *Field : Stored)
    Writers[Field].push_back(Self);
  OverlappedNamedIn[Self].insert(OverlappedNamed.begin(),
                                 OverlappedNamed.end());
}

bool TranslationUnitFacts::holdsOverlappedHandle(const Expr *HandleArg) const {
  const Expr *Stripped = HandleArg ? stripIdentityCasts(HandleArg) : nullptr;
  const ValueDecl *Holder = nullptr;
  if (const auto *ME = dyn_cast_or_null<MemberExpr>(Stripped))
    Holder = dyn_cast<FieldDecl>(ME->getMemberDecl());
  else if (const auto *DRE = dyn_cast_or_null<DeclRefExpr>(Stripped))
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
        VD && VD->hasGlobalStorage() && !VD->isStaticLocal())
      Holder = VD;
  // Only when no synchronous open is stored there too (a member that holds
  // a pipe in one object and a log file in another).
  return Holder &&
         HandleFieldOpens[1].contains(
             cast<ValueDecl>(Holder->getCanonicalDecl())) &&
         !HandleFieldOpens[0].contains(
             cast<ValueDecl>(Holder->getCanonicalDecl()));
}

bool TranslationUnitFacts::mayDescribe(const FieldDecl *Flag,
                                       const FieldDecl *Overlapped) const {
  auto It = Writers.find(Flag->getCanonicalDecl());
  if (It == Writers.end())
    return true;
  // A writer describes what it, or a helper it calls (two levels, as far
  // as calls are followed), starts, waits for or cancels.
  for (const FunctionDecl *Writer : It->second) {
    llvm::SmallPtrSet<const FieldDecl *, 8> Named;
    llvm::SmallVector<std::pair<const FunctionDecl *, unsigned>, 8> Work{
        {Writer, 0}};
    llvm::SmallPtrSet<const FunctionDecl *, 8> Seen{Writer};
    while (!Work.empty()) {
      auto [F, Depth] = Work.pop_back_val();
      if (auto N = OverlappedNamedIn.find(F); N != OverlappedNamedIn.end())
        Named.insert(N->second.begin(), N->second.end());
      if (Depth < 2)
        for (const FunctionDecl *Callee : Callees.lookup(F))
          if (Seen.insert(Callee).second)
            Work.push_back({Callee, Depth + 1});
    }
    if (Named.empty() || Named.contains(Overlapped->getCanonicalDecl()))
      return true;
  }
  return false;
}

void TranslationUnitFacts::computeThreads() {
  llvm::SmallVector<const FunctionDecl *, 32> Work;
  for (const FunctionDecl *FD : Functions) {
    const FunctionDecl *C = canon(FD);
    ThreadSet &T = Threads[C];
    if (Procedures.contains(C))
      T.Procedures.push_back(C);
    else if (AddressTaken.contains(C))
      T.Unknown = true;
    else if (!Called.contains(C))
      T.Others = true;
    Work.push_back(C);
  }
  // Callers' threads flow to their callees, until nothing changes.
  while (!Work.empty()) {
    const FunctionDecl *Caller = Work.pop_back_val();
    ThreadSet From = Threads[Caller];
    for (const FunctionDecl *Callee : Callees.lookup(Caller)) {
      auto It = Threads.find(Callee);
      if (It == Threads.end() || Callee == Caller)
        continue;
      ThreadSet &To = It->second;
      bool Changed = (From.Others && !To.Others) ||
                     (From.Unknown && !To.Unknown);
      To.Others |= From.Others;
      To.Unknown |= From.Unknown;
      for (const FunctionDecl *P : From.Procedures)
        if (!llvm::is_contained(To.Procedures, P)) {
          To.Procedures.push_back(P);
          Changed = true;
        }
      if (Changed)
        Work.push_back(Callee);
    }
  }
  ThreadsAndIssues = !Procedures.empty() && !IssuesOnHandle.empty();
}

const llvm::StringSet<> &TranslationUnitFacts::functionNames() const {
  if (!FunctionNames) {
    FunctionNames.emplace();
    for (const FunctionDecl *F : Functions)
      FunctionNames->insert(F->getQualifiedNameAsString());
  }
  return *FunctionNames;
}

bool TranslationUnitFacts::isDestroyedHere(const CXXRecordDecl *RD,
                                           unsigned Depth) const {
  const CXXDestructorDecl *Dtor = RD ? RD->getDestructor() : nullptr;
  if (!Dtor || Depth > 16)
    return false;
  if (Called.contains(canon(Dtor)))
    return true;
  // Destroying through a base pointer runs a virtual destructor.
  return Dtor->isVirtual() &&
         llvm::any_of(RD->bases(), [&](const CXXBaseSpecifier &B) {
           return isDestroyedHere(B.getType()->getAsCXXRecordDecl(),
                                  Depth + 1);
         });
}

bool TranslationUnitFacts::hasUnrootedCallSite(const FunctionDecl *FD) const {
  auto It = CallSites.find(canon(FD));
  if (It == CallSites.end())
    return false;
  for (const CallExpr *CE : It->second) {
    if (const auto *MCE = dyn_cast<CXXMemberCallExpr>(CE))
      if (const Expr *Obj = MCE->getImplicitObjectArgument();
          Obj && !rootedInCaller(Obj))
        return true;
    for (const Expr *Arg : CE->arguments())
      if (isObjectArgument(Arg) && !rootedInCaller(Arg))
        return true;
  }
  return false;
}

bool TranslationUnitFacts::isDestroyedUnnamed(const CXXRecordDecl *RD,
                                              unsigned Depth) const {
  const CXXDestructorDecl *Dtor = RD ? RD->getDestructor() : nullptr;
  if (!Dtor || Depth > 16)
    return false;
  if (DeletedUnnamed.contains(canon(Dtor)))
    return true;
  return Dtor->isVirtual() &&
         llvm::any_of(RD->bases(), [&](const CXXBaseSpecifier &B) {
           return isDestroyedUnnamed(B.getType()->getAsCXXRecordDecl(),
                                     Depth + 1);
         });
}

bool TranslationUnitFacts::isEntryPoint(const FunctionDecl *FD) const {
  const FunctionDecl *C = canon(FD);
  // A destructor runs where the unit destroys its objects, virtual or not;
  // a destroyer that cannot name the object (`delete *it`) knows nothing
  // of it, so the destructor starts with what the class's protocol left.
  if (const auto *DD = dyn_cast<CXXDestructorDecl>(FD))
    return !isDestroyedHere(DD->getParent()) || AddressTaken.contains(C) ||
           isDestroyedUnnamed(DD->getParent());
  if (const auto *MD = dyn_cast<CXXMethodDecl>(FD); MD && MD->isVirtual())
    return true;
  if (AddressTaken.contains(C) || Procedures.contains(C))
    return true;
  // Called here, but other units call it too (phase one said so): those
  // callers may hand it objects with requests pending.
  if (Called.contains(C))
    return Model.isCalledElsewhere(FD->getQualifiedNameAsString()) &&
           FD->getStorageClass() != SC_Static;
  // A static function nothing here calls or names is dead in this unit (a
  // `static inline` helper of a header that this file does not use),
  // unless the runtime calls it (`__attribute__((constructor))`).
  return FD->getStorageClass() != SC_Static || isa<CXXMethodDecl>(FD) ||
         FD->hasAttr<ConstructorAttr>() || FD->hasAttr<DestructorAttr>();
}

llvm::DenseSet<const FunctionDecl *>
TranslationUnitFacts::reachableFrom(const FunctionDecl *From) const {
  llvm::DenseSet<const FunctionDecl *> Seen;
  llvm::SmallVector<const FunctionDecl *, 16> Work{canon(From)};
  while (!Work.empty()) {
    const FunctionDecl *F = Work.pop_back_val();
    if (!F || !Seen.insert(F).second)
      continue;
    auto It = Callees.find(F);
    if (It != Callees.end())
      Work.append(It->second.begin(), It->second.end());
  }
  return Seen;
}

const ThreadSet &TranslationUnitFacts::threadsOf(const FunctionDecl *FD) const {
  static const ThreadSet Unplaced = [] {
    ThreadSet T;
    T.Unknown = true;
    return T;
  }();
  auto It = Threads.find(canon(FD));
  return It == Threads.end() ? Unplaced : It->second;
}

std::vector<IssueSite> TranslationUnitFacts::issuedByOtherThreads(
    const Expr *HandleArg, const FunctionDecl *Canceller) const {
  constexpr size_t MaxSites = 3;
  std::vector<IssueSite> Sites;
  const void *Key = handleKey(HandleArg);
  auto It = IssuesOnHandle.find(Key);
  if (!Key || It == IssuesOnHandle.end())
    return Sites;
  const ThreadSet &Mine = threadsOf(Canceller);
  if (!Mine.known())
    return Sites;
  for (const IssueSite &Site : It->second) {
    const ThreadSet &Theirs = threadsOf(Site.In);
    if (!Theirs.known())
      continue;
    // A thread procedure that runs the issuer and never the canceller may
    // have issued the request, even when other threads run both (a re-arm
    // helper called by the caller's start and by the worker's loop).
    const FunctionDecl *Other = nullptr;
    for (const FunctionDecl *P : Theirs.Procedures)
      if (!llvm::is_contained(Mine.Procedures, P)) {
        Other = P;
        break;
      }
    // Otherwise only a canceller that is itself a thread procedure, and an
    // issuer that thread never runs, make them different threads.
    if (!Other && (Theirs.intersects(Mine) || Mine.Procedures.empty()))
      continue;
    Sites.push_back(Site);
    Sites.back().Thread = Other;
    if (Sites.size() == MaxSites)
      break;
  }
  return Sites;
}

bool TranslationUnitFacts::othersMayWaitOn(const void *Decl,
                                           const FunctionDecl *FD) const {
  auto It = OverlappedNamers.find(Decl);
  return It != OverlappedNamers.end() &&
         llvm::any_of(It->second, [&](const FunctionDecl *F) {
           return F != canon(FD) && Waiters.contains(F);
         });
}

const FunctionDecl *
TranslationUnitFacts::functionHolding(const Stmt *S,
                                      const SourceManager &SM) const {
  if (!S)
    return nullptr;
  SourceLocation Loc = SM.getExpansionLoc(S->getBeginLoc());
  FileID File = SM.getFileID(Loc);
  unsigned Offset = SM.getFileOffset(Loc);
  // Definitions around the position, the shortest first: a lambda's before
  // the function that defines it. A definition in one file is compared by
  // offset; one that spans files (a body that includes a file) by
  // translation-unit order.
  llvm::SmallVector<std::pair<unsigned, const FunctionDecl *>, 4> Around;
  for (const FunctionDecl *FD : Functions) {
    SourceLocation Begin = SM.getExpansionLoc(FD->getBeginLoc());
    SourceLocation End = SM.getExpansionLoc(FD->getEndLoc());
    if (Begin.isInvalid() || End.isInvalid())
      continue;
    if (SM.getFileID(Begin) == File && SM.getFileID(End) == File) {
      unsigned From = SM.getFileOffset(Begin), To = SM.getFileOffset(End);
      if (From <= Offset && Offset <= To)
        Around.push_back({To - From, FD});
    } else if (SM.getFileID(Begin) == SM.getFileID(End) &&
               SM.isPointWithin(Loc, Begin, End)) {
      Around.push_back({SM.getFileOffset(End) - SM.getFileOffset(Begin), FD});
    }
  }
  llvm::stable_sort(Around, llvm::less_first());
  auto Holds = [&](const Stmt *Root) {
    return Root && findStatement(
                       Root, [&](const Stmt *X) { return X == S; },
                       /*IntoLambdas=*/false);
  };
  for (const auto &[Length, FD] : Around) {
    if (Holds(FD->getBody()))
      return FD;
    // A constructor's member initialisers lie outside its body.
    if (const auto *Ctor = dyn_cast<CXXConstructorDecl>(FD))
      for (const CXXCtorInitializer *Init : Ctor->inits())
        if (Holds(Init->getInit()))
          return FD;
  }
  return nullptr;
}

bool TranslationUnitFacts::callersMayWait(const FunctionDecl *FD) const {
  const FunctionDecl *Callee = canon(FD);
  // Called through a pointer or a virtual call: any function that waits
  // may be a caller.
  const auto *MD = dyn_cast<CXXMethodDecl>(FD);
  if ((AddressTaken.contains(Callee) || (MD && MD->isVirtual())) &&
      llvm::any_of(Waiters,
                   [&](const FunctionDecl *W) { return W != Callee; }))
    return true;
  return llvm::any_of(Callees, [&](const auto &Entry) {
    return Entry.first != Callee && Waiters.contains(Entry.first) &&
           llvm::is_contained(Entry.second, Callee);
  });
}

bool TranslationUnitFacts::mayCorrelate(const FieldDecl *FD) const {
  return CorrelatedFields.contains(FD->getCanonicalDecl());
}

bool TranslationUnitFacts::isTestedGlobal(const AccessPath &P) const {
  return P.rootKind() == AccessPath::RootKind::Global &&
         P.components().empty() && TestedGlobals.contains(P.root());
}

bool TranslationUnitFacts::isTestedByCallees(const FunctionDecl *From,
                                             const AccessPath &P) const {
  const void *Key = nullptr;
  llvm::ArrayRef<PathComponent> C = P.components();
  if (!C.empty() && C.back().K == PathComponent::Field)
    Key = static_cast<const FieldDecl *>(C.back().Ptr)->getCanonicalDecl();
  else if (C.empty() && P.rootKind() == AccessPath::RootKind::Global)
    Key = P.root();
  if (!Key || !From)
    return false;
  From = canon(From);
  auto [It, Inserted] = TestedInCallees.try_emplace(From);
  if (Inserted)
    for (const FunctionDecl *F : reachableFrom(From))
      if (F != From)
        if (auto Own = TestedIn.find(F); Own != TestedIn.end())
          It->second.insert(Own->second.begin(), Own->second.end());
  return It->second.contains(Key);
}

bool TranslationUnitFacts::isTestedField(const AccessPath &P) const {
  llvm::ArrayRef<PathComponent> C = P.components();
  return !C.empty() && C.back().K == PathComponent::Field &&
         isTestedField(static_cast<const FieldDecl *>(C.back().Ptr));
}

} // namespace iodrain
