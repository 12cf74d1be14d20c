//===- PathExplorer.cpp - The worklist over (block, state) pairs ----------===//

#include "PathExplorer.h"
#include "ActiveBlocks.h"
#include "CallSummaries.h"
#include "DeadValues.h"
#include "ImplicitCalls.h"
#include "TransientFields.h"
#include "StmtSearch.h"
#include "Transfer.h"
#include "TranslationUnitFacts.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/StmtCXX.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ParentMap.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/Stmt.h"
#include "clang/Analysis/CFG.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/SaveAndRestore.h"
#include <functional>
#include <deque>
#include <unordered_map>
#include <unordered_set>

using namespace clang;

namespace iodrain {
namespace {

/// Calls into functions defined in the translation unit are followed this
/// deep, into functions at most this large.
constexpr unsigned MaxInlineDepth = 3;
constexpr unsigned MaxInlinedCfgBlocks = 300;
/// Without FollowCalls, the helpers still run are at most this large.
constexpr unsigned MaxSmallHelperBlocks = 40;
/// Path states for a helper followed only because it joins a thread.
constexpr unsigned MaxJoinHelperVisits = 256;

/// What makes a call worth following.
const auto &Modelled = RequestRoles;
/// What may finish a pending request: a destructor or a call that does
/// one of these decides whether the request is still pending after it.
constexpr Role MayWait[] = {Role::Cancel,      Role::WaitOverlapped,
                            Role::WaitObject,  Role::WaitObjects,
                            Role::Dequeue,     Role::AlertableSleep,
                            Role::CompleteAll};

/// Why clang could not build the CFG of `Body`, when iodrain can tell.
std::string whyNoCfg(const Stmt *Body) {
  if (findStatement(Body,
                    [](const Stmt *S) { return isa<SEHFinallyStmt>(S); }))
    return "clang builds no control-flow graph for a '__finally' block";
  return "clang could not build its control-flow graph";
}

/// Collects the outcomes of one step, keeping one copy of equal states.
/// Most steps have one outcome: states are hashed only once a second one
/// arrives.
class DistinctStates {
public:
  void add(State S) {
    if (States.empty()) {
      States.push_back(std::move(S));
      return;
    }
    if (ByHash.empty())
      ByHash.emplace(States.front().hash(), 0);
    size_t H = S.hash();
    auto Range = ByHash.equal_range(H);
    for (auto It = Range.first; It != Range.second; ++It)
      if (States[It->second] == S)
        return;
    ByHash.emplace(H, States.size());
    States.push_back(std::move(S));
  }
  std::vector<State> take() {
    ByHash.clear();
    return std::move(States);
  }

private:
  std::vector<State> States;
  std::unordered_multimap<size_t, size_t> ByHash;
};

/// Whether the body waits, cancels, dequeues, tests HasOverlappedIoCompleted
/// or compares with ERROR_IO_PENDING anywhere: code that does none of these
/// uses overlapped calls synchronously.
bool handlesPending(const Stmt &Body, const ApiModel &Model, ASTContext &Ctx) {
  return findStatement(&Body, [&](const Stmt *S) {
    if (const auto *CE = dyn_cast<CallExpr>(S))
      if (const FunctionRule *R = Model.lookupCall(CE))
        if (R->FunctionRole != Role::Issue && R->FunctionRole != Role::Close &&
            R->FunctionRole != Role::Free && R->FunctionRole != Role::Open &&
            R->FunctionRole != Role::Create &&
            R->FunctionRole != Role::LastError &&
            R->FunctionRole != Role::DumpState &&
            R->FunctionRole != Role::Inert &&
            R->FunctionRole != Role::ThreadStart)
          return true;
    if (const auto *ME = dyn_cast<MemberExpr>(S))
      if (ME->getMemberDecl()->getName() == "Internal")
        return true;
    if (const auto *IL = dyn_cast<IntegerLiteral>(S))
      if (IL->getValue() == 997) // ERROR_IO_PENDING, WSA_IO_PENDING
        return true;
    return false;
  }) != nullptr;
}

/// What the analysed function and the calls it follows share.
struct Shared {
  Shared(ASTContext &Ctx, const ApiModel &Model, const AnalysisBudget &Budget,
         llvm::ArrayRef<AnalysisObserver *> Observers, const UnitContext &Unit)
      : Ctx(Ctx), Model(Model), Budget(Budget), Observers(Observers),
        Unit(Unit), Implicit(Ctx) {}

  ASTContext &Ctx;
  const ApiModel &Model;
  const AnalysisBudget &Budget;
  llvm::ArrayRef<AnalysisObserver *> Observers;
  const UnitContext &Unit;
  AnalysisResult Result;
  bool RootHandlesPending = true;
  /// The functions being run, the analysed one first, and the calls into
  /// them.
  std::vector<const FunctionDecl *> Functions;
  std::vector<const CallExpr *> Calls;
  /// Per function: whether it (or what it calls) may do anything iodrain
  /// models, and whether it may issue I/O.
  llvm::DenseMap<const FunctionDecl *, bool> Relevant, Issues;
  /// Path states spent inside followed calls; past a quarter of the budget
  /// calls are no longer followed (they become unknown calls again).
  unsigned CallVisits = 0;
  /// The summaries of followed calls that name their caller's storage:
  /// per call site (with the calls that led to it) and the part of the
  /// caller's state the callee can see, the states the callee returns in.
  /// (The others are the unit's: UnitContext::Summaries.)
  std::unordered_map<StateFingerprint, CallSummary, FingerprintHash> Summaries;
  /// How often one of those was applied again. Its events are not heard
  /// again, so a summary made meanwhile lacks them and is not shared.
  unsigned LocalReuses = 0;
  /// Per function: whether it may call the analysed function (then a
  /// summary of it depends on which function is analysed).
  llvm::DenseMap<const FunctionDecl *, bool> CallsRoot;
  /// Per function and depth it is followed at: whether it joins a thread.
  llvm::DenseMap<std::pair<const FunctionDecl *, unsigned>, bool> JoinsThreads;
  /// Path states left for a helper followed only because it joins a
  /// thread (none: no such helper is running); past them it stays an
  /// unknown call, and the budget for other calls is untouched.
  std::optional<unsigned> JoinVisitsLeft;
  bool JoinHelperGaveUp = false;
  llvm::DenseMap<const FunctionDecl *, bool> CompletesAny, ReadsLastError;
  /// Per function, for the small helpers followed without FollowCalls.
  llvm::DenseMap<const FunctionDecl *, bool> FinishesDirectly, Widens,
      CompletesAnyDirectly, FinishesNear;
  /// Per function: whether it may start a request or act without one.
  llvm::DenseMap<const FunctionDecl *, bool> Acts;
  /// The largest callee (in CFG blocks) the current call may run.
  unsigned InlinedBlockLimit = MaxInlinedCfgBlocks;
  /// Whether a small helper (run without FollowCalls) is running, and
  /// whether one of its calls may have finished a request unseen.
  bool RunningSmallHelper = false, SmallHelperGaveUp = false;
  /// Whether the outermost followed call met a call it could not follow
  /// (too deep, recursive) that may finish a request it reaches: then
  /// none of its paths say what happened to that request.
  bool CutShort = false;
  /// The constructor and destructor runs the code leaves implicit, as
  /// calls to follow; per destructor whether it may finish a request; and
  /// the object the implicit call being followed runs on.
  ImplicitCalls Implicit;
  llvm::DenseMap<const FunctionDecl *, bool> DestructorFinishes;
  const CallExpr *ImplicitCall = nullptr;
  AccessPath ImplicitObject;
  /// The object `CE` runs on when the caller says which (a constructor's
  /// or destructor's).
  const AccessPath *givenObject(const CallExpr *CE) const {
    return CE == ImplicitCall ? &ImplicitObject : nullptr;
  }
};

/// Summaries kept per analysed function; past this many, calls are run
/// afresh each time (their exits are still right, only slower).
constexpr size_t MaxSummaries = 4096;


class Explorer {
public:
  Explorer(const FunctionDecl &FD, Shared &Sh) : FD(FD), Ctx(Sh.Ctx), Sh(Sh) {}

