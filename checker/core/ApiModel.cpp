//===- ApiModel.cpp - Rules lookup and the YAML rules format --------------===//

#include "ApiModel.h"
#include "clang/AST/Decl.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/YAMLTraits.h"
#include <map>

using namespace llvm;

namespace iodrain {
namespace {

// Every key of an entry, spelled once: its name and, for argument keys, the
// FunctionRule member it fills.
struct KeyInfo {
  const char *Name;
  ArgRef FunctionRule::*Arg; ///< Null for keys that are not positions.
};

const KeyInfo Keys[] = {
    {"Handle", &FunctionRule::Handle},
    {"Overlapped", &FunctionRule::Overlapped},
    {"Buffer", &FunctionRule::Buffer},
    {"Object", &FunctionRule::Object},
    {"Objects", &FunctionRule::Objects},
    {"Count", &FunctionRule::Count},
    {"WaitAll", &FunctionRule::WaitAll},
    {"Wait", &FunctionRule::Wait},
    {"Timeout", &FunctionRule::Timeout},
    {"Alertable", &FunctionRule::Alertable},
    {"Port", &FunctionRule::Port},
    {"CompletionRoutine", &FunctionRule::CompletionRoutine},
    {"Pointer", &FunctionRule::Pointer},
    {"Flags", &FunctionRule::Flags},
    {"Procedure", &FunctionRule::Procedure},
    {"Result", nullptr},
    {"Scope", nullptr},
    {"Failure", nullptr},
};

// The document as written, before validation turns it into FunctionRules.
struct RawRule {
  std::vector<std::string> UnknownKeys;
  std::string Name, Role;
  std::map<std::string, std::optional<std::string>> Values;

