//===- PathExplorer.cpp - The worklist over (block, state) pairs ----------===//

#include "PathExplorer.h"
#include "Transfer.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ParentMap.h"
#include "clang/AST/Stmt.h"
#include "clang/Analysis/CFG.h"
#include <deque>
#include <unordered_map>
#include <unordered_set>

using namespace clang;

namespace iodrain {
namespace {

/// Why clang could not build the CFG of `Body`, when iodrain can tell.
std::string whyNoCfg(const Stmt *Body) {
  llvm::SmallVector<const Stmt *, 16> Work{Body};
  while (!Work.empty()) {
    const Stmt *S = Work.pop_back_val();
    if (!S)
      continue;
    if (isa<SEHFinallyStmt>(S))
      return "clang builds no control-flow graph for a '__finally' block";
    for (const Stmt *Child : S->children())
      Work.push_back(Child);
  }
  return "clang could not build its control-flow graph";
}

/// Collects the outcomes of one step, keeping one copy of equal states.
class DistinctStates {
public:
  void add(State S) {
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
  llvm::SmallVector<const Stmt *, 32> Work{&Body};
  while (!Work.empty()) {
    const Stmt *S = Work.pop_back_val();
    if (!S)
      continue;
    if (const auto *CE = dyn_cast<CallExpr>(S))
      if (const FunctionRule *R = Model.lookupCall(CE))
        if (R->FunctionRole != Role::Issue && R->FunctionRole != Role::Close &&
            R->FunctionRole != Role::Free && R->FunctionRole != Role::Open &&
            R->FunctionRole != Role::Create &&
            R->FunctionRole != Role::LastError &&
            R->FunctionRole != Role::DumpState)
          return true;
    if (const auto *ME = dyn_cast<MemberExpr>(S))
      if (ME->getMemberDecl()->getName() == "Internal")
        return true;
    if (const auto *IL = dyn_cast<IntegerLiteral>(S))
      if (IL->getValue() == 997) // ERROR_IO_PENDING, WSA_IO_PENDING
        return true;
    for (const Stmt *Child : S->children())
      Work.push_back(Child);
  }
  return false;
}

class Explorer {
public:
  Explorer(const FunctionDecl &FD, ASTContext &Ctx, const ApiModel &Model,
           const AnalysisBudget &Budget,
           llvm::ArrayRef<AnalysisObserver *> Observers)
      : FD(FD), Ctx(Ctx), Model(Model), Budget(Budget),
        Observers(Observers) {}

  AnalysisResult run();

private:
  AnalysisResult explorePaths();
  bool runBlock(const CFGBlock &B, State S);
  void apply(const CFGElement &E, State S, DistinctStates &Out);
  void branch(const CFGBlock &B, State S);
  void push(const CFGBlock *B, State S);
  bool spend(unsigned Visits);
  const Expr *branchCondition(const CFGBlock &B) const;

