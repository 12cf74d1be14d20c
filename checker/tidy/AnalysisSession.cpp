//===- AnalysisSession.cpp ------------------------------------------------===//

#include "AnalysisSession.h"
#include "../core/StmtSearch.h"
#include "IodrainCheck.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/StringMap.h"
#include <algorithm>
#include <map>
#include <mutex>

using namespace clang;

namespace iodrain {
namespace {

// Today's checks, whose own option names predate the global ones.
const char *const CheckNames[] = {"iodrain-close-pending-io",
                                  "iodrain-overlapped-lifetime",
                                  "iodrain-cancel-without-drain"};

const char *const OptionNames[] = {
    "RulesFiles",  "MaxBlockVisits",         "MaxCfgBlocks",
    "MaxPathNotes", "ReportSkippedFunctions", "FollowCalls",
    "ObjectProtocols"};

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

template <typename T>
void readNumber(const tidy::ClangTidyOptions &Options, StringRef Name,
                T &Out) {
  if (auto V = lookupOption(Options, Name)) {
    unsigned N;
    if (!StringRef(*V).trim().getAsInteger(10, N))
      Out = N;
  }
}

/// Roles that can end a request's handle or storage. (A new issue on a
/// received request's OVERLAPPED forgets it without a word, so issuing
/// alone gives a received request nothing to report.)
const Role EndingRoles[] = {Role::Close, Role::Free, Role::Cancel};

/// Whether the body deletes an object.
bool deletes(const Stmt *Body) {
  return findStatement(Body, [](const Stmt *S) {
           return isa<CXXDeleteExpr>(S);
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
  return Model.callsThrough(FD, {Role::Issue, Role::DumpState}, Levels, Memo);
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

EngineOptions EngineOptions::read(const tidy::ClangTidyOptions &Options) {
  EngineOptions E;
  E.RulesFiles = lookupOption(Options, "RulesFiles").value_or("");
  readNumber(Options, "MaxBlockVisits", E.Budget.MaxBlockVisits);
  readNumber(Options, "MaxCfgBlocks", E.Budget.MaxCfgBlocks);
  readNumber(Options, "MaxPathNotes", E.Budget.MaxNotes);
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

const ApiModel &
AnalysisSession::model(StringRef RulesFiles,
                       llvm::function_ref<void(StringRef)> OnError) {
  // Parsed once per process and list; errors are reported on every load so
  // that each configuration that names a broken file hears about it.
  static std::mutex Lock;
  static llvm::StringMap<std::pair<ApiModel, std::vector<std::string>>> Models;
  std::lock_guard<std::mutex> Guard(Lock);
  auto [It, Inserted] = Models.try_emplace(RulesFiles);
  if (Inserted) {
    ApiModel Model = ApiModel::builtin();
    std::string List = RulesFiles.str();
    std::replace(List.begin(), List.end(), ',', ';');
    SmallVector<StringRef, 4> Files;
    StringRef(List).split(Files, ';', -1, /*KeepEmpty=*/false);
    for (StringRef File : Files) {
      File = File.trim();
      if (File.empty())
        continue;
      auto Rules = ApiModel::parseFile(File);
      if (!Rules) {
        It->second.second.push_back(llvm::toString(Rules.takeError()));
        continue;
      }
      Model.add(std::move(*Rules));
    }
    It->second.first = std::move(Model);
  }
  for (const std::string &Problem : It->second.second)
    OnError(Problem);
  return It->second.first;
}

void AnalysisSession::prepareUnit(ASTContext &Ctx, const ApiModel &Model,
                                  IodrainCheck &Reporter) {
  Facts = std::make_unique<TranslationUnitFacts>(Ctx, Model);
  if (!Options.ObjectProtocols)
    return;
  const SourceManager &SM = Ctx.getSourceManager();
  unsigned Levels = Options.Budget.FollowCalls ? 2 : 0;
  for (const FunctionDecl *FD : Facts->functions()) {
    // When calls are followed, what a helper leaves pending goes back to
    // its callers, and their exits say whether it outlives them; unless a
    // thread procedure calls it: other threads run while that one blocks
    // with the request pending.
    if (Options.Budget.FollowCalls && !Facts->isEntryPoint(FD) &&
        Facts->threadsOf(FD).Procedures.empty())
      continue;
    if (SM.isInSystemHeader(FD->getLocation()) ||
        !Model.callsThrough(*FD, {Role::Issue}, Levels, IssuesIo) ||
        !ObjectProtocols::mayIssueOnCallerStorage(*FD, Model, Levels,
                                                  IssuesIo))
      continue;
    UnitContext Unit;
    Unit.Facts = Facts.get();
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

void AnalysisSession::analyse(const FunctionDecl &FD, ASTContext &Ctx) {
  if (!Analysed.insert(&FD).second || Checks.empty())
    return;
  // Remarks come from one check, whichever check's matcher fired first:
  // the first enabled check by name.
  IodrainCheck &Reporter = **llvm::min_element(
      Checks, [](IodrainCheck *A, IodrainCheck *B) {
        return A->name() < B->name();
      });
  const ApiModel &Model = Reporter.model();
  if (!Facts)
    prepareUnit(Ctx, Model, Reporter);
  UnitContext Unit;
  Unit.Facts = Facts.get();
  bool Truncated = false;
  unsigned Levels = Options.Budget.FollowCalls ? 2 : 0;
  // A received request matters only where something can end its storage
  // or handle: a close, a free, a cancel, a delete, the end of a
  // destructor.
  if (isa<CXXDestructorDecl>(FD) || deletes(FD.getBody()) ||
      Model.callsThrough(FD, EndingRoles, Levels, MayEnd))
    Unit.EntryStates =
        Protocols.entryStates(FD, *Facts, MaxEntryStates, Truncated);
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
  AnalysisResult R = explore(FD, Ctx, Model, Options.Budget, Observers, &Unit);
  for (const auto &[Loc, Text] : Dumps.Dumps)
    Reporter.remarkState(Loc, Text);
  bool Reportable = R.Outcome == AnalysisResult::Skipped ||
                    R.Outcome == AnalysisResult::BudgetExhausted;
  if (Reportable && Options.ReportSkippedFunctions)
    Reporter.remarkSkipped(FD, R.Reason);
  else if (R.StoppedFollowingCalls && Options.ReportSkippedFunctions)
    Reporter.remarkPartial(FD, Options.Budget.MaxBlockVisits / 4);
  if (Truncated && Options.ReportSkippedFunctions)
    Reporter.remarkEntryStates(FD, MaxEntryStates);
}

} // namespace iodrain