  const std::optional<std::string> &value(StringRef Key) {
    return Values[Key.str()];
  }
};

struct RawDocument {
  unsigned Version = 1;
  std::vector<RawRule> Functions;
};

struct RoleInfo {
  const char *Name;
  Role R;
  std::vector<const char *> Required;
  std::vector<const char *> Optional;
};

const std::vector<RoleInfo> &roleTable() {
  static const std::vector<RoleInfo> Table = {
      {"issue", Role::Issue, {"Handle", "Overlapped"},
       {"Buffer", "Result", "CompletionRoutine"}},
      {"cancel", Role::Cancel, {"Handle"}, {"Overlapped", "Scope"}},
      {"wait-overlapped", Role::WaitOverlapped, {"Overlapped"},
       {"Handle", "Wait", "Timeout", "Alertable"}},
      {"wait-object", Role::WaitObject, {"Object", "Timeout"}, {"Alertable"}},
      {"wait-objects", Role::WaitObjects,
       {"Count", "Objects", "WaitAll", "Timeout"}, {"Alertable"}},
      {"dequeue", Role::Dequeue, {"Port", "Timeout"}, {"Alertable"}},
      {"alertable-sleep", Role::AlertableSleep, {"Timeout", "Alertable"}, {}},
      {"close", Role::Close, {"Handle"}, {}},
      {"free", Role::Free, {"Pointer"}, {}},
      {"last-error", Role::LastError, {}, {}},
      {"open", Role::Open, {"Flags"}, {"Failure"}},
      {"create", Role::Create, {}, {"Failure"}},
      {"associate", Role::Associate, {"Handle"}, {"Port"}},
      {"notification-modes", Role::NotifyModes, {"Handle", "Flags"}, {}},
      {"dump-state", Role::DumpState, {}, {}},
      {"thread-start", Role::ThreadStart, {"Procedure"}, {}},
      {"transfer", Role::Transfer, {"Pointer"}, {}},
  };
  return Table;
}

bool isKnownKey(StringRef Key) {
  return llvm::any_of(Keys, [&](const KeyInfo &K) { return Key == K.Name; });
}

std::optional<ArgRef> parseArgRef(StringRef Text) {
  if (Text == "this")
    return ArgRef::self();
  unsigned Pos;
  if (Text.getAsInteger(10, Pos) || Pos == 0 || Pos > 64)
    return std::nullopt;
  return ArgRef::index(Pos);
}

// Keys whose values are words, not argument positions.
struct WordKey {
  const char *Key;
  std::vector<const char *> Words;
};
const WordKey WordKeys[] = {
    {"Result", {"bool", "wsa", "queued"}},
    {"Failure", {"null", "invalid-handle"}},
    {"Scope", {"process", "calling-thread"}},
};

std::string validateRule(RawRule &R) {
  if (!R.UnknownKeys.empty()) {
    std::string Known = "Name, Role";
    for (const KeyInfo &K : Keys)
      Known += ", " + std::string(K.Name);
    return "unknown key '" + R.UnknownKeys.front() + "' (known keys: " +
           Known + ")";
  }
  if (R.Name.empty())
    return "a function entry needs a non-empty 'Name'";
  const RoleInfo *Info = nullptr;
  for (const RoleInfo &I : roleTable())
    if (R.Role == I.Name)
      Info = &I;
  if (!Info) {
    std::string Known;
    for (const RoleInfo &I : roleTable())
      Known += (Known.empty() ? "" : ", ") + std::string(I.Name);
    return "'" + R.Name + "': unknown role '" + R.Role + "' (expected one of " +
           Known + ")";
  }
  for (const char *Key : Info->Required)
    if (!R.value(Key))
      return "'" + R.Name + "': role '" + R.Role + "' needs the key '" + Key +
             "'";
  for (const KeyInfo &K : Keys) {
    const std::optional<std::string> &V = R.value(K.Name);
    if (!V)
      continue;
    StringRef Key = K.Name;
    bool Allowed = llvm::is_contained(Info->Required, Key) ||
                   llvm::is_contained(Info->Optional, Key);
    if (!Allowed)
      return "'" + R.Name + "': key '" + Key.str() +
             "' has no meaning for role '" + R.Role + "'";
    if (!K.Arg) {
      for (const WordKey &W : WordKeys) {
        if (Key != W.Key || llvm::is_contained(W.Words, StringRef(*V)))
          continue;
        std::string Expected;
        for (const char *Word : W.Words)
          Expected += (Expected.empty() ? "" : ", ") + std::string(Word);
        return "'" + R.Name + "': '" + Key.str() + "' must be one of " +
               Expected + ", not '" + *V + "'";
      }
      continue;
    }
    if (!parseArgRef(*V))
      return "'" + R.Name + "': '" + Key.str() +
             "' must be an argument position from 1 to 64 or 'this', not '" +
             *V + "'";
  }
  return "";
}

FunctionRule toRule(RawRule &R) {
  FunctionRule F;
  F.Name = R.Name;
  for (const RoleInfo &I : roleTable())
    if (R.Role == I.Name)
      F.FunctionRole = I.R;
  for (const KeyInfo &K : Keys)
    if (K.Arg && R.value(K.Name))
      F.*K.Arg = *parseArgRef(*R.value(K.Name));
  if (const auto &V = R.value("Result"))
    F.Result = StringSwitch<ResultConvention>(*V)
                   .Case("wsa", ResultConvention::Wsa)
                   .Case("queued", ResultConvention::Queued)
                   .Default(ResultConvention::Bool);
  if (const auto &V = R.value("Scope"))
    F.CallingThreadOnly = *V == "calling-thread";
  if (const auto &V = R.value("Failure"))
    F.Failure = *V == "null" ? FailureValue::Null : FailureValue::InvalidHandle;
  return F;
}

const char BuiltinRulesText[] =
#include "BuiltinRules.inc"
    ;

} // namespace
} // namespace iodrain

