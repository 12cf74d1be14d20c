//===- ClosePendingIoCheck.cpp - iodrain-close-pending-io -----------------===//

#include "ClosePendingIoCheck.h"
#include "DrainFixSuggestion.h"
#include "RulesLoader.h"
#include "clang/AST/ASTContext.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace iodrain {
namespace {

constexpr unsigned MaxReportedRequests = 3;

/// Turns explorer events into clang-tidy diagnostics.
class CloseDiagnoser : public PendingIoObserver {
public:
  CloseDiagnoser(tidy::ClangTidyCheck &Check, const FunctionDecl &Function,
                 const ApiModel &Model, ASTContext &Ctx)
      : Check(Check), Function(Function), Model(Model), Ctx(Ctx),
        SM(Ctx.getSourceManager()) {}

  void onCloseWithPending(const CallExpr *Close, const FunctionRule &Rule,
                          StringRef HandleText,
                          llvm::ArrayRef<const Request *> Pending) override {
    SourceLocation Loc = SM.getExpansionLoc(Close->getBeginLoc());
    if (SM.isInSystemHeader(Loc))
      return;
    bool AllCancelled = llvm::all_of(
        Pending, [](const Request *R) { return R->CancelRequested; });
    Check.diag(Loc,
         "'%0' closes '%1' while overlapped I/O on it may still be pending; "
         "%select{cancel the I/O, wait for it to complete, then close the "
         "handle|wait for the cancelled I/O to complete before closing the "
         "handle}2",
         DiagnosticIDs::Warning)
        << Rule.Name << HandleText << AllCancelled;
    for (const Request *R : Pending.take_front(MaxReportedRequests))
      for (const PathNote &N : R->Notes)
        Check.diag(N.Loc, "%0", DiagnosticIDs::Note) << N.Text;
    if (Pending.size() == 1)
      if (auto Fix = suggestDrainBeforeClose(*Close, *Pending.front(),
                                             Function, Model, Ctx))
        Check.diag(Loc,
                   "cancel the I/O and wait for it here (applied with "
                   "--fix-notes)",
                   DiagnosticIDs::Note)
            << *Fix;
  }

private:
  tidy::ClangTidyCheck &Check;
  const FunctionDecl &Function;
  const ApiModel &Model;
  ASTContext &Ctx;
  const SourceManager &SM;
};

} // namespace

ClosePendingIoCheck::ClosePendingIoCheck(StringRef Name,
                                         tidy::ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context),
      RulesFiles(Options.get("RulesFiles", "")),
      ReportSkippedFunctions(Options.get("ReportSkippedFunctions", false)) {
  Budget.MaxBlockVisits =
      Options.get("MaxBlockVisits", AnalysisBudget().MaxBlockVisits);
  Budget.MaxCfgBlocks =
      Options.get("MaxCfgBlocks", AnalysisBudget().MaxCfgBlocks);
  Budget.MaxNotes = Options.get("MaxPathNotes", AnalysisBudget().MaxNotes);
  Model = loadModel(RulesFiles, [&](StringRef Problem) {
    configurationDiag("invalid iodrain rules file: %0", DiagnosticIDs::Error)
        << Problem;
  });
}

void ClosePendingIoCheck::storeOptions(
    tidy::ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "RulesFiles", RulesFiles);
  Options.store(Opts, "MaxBlockVisits", Budget.MaxBlockVisits);
  Options.store(Opts, "MaxCfgBlocks", Budget.MaxCfgBlocks);
  Options.store(Opts, "MaxPathNotes", Budget.MaxNotes);
  Options.store(Opts, "ReportSkippedFunctions", ReportSkippedFunctions);
}

void ClosePendingIoCheck::registerMatchers(MatchFinder *Finder) {
  // Only functions that close something can report; skip the rest cheaply.
  std::vector<std::string> Closers = Model.namesWithRole(Role::Close);
  if (Closers.empty())
    return;
  std::vector<StringRef> Names(Closers.begin(), Closers.end());
  Finder->addMatcher(
      functionDecl(isDefinition(), unless(isExpansionInSystemHeader()),
                   hasBody(hasDescendant(
                       callExpr(callee(functionDecl(hasAnyName(Names)))))))
          .bind("function"),
      this);
}

void ClosePendingIoCheck::check(const MatchFinder::MatchResult &Result) {
  const auto *FD = Result.Nodes.getNodeAs<FunctionDecl>("function");
  ASTContext &Ctx = *Result.Context;
  // Broken code has a broken AST: say nothing rather than guess.
  if (!FD || Ctx.getDiagnostics().hasUncompilableErrorOccurred())
    return;
  CloseDiagnoser Diagnoser(*this, *FD, Model, Ctx);
  AnalysisResult R = explore(*FD, Ctx, Model, Budget, Diagnoser);
  if (ReportSkippedFunctions && R.Outcome != AnalysisResult::Completed &&
      !FD->isDependentContext())
    diag(FD->getLocation(), "iodrain did not analyse '%0': %1",
         DiagnosticIDs::Remark)
        << FD->getQualifiedNameAsString() << R.Reason;
}

} // namespace iodrain