  const FunctionDecl &FD;
  ASTContext &Ctx;
  const ApiModel &Model;
  const AnalysisBudget &Budget;
  llvm::ArrayRef<AnalysisObserver *> Observers;
  std::unique_ptr<CFG> Graph;
  std::unique_ptr<ParentMap> Parents;
  std::unique_ptr<Transfer> T;
  std::deque<std::pair<const CFGBlock *, State>> Work;
  std::vector<std::unordered_set<StateFingerprint, FingerprintHash>> Seen;
  AnalysisResult Result;
};

const Expr *Explorer::branchCondition(const CFGBlock &B) const {
  const Stmt *Cond = B.getTerminatorCondition(/*StripParens=*/false);
  const auto *E = dyn_cast_or_null<Expr>(Cond);
  // In `a && b` the block that evaluated `b` branches on `b` alone.
  while (E) {
    const auto *BO = dyn_cast<BinaryOperator>(E->IgnoreParens());
    if (!BO || !BO->isLogicalOp() || B.getTerminatorStmt() == BO)
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
  Result.StateVisits += Visits;
  if (Result.StateVisits <= Budget.MaxBlockVisits)
    return true;
  Result.Outcome = AnalysisResult::BudgetExhausted;
  Result.Reason = "more than MaxBlockVisits (" +
                  std::to_string(Budget.MaxBlockVisits) + ") path states";
  return false;
}

void Explorer::apply(const CFGElement &E, State S, DistinctStates &Out) {
  llvm::SmallVector<State, 4> Produced;
  if (auto SE = E.getAs<CFGStmt>()) {
    T->element(SE->getStmt(), std::move(S), Produced);
  } else if (auto LE = E.getAs<CFGLifetimeEnds>()) {
    T->storageEnds(LE->getVarDecl(), LE->getTriggerStmt(), S);
    Produced.push_back(std::move(S));
  } else if (auto AD = E.getAs<CFGAutomaticObjDtor>()) {
    T->destroyLocal(AD->getVarDecl(), AD->getTriggerStmt(), S);
    Produced.push_back(std::move(S));
  } else if (auto MD = E.getAs<CFGMemberDtor>()) {
    T->destroyMember(MD->getFieldDecl(), FD.getBody(), S);
    Produced.push_back(std::move(S));
  } else {
    // Scopes, temporaries, base destructors, initializers: nothing that
    // iodrain models happens there.
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
    size_t Before = Current.size();
    Current = Next.take();
    if (Current.size() > Before && !spend(Current.size() - Before))
      return false;
    if (Current.empty())
      return true;
  }
  if (&B == &Graph->getExit())
    for (State &S : Current)
      T->functionExit(nullptr, S);
  for (State &S : Current)
    branch(B, std::move(S));
  return true;
}

void Explorer::branch(const CFGBlock &B, State S) {
  const Expr *Cond = branchCondition(B);
  if (B.succ_size() == 2 && Cond) {
    std::optional<bool> Known = T->valueOf(S, Cond).truth();
    for (unsigned I = 0; I < 2; ++I) {
      const CFGBlock *Succ = *(B.succ_begin() + I);
      if (!Succ)
        continue;
      bool Truth = I == 0;
      if (Known && *Known != Truth)
        continue;
      State Next = S;
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
  if (const auto *Switch = dyn_cast_or_null<SwitchStmt>(B.getTerminatorStmt())) {
    AbsValue V = T->valueOf(S, Switch->getCond());
    if (V.K == AbsValue::Int) {
      const CFGBlock *Default = nullptr;
      for (const CFGBlock *Succ : B.succs()) {
        if (!Succ)
          continue;
        const Stmt *Label = Succ->getLabel();
        if (const auto *Case = dyn_cast_or_null<CaseStmt>(Label)) {
          Expr::EvalResult R;
          if (Case->getLHS()->EvaluateAsInt(R, Ctx) &&
              R.Val.getInt().getExtValue() == V.Value && !Case->getRHS()) {
            push(Succ, S);
            return;
          }
        } else {
          Default = Succ; // `default:` or the block after the switch.
        }
      }
      push(Default, std::move(S));
      return;
    }
  }
  for (const CFGBlock *Succ : B.succs())
    push(Succ, S);
}

AnalysisResult Explorer::explorePaths() {
  const Stmt *Body = FD.getBody();
  if (!Body) {
    Result.Outcome = AnalysisResult::NotApplicable;
    Result.Reason = "no body";
    return Result;
  }
  if (FD.isDependentContext()) {
    Result.Outcome = AnalysisResult::NotApplicable;
    Result.Reason = "templated; its instantiations are analysed";
    return Result;
  }
  CFG::BuildOptions Options;
  Options.setAllAlwaysAdd();
  Options.PruneTriviallyFalseEdges = true;
  Options.AddImplicitDtors = true;
  Options.AddLifetime = true;
  Options.AddScopes = true;
  Options.AddTemporaryDtors = true;
  Graph = CFG::buildCFG(&FD, const_cast<Stmt *>(Body), &Ctx, Options);
  if (!Graph) {
    Result.Outcome = AnalysisResult::Skipped;
    Result.Reason = whyNoCfg(Body);
    return Result;
  }
  if (Graph->size() > Budget.MaxCfgBlocks) {
    Result.Outcome = AnalysisResult::Skipped;
    Result.Reason = "the function has " + std::to_string(Graph->size()) +
                    " CFG blocks, more than MaxCfgBlocks (" +
                    std::to_string(Budget.MaxCfgBlocks) + ")";
    return Result;
  }
  Parents = std::make_unique<ParentMap>(const_cast<Stmt *>(Body));
  T = std::make_unique<Transfer>(Ctx, Model, *Parents, Observers);
  T->setHandlesPending(handlesPending(*Body, Model, Ctx));
  for (const CFGBlock *B : *Graph)
    if (const Expr *Cond = branchCondition(*B))
      T->countConditionReads(Cond);
  Seen.resize(Graph->getNumBlockIDs());

  push(&Graph->getEntry(), State());
  while (!Work.empty()) {
    auto [B, S] = std::move(Work.front());
    Work.pop_front();
    // Values of a finished full expression do not distinguish paths.
    for (const CFGElement &E : *B)
      if (auto SE = E.getAs<CFGStmt>()) {
        T->enterStatement(S, SE->getStmt());
        break;
      }
    if (!Seen[B->getBlockID()].insert(S.fingerprint()).second)
      continue;
    if (!spend(1) || !runBlock(*B, std::move(S)))
      return Result;
  }
  return Result;
}

AnalysisResult Explorer::run() {
  for (AnalysisObserver *O : Observers)
    O->onFunctionBegin(FD);
  explorePaths();
  // The transfer functions and the CFG die with the explorer; observers
  // must have copied what they report before this returns.
  for (AnalysisObserver *O : Observers)
    O->onFunctionEnd(FD, Result);
  return Result;
}

} // namespace

AnalysisResult explore(const FunctionDecl &FD, ASTContext &Ctx,
                       const ApiModel &Model, const AnalysisBudget &Budget,
                       llvm::ArrayRef<AnalysisObserver *> Observers) {
  return Explorer(FD, Ctx, Model, Budget, Observers).run();
}

} // namespace iodrain