namespace llvm {
namespace yaml {
template <> struct MappingTraits<iodrain::RawRule> {
  static void mapping(IO &IO, iodrain::RawRule &R) {
    // Report a misspelt key as such, not as the key it fails to provide.
    if (!IO.outputting())
      for (StringRef Key : IO.keys())
        if (Key != "Name" && Key != "Role" && !iodrain::isKnownKey(Key))
          R.UnknownKeys.push_back(Key.str());
    IO.mapRequired("Name", R.Name);
    IO.mapRequired("Role", R.Role);
    for (const iodrain::KeyInfo &K : iodrain::Keys)
      IO.mapOptional(K.Name, R.Values[K.Name]);
  }
  static std::string validate(IO &, iodrain::RawRule &R) {
    return iodrain::validateRule(R);
  }
};
template <> struct MappingTraits<iodrain::RawDocument> {
  static void mapping(IO &IO, iodrain::RawDocument &D) {
    IO.mapOptional("Version", D.Version, 1u);
    IO.mapRequired("Functions", D.Functions);
  }
  static std::string validate(IO &, iodrain::RawDocument &D) {
    if (D.Version != 1)
      return "unsupported rules 'Version' " + std::to_string(D.Version) +
             " (this iodrain reads version 1)";
    return "";
  }
};
} // namespace yaml
} // namespace llvm
LLVM_YAML_IS_SEQUENCE_VECTOR(iodrain::RawRule)