  /// Explores the analysed function from an empty state.
  AnalysisResult run();
  /// Runs a called function from `Entry` to its exits; false if it cannot.
  bool runCall(const CallExpr *Call, State Entry, std::vector<State> &Exits);

private:
  bool prepare(unsigned MaxBlocks);
  void explorePaths(std::vector<State> Entries);
  bool runBlock(const CFGBlock &B, State S);
  void apply(const CFGElement &E, State S, DistinctStates &Out);
  void branch(const CFGBlock &B, State S);
  void branchSwitch(const CFGBlock &B, const SwitchStmt &Switch, State S);
  void push(const CFGBlock *B, State S);
  bool spend(unsigned Visits);
  const Expr *branchCondition(const CFGBlock &B) const;
  bool inlineCall(const CallExpr *CE, const State &S, const Transfer &Caller,
                  StateList &Out);
  /// Runs the destructor of `Object`, of type `Type`, dying at `Site` as a
  /// followed call when it may finish one of the path's requests; false
  /// if it is not run.
  bool followDestructor(QualType Type, const AccessPath &Object,
                        const void *Site, SourceLocation Loc, const State &S,
                        StateList &Out);
  /// Whether the destructor `Dtor`, or one of its members' or bases', may
  /// finish a request.
  bool destructorMayFinish(const CXXDestructorDecl *Dtor, unsigned Depth);
  /// Whether the destructors of `RD`'s members or bases, which run after
  /// its own (written or implicit), may finish a request.
  bool partsMayFinish(const CXXRecordDecl *RD, unsigned Depth);
  /// Whether the constructor `CCE` runs is followed where its object is
  /// named: calls are followed, not too deep, and it may start I/O.
  bool followsConstructor(const CXXConstructExpr *CCE);
  /// Where the object `CCE` builds is named, when its constructor is
  /// followed: the declaration of the local it initialises, the
  /// new-expression, or `CCE` itself for a member or base initializer of
  /// the analysed constructor; null otherwise.
  const Stmt *constructionSite(const CXXConstructExpr *CCE);
  /// The constructor call whose object `St` names (constructionSite).
  const CXXConstructExpr *constructedAt(const Stmt *St);
  /// For a `std::make_unique<T>(...)` call whose constructor is followed:
  /// that construction (ApiModel::madeUnique); else null.
  const CXXConstructExpr *madeUniqueAt(const Stmt *St);
  /// Runs the constructor `CCE` on the object `Site` names, as a followed
  /// call; an unfollowed one may keep the pointers it is given.
  void construct(const Stmt *Site, const CXXConstructExpr *CCE, State S,
                 StateList &Out);
  /// Runs the constructor of `CCE` with `Args` on `Object` (a heap object
  /// made at `Made`, a `new` or `std::make_unique` call, when it is one);
  /// false, leaving `S` as it was, when it is not followed.
  bool constructAt(const Stmt *Site, const CXXConstructExpr *CCE,
                   llvm::ArrayRef<const Expr *> Args, const AccessPath &Object,
                   const Expr *Made, State &S, StateList &Out);
  /// Runs the constructor a member or base initializer of the analysed
  /// constructor calls, when it is followed.
  bool initializeByConstructor(const CXXCtorInitializer *Init, State &S,
                               StateList &Out);
  /// Runs `Def` from `Entry` and keeps how it returns, as the caller sees
  /// it; false if it cannot.
  /// `Tails` tells which requests continue the entry's; with `Record`,
  /// the events heard meanwhile are kept in the summary.
  bool summarize(const CallExpr *CE, const FunctionDecl *Def, State Entry,
                 const Renaming &Names, const EntryTails &Tails, bool Record,
                 CallSummary &Summary);
  /// Whether `Def`, or what it may follow, calls the analysed function.
  bool callsRoot(const FunctionDecl *Def);
  /// Whether `Def`, or what it may follow, waits for a thread of the unit
  /// that issues I/O to exit (`WaitForSingleObject(g_reader, INFINITE)`).
  bool joinsThreads(const FunctionDecl *Def, unsigned Depth);
  /// Applies the summary of `Def` for what it can see of `S` (made now if
  /// new) at `CE`.
  bool runAndApply(const CallExpr *CE, const FunctionDecl *Def,
                   const State &S, const Transfer &Caller, bool SeesAll,
                   StateList &Out);
  bool calls(const FunctionDecl *Def, llvm::ArrayRef<Role> Roles,
             llvm::DenseMap<const FunctionDecl *, bool> &Memo, unsigned Depth);
  /// Without FollowCalls: runs a small helper that finishes a pending
  /// request the call reaches; false if it is not one.
  bool followSmallHelper(const CallExpr *CE, const FunctionDecl *Def,
                         const State &S, const Transfer &Caller,
                         StateList &Out);

