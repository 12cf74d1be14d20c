//===- IodrainCheck.cpp ---------------------------------------------------===//

#include "IodrainCheck.h"
#include "clang/AST/ASTContext.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang-tidy/ClangTidyModule.h"
#include "clang-tidy/ClangTidyModuleRegistry.h"
#include <mutex>

using namespace clang;
using namespace clang::ast_matchers;

namespace iodrain {
namespace {

std::mutex ProblemLogLock;
ConfigurationProblemLog ProblemLog;

ConfigurationProblemLog problemLog() {
  std::lock_guard<std::mutex> Guard(ProblemLogLock);
  return ProblemLog;
}

} // namespace

std::vector<std::string> iodrainCheckNames() {
  std::vector<std::string> Names;
  for (const auto &Entry : tidy::ClangTidyModuleRegistry::entries()) {
    if (Entry.getName() != "iodrain-module")
      continue;
    tidy::ClangTidyCheckFactories Factories;
    Entry.instantiate()->addCheckFactories(Factories);
    for (const auto &Factory : Factories)
      Names.push_back(Factory.getKey().str());
  }
  llvm::sort(Names);
  return Names;
}

void setConfigurationProblemLog(ConfigurationProblemLog Log) {
  std::lock_guard<std::mutex> Guard(ProblemLogLock);
  ProblemLog = std::move(Log);
}

IodrainCheck::IodrainCheck(StringRef Name, tidy::ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context), TidyContext(*Context),
      Session(AnalysisSession::of(Context)) {
  EngineOptions::declare(*Context);
  EngineOptions Options =
      EngineOptions::read(Context->getOptions(), Context->getCurrentFile());
  for (const std::string &Problem : Options.Problems) {
    configurationDiag("invalid iodrain options: %0", DiagnosticIDs::Error)
        << Problem;
    ConfigurationProblems.push_back("invalid iodrain options: " + Problem);
  }
  Model = &Session.model(Options, [&](StringRef Problem) {
    configurationDiag("invalid iodrain rules file: %0", DiagnosticIDs::Error)
        << Problem;
    ConfigurationProblems.push_back(
        ("invalid iodrain rules file: " + Problem).str());
  });
  Session.setOptions(std::move(Options));
  Session.add(this);
}

IodrainCheck::~IodrainCheck() { Session.remove(this); }

void IodrainCheck::storeOptions(tidy::ClangTidyOptions::OptionMap &Opts) {
  Session.options().store(Opts);
}

void IodrainCheck::registerMatchers(MatchFinder *Finder) {
  // One exploration serves every enabled check: one of them finds the
  // functions (each matcher is tried on every declaration of the unit,
  // `windows.h` included).
  if (!Session.findsFunctions(this))
    return;
  Finder->addMatcher(
      functionDecl(isDefinition(), unless(isExpansionInSystemHeader()))
          .bind("function"),
      this);
  Finder->addMatcher(translationUnitDecl().bind("unit"), this);
}

void IodrainCheck::onStartOfTranslationUnit() { Session.startTranslationUnit(); }

void IodrainCheck::check(const MatchFinder::MatchResult &Result) {
  // Broken code has a broken AST: say nothing rather than guess.
  if (Result.Context->getDiagnostics().hasUncompilableErrorOccurred())
    return;
  if (Result.Nodes.getNodeAs<TranslationUnitDecl>("unit"))
    Session.unitStarts(*Result.Context);
  if (const auto *FD = Result.Nodes.getNodeAs<FunctionDecl>("function"))
    Session.analyse(*FD, *Result.Context);
}

bool IodrainCheck::saysConfigurationProblems() const {
  static const std::vector<std::string> Names = iodrainCheckNames();
  for (const std::string &Other : Names)
    if (Other < getID() && TidyContext.isCheckEnabled(Other))
      return false;
  return true;
}

void IodrainCheck::registerPPCallbacks(const SourceManager &SM, Preprocessor *,
                                       Preprocessor *) {
  reportConfigurationProblems(SM);
}

void IodrainCheck::reportConfigurationProblems(const SourceManager &SM) {
  if (ConfigurationProblems.empty())
    return;
  ConfigurationProblemLog Log = problemLog();
  if (!Log || !saysConfigurationProblems())
    return;
  SourceLocation Start = SM.getLocForStartOfFile(SM.getMainFileID());
  StringRef File = TidyContext.getCurrentFile();
  for (const std::string &Problem : ConfigurationProblems) {
    diag(Start, "%0", DiagnosticIDs::Error) << Problem;
    Log(File, Problem);
  }
}

void IodrainCheck::reportExportFailure(StringRef Problem) {
  configurationDiag("iodrain could not export summaries: %0",
                    DiagnosticIDs::Error)
      << Problem;
}

void IodrainCheck::warnRuleArity(const ArityMismatch &M,
                                 const SourceManager &SM) {
  configurationDiag("iodrain rules entry %0: '%1': %2 is beyond the %3 "
                    "parameter(s) of its declaration at %4; the entry reads "
                    "nothing there",
                    DiagnosticIDs::Warning)
      << (M.Rule->Origin.empty() ? "of the built-in model" : M.Rule->Origin)
      << M.Rule->Name << M.Beyond << M.Parameters
      << M.Declaration->getLocation().printToString(SM);
}

void IodrainCheck::onFunctionBegin(const FunctionDecl &FD) {
  Ctx = &FD.getASTContext();
  Function = &FD;
  if (!Holding)
    ReportedSites.clear();
  Deferred.clear();
}

void IodrainCheck::onFunctionEnd(const FunctionDecl &,
                                 const AnalysisResult &Result) {
  // An exhausted budget means silence, never a partial guess.
  bool Keep = Result.Outcome == AnalysisResult::Completed;
  if (Holding) {
    if (Keep)
      std::move(Deferred.begin(), Deferred.end(), std::back_inserter(Held));
    else // Its sites were not reported: a later run may report them.
      ReportedSites.clear();
    Deferred.clear();
    return;
  }
  if (Keep)
    for (auto &Emit : Deferred)
      Emit();
  Deferred.clear();
  ReportedSites.clear();
}

void IodrainCheck::releaseHeld() {
  for (auto &Emit : Held)
    Emit();
  Held.clear();
  ReportedSites.clear();
  Holding = false;
}

void IodrainCheck::report(const void *Site, std::function<void()> Emit) {
  if (ReportedSites.insert(Site).second)
    Deferred.push_back(std::move(Emit));
}

void IodrainCheck::remarkState(SourceLocation Loc, StringRef State) {
  diag(Loc, "iodrain state: %0", DiagnosticIDs::Remark) << State;
}

void IodrainCheck::remarkPartial(const FunctionDecl &FD, unsigned CallVisits) {
  diag(FD.getLocation(),
       "iodrain stopped following calls in '%0' after %1 path states in "
       "called functions; later calls were taken as unknown",
       DiagnosticIDs::Remark)
      << FD.getQualifiedNameAsString() << CallVisits;
}

void IodrainCheck::remarkUnfollowed(const FunctionDecl &FD, StringRef Why) {
  diag(FD.getLocation(),
       "iodrain analysed '%0' without following calls: with them, %1",
       DiagnosticIDs::Remark)
      << FD.getQualifiedNameAsString() << Why;
}

void IodrainCheck::remarkEntryStates(const FunctionDecl &FD, unsigned Max) {
  diag(FD.getLocation(),
       "iodrain started '%0' with only the first %1 requests that its "
       "objects may hold pending when it is called",
       DiagnosticIDs::Remark)
      << FD.getQualifiedNameAsString() << Max;
}

void IodrainCheck::remarkPartialProtocol(const FunctionDecl &FD,
                                         unsigned Visits) {
  diag(FD.getLocation(),
       "iodrain learned only in part what '%0' may leave pending for later "
       "calls: its first pass stopped after %1 path states",
       DiagnosticIDs::Remark)
      << FD.getQualifiedNameAsString() << Visits;
}

void IodrainCheck::remarkSkipped(const FunctionDecl &FD, StringRef Why) {
  diag(FD.getLocation(), "iodrain did not analyse '%0': %1",
       DiagnosticIDs::Remark)
      << FD.getQualifiedNameAsString() << Why;
}

} // namespace iodrain
