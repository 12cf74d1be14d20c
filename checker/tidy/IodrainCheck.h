//===- IodrainCheck.h - What every iodrain check shares -------------------===//
//
// An iodrain check is a clang-tidy check and an observer of the shared
// exploration. It buffers what it would report while a function is
// explored, and reports only when the exploration finished within budget.
//
//===----------------------------------------------------------------------===//

#ifndef IODRAIN_TIDY_IODRAINCHECK_H
#define IODRAIN_TIDY_IODRAINCHECK_H

#include "../core/ApiModel.h"
#include "../core/Events.h"
#include "AnalysisSession.h"
#include "PathNotes.h"
#include "../core/RuleDeclarations.h"
#include "clang-tidy/ClangTidyCheck.h"
#include "llvm/ADT/DenseSet.h"
#include <functional>

namespace iodrain {

/// The names of iodrain's checks, sorted, from the module's registration.
std::vector<std::string> iodrainCheckNames();

/// Receives a configuration problem (bad options, unreadable rules file)
/// and the file being analysed when it was found.
using ConfigurationProblemLog =
    std::function<void(llvm::StringRef File, llvm::StringRef Problem)>;

/// clangd drops clang-tidy's configuration diagnostics, which have no
/// location. A front end like iodrain-clangd sets a log here: each problem
/// is then also reported at the start of the main file, and logged, each
/// time a file is analysed. Unset (clang-tidy): configuration diagnostics
/// only.
void setConfigurationProblemLog(ConfigurationProblemLog Log);

class IodrainCheck : public clang::tidy::ClangTidyCheck,
                     public AnalysisObserver {
public:
  IodrainCheck(llvm::StringRef Name, clang::tidy::ClangTidyContext *Context);
  ~IodrainCheck() override;

  bool isLanguageVersionSupported(const clang::LangOptions &) const override {
    return true; // C and C++ alike.
  }
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult &Result)
      override;
  void onStartOfTranslationUnit() override;
  /// The first hook with the main file at hand, before parsing: clangd
  /// matches only the main file's declarations, never the unit itself.
  void registerPPCallbacks(const clang::SourceManager &SM,
                           clang::Preprocessor *PP,
                           clang::Preprocessor *ModuleExpanderPP) override;
  void storeOptions(clang::tidy::ClangTidyOptions::OptionMap &Opts) override;

  void onFunctionBegin(const clang::FunctionDecl &FD) override;
  /// Keeps the reports of the next analyses of one function until
  /// releaseHeld(): each adds the sites the ones before did not report.
  void holdReports() { Holding = true; }
  void releaseHeld();
  void onFunctionEnd(const clang::FunctionDecl &FD,
                     const AnalysisResult &Result) override;

  const ApiModel &model() const { return *Model; }
  /// An entry point could have received more pending requests than the
  /// analysis starts it with.
  void remarkEntryStates(const clang::FunctionDecl &FD, unsigned Max);
  /// The first pass stopped exploring `FD` before all its exits were seen:
  /// what it leaves pending for later calls is known only in part.
  void remarkPartialProtocol(const clang::FunctionDecl &FD, unsigned Visits);
  void remarkSkipped(const clang::FunctionDecl &FD, llvm::StringRef Why);
  /// The unit's summaries could not be written (ExportSummaries).
  void reportExportFailure(llvm::StringRef Problem);
  /// A rules entry reaches past the parameters its function declares.
  void warnRuleArity(const ArityMismatch &M, const clang::SourceManager &SM);
  void remarkPartial(const clang::FunctionDecl &FD, unsigned CallVisits);
  /// With calls followed `FD` exceeded a budget (`Why`); it was analysed
  /// with calls unknown instead.
  void remarkUnfollowed(const clang::FunctionDecl &FD, llvm::StringRef Why);
  llvm::StringRef name() const { return getID(); }
  /// For engine tests: what a path knows at a `dump-state` call.
  void remarkState(clang::SourceLocation Loc, llvm::StringRef State);

protected:
  /// Defers a report to the end of the function, once per site: the first
  /// path to reach a site (the exploration is breadth-first: a short one)
  /// explains it.
  void report(const void *Site, std::function<void()> Emit);
  clang::ASTContext &astContext() const { return *Ctx; }
  /// The function being analysed.
  const clang::FunctionDecl *analysedFunction() const { return Function; }
  unsigned maxNotes() const { return Session.options().Budget.MaxNotes; }
  /// Where a path's notes are said: this function, in this unit.
  NoteScope noteScope() const {
    return {Ctx, Function, Session.unitFacts()};
  }

private:
  /// Reports ConfigurationProblems in the main file and the front end's
  /// log, if the front end asked for that.
  void reportConfigurationProblems(const clang::SourceManager &SM);
  /// Only one check says them: the enabled iodrain check first by name.
  bool saysConfigurationProblems() const;

  clang::tidy::ClangTidyContext &TidyContext;
  std::vector<std::string> ConfigurationProblems;
  AnalysisSession &Session;
  const ApiModel *Model;
  clang::ASTContext *Ctx = nullptr;
  const clang::FunctionDecl *Function = nullptr;
  llvm::DenseSet<const void *> ReportedSites;
  std::vector<std::function<void()>> Deferred;
  /// While a function is analysed twice (with calls followed, then
  /// without), the reports of the finished runs wait here, and a site
  /// reported by the first is not reported again.
  bool Holding = false;
  std::vector<std::function<void()>> Held;
};

} // namespace iodrain

#endif // IODRAIN_TIDY_IODRAINCHECK_H