  const FunctionDecl &FD;
  ASTContext &Ctx;
  Shared &Sh;
  std::unique_ptr<CFG> Graph;
  std::unique_ptr<ParentMap> Parents;
  std::unique_ptr<Transfer> T;
  std::unique_ptr<DeadValues> Dead;
  std::unique_ptr<TransientFields> Transient;
  /// For the analysed function: the blocks where a path that holds no
  /// request may still matter (ActiveBlocks.h); empty for called ones.
  llvm::BitVector Active;
  std::deque<std::pair<const CFGBlock *, State>> Work;
  std::vector<std::unordered_set<StateFingerprint, FingerprintHash>> Seen;
  /// For a called function: the states that reach its exit.
  std::vector<State> *Exits = nullptr;
  const CallExpr *Call = nullptr;
};

const Expr *Explorer::branchCondition(const CFGBlock &B) const {
  const Stmt *Cond = B.getTerminatorCondition(/*StripParens=*/false);
  const auto *E = dyn_cast_or_null<Expr>(Cond);
  // In `a && b` the block that evaluated `b` branches on `b` alone. A
  // block that evaluates the whole `a && b` (the join after both, as in
  // `do ... while (a && b)`) is also reached when `a` alone decided it.
  auto EvaluatedHere = [&](const Expr *X) {
    for (auto It = B.rbegin(); It != B.rend(); ++It)
      if (auto SE = It->getAs<CFGStmt>())
        return SE->getStmt() == X;
    return false;
  };
  while (E) {
    const auto *BO = dyn_cast<BinaryOperator>(E->IgnoreParens());
    if (!BO || !BO->isLogicalOp() || B.getTerminatorStmt() == BO ||
        EvaluatedHere(BO))
      break;
    E = BO->getRHS();
  }
  return E;
}

void Explorer::push(const CFGBlock *B, State S) {
  if (B)
    Work.emplace_back(B, std::move(S));
}

bool Explorer::spend(unsigned Visits) {
  AnalysisResult &Result = Sh.Result;
  if (Exits && Sh.JoinVisitsLeft) {
    if (Visits > *Sh.JoinVisitsLeft) {
      Sh.JoinHelperGaveUp = true;
      return false;
    }
    *Sh.JoinVisitsLeft -= Visits;
  }
  if (Exits) {
    Sh.CallVisits += Visits;
    if (Sh.CallVisits > Sh.Budget.MaxBlockVisits / 4)
      Result.StoppedFollowingCalls = true;
    if (Result.StoppedFollowingCalls)
      return false;
  }
  Result.StateVisits += Visits;
  if (Result.StateVisits <= Sh.Budget.MaxBlockVisits &&
      Result.Outcome != AnalysisResult::BudgetExhausted)
    return true;
  Result.Outcome = AnalysisResult::BudgetExhausted;
  Result.Reason = "more than MaxBlockVisits (" +
                  std::to_string(Sh.Budget.MaxBlockVisits) + ") path states";
  return false;
}

void Explorer::apply(const CFGElement &E, State S, DistinctStates &Out) {
  llvm::SmallVector<State, 4> Produced;
  if (auto SE = E.getAs<CFGStmt>()) {
    // A called function's return value goes back to the caller.
    if (const auto *RS = dyn_cast<ReturnStmt>(SE->getStmt());
        RS && Call && RS->getRetValue()) {
      const Expr *Value = RS->getRetValue();
      ObjectRef O = Value->getType()->isPointerType()
                        ? T->paths().objectOf(S, Value)
                        : ObjectRef::none();
      AbsValue V = O.isKnown() ? AbsValue::object(O.Path) : T->valueOf(S, Value);
      if (V.K != AbsValue::Unknown)
        S.Vars.set(AccessPath::callResult(Call), V);
    }
    const Stmt *St = SE->getStmt();
    if (isa<ReturnStmt>(St) && !Call)
      S.Returning = St;
    const auto *CCE = dyn_cast<CXXConstructExpr>(St);
    if (CCE && constructionSite(CCE)) {
      // Run where its object is named: the declaration or `new`.
      Produced.push_back(std::move(S));
    } else if (const CXXConstructExpr *Built = constructedAt(St)) {
      llvm::SmallVector<State, 4> Declared;
      T->element(St, std::move(S), Declared);
      for (State &D : Declared)
        construct(St, Built, std::move(D), Produced);
    } else if (const CXXConstructExpr *Made = madeUniqueAt(St)) {
      // `std::make_unique<T>(args)`: T's constructor on a new object.
      const auto *Call = cast<CallExpr>(St);
      llvm::SmallVector<const Expr *, 4> Args(Call->arguments());
      const CallExpr *Ctor = Sh.Implicit.at(Made->getConstructor(), Call,
                                            Call->getBeginLoc(), Args);
      if (!constructAt(Call, Made, Args, AccessPath::callResult(Ctor), Call,
                       S, Produced))
        T->element(St, std::move(S), Produced);
    } else {
      T->element(St, std::move(S), Produced);
    }
  } else if (auto I = E.getAs<CFGInitializer>()) {
    T->initializeMember(I->getInitializer(), S);
    if (!initializeByConstructor(I->getInitializer(), S, Produced))
      Produced.push_back(std::move(S));
  } else if (auto LE = E.getAs<CFGLifetimeEnds>()) {
    T->storageEnds(LE->getVarDecl(), LE->getTriggerStmt(), S);
    Produced.push_back(std::move(S));
  } else if (auto AD = E.getAs<CFGAutomaticObjDtor>()) {
    // (The CFG ends the storage of locals without a destructor after every
    // destructor of the scope: a buffer declared after a guard that waits
    // is still in the frame while the guard waits, and is not reported.)
    T->destroyLocal(AD->getVarDecl(), AD->getTriggerStmt(), std::move(S),
                    Produced);
  } else if (auto MD = E.getAs<CFGMemberDtor>()) {
    T->destroyMember(MD->getFieldDecl(), FD.getBody(), std::move(S),
                     Produced);
  } else if (auto BD = E.getAs<CFGBaseDtor>()) {
    // A base's destructor that may wait runs on the object itself.
    QualType Base = BD->getBaseSpecifier()->getType();
    const Stmt *Body = FD.getBody();
    if (!destructorMayFinish(ImplicitCalls::writtenDestructor(Base), 0) ||
        !followDestructor(Base, AccessPath::thisObject(), Body,
                          Body ? Body->getEndLoc() : SourceLocation(), S,
                          Produced))
      Produced.push_back(std::move(S));
  } else {
    // Scopes, temporaries: nothing that iodrain models happens there.
    Produced.push_back(std::move(S));
  }
  for (State &P : Produced)
    Out.add(std::move(P));
}

bool Explorer::runBlock(const CFGBlock &B, State Start) {
  // All paths through the block advance together, element by element, and
  // equal states merge at once: forks inside one block cannot multiply.
  std::vector<State> Current;
  Current.push_back(std::move(Start));
  for (const CFGElement &E : B) {
    DistinctStates Next;
    for (State &S : Current)
      apply(E, std::move(S), Next);
    // A small helper that gave up ends here, before it reports anything
    // that the call it could not run may have made right.
    if (Sh.RunningSmallHelper && Sh.SmallHelperGaveUp)
      return false;
    size_t Before = Current.size();
    Current = Next.take();
    if (Current.size() > Before && !spend(Current.size() - Before))
      return false;
    if (Current.empty())
      return true;
  }
  // A call that does not return (exit, abort) ends the path: in a called
  // function too, where it must not come back to the caller.
  if (B.hasNoReturnElement())
    return true;
  if (&B == &Graph->getExit()) {
    for (State &S : Current) {
      if (Exits) {
        Exits->push_back(std::move(S));
        continue;
      }
      if (Sh.Unit.OnExit)
        Sh.Unit.OnExit(S);
      T->functionExit(nullptr, S);
    }
    if (Exits)
      return true;
  }
  for (State &S : Current)
    branch(B, std::move(S));
  return true;
}

void Explorer::branch(const CFGBlock &B, State S) {
  const Expr *Cond = branchCondition(B);
  // A switch with one case has two successors too, but no true and false.
  const auto *Switch = dyn_cast_or_null<SwitchStmt>(B.getTerminatorStmt());
  if (B.succ_size() == 2 && Cond && !Switch) {
    std::optional<bool> Known = T->valueOf(S, Cond).truth();
    if (!Known)
      T->forgetUndeterminedReceived(S, Cond);
    for (unsigned I = 0; I < 2; ++I) {
      const CFGBlock *Succ = *(B.succ_begin() + I);
      if (!Succ)
        continue;
      bool Truth = I == 0;
      if (Known && *Known != Truth)
        continue;
      // The last successor takes the state itself, the first a copy.
      bool Last = I == 1 || Known || !*(B.succ_begin() + 1);
      State Next = Last ? std::move(S) : S;
      if (!T->assume(Next, Cond, Truth))
        continue;
      Next.Exprs[Cond->IgnoreParens()] = AbsValue::integer(Truth);
      if (!Known)
        Next.addStepToPending(
            {Truth ? PathStep::BranchTrue : PathStep::BranchFalse, Cond});
      push(Succ, std::move(Next));
    }
    return;
  }
  if (Switch) {
    branchSwitch(B, *Switch, std::move(S));
    return;
  }
  const CFGBlock *LastSucc = nullptr;
  for (const CFGBlock *Succ : B.succs())
    if (Succ)
      LastSucc = Succ;
  for (const CFGBlock *Succ : B.succs())
    if (Succ && Succ != LastSucc)
      push(Succ, S);
  push(LastSucc, std::move(S));
}

void Explorer::branchSwitch(const CFGBlock &B, const SwitchStmt &Switch,
                            State S) {
  // Each successor with the value of its case (a range: none), and the
  // default (or the block after the switch) with the values of none.
  struct Target {
    const CFGBlock *Block;
    std::optional<int64_t> Value;
    bool Default;
  };
  llvm::SmallVector<Target, 8> Targets;
  llvm::SmallVector<int64_t, 8> CaseValues;
  bool AllSingle = true;
  // The block after the switch may carry a label of an enclosing switch.
  llvm::SmallPtrSet<const Stmt *, 16> OwnCases;
  for (const SwitchCase *C = Switch.getSwitchCaseList(); C;
       C = C->getNextSwitchCase())
    OwnCases.insert(C);
  auto CaseOf = [&](const CFGBlock *Succ) -> const CaseStmt * {
    const Stmt *Label = Succ ? Succ->getLabel() : nullptr;
    return Label && OwnCases.contains(Label) ? dyn_cast<CaseStmt>(Label)
                                             : nullptr;
  };
  for (const CFGBlock *Succ : B.succs()) {
    if (!Succ)
      continue;
    const CaseStmt *Case = CaseOf(Succ);
    if (!Case) {
      Targets.push_back({Succ, std::nullopt, true});
      continue;
    }
    Expr::EvalResult Lo;
    if (Case->getRHS() || !Case->getLHS()->EvaluateAsInt(Lo, Ctx)) {
      AllSingle = false;
      Targets.push_back({Succ, std::nullopt, false});
      continue;
    }
    int64_t V = Lo.Val.getInt().getExtValue();
    CaseValues.push_back(V);
    Targets.push_back({Succ, V, false});
  }
  const Expr *Cond = Switch.getCond();
  AbsValue V = T->valueOf(S, Cond);
  if (V.K == AbsValue::Int) {
    // A known value: its case, or the default.
    for (const CFGBlock *Succ : B.succs()) {
      const CaseStmt *Case = CaseOf(Succ);
      Expr::EvalResult Lo, Hi;
      if (Case && Case->getLHS()->EvaluateAsInt(Lo, Ctx) &&
          (Case->getRHS()
               ? Case->getRHS()->EvaluateAsInt(Hi, Ctx) &&
                     Lo.Val.getInt().getExtValue() <= V.Value &&
                     V.Value <= Hi.Val.getInt().getExtValue()
               : Lo.Val.getInt().getExtValue() == V.Value)) {
        push(Succ, std::move(S));
        return;
      }
    }
    for (const Target &To : Targets)
      if (To.Default) {
        push(To.Block, std::move(S));
        return;
      }
    return;
  }
  // An unknown value: every case, each knowing its value (`case
  // STATUS_PENDING:` of `switch (ov.Internal)`); the default knows only
  // when every case is one value.
  // `switch (auto Status = (NTSTATUS)ov.Internal)` tells about the
  // initializer too.
  llvm::SmallVector<const Expr *, 2> Tested{Cond};
  if (const VarDecl *Var = Switch.getConditionVariable(); Var && Var->getInit())
    Tested.push_back(Var->getInit());
  // What a case teaches about the value itself is not kept: a getter with
  // one switch per setting would otherwise make a path per combination.
  for (const Target &To : Targets) {
    State Next = S;
    bool Possible = llvm::all_of(Tested, [&](const Expr *E) {
      if (To.Value)
        return T->assumeCase(Next, E, To.Value, {});
      return !To.Default || !AllSingle ||
             T->assumeCase(Next, E, std::nullopt, CaseValues);
    });
    if (!Possible)
      continue;
    Next.Vars = S.Vars;
    if (To.Value)
      T->learnCaseForCallees(Next, Cond, *To.Value);
    push(To.Block, std::move(Next));
  }
}

bool Explorer::prepare(unsigned MaxBlocks) {
  AnalysisResult &Result = Sh.Result;
  const Stmt *Body = FD.getBody();
  CFG::BuildOptions Options;
  Options.setAllAlwaysAdd();
  Options.PruneTriviallyFalseEdges = true;
  Options.AddImplicitDtors = true;
  Options.AddLifetime = true;
  Options.AddScopes = true;
  Options.AddTemporaryDtors = true;
  // A followed constructor stores its members before its body runs.
  Options.AddInitializers = true;
  Graph = CFG::buildCFG(&FD, const_cast<Stmt *>(Body), &Ctx, Options);
  if (!Graph) {
    Result.Reason = whyNoCfg(Body);
    return false;
  }
  if (Graph->size() > MaxBlocks) {
    Result.Reason = "the function has " + std::to_string(Graph->size()) +
                    " CFG blocks, more than MaxCfgBlocks (" +
                    std::to_string(MaxBlocks) + ")";
    return false;
  }
  Parents = std::make_unique<ParentMap>(const_cast<Stmt *>(Body));
  // An engine test's state dump shows every value the path holds.
  if (!Sh.Model.bodyCalls(Body, {Role::DumpState})) {
    Dead = std::make_unique<DeadValues>(*Graph, FD, *Parents);
    if (Sh.Unit.Facts)
      Transient = std::make_unique<TransientFields>(FD, *Sh.Unit.Facts, *Parents);
    if (Transient && Transient->empty())
      Transient.reset();
  }
  // A coroutine's requests start at its suspensions, not only at calls.
  // Without FollowCalls, a path holding no request runs no helper that
  // could start one (a small helper starts nothing): only the model's own
  // functions act.
  if (Sh.Calls.empty() && !isa<CoroutineBodyStmt>(Body))
    Active = activeBlocks(*Graph, Sh.Model,
                          Sh.Budget.FollowCalls ? MaxInlineDepth : 0,
                          Sh.Acts);
  T = std::make_unique<Transfer>(Ctx, Sh.Model, *Parents, Sh.Observers);
  T->setHandlesPending(Sh.RootHandlesPending ||
                       handlesPending(*Body, Sh.Model, Ctx));
  T->setCallStack(Sh.Calls);
  T->setUnit(Sh.Unit.Facts, &FD);
  T->setFollowsCalls(Sh.Budget.FollowCalls);
  if (Sh.Calls.empty())
    T->setOnPublish(&Sh.Unit.OnExit);
  T->setInliner([this](const CallExpr *CE, const State &S,
                       const Transfer &Caller, StateList &Out) {
    return inlineCall(CE, S, Caller, Out);
  });
  T->setDestructorFollower([this](QualType Type, const AccessPath &Object,
                                  const void *Site, SourceLocation Loc,
                                  const State &S, StateList &Out) {
    return followDestructor(Type, Object, Site, Loc, S, Out);
  });
  for (const CFGBlock *B : *Graph)
    if (const Expr *Cond = branchCondition(*B))
      T->countConditionReads(Cond);
  T->countWaitCounts(Body);
  Seen.resize(Graph->getNumBlockIDs());
  return true;
}

void Explorer::explorePaths(std::vector<State> Entries) {
  for (State &Entry : Entries)
    push(&Graph->getEntry(), std::move(Entry));
  while (!Work.empty()) {
    auto [B, S] = std::move(Work.front());
    Work.pop_front();
    // Values of a finished full expression do not distinguish paths.
    for (const CFGElement &E : *B)
      if (auto SE = E.getAs<CFGStmt>()) {
        T->enterStatement(S, SE->getStmt());
        break;
      }
    if (Dead)
      Dead->forgetAtEntry(*B, S);
    if (Transient)
      Transient->forget(S);
    if (!Active.empty() && !S.hasPending() && !Active.test(B->getBlockID()))
      continue;
    if (!Seen[B->getBlockID()].insert(S.fingerprint()).second)
      continue;
    if (!spend(1) || !runBlock(*B, std::move(S)))
      return;
  }
}

bool Explorer::calls(const FunctionDecl *Def, llvm::ArrayRef<Role> Roles,
                     llvm::DenseMap<const FunctionDecl *, bool> &Memo,
                     unsigned Depth) {
  return Sh.Model.callsThrough(*Def, Roles, MaxInlineDepth - 1 - Depth, Memo);
}

/// The operands of a call as its callee sees them: the object a method
/// runs on (`r.Close()`, or `f_` in `f_()` calling a lambda), and the
/// arguments its parameters bind to.
struct CallOperands {
  const Expr *Object = nullptr;
  llvm::ArrayRef<const Expr *> Args;
};

static CallOperands operandsOf(const CallExpr *CE) {
  CallOperands Ops;
  Ops.Args = llvm::ArrayRef<const Expr *>(CE->getArgs(), CE->getNumArgs());
  if (const auto *MCE = dyn_cast<CXXMemberCallExpr>(CE)) {
    Ops.Object = MCE->getImplicitObjectArgument();
  } else if (const auto *MD =
                 dyn_cast_or_null<CXXMethodDecl>(CE->getDirectCallee());
             MD && isa<CXXOperatorCallExpr>(CE) && !Ops.Args.empty() &&
             MD->isImplicitObjectMemberFunction()) {
    Ops.Object = Ops.Args.front();
    Ops.Args = Ops.Args.drop_front();
  }
  return Ops;
}

/// The variables lambdas capture that a call can reach: the callee's own
/// captures when it is a lambda's, and those of the lambdas the object
/// holds (a scope guard keeping the lambda it runs at its end). A capture
/// by reference names the caller's variable itself; a copied scalar (a
/// handle, a pointer) starts equal to it.
static void addCaptures(const CXXRecordDecl *RD, unsigned Depth,
                        llvm::SmallVectorImpl<AccessPath> &Out) {
  RD = RD ? RD->getDefinition() : nullptr;
  if (!RD || Depth > 2)
    return;
  if (RD->isLambda()) {
    for (const LambdaCapture &C : RD->captures()) {
      const auto *VD = C.capturesVariable()
                           ? dyn_cast<VarDecl>(C.getCapturedVar())
                           : nullptr;
      // A copied OVERLAPPED or buffer is the lambda's own storage.
      if (VD && (C.getCaptureKind() == LCK_ByRef ||
                 VD->getType()->isScalarType()))
        Out.push_back(AccessPath::variable(VD));
    }
    return;
  }
  for (const FieldDecl *F : RD->fields())
    addCaptures(F->getType()->getAsCXXRecordDecl(), Depth + 1, Out);
}

/// What a call's arguments reach: the objects they point to, the storage
/// they name, a method's object (all of `*this` for a method called on
/// `this`), and what lambdas in reach captured.
static llvm::SmallVector<AccessPath, 8>
reachedByArguments(const CallExpr *CE, const State &S, const AccessPaths &Paths,
                   const FunctionDecl *Callee, const AccessPath *Given) {
  llvm::SmallVector<AccessPath, 8> Reached;
  CallOperands Ops = operandsOf(CE);
  for (unsigned I = 0; I < Ops.Args.size(); ++I) {
    const Expr *Arg = Ops.Args[I];
    ObjectRef O = Paths.objectOf(S, Arg);
    if (O.isKnown())
      Reached.push_back(O.Path);
    // A variable passed by value is copied: the callee cannot reach it.
    bool ByValue = Callee && I < Callee->getNumParams() &&
                   !Callee->getParamDecl(I)->getType()->isReferenceType();
    if (auto L = Paths.lvalueOf(S, Arg); L && !ByValue)
      Reached.push_back(*L);
  }
  if (Given) {
    Reached.push_back(*Given);
  } else if (Ops.Object) {
    if (ObjectRef O = Paths.objectOrPointee(S, Ops.Object); O.isKnown())
      Reached.push_back(O.Path);
  }
  if (Ops.Object) {
    QualType T = Ops.Object->getType();
    if (T->isPointerType())
      T = T->getPointeeType();
    addCaptures(T->getAsCXXRecordDecl(), 0, Reached);
  }
  if (const auto *MD = dyn_cast_or_null<CXXMethodDecl>(Callee))
    addCaptures(MD->getParent(), 0, Reached);
  return Reached;
}

/// Adds what pointers stored in reached storage point to (`ctx->ov =
/// &ov`, a guard built as `Drain d{h, &ov}`), until nothing more is.
template <typename IsReachedFn>
static void reachThroughPointers(const State &S,
                                 llvm::SmallVectorImpl<AccessPath> &Reached,
                                 IsReachedFn IsReached) {
  for (bool Grew = true; Grew && Reached.size() < 64;) {
    Grew = false;
    for (const auto &[P, V] : S.Vars)
      if (V.K == AbsValue::Object && IsReached(P) && !IsReached(V.Referent)) {
        Reached.push_back(V.Referent);
        Grew = true;
      }
  }
}

/// What the call reaches, and what pointers stored there reach in turn.
static llvm::SmallVector<AccessPath, 8>
reachedThroughPointers(const CallExpr *CE, const State &S,
                       const AccessPaths &Paths, const FunctionDecl *Callee,
                       const AccessPath *Given) {
  llvm::SmallVector<AccessPath, 8> Reached =
      reachedByArguments(CE, S, Paths, Callee, Given);
  reachThroughPointers(S, Reached, [&](const AccessPath &P) {
    return llvm::any_of(Reached,
                        [&](const AccessPath &R) { return P.isUnder(R); });
  });
  return Reached;
}

/// Whether the callee can reach a pending request: an argument refers to
/// its OVERLAPPED, handle, buffer or something that holds them, or the
/// request lives in a global.
static bool reachesPendingRequest(const CallExpr *CE, const State &S,
                                  const AccessPaths &Paths,
                                  const FunctionDecl *Callee,
                                  const AccessPath *Given) {
  if (S.Requests.empty())
    return false;
  llvm::SmallVector<AccessPath, 8> Reached =
      reachedThroughPointers(CE, S, Paths, Callee, Given);
  for (const auto &[P, R] : S.Requests) {
    if (R.Overlapped.rootKind() == AccessPath::RootKind::Global ||
        R.Handle.rootKind() == AccessPath::RootKind::Global)
      return true;
    for (const AccessPath &A : Reached)
      if (R.Overlapped.isUnder(A) || R.Handle.isUnder(A) ||
          (R.Buffer && R.Buffer->isUnder(A)) ||
          (R.EventObject && R.EventObject->isUnder(A)))
        return true;
  }
  return false;
}

/// Whether the callee may reach a pending request: it does, or an argument
/// or the object of a method points to storage iodrain cannot name
/// (`m_worker->wait()` through `std::unique_ptr::operator->`).
static bool mayReachPendingRequest(const CallExpr *CE, const State &S,
                                   const AccessPaths &Paths,
                                   const FunctionDecl *Callee,
                                   const AccessPath *Given) {
  if (S.Requests.empty())
    return false;
  if (reachesPendingRequest(CE, S, Paths, Callee, Given))
    return true;
  auto Unnamed = [&](const Expr *E) {
    QualType T = E->getType();
    return (T->isPointerType() || T->isReferenceType() ||
            T->isRecordType()) &&
           !Paths.objectOrPointee(S, E).isKnown();
  };
  CallOperands Ops = operandsOf(CE);
  if (llvm::any_of(Ops.Args, Unnamed))
    return true;
  return !Given && Ops.Object &&
         !isa<CXXThisExpr>(Ops.Object->IgnoreParenImpCasts()) &&
         Unnamed(Ops.Object);
}

/// Splits the caller's state into what a call can see and what it cannot:
/// the requests and values of the caller's own variables that no argument
/// reaches (directly or through pointers stored in what it reaches) are
/// moved to `Hidden`. Equal visible parts then share one summary.
static void splitVisible(const CallExpr *CE, const FunctionDecl *Callee,
                         const State &Caller, State &Visible, State &Hidden,
                         const AccessPaths &Paths, const AccessPath *Given) {
  // The arguments are read in the caller's state: one may be the value of
  // a call in the same expression (`finish(start(h), start(h))`).
  llvm::SmallVector<AccessPath, 8> Reached =
      reachedByArguments(CE, Caller, Paths, Callee, Given);
  auto IsReached = [&](const AccessPath &P) {
    if (P.rootKind() != AccessPath::RootKind::Local &&
        P.rootKind() != AccessPath::RootKind::Param &&
        P.rootKind() != AccessPath::RootKind::Argument)
      return true; // Globals, `this`, call results: anyone may see them.
    return llvm::any_of(Reached,
                        [&](const AccessPath &R) { return P.isUnder(R); });
  };
  reachThroughPointers(Visible, Reached, IsReached);
  auto RequestReached = [&](const Request &R) {
    return IsReached(R.Overlapped) || IsReached(R.Handle) ||
           (R.Buffer && IsReached(*R.Buffer)) ||
           (R.EventObject && IsReached(*R.EventObject));
  };
  for (const auto &[P, R] : Visible.Requests)
    if (!RequestReached(R))
      Hidden.Requests.set(P, R);
  for (const auto &[P, V] : Visible.Vars)
    if (!IsReached(P))
      Hidden.Vars.set(P, V);
  Visible.Requests.eraseIf([&](const AccessPath &P, const Request &) {
    return Hidden.Requests.contains(P);
  });
  Visible.Vars.eraseIf([&](const AccessPath &P, const AbsValue &) {
    return Hidden.Vars.contains(P);
  });
}

/// For a method called on an object other than `this` (`r.Close()`,
/// `p->Start()`): that object's path, which becomes the callee's `this`.
/// None for other calls; an invalid path when the object is unknown.
static std::optional<AccessPath> otherObject(const CallExpr *CE,
                                             const State &S,
                                             const AccessPaths &Paths,
                                             const AccessPath *Given) {
  if (Given)
    return *Given;
  const Expr *Object = operandsOf(CE).Object;
  if (!Object || isa<CXXThisExpr>(Object->IgnoreParenImpCasts()))
    return std::nullopt;
  ObjectRef O = Paths.objectOrPointee(S, Object);
  return O.isKnown() ? O.Path : AccessPath();
}

/// Whether `Def` only returns a pointer to storage it reaches without
/// calling anything but a smart pointer's `get()`: `return m_p;`,
/// `return &ov_;`, `return &p->ov;`, `return m_handle.get();`.
static bool isAccessor(const FunctionDecl &Def) {
  const auto *Body = dyn_cast_or_null<CompoundStmt>(Def.getBody());
  if (!Body || Body->size() != 1 || !Def.getReturnType()->isPointerType())
    return false;
  const auto *RS = dyn_cast<ReturnStmt>(Body->body_front());
  const Expr *Value = RS ? RS->getRetValue() : nullptr;
  return Value && !findStatement(Value, [](const Stmt *S) {
    return (isa<CallExpr>(S) && !AccessPaths::isSmartPointerGet(S)) ||
           isa<CXXConstructExpr, CXXNewExpr, LambdaExpr>(S) ||
           (isa<UnaryOperator>(S) &&
            cast<UnaryOperator>(S)->isIncrementDecrementOp()) ||
           (isa<BinaryOperator>(S) &&
            cast<BinaryOperator>(S)->isAssignmentOp());
  });
}

bool Explorer::inlineCall(const CallExpr *CE, const State &S,
                          const Transfer &Caller, StateList &Out) {
  const FunctionDecl *Def = ApiModel::followedDefinition(CE);
  if (Sh.Functions.size() == 1)
    Sh.CutShort = false;
  if (Sh.Result.StoppedFollowingCalls || !Def || Def->isVariadic() ||
      Def->isDependentContext() ||
      operandsOf(CE).Args.size() != Def->getNumParams())
    return false;
  if (Sh.Functions.size() >= MaxInlineDepth ||
      llvm::is_contained(Sh.Functions, Def)) {
    // Inside a followed call, one that may wait for what the path holds
    // (a guard's destructor calling its own `waitForCompletion()`) cannot
    // be taken for one that leaves it pending.
    if (Sh.Functions.size() > 1 && Sh.Budget.FollowCalls &&
        Sh.Model.callsThrough(*Def, MayWait, 1, Sh.FinishesNear) &&
        mayReachPendingRequest(CE, S, Caller.paths(), Def,
                               Sh.givenObject(CE)))
      Sh.CutShort = true;
    return false;
  }
  // Only functions that (directly or through calls of their own) do what
  // iodrain models are worth following, and only while a request is
  // pending, unless they start one: the others stay unknown calls.
  unsigned Depth = Sh.Functions.size() - 1;
  // An accessor (`OVERLAPPED *get() { return m_p; }`) names the storage a
  // request may use: always followed, it is one statement.
  if (isAccessor(*Def))
    return runAndApply(CE, Def, S, Caller, /*SeesAll=*/false, Out);
  // A helper that reads the last error (`return GetLastError() ==
  // ERROR_IO_PENDING;`) tells its caller which outcome the path is on. It
  // is followed even when other calls are not: it is small, and without
  // it the pending path and the failed one mix.
  if (S.LastError.K != AbsValue::Unknown && !S.Requests.empty() &&
      calls(Def, {Role::LastError}, Sh.ReadsLastError, Depth) &&
      !calls(Def, Modelled, Sh.Relevant, Depth))
    return runAndApply(CE, Def, S, Caller, /*SeesAll=*/false, Out);
  if (!Sh.Budget.FollowCalls)
    return followSmallHelper(CE, Def, S, Caller, Out);
  // A destructor may finish a request in its members' destructors, which
  // its body does not call (followDestructor asked).
  if (!Sh.givenObject(CE) && !calls(Def, Modelled, Sh.Relevant, Depth))
    return false;
  // A dequeue or an alertable wait may complete any request, reached or
  // not: then the callee sees them all.
  static const Role CompletesAny[] = {Role::Dequeue, Role::AlertableSleep,
                                      Role::WaitObjects};
  bool SeesAll =
      !S.Requests.empty() && calls(Def, CompletesAny, Sh.CompletesAny, Depth);
  if (SeesAll || calls(Def, {Role::Issue}, Sh.Issues, Depth) ||
      reachesPendingRequest(CE, S, Caller.paths(), Def, Sh.givenObject(CE)))
    return runAndApply(CE, Def, S, Caller, SeesAll, Out);
  // A helper that joins a thread tells the path that the thread's
  // requests are over, even while the path holds none of its own; on a
  // small budget of its own (one with many branches stays unknown).
  if (!joinsThreads(Def, Depth))
    return false;
  if (Sh.JoinVisitsLeft) // Inside another such helper: on its budget.
    return runAndApply(CE, Def, S, Caller, /*SeesAll=*/false, Out);
  unsigned SavedCallVisits = Sh.CallVisits;
  Sh.JoinVisitsLeft = MaxJoinHelperVisits;
  Sh.JoinHelperGaveUp = false;
  bool Ran = runAndApply(CE, Def, S, Caller, /*SeesAll=*/false, Out);
  Sh.JoinVisitsLeft.reset();
  if (Sh.JoinHelperGaveUp) {
    Sh.CallVisits = SavedCallVisits;
    Sh.JoinHelperGaveUp = false;
    return false;
  }
  return Ran;
}

bool Explorer::joinsThreads(const FunctionDecl *Def, unsigned Depth) {
  const TranslationUnitFacts *Facts = Sh.Unit.Facts;
  if (!Facts || !Facts->threadsAndIssues() || !Def->getBody())
    return false;
  auto [It, New] = Sh.JoinsThreads.try_emplace({Def, Depth}, false);
  if (!New)
    return It->second;
  bool Joins = findStatement(Def->getBody(), [&](const Stmt *St) {
                 const auto *C = dyn_cast<CallExpr>(St);
                 if (!C)
                   return false;
                 const FunctionRule *R = Sh.Model.lookupCall(C);
                 if (R && R->FunctionRole == Role::WaitObject) {
                   const Expr *Object = nullptr;
                   if (R->Object.K == ArgRef::This) {
                     if (const auto *M = dyn_cast<CXXMemberCallExpr>(C))
                       Object = M->getImplicitObjectArgument();
                   } else if (R->Object.K == ArgRef::Index &&
                              R->Object.Position <= C->getNumArgs()) {
                     Object = C->getArg(R->Object.Position - 1);
                   }
                   return Object &&
                          !Facts->threadsStartedInto(Object).empty();
                 }
                 const FunctionDecl *G = ApiModel::followedDefinition(C);
                 return !R && G && G != Def && Depth + 1 < MaxInlineDepth &&
                        joinsThreads(G, Depth + 1);
               }) != nullptr;
  Sh.JoinsThreads[{Def, Depth}] = Joins;
  return Joins;
}

bool Explorer::destructorMayFinish(const CXXDestructorDecl *Dtor,
                                   unsigned Depth) {
  // One that only closes and frees is applied as those effects
  // (DestructorEffects.h), which name the object destroyed.
  const FunctionDecl *Def = nullptr;
  if (!Dtor || !Dtor->hasBody(Def) || !Def)
    return false;
  if (calls(Def, MayWait, Sh.DestructorFinishes, Sh.Functions.size() - 1))
    return true;
  // Its members' and bases' destructors run at its end.
  return partsMayFinish(Dtor->getParent(), Depth);
}

bool Explorer::partsMayFinish(const CXXRecordDecl *RD, unsigned Depth) {
  RD = RD ? RD->getDefinition() : nullptr;
  if (!RD || Depth >= 2)
    return false;
  llvm::SmallVector<QualType, 8> Parts;
  for (const FieldDecl *F : RD->fields())
    Parts.push_back(F->getType());
  for (const CXXBaseSpecifier &Base : RD->bases())
    Parts.push_back(Base.getType());
  return llvm::any_of(Parts, [&](QualType T) {
    if (const CXXDestructorDecl *Dtor = ImplicitCalls::writtenDestructor(T))
      return destructorMayFinish(Dtor, Depth + 1);
    // An implicit destructor only runs its parts'.
    const CXXRecordDecl *Part = T->getAsCXXRecordDecl();
    return Part && Part->hasDefinition() && !Part->isInStdNamespace() &&
           !Part->hasTrivialDestructor() && partsMayFinish(Part, Depth + 1);
  });
}

bool Explorer::followsConstructor(const CXXConstructExpr *CCE) {
  const FunctionDecl *Def = ApiModel::followedConstructor(CCE);
  // Only a constructor that may start I/O decides what follows.
  return Sh.Budget.FollowCalls && Sh.Functions.size() < MaxInlineDepth &&
         Def && calls(Def, {Role::Issue}, Sh.Issues, Sh.Functions.size() - 1);
}

const Stmt *Explorer::constructionSite(const CXXConstructExpr *CCE) {
  if (!Parents || !ApiModel::followedConstructor(CCE))
    return nullptr;
  // Up through what only moves the object into place (`W w = W(h);`).
  const Stmt *Site = CCE;
  do
    Site = Parents->getParentIgnoreParenImpCasts(const_cast<Stmt *>(Site));
  while (isa_and_nonnull<ExprWithCleanups, MaterializeTemporaryExpr,
                         CXXBindTemporaryExpr, CXXFunctionalCastExpr>(Site) ||
         (isa_and_nonnull<CXXConstructExpr>(Site) &&
          cast<CXXConstructExpr>(Site)->isElidable()));
  if (const auto *DS = dyn_cast_or_null<DeclStmt>(Site)) {
    const auto *VD = DS->isSingleDecl()
                         ? dyn_cast<VarDecl>(DS->getSingleDecl())
                         : nullptr;
    if (!VD || !VD->hasLocalStorage() || VD->getType()->isReferenceType() ||
        !VD->getType()->isRecordType() || !VD->getInit() ||
        ApiModel::withoutCopies(VD->getInit()) != CCE)
      return nullptr;
  } else if (const auto *NE = dyn_cast_or_null<CXXNewExpr>(Site)) {
    if (NE->isArray() || NE->getConstructExpr() != CCE)
      return nullptr;
  } else if (Site) {
    return nullptr;
  } else {
    // Outside the body: an initializer of the analysed constructor.
    const auto *Ctor = dyn_cast<CXXConstructorDecl>(&FD);
    if (!Ctor || llvm::none_of(Ctor->inits(), [&](const CXXCtorInitializer *I) {
          return I->isWritten() && ApiModel::withoutCopies(I->getInit()) == CCE;
        }))
      return nullptr;
    Site = CCE;
  }
  return followsConstructor(CCE) ? Site : nullptr;
}

const CXXConstructExpr *Explorer::constructedAt(const Stmt *St) {
  const CXXConstructExpr *CCE = nullptr;
  if (const auto *DS = dyn_cast<DeclStmt>(St); DS && DS->isSingleDecl())
    if (const auto *VD = dyn_cast<VarDecl>(DS->getSingleDecl());
        VD && VD->getInit())
      CCE = dyn_cast<CXXConstructExpr>(ApiModel::withoutCopies(VD->getInit()));
  if (const auto *NE = dyn_cast<CXXNewExpr>(St))
    CCE = NE->getConstructExpr();
  return CCE && constructionSite(CCE) == St ? CCE : nullptr;
}

const CXXConstructExpr *Explorer::madeUniqueAt(const Stmt *St) {
  const auto *Call = dyn_cast<CallExpr>(St);
  const CXXConstructExpr *Made = Call ? ApiModel::madeUnique(Call) : nullptr;
  return Made && followsConstructor(Made) ? Made : nullptr;
}

void Explorer::construct(const Stmt *Site, const CXXConstructExpr *CCE,
                         State S, StateList &Out) {
  llvm::SmallVector<const Expr *, 4> Args(CCE->arguments());
  // A `new` object is named by the constructor call made for it; each
  // evaluation of the new-expression makes another one.
  const auto *NE = dyn_cast<CXXNewExpr>(Site);
  AccessPath Object =
      NE ? AccessPath::callResult(Sh.Implicit.at(
               CCE->getConstructor(), Site, CCE->getBeginLoc(), Args))
         : AccessPath::variable(
               cast<VarDecl>(cast<DeclStmt>(Site)->getSingleDecl()));
  if (constructAt(Site, CCE, Args, Object, NE, S, Out))
    return;
  T->constructorKeepsArguments(CCE, S);
  Out.push_back(std::move(S));
}

bool Explorer::constructAt(const Stmt *Site, const CXXConstructExpr *CCE,
                           llvm::ArrayRef<const Expr *> Args,
                           const AccessPath &Object, const Expr *Made,
                           State &S, StateList &Out) {
  const CallExpr *Call =
      Sh.Implicit.at(CCE->getConstructor(), Site, CCE->getBeginLoc(), Args);
  State Entry = S;
  if (Made)
    Entry.retire(Object, Made);
  llvm::SmallVector<State, 4> Built;
  bool Followed;
  {
    llvm::SaveAndRestore Given(Sh.ImplicitCall, Call);
    llvm::SaveAndRestore On(Sh.ImplicitObject, Object);
    Followed = inlineCall(Call, Entry, *T, Built);
  }
  if (!Followed)
    return false;
  for (State &B : Built) {
    if (Made)
      B.Exprs[Made] = AbsValue::object(Object);
    Out.push_back(std::move(B));
  }
  return true;
}

bool Explorer::initializeByConstructor(const CXXCtorInitializer *Init,
                                       State &S, StateList &Out) {
  const auto *CCE = dyn_cast_or_null<CXXConstructExpr>(
      ApiModel::withoutCopies(Init->getInit()));
  if (!CCE || constructionSite(CCE) != CCE)
    return false;
  // A member is built in place; a base or delegated-to constructor builds
  // the analysed object itself.
  AccessPath Object = Init->getMember()
                          ? AccessPath::thisObject().field(Init->getMember())
                          : AccessPath::thisObject();
  if (Init->isIndirectMemberInitializer())
    return false;
  llvm::SmallVector<const Expr *, 4> Args(CCE->arguments());
  return constructAt(CCE, CCE, Args, Object, nullptr, S, Out);
}

bool Explorer::followDestructor(QualType Type, const AccessPath &Object,
                                const void *Site, SourceLocation Loc,
                                const State &S, StateList &Out) {
  if (S.Requests.empty() || !Object.isValid())
    return false;
  const CXXDestructorDecl *Dtor = ImplicitCalls::writtenDestructor(Type);
  if (!Dtor) {
    // An implicit destructor runs its members' and bases' destructors
    // only; when one of those may wait, what the object holds is taken
    // to be finished (not followed is not taken for left pending).
    const CXXRecordDecl *RD = Type->getAsCXXRecordDecl();
    if (!RD || !RD->hasDefinition() || RD->isInStdNamespace() ||
        RD->hasTrivialDestructor() || !partsMayFinish(RD, 0))
      return false;
    State Finished = S;
    Finished.Requests.eraseIf([&](const AccessPath &, const Request &R) {
      return R.Overlapped.isUnder(Object) || R.Handle.isUnder(Object) ||
             (R.Buffer && R.Buffer->isUnder(Object));
    });
    Out.push_back(std::move(Finished));
    return true;
  }
  if (!destructorMayFinish(Dtor, 0))
    return false;
  const CallExpr *Call = Sh.Implicit.at(Dtor, Site, Loc);
  llvm::SaveAndRestore Given(Sh.ImplicitCall, Call);
  llvm::SaveAndRestore On(Sh.ImplicitObject, Object);
  if (inlineCall(Call, S, *T, Out))
    return true;
  // Not followed (too deep, recursive, cut short, out of budget): it may
  // have waited for what the object reaches, which then no longer counts
  // as pending, nor is it reported.
  llvm::SmallVector<AccessPath, 8> Reached = reachedThroughPointers(
      Call, S, T->paths(), ApiModel::followedDefinition(Call), &Object);
  State Finished = S;
  Finished.Requests.eraseIf([&](const AccessPath &, const Request &R) {
    return llvm::any_of(Reached, [&](const AccessPath &A) {
      return R.Overlapped.isUnder(A) || R.Handle.isUnder(A) ||
             (R.Buffer && R.Buffer->isUnder(A));
    });
  });
  Out.push_back(std::move(Finished));
  return true;
}

bool Explorer::followSmallHelper(const CallExpr *CE, const FunctionDecl *Def,
                                 const State &S, const Transfer &Caller,
                                 StateList &Out) {
  // Without FollowCalls, a small helper of the analysed function that
  // cancels, waits, closes or frees what a pending request uses is still
  // run: whether it waited (`if (!wait_for_pipe(h, &ov, 500)) return
  // FALSE;`) decides the caller's paths, and an unknown call would let the
  // request escape. It starts nothing and is not run through its own
  // calls, so the cost stays with the calls that touch a pending request.
  static const Role Finishes[] = {
      Role::Cancel, Role::WaitOverlapped, Role::WaitObject,  Role::Close,
      Role::Free,   Role::Dequeue,        Role::AlertableSleep, Role::WaitObjects,
      Role::CompleteAll};
  static const Role Widens[] = {Role::Issue, Role::Transfer};
  // A helper that dequeues or waits alertably or on several objects may
  // complete any request (a port's loop that resumes coroutines): it sees
  // them all, like a followed call that does.
  static const Role CompletesAny[] = {Role::Dequeue, Role::AlertableSleep,
                                      Role::WaitObjects};
  if (Sh.Functions.size() != 1) {
    // A call inside a running small helper stays an unknown call. If it
    // may finish one of the requests (winpty's `closePipe` calls each
    // worker's `waitForCanceledIo`), the helper's closes and frees after
    // it would be reported: the helper is then not run at all.
    // (A helper summarised as effects is applied as those effects.)
    if (!Sh.Model.lookupCall(CE) &&
        calls(Def, Modelled, Sh.Relevant, Sh.Functions.size() - 1) &&
        mayReachPendingRequest(CE, S, Caller.paths(), Def,
                               Sh.givenObject(CE)))
      Sh.SmallHelperGaveUp = true;
    return false;
  }
  if (!Sh.Model.callsThrough(*Def, Finishes, 0, Sh.FinishesDirectly) ||
      Sh.Model.callsThrough(*Def, Widens, MaxInlineDepth - 1, Sh.Widens))
    return false;
  bool SeesAll =
      Sh.Model.callsThrough(*Def, CompletesAny, 0, Sh.CompletesAnyDirectly);
  if (!SeesAll && !reachesPendingRequest(CE, S, Caller.paths(), Def,
                                         Sh.givenObject(CE)))
    return false;
  llvm::SaveAndRestore Limit(Sh.InlinedBlockLimit, MaxSmallHelperBlocks);
  llvm::SaveAndRestore Small(Sh.RunningSmallHelper, true);
  Sh.SmallHelperGaveUp = false;
  return runAndApply(CE, Def, S, Caller, SeesAll, Out);
}

/// The variables of `Def` itself (its parameters and locals) that `S`
/// names: what an earlier call of `Def` left under those names.
static llvm::SmallVector<AccessPath, 2> frameRoots(const State &S,
                                                   const FunctionDecl *Def) {
  llvm::SmallVector<AccessPath, 2> Roots;
  mentions(S, [&](const AccessPath &P) {
    if (P.rootKind() != AccessPath::RootKind::Local &&
        P.rootKind() != AccessPath::RootKind::Param)
      return false;
    const auto *VD = static_cast<const VarDecl *>(P.root());
    if (VD->getDeclContext() == Def &&
        llvm::none_of(Roots, [&](const AccessPath &R) { return P.isUnder(R); }))
      Roots.push_back(AccessPath::variable(VD));
    return false;
  });
  return Roots;
}

bool Explorer::runAndApply(const CallExpr *CE, const FunctionDecl *Def,
                           const State &Incoming, const Transfer &Caller,
                           bool SeesAll, StateList &Out) {
  // Each call has new variables: an object an earlier call allocated and
  // returned (`p = CreatePipeConnection()` in a loop), with its request,
  // lives on under a retired name instead of meeting this call's object.
  std::optional<State> Renewed;
  if (auto Roots = frameRoots(Incoming, Def); !Roots.empty()) {
    Renewed = Incoming;
    for (const AccessPath &Root : Roots)
      Renewed->retire(Root, CE);
  }
  const State &S = Renewed ? *Renewed : Incoming;
  // The callee starts from the part of the caller's state it can see, its
  // parameters bound to what the arguments refer to.
  State Entry = S;
  Entry.Exprs.clear();
  Entry.CurrentFullExpr = nullptr;
  const AccessPaths &Paths = Caller.paths();
  State Hidden;
  splitVisible(CE, Def, S, Entry, Hidden, Paths, Sh.givenObject(CE));
  if (SeesAll) {
    for (const auto &[P, R] : Hidden.Requests)
      Entry.Requests.set(P, R);
    Hidden.Requests = {};
  }
  // A method of another object: that object is the callee's `this`, and
  // the caller's own `this` is out of its sight (set aside, put back).
  std::optional<AccessPath> Object =
      otherObject(CE, S, Paths, Sh.givenObject(CE));
  const AccessPath This = AccessPath::thisObject();
  if (Object) {
    if (!Object->isValid())
      return false;
    auto CallersThis = [&](const AccessPath &P) {
      return P.isUnder(This) && !P.isUnder(*Object);
    };
    for (const auto &[P, V] : Entry.Vars)
      if (CallersThis(P))
        Hidden.Vars.set(P, V);
    for (const auto &[P, R] : Entry.Requests)
      if (CallersThis(R.Overlapped))
        Hidden.Requests.set(P, R);
    Entry.Vars.eraseIf(
        [&](const AccessPath &P, const AbsValue &) { return CallersThis(P); });
    Entry.Requests.eraseIf([&](const AccessPath &, const Request &R) {
      return CallersThis(R.Overlapped);
    });
    // What is left must not name the caller's `this`: to the callee, that
    // name is its own object.
    if (mentions(Entry, CallersThis))
      return false;
    Entry = renamed(Entry, [&](const AccessPath &P) {
      return P.rebased(*Object, This);
    });
  }
  // What each parameter is bound to, in the caller's names.
  llvm::SmallVector<AbsValue, 4> Bound(Def->getNumParams());
  llvm::ArrayRef<const Expr *> Args = operandsOf(CE).Args;
  for (unsigned I = 0; I < Def->getNumParams(); ++I) {
    const ParmVarDecl *P = Def->getParamDecl(I);
    const Expr *Arg = Args[I];
    AbsValue &V = Bound[I];
    if (P->getType()->isReferenceType()) {
      if (auto Path = Paths.lvalueOf(S, Arg))
        V = AbsValue::object(*Path);
    } else if (P->getType()->isPointerType()) {
      ObjectRef O = Paths.objectOf(S, Arg);
      V = O.isKnown() ? AbsValue::object(O.Path) : Caller.valueOf(S, Arg);
      if (O.isKnown())
        V.SyncHandle = Caller.valueOf(S, Arg).SyncHandle;
    } else if (P->getType()->isIntegralOrEnumerationType()) {
      V = Caller.valueOf(S, Arg);
    }
    if (Object && V.K == AbsValue::Object)
      V.Referent = V.Referent.rebased(*Object, This).value_or(V.Referent);
  }
  // The caller's storage a parameter reaches is named after the parameter
  // (`*req` of `uv_fs_read` becomes `(*w)*` of `uv__fs_work`), so that
  // calls from other functions with equal-looking objects share the
  // summary.
  auto CallerOwned = [&](const AccessPath &P) {
    if (P.rootKind() == AccessPath::RootKind::CallResult)
      return true;
    if (P.rootKind() != AccessPath::RootKind::Local &&
        P.rootKind() != AccessPath::RootKind::Param &&
        P.rootKind() != AccessPath::RootKind::Argument)
      return false;
    return static_cast<const VarDecl *>(P.root())->getDeclContext() != Def;
  };
  Renaming Names;
  for (unsigned I = 0; I < Def->getNumParams(); ++I) {
    const ParmVarDecl *P = Def->getParamDecl(I);
    if (Bound[I].K != AbsValue::Object ||
        !(P->getType()->isPointerType() || P->getType()->isReferenceType()))
      continue;
    AccessPath Whole = Bound[I].Referent.enclosingObject();
    if (!CallerOwned(Whole) || Names.toCallee(Whole))
      continue;
    if (mentions(Entry, [&](const AccessPath &Q) {
          return Whole.isUnder(Q.enclosingObject()) && !(Q.enclosingObject() == Whole);
        }))
      continue; // Named as part of something larger: keep the caller's name.
    // A root the callee cannot name itself (it may move `P` on: `c =
    // c->next`). Storage behind a pointer stays behind one (calls may
    // change it); the caller's own variables stay variables.
    AccessPath Named = AccessPath::argument(P);
    Names.add(Whole, Whole.isShared() ? Named.deref() : Named);
  }
  if (!Names.empty())
    Entry = renamed(Entry, [&](const AccessPath &P) { return Names.toCallee(P); });
  for (unsigned I = 0; I < Def->getNumParams(); ++I) {
    AbsValue V = Bound[I];
    if (V.K == AbsValue::Object)
      V.Referent = Names.toCallee(V.Referent).value_or(V.Referent);
    if (V.K != AbsValue::Unknown)
      Entry.Vars.set(AccessPath::variable(Def->getParamDecl(I)), V);
  }

  // The summary key: what the callee sees, and either the call site with
  // the calls that led to it, or (for an entry that names nothing of the
  // caller) what else decides how the callee runs.
  StateFingerprint Local = Entry.fingerprint();
  Sh.Calls.push_back(CE);
  for (const CallExpr *C : Sh.Calls) {
    Local.A = llvm::hash_combine(Local.A, C);
    Local.B = llvm::hash_combine(Local.B, C, 1);
  }
  Sh.Calls.pop_back();
  bool Shareable = Sh.Unit.Summaries && !mentions(Entry, CallerOwned);

  StateFingerprint Unit = Entry.fingerprint();
  if (Shareable) {
    llvm::hash_code H = llvm::hash_combine(
        Def, Sh.Functions.size(), Sh.RunningSmallHelper, Sh.InlinedBlockLimit,
        Sh.RootHandlesPending, SeesAll);
    for (size_t I = 1; I < Sh.Functions.size(); ++I)
      H = llvm::hash_combine(H, Sh.Functions[I]);
    if (callsRoot(Def))
      H = llvm::hash_combine(H, Sh.Functions.front());
    for (const auto &[P, R] : Entry.Requests)
      H = llvm::hash_combine(H, R.View.CancelCall, R.View.ReceivedWith,
                             R.View.TreatedAsSynchronous, R.View.SuspendedIn,
                             R.View.Imported,
                             R.ReceivedIn ? R.ReceivedIn->hash() : 0);
    Unit.A = llvm::hash_combine(Unit.A, H);
    Unit.B = llvm::hash_combine(Unit.B, H, 2);
  }

  const CallSummary *Summary = nullptr;
  bool Replay = false;
  if (Shareable && (Summary = Sh.Unit.Summaries->find(Unit)))
    Replay = true;

  if (!Summary)
    if (auto Known = Sh.Summaries.find(Local); Known != Sh.Summaries.end()) {
      // Its events for this visible state were heard when it was made, at
      // this same call site.
      Summary = &Known->second;
      ++Sh.LocalReuses;
    }
  // A call that ran out of the budget for calls in another function would
  // again with no more budget left: it stops following calls at once.
  unsigned Left = Sh.Budget.MaxBlockVisits / 4 -
                  std::min(Sh.CallVisits, Sh.Budget.MaxBlockVisits / 4);
  if (!Summary && Shareable && Sh.Unit.Summaries->isTooCostly(Unit, Left)) {
    Sh.Result.StoppedFollowingCalls = true;
    return false;
  }
  if (!Summary) {
    CallSummary Made;
    unsigned Reuses = Sh.LocalReuses;
    bool WasStopped = Sh.Result.StoppedFollowingCalls;
    EntryTails Tails(Entry);
    Shareable = Shareable && !Tails.ambiguous();
    if (!summarize(CE, Def, std::move(Entry), Names, Tails, Shareable,
                   Made)) {
      if (Shareable && !WasStopped && Sh.Result.StoppedFollowingCalls)
        Sh.Unit.Summaries->tooCostly(Unit, Left);
      return false;
    }
    if (Shareable && Sh.LocalReuses == Reuses) {
      Sh.Unit.Summaries->insert(Unit, std::move(Made));
      Summary = Sh.Unit.Summaries->find(Unit);
    } else {
      if (Sh.Summaries.size() >= MaxSummaries)
        Sh.Summaries.clear();
      Summary = &Sh.Summaries.emplace(Local, std::move(Made)).first->second;
    }
  }

  auto ToCaller = [&](const AccessPath &P) -> std::optional<AccessPath> {
    AccessPath Q = Names.callerName(P);
    if (Object)
      if (auto R = Q.rebased(This, *Object))
        return R;
    return Q == P ? std::nullopt : std::optional<AccessPath>(Q);
  };
  // A request the call received is explained by the caller's path to it.
  auto Before = [&](const AccessPath &EntryKey) {
    return S.Requests.find(ToCaller(EntryKey).value_or(EntryKey));
  };
  if (Replay) {
    Sh.Calls.push_back(CE);
    for (const RecordedEvent &R : Summary->Events)
      replay(R, Sh.Calls, Before, Sh.Observers);
    Sh.Calls.pop_back();
  }
  for (const SummaryExit &E : Summary->Exits) {
    State X = renamed(E.Exit, ToCaller);
    for (const ContinuedRequest &C : E.Continued) {
      const Request *Was = Before(C.AtEntry);
      AccessPath Key = ToCaller(C.AtExit).value_or(C.AtExit);
      const Request *Now = X.Requests.find(Key);
      if (!Was || !Now)
        continue;
      Request Q = *Now;
      Q.View.Steps = Was->View.Steps;
      Q.View.Steps.append(C.Added);
      X.Requests.set(Key, std::move(Q));
    }
    for (const auto &[P, V] : Hidden.Vars)
      X.Vars.set(P, V);
    for (const auto &[P, R] : Hidden.Requests)
      X.Requests.set(P, R);
    X.Exprs = S.Exprs;
    X.CurrentFullExpr = S.CurrentFullExpr;
    AbsValue Result = E.Result;
    if (Result.K == AbsValue::Object)
      Result.Referent = ToCaller(Result.Referent).value_or(Result.Referent);
    X.Exprs[CE] = Result;
    Out.push_back(std::move(X));
  }
  return true;
}

bool Explorer::callsRoot(const FunctionDecl *Def) {
  const FunctionDecl *Root = Sh.Functions.front();
  unsigned Levels = MaxInlineDepth - Sh.Functions.size();
  std::function<bool(const FunctionDecl *, unsigned)> Calls =
      [&](const FunctionDecl *F, unsigned Left) {
        if (F == Root)
          return true;
        if (!Left || !F->getBody())
          return false;
        return findStatement(F->getBody(), [&](const Stmt *St) {
                 const auto *C = dyn_cast<CallExpr>(St);
                 const FunctionDecl *G =
                     C ? ApiModel::followedDefinition(C) : nullptr;
                 return G && Calls(G, Left - 1);
               }) != nullptr;
      };
  auto [It, New] = Sh.CallsRoot.try_emplace(Def, false);
  if (New)
    It->second = Calls(Def, Levels);
  return It->second;
}

bool Explorer::summarize(const CallExpr *CE, const FunctionDecl *Def,
                         State Entry, const Renaming &Names,
                         const EntryTails &Tails, bool Record,
                         CallSummary &Summary) {
  Explorer Walk(*Def, Sh);
  std::vector<State> Exits;
  // Events heard while it runs are kept, to be heard again where another
  // function applies the summary.
  EventRecorder Recorder(Sh.Observers, Tails, Sh.Calls.size(),
                         Summary.Events);
  AnalysisObserver *RecorderPtr = &Recorder;
  llvm::SaveAndRestore Listeners(
      Sh.Observers, Record ? llvm::ArrayRef<AnalysisObserver *>(RecorderPtr)
                           : Sh.Observers);
  Sh.Functions.push_back(Def);
  Sh.Calls.push_back(CE);
  bool Ran = Walk.runCall(CE, std::move(Entry), Exits);
  Sh.Functions.pop_back();
  Sh.Calls.pop_back();
  if (!Ran || (Sh.RunningSmallHelper && Sh.SmallHelperGaveUp) || Sh.CutShort ||
      Sh.JoinHelperGaveUp)
    return false;

  AccessPath Result = AccessPath::callResult(CE);
  auto OwnedByCallee = [&](const AccessPath &P) {
    if (P == Result)
      return true;
    const auto *VD = P.rootKind() == AccessPath::RootKind::Local ||
                             P.rootKind() == AccessPath::RootKind::Param
                         ? static_cast<const VarDecl *>(P.root())
                         : nullptr;
    // The caller's storage under a parameter's name is the caller's.
    return VD && VD->getDeclContext() == Def && !Names.toCaller(P);
  };
  for (State &X : Exits) {
    const AbsValue *Returned = X.Vars.find(Result);
    AbsValue V = Returned ? *Returned : AbsValue::unknown();
    // What the callee did to globals and memory behind pointers is
    // forgotten, as for an unknown call, so that its paths merge; only its
    // effect on requests, the last error, its result and the fields some
    // condition of the unit tests (flags such as `watch->is_active`) come
    // back.
    X.Vars.eraseIf([&](const AccessPath &P, const AbsValue &) {
      if (OwnedByCallee(P))
        return true;
      AccessPath C = Names.callerName(P);
      if (!C.isShared())
        return false;
      if (Sh.Unit.Facts && X.holdsLiveHandle(P))
        return false;

      if (!Sh.Unit.Facts || C.rootKind() == AccessPath::RootKind::Global ||
          !Sh.Unit.Facts->isTestedField(C))
        return true;
      // A plain field no test deciding about I/O reads is not kept.
      const FieldDecl *F = TransientFields::plainMember(C, *Sh.Unit.Facts);
      return F && !Sh.Unit.Facts->mayCorrelate(F);
    });
    X.SyncHandles.eraseIf(
        [&](const AccessPath &P, const bool &) { return OwnedByCallee(P); });
    X.Exprs.clear();
    X.CurrentFullExpr = nullptr;
    SummaryExit E{std::move(X), std::move(V), {}};
    for (const auto &[P, R] : E.Exit.Requests) {
      std::vector<PathStep> Added;
      if (auto From = Tails.continues(R.View, Added))
        E.Continued.push_back({P, *From, std::move(Added)});
    }
    Summary.Exits.push_back(std::move(E));
  }
  return true;
}

bool Explorer::runCall(const CallExpr *CallSite, State Entry,
                       std::vector<State> &ExitStates) {
  Call = CallSite;
  Exits = &ExitStates;
  std::string SavedReason = Sh.Result.Reason;
  if (!prepare(std::min<unsigned>(Sh.Budget.MaxCfgBlocks, Sh.InlinedBlockLimit))) {
    Sh.Result.Reason = SavedReason;
    return false;
  }
  std::vector<State> Entries;
  Entries.push_back(std::move(Entry));
  explorePaths(std::move(Entries));
  // A run cut short by the budget for calls leaves the call unknown.
  return !Sh.Result.StoppedFollowingCalls;
}

AnalysisResult Explorer::run() {
  for (AnalysisObserver *O : Sh.Observers)
    O->onFunctionBegin(FD);
  AnalysisResult &Result = Sh.Result;
  const Stmt *Body = FD.getBody();
  if (!Body) {
    Result.Outcome = AnalysisResult::NotApplicable;
    Result.Reason = "no body";
  } else if (FD.isDependentContext()) {
    Result.Outcome = AnalysisResult::NotApplicable;
    Result.Reason = "templated; its instantiations are analysed";
  } else if (!prepare(Sh.Budget.MaxCfgBlocks)) {
    Result.Outcome = AnalysisResult::Skipped;
  } else {
    Sh.RootHandlesPending = handlesPending(*Body, Sh.Model, Ctx);
    T->setHandlesPending(Sh.RootHandlesPending);
    Sh.Functions.push_back(&FD);
    std::vector<State> Entries{State()};
    Entries.insert(Entries.end(), Sh.Unit.EntryStates.begin(),
                   Sh.Unit.EntryStates.end());
    explorePaths(std::move(Entries));
    Sh.Functions.pop_back();
  }
  // The transfer functions and the CFG die with the explorer; observers
  // must have copied what they report before this returns.
  for (AnalysisObserver *O : Sh.Observers)
    O->onFunctionEnd(FD, Result);
  return Result;
}

} // namespace

AnalysisResult explore(const FunctionDecl &FD, ASTContext &Ctx,
                       const ApiModel &Model, const AnalysisBudget &Budget,
                       llvm::ArrayRef<AnalysisObserver *> Observers,
                       const UnitContext *Unit) {
  static const UnitContext None;
  Shared Sh(Ctx, Model, Budget, Observers, Unit ? *Unit : None);
  return Explorer(FD, Sh).run();
}

} // namespace iodrain
