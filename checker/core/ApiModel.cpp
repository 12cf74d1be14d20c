//===- ApiModel.cpp - Rules lookup and the YAML rules format --------------===//

#include "ApiModel.h"
#include "clang/AST/Decl.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/YAMLTraits.h"

using namespace llvm;

namespace iodrain {
namespace {

// The document as written, before validation turns it into FunctionRules.
struct RawRule {
  std::vector<std::string> UnknownKeys;
  std::string Name, Role;
  std::optional<std::string> Handle, Overlapped, Buffer, Object, Objects,
      Count, WaitAll, Wait, Timeout, Alertable, Port, CompletionRoutine,
      Pointer, Flags, Result;
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
      {"cancel", Role::Cancel, {"Handle"}, {"Overlapped"}},
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
      {"open", Role::Open, {"Flags"}, {}},
  };
  return Table;
}

std::optional<std::string> *field(RawRule &R, StringRef Key) {
  return StringSwitch<std::optional<std::string> *>(Key)
      .Case("Handle", &R.Handle)
      .Case("Overlapped", &R.Overlapped)
      .Case("Buffer", &R.Buffer)
      .Case("Object", &R.Object)
      .Case("Objects", &R.Objects)
      .Case("Count", &R.Count)
      .Case("WaitAll", &R.WaitAll)
      .Case("Wait", &R.Wait)
      .Case("Timeout", &R.Timeout)
      .Case("Alertable", &R.Alertable)
      .Case("Port", &R.Port)
      .Case("CompletionRoutine", &R.CompletionRoutine)
      .Case("Pointer", &R.Pointer)
      .Case("Flags", &R.Flags)
      .Case("Result", &R.Result)
      .Default(nullptr);
}

const char *const AllKeys[] = {
    "Handle", "Overlapped", "Buffer",    "Object",  "Objects",
    "Count",  "WaitAll",    "Wait",      "Timeout", "Alertable",
    "Port",   "CompletionRoutine", "Pointer", "Flags", "Result"};

std::optional<ArgRef> parseArgRef(StringRef Text) {
  if (Text == "this")
    return ArgRef::self();
  unsigned Pos;
  if (Text.getAsInteger(10, Pos) || Pos == 0 || Pos > 64)
    return std::nullopt;
  return ArgRef::index(Pos);
}

std::string validateRule(RawRule &R) {
  if (!R.UnknownKeys.empty()) {
    std::string Known = "Name, Role";
    for (const char *Key : AllKeys)
      Known += ", " + std::string(Key);
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
    if (!*field(R, Key))
      return "'" + R.Name + "': role '" + R.Role + "' needs the key '" + Key +
             "'";
  for (const char *Key : AllKeys) {
    if (!*field(R, Key))
      continue;
    bool Allowed = llvm::is_contained(Info->Required, StringRef(Key)) ||
                   llvm::is_contained(Info->Optional, StringRef(Key));
    if (!Allowed)
      return "'" + R.Name + "': key '" + Key + "' has no meaning for role '" +
             R.Role + "'";
    if (StringRef(Key) == "Result") {
      StringRef V = **field(R, Key);
      if (V != "bool" && V != "wsa" && V != "queued")
        return "'" + R.Name + "': 'Result' must be bool, wsa or queued, not '" +
               V.str() + "'";
      continue;
    }
    if (!parseArgRef(**field(R, Key)))
      return "'" + R.Name + "': '" + Key +
             "' must be an argument position from 1 to 64 or 'this', not '" +
             **field(R, Key) + "'";
  }
  return "";
}

FunctionRule toRule(const RawRule &R, StringRef Origin) {
  FunctionRule F;
  F.Name = R.Name;
  F.Origin = Origin.str();
  for (const RoleInfo &I : roleTable())
    if (R.Role == I.Name)
      F.FunctionRole = I.R;
  auto Set = [](ArgRef &Dst, const std::optional<std::string> &Src) {
    if (Src)
      Dst = *parseArgRef(*Src);
  };
  Set(F.Handle, R.Handle);
  Set(F.Overlapped, R.Overlapped);
  Set(F.Buffer, R.Buffer);
  Set(F.Object, R.Object);
  Set(F.Objects, R.Objects);
  Set(F.Count, R.Count);
  Set(F.WaitAll, R.WaitAll);
  Set(F.Wait, R.Wait);
  Set(F.Timeout, R.Timeout);
  Set(F.Alertable, R.Alertable);
  Set(F.Port, R.Port);
  Set(F.CompletionRoutine, R.CompletionRoutine);
  Set(F.Pointer, R.Pointer);
  Set(F.Flags, R.Flags);
  if (R.Result)
    F.Result = StringSwitch<ResultConvention>(*R.Result)
                   .Case("wsa", ResultConvention::Wsa)
                   .Case("queued", ResultConvention::Queued)
                   .Default(ResultConvention::Bool);
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
        if (Key != "Name" && Key != "Role" &&
            !llvm::is_contained(iodrain::AllKeys, Key))
          R.UnknownKeys.push_back(Key.str());
    IO.mapRequired("Name", R.Name);
    IO.mapRequired("Role", R.Role);
    for (const char *Key : iodrain::AllKeys)
      IO.mapOptional(Key, *iodrain::field(R, Key));
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

StringRef roleName(Role R) {
  for (const RoleInfo &I : roleTable())
    if (I.R == R)
      return I.Name;
  return "?";
}

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
  for (const RawRule &R : Doc.Functions)
    Rules.push_back(toRule(R, SourceName));
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

std::vector<std::string> ApiModel::namesWithRole(Role R) const {
  std::vector<std::string> Names;
  for (const auto &Entry : Rules)
    if (Entry.second.FunctionRole == R)
      Names.push_back(Entry.second.Name);
  llvm::sort(Names);
  return Names;
}

} // namespace iodrain
