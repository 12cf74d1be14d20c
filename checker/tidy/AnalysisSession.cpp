//===- AnalysisSession.cpp ------------------------------------------------===//

#include "AnalysisSession.h"
#include "../core/Coroutines.h"
#include "../core/StmtSearch.h"
#include "IodrainCheck.h"
#include "ConfigPaths.h"
#include "SummaryExport.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/YAMLTraits.h"
#include <algorithm>
#include <map>
#include <mutex>
#include <optional>

using namespace clang;

LLVM_YAML_IS_STRING_MAP(std::string)

namespace iodrain {
namespace {

// Today's checks, whose own option names predate the global ones.
const char *const CheckNames[] = {"iodrain-close-pending-io",
                                  "iodrain-overlapped-lifetime",
                                  "iodrain-cancel-without-drain"};

const char *const OptionNames[] = {
    "RulesFiles",  "MaxBlockVisits",         "MaxCfgBlocks",
    "MaxPathNotes", "ReportSkippedFunctions", "FollowCalls",
    "ObjectProtocols", "ImportSummaries", "ExportSummaries",
    "ExportOnly"};

/// Requests received with objects: an entry point starts in at most this
/// many states besides the empty one.
constexpr unsigned MaxEntryStates = 16;

bool isTrue(StringRef S) {
  S = S.trim();
  return !(S.equals_insensitive("false") || S == "0" ||
           S.equals_insensitive("off") || S.equals_insensitive("no"));
}

std::optional<std::string> lookupOption(const tidy::ClangTidyOptions &Options,
                                        StringRef Name) {
  auto It = Options.CheckOptions.find(("iodrain." + Name).str());
  if (It != Options.CheckOptions.end())
    return It->second.Value;
  for (const char *Check : CheckNames) {
    It = Options.CheckOptions.find((Twine(Check) + "." + Name).str());
    if (It != Options.CheckOptions.end())
      return It->second.Value;
  }
  return std::nullopt;
}

/// A budget: a whole number of at least 1. Anything else keeps the
/// default and is a problem, not a silent zero (which would skip every
/// function).
template <typename T>
void readNumber(const tidy::ClangTidyOptions &Options, StringRef Name,
                T &Out, std::vector<std::string> &Problems) {
  if (auto V = lookupOption(Options, Name)) {
    unsigned N;
    if (StringRef(*V).trim().getAsInteger(10, N) || N == 0)
      Problems.push_back(("iodrain." + Name + " must be a whole number of "
                          "at least 1, not '" + *V + "'")
                             .str());
    else
      Out = N;
  }
}

/// Roles that can end a request's handle or storage. (A new issue on a
/// received request's OVERLAPPED forgets it without a word, so issuing
/// alone gives a received request nothing to report.)
const Role EndingRoles[] = {Role::Close, Role::Free, Role::Cancel};

/// Whether the body deletes an object, or resets a smart pointer.
bool deletes(const Stmt *Body) {
  return findStatement(Body, [](const Stmt *S) {
           return isa<CXXDeleteExpr>(S) ||
                  !AccessPaths::resetSmartPointer(S).isNull();
         }) != nullptr;
}

/// Collects the states `dump-state` calls show, for engine tests.
struct StateDumps : AnalysisObserver {
  std::vector<std::pair<SourceLocation, std::string>> Dumps;
  void onEvent(const Event &E) override {
    if (E.Kind == EventKind::DumpState)
      Dumps.emplace_back(E.Loc, E.Detail);
  }
  void onFunctionEnd(const FunctionDecl &, const AnalysisResult &) override {}
};

/// Whether the function issues overlapped I/O (others cannot report) or
/// asks for a state dump, itself or through the `Levels` calls below it
/// that the explorer follows.
bool issuesIo(const FunctionDecl &FD, const ApiModel &Model, unsigned Levels,
              llvm::DenseMap<const FunctionDecl *, bool> &Memo) {
  return Model.callsThrough(FD, {Role::Issue, Role::DumpState}, Levels, Memo) ||
         callsSuspendingCoroutine(FD.getBody(), Model);
}

} // namespace

void EngineOptions::declare(tidy::ClangTidyContext &Context) {
  // --verify-config knows the options that checks read through their
  // OptionsView; these are read from the context, so say them here.
  llvm::StringSet<> *Known = Context.getOptionsCollector();
  if (!Known)
    return;
  for (const char *Name : OptionNames) {
    Known->insert((Twine("iodrain.") + Name).str());
    for (const char *Check : CheckNames)
      Known->insert((Twine(Check) + "." + Name).str());
  }
}

namespace {

/// The options IODRAIN_OPTIONS sets, by name.
std::map<std::string, std::string>
environmentOptions(std::vector<std::string> &Problems) {
  std::map<std::string, std::string> Values;
  std::optional<std::string> Text = llvm::sys::Process::GetEnv("IODRAIN_OPTIONS");
  if (!Text || StringRef(*Text).trim().empty())
    return Values;
  if (std::optional<std::string> Problem = yamlNestingProblem(*Text)) {
    Problems.push_back("IODRAIN_OPTIONS:" + *Problem);
    return Values;
  }
  llvm::yaml::Input In(*Text, nullptr,
                       [](const llvm::SMDiagnostic &, void *) {});
  In >> Values;
  if (In.error()) {
    Problems.push_back("IODRAIN_OPTIONS is not a YAML mapping of option "
                       "names to values: '" + *Text + "'");
    return {};
  }
  for (auto It = Values.begin(); It != Values.end();) {
    if (llvm::is_contained(OptionNames, StringRef(It->first))) {
      ++It;
      continue;
    }
    Problems.push_back("IODRAIN_OPTIONS names an unknown option '" +
                       It->first + "'");
    It = Values.erase(It);
  }
  return Values;
}

} // namespace

EngineOptions EngineOptions::read(const tidy::ClangTidyOptions &Config,
                                  StringRef MainFile) {
  EngineOptions E;
  // The environment's options win: a copy of the configuration with them.
  tidy::ClangTidyOptions Options = Config;
  auto FromEnvironment = environmentOptions(E.Problems);
  for (const auto &[Name, Value] : FromEnvironment)
    Options.CheckOptions.insert_or_assign(
        "iodrain." + Name, tidy::ClangTidyOptions::ClangTidyValue(Value));
  // A path a configuration file gives is relative to that file.
  auto PathOption = [&](StringRef Name) -> std::string {
    std::string Value = lookupOption(Options, Name).value_or("");
    if (Value.empty() || FromEnvironment.count(Name.str()))
      return Value;
    std::optional<std::string> Dir =
        configDirectoryOf(MainFile, [&](StringRef Text) {
          auto Parsed = tidy::parseConfiguration(
              llvm::MemoryBufferRef(Text, "config"));
          return Parsed && lookupOption(*Parsed, Name) == Value;
        });
    return Dir ? resolvePaths(Value, *Dir) : Value;
  };
  E.RulesFiles = PathOption("RulesFiles");
  E.ImportSummaries = PathOption("ImportSummaries");
  E.ExportSummaries = PathOption("ExportSummaries");
  if (auto V = lookupOption(Options, "ExportOnly"))
    E.ExportOnly = isTrue(*V);
  readNumber(Options, "MaxBlockVisits", E.Budget.MaxBlockVisits, E.Problems);
  readNumber(Options, "MaxCfgBlocks", E.Budget.MaxCfgBlocks, E.Problems);
  readNumber(Options, "MaxPathNotes", E.Budget.MaxNotes, E.Problems);
  if (auto V = lookupOption(Options, "ReportSkippedFunctions"))
    E.ReportSkippedFunctions = isTrue(*V);
  if (auto V = lookupOption(Options, "FollowCalls"))
    E.Budget.FollowCalls = isTrue(*V);
  if (auto V = lookupOption(Options, "ObjectProtocols"))
    E.ObjectProtocols = isTrue(*V);
  return E;
}

void EngineOptions::store(tidy::ClangTidyOptions::OptionMap &Opts) const {
  auto Put = [&](StringRef Name, std::string Value) {
    Opts.insert_or_assign(("iodrain." + Name).str(),
                          tidy::ClangTidyOptions::ClangTidyValue(Value));
  };
  Put("RulesFiles", RulesFiles);
  Put("MaxBlockVisits", std::to_string(Budget.MaxBlockVisits));
  Put("MaxCfgBlocks", std::to_string(Budget.MaxCfgBlocks));
  Put("MaxPathNotes", std::to_string(Budget.MaxNotes));
  Put("ReportSkippedFunctions", ReportSkippedFunctions ? "true" : "false");
  Put("FollowCalls", Budget.FollowCalls ? "true" : "false");
  Put("ObjectProtocols", ObjectProtocols ? "true" : "false");
  Put("ImportSummaries", ImportSummaries);
  Put("ExportSummaries", ExportSummaries);
  Put("ExportOnly", ExportOnly ? "true" : "false");
}

namespace {
std::mutex SessionsLock;
std::map<tidy::ClangTidyContext *, std::unique_ptr<AnalysisSession>> Sessions;
} // namespace

AnalysisSession &AnalysisSession::of(tidy::ClangTidyContext *Context) {
  std::lock_guard<std::mutex> Guard(SessionsLock);
  auto &S = Sessions[Context];
  if (!S) {
    S = std::make_unique<AnalysisSession>();
    S->Context = Context;
  }
  return *S;
}

void AnalysisSession::add(IodrainCheck *Check) { Checks.push_back(Check); }

void AnalysisSession::remove(IodrainCheck *Check) {
  llvm::erase(Checks, Check);
  if (!Checks.empty())
    return;
  // The context's checks are gone (clangd makes new ones per file).
  std::lock_guard<std::mutex> Guard(SessionsLock);
  Sessions.erase(Context); // Destroys this session.
}

namespace {

/// The files of a list of rules files and directories (whose `.yaml`
/// files count, in name order).
std::vector<std::string> rulesFilesOf(StringRef List,
                                      std::vector<std::string> &Problems) {
  std::vector<std::string> Files;
  for (StringRef Item : pathList(List)) {
    if (!llvm::sys::fs::is_directory(Item)) {
      Files.push_back(Item.str());
      continue;
    }
    std::vector<std::string> InDirectory;
    std::error_code EC;
    for (llvm::sys::fs::directory_iterator It(Item, EC), End;
         !EC && It != End; It.increment(EC))
      if (llvm::sys::path::extension(It->path()) == ".yaml")
        InDirectory.push_back(It->path());
    if (EC)
      Problems.push_back("cannot list rules directory '" + Item.str() +
                         "': " + EC.message());
    llvm::sort(InDirectory);
    Files.insert(Files.end(), InDirectory.begin(), InDirectory.end());
  }
  return Files;
}

} // namespace

const ApiModel &
AnalysisSession::model(const EngineOptions &Options,
                       llvm::function_ref<void(StringRef)> OnError) {
  // Parsed once per process and list; errors are reported on every load so
  // that each configuration that names a broken file hears about it.
  static std::mutex Lock;
  static llvm::StringMap<std::pair<ApiModel, std::vector<std::string>>> Models;
  std::lock_guard<std::mutex> Guard(Lock);
  std::string Key = Options.RulesFiles + "\n" + Options.ImportSummaries;
  auto [It, Inserted] = Models.try_emplace(Key);
  if (Inserted) {
    ApiModel Model = ApiModel::builtin();
    std::vector<std::string> &Problems = It->second.second;
    std::vector<std::string> Files =
        rulesFilesOf(Options.RulesFiles, Problems);
    std::vector<std::string> Imported =
        rulesFilesOf(Options.ImportSummaries, Problems);
    Files.insert(Files.end(), Imported.begin(), Imported.end());
    for (StringRef File : Files) {
      auto Rules = ApiModel::parseFile(File);
      if (!Rules) {
        It->second.second.push_back(llvm::toString(Rules.takeError()));
        continue;
      }
      for (std::string &Problem : Model.add(std::move(*Rules)))
        It->second.second.push_back(std::move(Problem));
    }
    It->second.first = std::move(Model);
  }
  for (const std::string &Problem : It->second.second)
    OnError(Problem);
  return It->second.first;
}

void AnalysisSession::warnRuleArity(ASTContext &Ctx, const ApiModel &Model,
                                    IodrainCheck &Reporter) {
  // Once per process and entry: every unit that includes the header would
  // say the same.
  static std::mutex Lock;
  static llvm::StringSet<> Said;
  for (const ArityMismatch &M : arityMismatches(Model, Ctx)) {
    std::lock_guard<std::mutex> Guard(Lock);
    if (Said.insert(M.Rule->Origin + "\n" + M.Rule->Name).second)
      Reporter.warnRuleArity(M, Ctx.getSourceManager());
  }
}

void AnalysisSession::prepareUnit(ASTContext &Ctx, const ApiModel &Base,
                                  IodrainCheck &Reporter) {
  warnRuleArity(Ctx, Base, Reporter);
  Facts = std::make_unique<TranslationUnitFacts>(Ctx, Base);
  // Without following calls, a call to a helper that closes or frees what
  // it receives on every path is applied as its effects: the summary phase
  // one writes for other units, here for this unit's own callers.
  if (!Options.Budget.FollowCalls) {
    RulesDocument Helpers;
    Helpers.Functions =
        writtenHelpers(*Facts, Base, /*OtherUnits=*/false);
    if (!Helpers.Functions.empty()) {
      UnitModel = std::make_unique<ApiModel>(Base);
      UnitModel->add(std::move(Helpers));
    }
  }
  const ApiModel &Model = unitModel(Base);
  if (!Options.ObjectProtocols)
    return;
  const SourceManager &SM = Ctx.getSourceManager();
  unsigned Levels = Options.Budget.FollowCalls ? 2 : 0;
  for (const FunctionDecl *FD : Facts->functions()) {
    // When calls are followed, what a helper leaves pending goes back to
    // its callers, and their exits say whether it outlives them; unless a
    // thread procedure calls it: other threads run while that one blocks
    // with the request pending.
    // Unless some caller cannot name the object it passes (a completion
    // key cast back to the object): its exit cannot say what stays
    // pending on it.
    if (Options.Budget.FollowCalls && !Facts->isEntryPoint(FD) &&
        Facts->threadsOf(FD).Procedures.empty() &&
        !Facts->hasUnrootedCallSite(FD))
      continue;
    if (SM.isInSystemHeader(FD->getLocation()) ||
        !Model.callsThrough(*FD, {Role::Issue}, Levels, IssuesIo) ||
        !ObjectProtocols::mayIssueOnCallerStorage(*FD, Model, Levels,
                                                  IssuesIo))
      continue;
    UnitContext Unit;
    Unit.Facts = Facts.get();
    Unit.Summaries = &FirstPassSummaries;
    Unit.OnExit = [&](const State &Exit) { Protocols.learnExit(*FD, Exit); };
    // A quarter of the budget: the exits seen by then are what the
    // protocol learns, and a function that needs more is said.
    AnalysisBudget FirstPass = Options.Budget;
    FirstPass.MaxBlockVisits = std::max(1u, Options.Budget.MaxBlockVisits / 4);
    AnalysisResult R = explore(*FD, Ctx, Model, FirstPass, {}, &Unit);
    if (R.Outcome == AnalysisResult::BudgetExhausted &&
        Options.ReportSkippedFunctions)
      Reporter.remarkPartialProtocol(*FD, FirstPass.MaxBlockVisits);
  }
  // The memo above answered for Role::Issue alone.
  IssuesIo.clear();
}

IodrainCheck &AnalysisSession::reporter() const {
  // Remarks come from one check, whichever check's matcher fired first:
  // the first enabled check by name.
  return **llvm::min_element(Checks, [](IodrainCheck *A, IodrainCheck *B) {
    return A->name() < B->name();
  });
}

void AnalysisSession::unitStarts(ASTContext &Ctx) {
  if (Exported || Checks.empty() || Options.ExportSummaries.empty())
    return;
  Exported = true;
  IodrainCheck &Reporter = reporter();
  if (!Facts)
    prepareUnit(Ctx, Reporter.model(), Reporter);
  if (llvm::Error E = exportSummaries(Options.ExportSummaries, Protocols,
                                      *Facts, Reporter.model(), Ctx))
    Reporter.reportExportFailure(llvm::toString(std::move(E)));
}

void AnalysisSession::analyse(const FunctionDecl &FD, ASTContext &Ctx) {
  if (!Analysed.insert(&FD).second || Checks.empty())
    return;
  IodrainCheck &Reporter = reporter();
  if (!Facts)
    prepareUnit(Ctx, Reporter.model(), Reporter);
  if (Options.ExportOnly)
    return;
  const ApiModel &Model = unitModel(Reporter.model());
  UnitContext Unit;
  Unit.Facts = Facts.get();
  Unit.Summaries = &Summaries;
  bool Truncated = false;
  unsigned Levels = Options.Budget.FollowCalls ? 2 : 0;
  // A received request matters only where something can end its storage
  // or handle: a close, a free, a cancel, a delete, the end of a
  // destructor; or issue on it again (a function-static OVERLAPPED).
  // A helper that other units call and whose effects they were told
  // (its summary) is theirs to report, with their own objects' states.
  const FunctionRule *Summary = Model.lookup(&FD);
  bool ReportedByCallers = Summary &&
                           Summary->FunctionRole == Role::Effects &&
                           Model.isCalledElsewhere(FD.getQualifiedNameAsString());
  // One level down without following calls too: a small helper that
  // closes or frees runs in every mode (`close(port)` calling
  // `close_os(port)`).
  if (!ReportedByCallers &&
      (isa<CXXDestructorDecl>(FD) || deletes(FD.getBody()) ||
       Protocols.leavesStaticPending(FD) ||
       Model.callsThrough(FD, EndingRoles, std::max(Levels, 1u), MayEnd)))
    Unit.EntryStates =
        Protocols.entryStates(FD, *Facts, Model.protocols(), MaxEntryStates,
                              Truncated);
  // As deep as the explorer follows calls (PathExplorer.cpp); without
  // following calls, only functions that issue I/O themselves, receive
  // requests with their objects, or cancel on a handle other threads use.
  if (!issuesIo(FD, Model, Levels, IssuesIo) &&
      Unit.EntryStates.empty() &&
      !(Facts->threadsAndIssues() &&
        Model.bodyCalls(FD.getBody(), {Role::Cancel})))
    return;
  std::vector<AnalysisObserver *> Observers(Checks.begin(), Checks.end());
  StateDumps Dumps;
  Observers.push_back(&Dumps);
  // Following calls must not lose what the analysis without them finds: a
  // function whose paths multiply past the budget with calls followed is
  // analysed again with calls unknown, if it would be analysed then; one
  // that stopped following calls is analysed again too, and that analysis
  // adds the sites the first did not report.
  llvm::DenseMap<const FunctionDecl *, bool> Direct;
  bool MayFallBack =
      Options.Budget.FollowCalls &&
      (issuesIo(FD, Model, 0, Direct) || !Unit.EntryStates.empty() ||
       (Facts->threadsAndIssues() &&
        Model.bodyCalls(FD.getBody(), {Role::Cancel})));
  if (MayFallBack)
    for (IodrainCheck *C : Checks)
      C->holdReports();
  AnalysisResult R = explore(FD, Ctx, Model, Options.Budget, Observers, &Unit);
  std::optional<AnalysisResult> WithCalls;
  AnalysisBudget Unfollowed = Options.Budget;
  Unfollowed.FollowCalls = false;
  if (MayFallBack && R.Outcome == AnalysisResult::BudgetExhausted) {
    Dumps.Dumps.clear();
    WithCalls = std::move(R);
    R = explore(FD, Ctx, Model, Unfollowed, Observers, &Unit);
  } else if (MayFallBack && R.Outcome == AnalysisResult::Completed &&
             R.StoppedFollowingCalls) {
    std::vector<AnalysisObserver *> ChecksOnly(Checks.begin(), Checks.end());
    explore(FD, Ctx, Model, Unfollowed, ChecksOnly, &Unit);
  }
  if (MayFallBack)
    for (IodrainCheck *C : Checks)
      C->releaseHeld();
  for (const auto &[Loc, Text] : Dumps.Dumps)
    Reporter.remarkState(Loc, Text);
  bool Reportable = R.Outcome == AnalysisResult::Skipped ||
                    R.Outcome == AnalysisResult::BudgetExhausted;
  if (Reportable && Options.ReportSkippedFunctions)
    Reporter.remarkSkipped(FD, R.Reason);
  else if (WithCalls && Options.ReportSkippedFunctions)
    Reporter.remarkUnfollowed(FD, WithCalls->Reason);
  else if (R.StoppedFollowingCalls && Options.ReportSkippedFunctions)
    Reporter.remarkPartial(FD, Options.Budget.MaxBlockVisits / 4);
  if (Truncated && Options.ReportSkippedFunctions)
    Reporter.remarkEntryStates(FD, MaxEntryStates);
}

} // namespace iodrain
