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
#include <unordered_set>

using namespace clang;

namespace iodrain {

PendingIoObserver::~PendingIoObserver() = default;

namespace {

class Explorer {
public:
  Explorer(const FunctionDecl &FD, ASTContext &Ctx, const ApiModel &Model,
           const AnalysisBudget &Budget)
      : FD(FD), Ctx(Ctx), Model(Model), Budget(Budget) {}

  AnalysisResult run(PendingIoObserver &Observer);

private:
  void runBlock(const CFGBlock &B, State S);
  void branch(const CFGBlock &B, State S);
  void push(const CFGBlock *B, State S);
  const Expr *branchCondition(const CFGBlock &B) const;

  const FunctionDecl &FD;
  ASTContext &Ctx;
  const ApiModel &Model;
  const AnalysisBudget &Budget;
  std::unique_ptr<CFG> Graph;
  std::unique_ptr<ParentMap> Parents;
  std::unique_ptr<Transfer> T;
  std::deque<std::pair<const CFGBlock *, State>> Work;
  std::vector<std::unordered_set<std::string>> Seen;
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

void Explorer::runBlock(const CFGBlock &B, State Start) {
  // Elements may fork the path; finish each fork to the block's end.
  std::vector<std::pair<unsigned, State>> Stack;
  Stack.emplace_back(0, std::move(Start));
  while (!Stack.empty()) {
    auto [Index, S] = std::move(Stack.back());
    Stack.pop_back();
    for (; Index < B.size(); ++Index) {
      auto Elem = B[Index].getAs<CFGStmt>();
      if (!Elem)
        continue;
      llvm::SmallVector<State, 3> Out;
      T->element(Elem->getStmt(), std::move(S), Out);
      if (Out.empty())
        break;
      for (size_t I = Out.size() - 1; I > 0; --I)
        Stack.emplace_back(Index + 1, std::move(Out[I]));
      S = std::move(Out[0]);
    }
    if (Index >= B.size())
      branch(B, std::move(S));
  }
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
      if (!Known && Next.hasPending())
        Next.addNoteToPending(T->reportLoc(Cond),
                              "'" + T->sourceText(Cond) + "' is " +
                                  (Truth ? "true" : "false") + " here",
                              Budget.MaxNotes);
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

AnalysisResult Explorer::run(PendingIoObserver &Observer) {
  AnalysisResult Result;
  const Stmt *Body = FD.getBody();
  if (!Body) {
    Result.Outcome = AnalysisResult::Skipped;
    Result.Reason = "no body";
    return Result;
  }
  if (FD.isDependentContext()) {
    Result.Outcome = AnalysisResult::Skipped;
    Result.Reason = "templated; its instantiations are analysed";
    return Result;
  }
  CFG::BuildOptions Options;
  Options.setAllAlwaysAdd();
  Options.PruneTriviallyFalseEdges = true;
  Graph = CFG::buildCFG(&FD, const_cast<Stmt *>(Body), &Ctx, Options);
  if (!Graph) {
    Result.Outcome = AnalysisResult::Skipped;
    Result.Reason = "no CFG could be built";
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
  T = std::make_unique<Transfer>(Ctx, Model, Budget, *Parents);
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
    if (!Seen[B->getBlockID()].insert(S.key()).second)
      continue;

    if (++Result.BlockVisits > Budget.MaxBlockVisits) {
      Result.Outcome = AnalysisResult::BudgetExhausted;
      Result.Reason = "more than MaxBlockVisits (" +
                      std::to_string(Budget.MaxBlockVisits) +
                      ") block visits";
      return Result;
    }
    runBlock(*B, std::move(S));
  }

  for (const auto &[Close, Finding] : T->closeFindings()) {
    std::vector<const Request *> Pending;
    for (const Request &R : Finding.Pending)
      Pending.push_back(&R);
    Observer.onCloseWithPending(Close, *Finding.Rule, Finding.HandleText,
                                Pending);
  }
  return Result;
}

} // namespace

AnalysisResult explore(const FunctionDecl &FD, ASTContext &Ctx,
                       const ApiModel &Model, const AnalysisBudget &Budget,
                       PendingIoObserver &Observer) {
  return Explorer(FD, Ctx, Model, Budget).run(Observer);
}

} // namespace iodrain
