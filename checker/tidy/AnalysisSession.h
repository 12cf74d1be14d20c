//===- AnalysisSession.h - One exploration per function for all checks ----===//
//
// Every enabled iodrain check registers with the session of its clang-tidy
// context. The first check that reaches a function explores it once, with
// all registered checks listening; the others then skip it. The engine
// options (rules files, budgets, skipped-function remarks) are global
// clang-tidy options, `iodrain.<Name>`, shared by all iodrain checks.
//
//===----------------------------------------------------------------------===//

#ifndef IODRAIN_TIDY_ANALYSISSESSION_H
#define IODRAIN_TIDY_ANALYSISSESSION_H

#include "../core/ApiModel.h"
#include "../core/ObjectProtocols.h"
#include "../core/PathExplorer.h"
#include "../core/CallSummaries.h"
#include "../core/TranslationUnitFacts.h"
#include "clang-tidy/ClangTidyCheck.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include <memory>
#include <vector>

namespace iodrain {

class IodrainCheck;

/// The engine options, read once from the global names (`iodrain.RulesFiles`)
/// or, for configurations written before they were global, from any iodrain
/// check's own (`iodrain-close-pending-io.RulesFiles`).
struct EngineOptions {
  std::string RulesFiles;
  AnalysisBudget Budget;
  bool ReportSkippedFunctions = true;
  /// Entry points start with the requests their objects' protocols may
  /// have left pending (ObjectProtocols.h).
  bool ObjectProtocols = true;
  /// Two-phase runs (SummaryExport.h): the rules files or directories other
  /// units' summaries were written to, the directory this unit writes its
  /// own to, and whether to stop there without analysing.
  std::string ImportSummaries;
  std::string ExportSummaries;
  bool ExportOnly = false;
  /// Problems with the options themselves (IODRAIN_OPTIONS).
  std::vector<std::string> Problems;

  /// The configuration's options, then those of the environment variable
  /// IODRAIN_OPTIONS (a YAML mapping, `{ExportOnly: true}`), which drivers
  /// such as iodrain-lint set without touching the project's .clang-tidy.
  /// Paths (RulesFiles, ImportSummaries, ExportSummaries) relative to the
  /// configuration file that sets them (ConfigPaths.h), for `MainFile`.
  static EngineOptions read(const clang::tidy::ClangTidyOptions &Options,
                            llvm::StringRef MainFile = "");
  /// Makes the option names known to clang-tidy's --verify-config.
  static void declare(clang::tidy::ClangTidyContext &Context);
  void store(clang::tidy::ClangTidyOptions::OptionMap &Opts) const;
};

class AnalysisSession {
public:
  /// The session of a clang-tidy context, created on first use.
  static AnalysisSession &of(clang::tidy::ClangTidyContext *Context);

  void add(IodrainCheck *Check);
  void remove(IodrainCheck *Check);
  /// Whether `Check` finds the functions for all: one exploration serves
  /// every enabled check, so one set of matchers is enough.
  bool findsFunctions(const IodrainCheck *Check) const {
    return !Checks.empty() && &reporter() == Check;
  }
  void startTranslationUnit() {
    Exported = false;
    Analysed.clear();
    IssuesIo.clear();
    Facts.reset();
    UnitModel.reset();
    Protocols = ObjectProtocols();
    MayEnd.clear();
    FirstPassSummaries.clear();
    Summaries.clear();
  }

  /// Explores `FD` unless it was already, for every registered check. The
  /// first check by name says why a function was skipped, if asked to.
  void analyse(const clang::FunctionDecl &FD, clang::ASTContext &Ctx);

  /// The model for the options' rules files and imported summaries (files
  /// or directories of them), parsed once per process.
  const ApiModel &model(const EngineOptions &Options,
                        llvm::function_ref<void(llvm::StringRef)> OnError);

  /// What the current unit's first walk found; null before it.
  const TranslationUnitFacts *unitFacts() const { return Facts.get(); }

  /// The unit is about to be analysed: writes its summaries if asked to.
  void unitStarts(clang::ASTContext &Ctx);

  const EngineOptions &options() const { return Options; }
  void setOptions(EngineOptions O) { Options = std::move(O); }

private:
  /// Says each rules entry that reaches past its function's declared
  /// parameters.
  void warnRuleArity(clang::ASTContext &Ctx, const ApiModel &Model,
                     IodrainCheck &Reporter);
  /// The first pass over the unit: its facts, its straight-line helpers'
  /// effects, and the requests its functions leave pending on the objects
  /// they receive.
  void prepareUnit(clang::ASTContext &Ctx, const ApiModel &Base,
                   IodrainCheck &Reporter);
  /// The model the unit is analysed with: the options' model, and the
  /// effects of the unit's own helpers when calls are not followed.
  const ApiModel &unitModel(const ApiModel &Base) const {
    return UnitModel ? *UnitModel : Base;
  }
  /// The check whose name comes first: it says the remarks.
  IodrainCheck &reporter() const;

  clang::tidy::ClangTidyContext *Context = nullptr;
  std::vector<IodrainCheck *> Checks;
  llvm::DenseSet<const clang::FunctionDecl *> Analysed;
  /// Per translation unit: whether a function issues I/O (directly or
  /// through calls iodrain follows).
  llvm::DenseMap<const clang::FunctionDecl *, bool> IssuesIo;
  /// Per translation unit: whether a function may close, free, cancel or
  /// issue (where a request it receives with an object can matter).
  llvm::DenseMap<const clang::FunctionDecl *, bool> MayEnd;
  std::unique_ptr<TranslationUnitFacts> Facts;
  std::unique_ptr<ApiModel> UnitModel;
  ObjectProtocols Protocols;
  /// Per translation unit: the followed calls' summaries that any function
  /// may apply, for the pass that learns protocols and for the analysis
  /// (whose summaries keep the events the checks hear).
  SummaryCache FirstPassSummaries, Summaries;
  EngineOptions Options;
  bool Exported = false;
};

} // namespace iodrain

#endif // IODRAIN_TIDY_ANALYSISSESSION_H