namespace iodrain {

Expected<std::vector<FunctionRule>> ApiModel::parse(StringRef Yaml,
                                                    StringRef SourceName) {
  std::vector<std::string> Problems;
  auto Handler = [](const SMDiagnostic &D, void *Ctx) {
    static_cast<std::vector<std::string> *>(Ctx)->push_back(
        (D.getFilename() + ":" + Twine(D.getLineNo()) + ":" +
         Twine(D.getColumnNo() + 1) + ": " + D.getMessage())
            .str());
  };
  RawDocument Doc;
  yaml::Input In(MemoryBufferRef(Yaml, SourceName), nullptr, Handler,
                 &Problems);
  In >> Doc;
  if (In.error()) {
    if (Problems.empty())
      Problems.push_back((SourceName + ": not a valid rules document").str());
    // Several problems often share one cause (a misspelt key is also a
    // missing one): show the first few together.
    constexpr size_t MaxProblems = 3;
    std::string Message;
    for (size_t I = 0; I < Problems.size() && I < MaxProblems; ++I)
      Message += (I ? "; " : "") + Problems[I];
    return createStringError(inconvertibleErrorCode(), Message);
  }
  std::vector<FunctionRule> Rules;
  for (RawRule &R : Doc.Functions)
    Rules.push_back(toRule(R));
  return Rules;
}

Expected<std::vector<FunctionRule>> ApiModel::parseFile(StringRef Path) {
  auto Buffer = MemoryBuffer::getFile(Path, /*IsText=*/true);
  if (!Buffer)
    return createStringError(Buffer.getError(),
                             "cannot read rules file '" + Path +
                                 "': " + Buffer.getError().message());
  return parse((*Buffer)->getBuffer(), Path);
}

const ApiModel &ApiModel::builtin() {
  static const ApiModel Model = [] {
    ApiModel M;
    auto Rules = parse(BuiltinRulesText, "<builtin rules/win32.yaml>");
    if (!Rules)
      report_fatal_error(Rules.takeError()); // A build defect, caught by tests.
    M.add(std::move(*Rules));
    return M;
  }();
  return Model;
}

void ApiModel::add(std::vector<FunctionRule> NewRules) {
  for (FunctionRule &R : NewRules) {
    std::string Name = R.Name;
    Rules[Name] = std::move(R);
  }
}

const FunctionRule *ApiModel::lookup(StringRef Name) const {
  auto It = Rules.find(Name);
  return It == Rules.end() ? nullptr : &It->second;
}

const FunctionRule *ApiModel::lookup(const clang::FunctionDecl *FD) const {
  if (!FD || !FD->getDeclName().isIdentifier())
    return nullptr;
  const auto *Ctx = FD->getDeclContext()->getRedeclContext();
  if (Ctx->isTranslationUnit() || Ctx->isExternCContext())
    if (const FunctionRule *R = lookup(FD->getName()))
      return R;
  if (Ctx->isTranslationUnit())
    return nullptr;
  return lookup(FD->getQualifiedNameAsString());
}

const FunctionRule *ApiModel::lookupCall(const clang::CallExpr *CE) const {
  if (const clang::FunctionDecl *FD = CE->getDirectCallee())
    return lookup(FD);
  clang::QualType T = CE->getCallee()->IgnoreParenImpCasts()->getType();
  while (const auto *TT = T->getAs<clang::TypedefType>()) {
    if (const FunctionRule *R = lookup(TT->getDecl()->getName()))
      return R;
    T = TT->getDecl()->getUnderlyingType();
  }
  return nullptr;
}

bool ApiModel::bodyCalls(const clang::Stmt *Body, llvm::ArrayRef<Role> Roles) const {
  llvm::SmallVector<const clang::Stmt *, 32> Work{Body};
  while (!Work.empty()) {
    const clang::Stmt *S = Work.pop_back_val();
    if (!S || isa<clang::LambdaExpr>(S))
      continue;
    if (const auto *CE = dyn_cast<clang::CallExpr>(S))
      if (const FunctionRule *R = lookupCall(CE);
          R && llvm::is_contained(Roles, R->FunctionRole))
        return true;
    for (const clang::Stmt *Child : S->children())
      Work.push_back(Child);
  }
  return false;
}

bool ApiModel::isFollowable(const clang::CallExpr *Call,
                            const clang::FunctionDecl *Def) {
  const auto *MD = dyn_cast<clang::CXXMethodDecl>(Def);
  if (!MD)
    return true;
  if (MD->isStatic())
    return !isa<clang::CXXMemberCallExpr>(Call);
  const auto *MCE = dyn_cast<clang::CXXMemberCallExpr>(Call);
  if (!MCE || MD->isVirtual() || isa<clang::CXXConstructorDecl>(MD) ||
      isa<clang::CXXDestructorDecl>(MD) || MD->getParent()->isLambda())
    return false;
  const clang::Expr *Object = MCE->getImplicitObjectArgument();
  return Object && isa<clang::CXXThisExpr>(Object->IgnoreParenImpCasts());
}

bool ApiModel::callsThrough(
    const clang::FunctionDecl &FD, llvm::ArrayRef<Role> Roles, unsigned Levels,
    llvm::DenseMap<const clang::FunctionDecl *, bool> &Memo) const {
  if (auto It = Memo.find(&FD); It != Memo.end())
    return It->second;
  Memo[&FD] = false; // Recursion adds nothing.
  bool Found = bodyCalls(FD.getBody(), Roles);
  llvm::SmallVector<const clang::Stmt *, 32> Work;
  if (!Found && Levels > 0)
    Work.push_back(FD.getBody());
  while (!Work.empty() && !Found) {
    const clang::Stmt *S = Work.pop_back_val();
    if (!S || isa<clang::LambdaExpr>(S))
      continue;
    if (const auto *CE = dyn_cast<clang::CallExpr>(S))
      if (const clang::FunctionDecl *Callee = CE->getDirectCallee()) {
        const clang::FunctionDecl *Def = nullptr;
        if (Callee->hasBody(Def) && Def && isFollowable(CE, Def) &&
            !lookupCall(CE))
          Found = callsThrough(*Def, Roles, Levels - 1, Memo);
      }
    for (const clang::Stmt *Child : S->children())
      Work.push_back(Child);
  }
  return Memo[&FD] = Found;
}

std::vector<const FunctionRule *> ApiModel::all() const {
  std::vector<const FunctionRule *> Sorted;
  for (const auto &Entry : Rules)
    Sorted.push_back(&Entry.second);
  llvm::sort(Sorted, [](const FunctionRule *A, const FunctionRule *B) {
    return A->Name < B->Name;
  });
  return Sorted;
}

std::vector<std::string> ApiModel::namesWithRole(Role R) const {
  std::vector<std::string> Names;
  for (const auto &Entry : Rules)
    if (Entry.second.FunctionRole == R)
      Names.push_back(Entry.second.Name);
  llvm::sort(Names);
  return Names;
}

} // namespace iodrain
