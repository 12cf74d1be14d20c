//===- ApiModel.cpp - Rules lookup and the YAML rules format --------------===//

#include "ApiModel.h"
#include "StmtSearch.h"
#include "clang/AST/Decl.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/YAMLTraits.h"
#include <cstdio>
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
    {"Path", &FunctionRule::Path},
    {"InitialState", &FunctionRule::InitialState},
    {"WakeMask", &FunctionRule::WakeMask},
    {"Result", nullptr},
    {"Scope", nullptr},
    {"Failure", nullptr},
    {"Completes", nullptr},
};

/// The keys an entry and an effect may have.
const std::vector<StringRef> &keyList(bool Entry) {
  static const std::vector<StringRef> Lists[2] = {
      [] {
        std::vector<StringRef> L{"Role"};
        for (const KeyInfo &K : Keys)
          L.push_back(K.Name);
        return L;
      }(),
      [] {
        std::vector<StringRef> L{"Name", "Role", "Effects", "Parameters"};
        for (const KeyInfo &K : Keys)
          L.push_back(K.Name);
        return L;
      }()};
  return Lists[Entry];
}
const std::vector<StringRef> &EntryKeys = keyList(true);
const std::vector<StringRef> &EffectKeys = keyList(false);

// The document as written, before validation turns it into FunctionRules.
struct RawRule {
  std::vector<std::string> UnknownKeys;
  std::string Name, Role;
  std::map<std::string, std::optional<std::string>> Values;
  /// Several effects in turn, each a rule without a name.
  std::optional<std::vector<struct RawEffect>> Effects;
  std::optional<unsigned> Parameters;
  /// Where the entry starts in the text, for its line in later messages.
  const char *At = nullptr;

  const std::optional<std::string> &value(StringRef Key) {
    return Values[Key.str()];
  }
};

/// One effect of an entry: a rule whose name is its entry's.
struct RawEffect : RawRule {};

// A protocol field as written: exactly one of the value keys.
struct RawField {
  std::vector<std::string> UnknownKeys;
  std::string Path;
  std::optional<int64_t> Equals;
  std::optional<std::vector<int64_t>> NotEquals;
  std::optional<std::string> PointsTo;
  std::optional<bool> IsNull;
};

struct RawProtocol {
  std::vector<std::string> UnknownKeys;
  std::optional<std::string> Type;
  std::string Issuer, Call;
  std::optional<std::string> Site, HandleText;
  std::string Overlapped, Handle;
  std::optional<std::string> Buffer, Event;
  std::optional<std::string> State, Completion;
  std::optional<bool> PortBound;
  std::vector<RawField> Fields;
};

struct RawDocument {
  unsigned Version = 1;
  std::optional<std::vector<RawRule>> Functions;
  std::optional<std::vector<RawProtocol>> Protocols;
  std::optional<std::vector<std::string>> Called;
};

const char *const ProtocolKeys[] = {
    "Type",   "Issuer", "Call",  "Site",      "HandleText", "Overlapped",
    "Handle", "Buffer", "Event", "Typestate", "Completion", "PortBound",
    "Fields"};
const char *const FieldKeys[] = {"Path", "Equals", "NotEquals", "PointsTo",
                                 "IsNull"};

const std::pair<const char *, Typestate> TypestateWords[] = {
    {"pending", Typestate::Pending},
    {"cancelled", Typestate::Cancelled},
    {"packet-queued", Typestate::PacketQueued}};
const std::pair<const char *, ResultConvention> ResultWords[] = {
    {"bool", ResultConvention::Bool},
    {"wsa", ResultConvention::Wsa},
    {"queued", ResultConvention::Queued},
    {"pends-or-fails", ResultConvention::PendsOrFails}};
const std::pair<const char *, CompletionMode> CompletionWords[] = {
    {"event", CompletionMode::Event}, {"routine", CompletionMode::Routine}};

template <typename Table>
std::string wordList(const Table &T) {
  std::string Out;
  for (const auto &[Word, Value] : T)
    Out += (Out.empty() ? "" : ", ") + std::string(Word);
  return Out;
}

template <typename Table, typename V>
bool lookupWord(const Table &T, StringRef Word, V &Out) {
  for (const auto &[W, Value] : T)
    if (Word == W) {
      Out = Value;
      return true;
    }
  return false;
}

std::string unknownKey(StringRef Key, ArrayRef<const char *> Known) {
  std::string List;
  for (const char *K : Known)
    List += (List.empty() ? "" : ", ") + std::string(K);
  return "unknown key '" + Key.str() + "' (known keys: " + List + ")";
}

std::string validateField(const RawField &F) {
  if (!F.UnknownKeys.empty())
    return unknownKey(F.UnknownKeys.front(), FieldKeys);
  if (!isProtocolPathText(F.Path))
    return "'" + F.Path + "' is not a path ('.member', '*', '[N]')";
  int Values = F.Equals.has_value() + F.NotEquals.has_value() +
               F.PointsTo.has_value() + F.IsNull.has_value();
  if (Values != 1)
    return "field '" + F.Path +
           "' needs exactly one of Equals, NotEquals, PointsTo, IsNull";
  if (F.PointsTo && !isProtocolPathText(*F.PointsTo))
    return "'" + *F.PointsTo + "' is not a path ('.member', '*', '[N]')";
  return "";
}

std::string validateProtocol(const RawProtocol &P) {
  if (!P.UnknownKeys.empty())
    return unknownKey(P.UnknownKeys.front(), ProtocolKeys);
  if (P.Issuer.empty() || P.Call.empty())
    return "a protocol entry needs a non-empty 'Issuer' and 'Call'";
  for (const std::optional<std::string> &Path :
       {std::optional<std::string>(P.Overlapped),
        std::optional<std::string>(P.Handle), P.Buffer, P.Event})
    if (Path && !isProtocolPathText(*Path))
      return "'" + P.Issuer + "': '" + *Path +
             "' is not a path ('.member', '*', '[N]', after an optional "
             "global's name)";
  Typestate TS;
  if (P.State && !lookupWord(TypestateWords, *P.State, TS))
    return "'" + P.Issuer + "': 'Typestate' must be one of " +
           wordList(TypestateWords) + ", not '" + *P.State + "'";
  CompletionMode Mode;
  if (P.Completion && !lookupWord(CompletionWords, *P.Completion, Mode))
    return "'" + P.Issuer + "': 'Completion' must be one of " +
           wordList(CompletionWords) + ", not '" + *P.Completion + "'";
  return "";
}

ProtocolRule toProtocol(const RawProtocol &P, StringRef Source) {
  ProtocolRule R;
  R.Type = P.Type.value_or("");
  R.Issuer = P.Issuer;
  R.Call = P.Call;
  R.Site = P.Site.value_or("");
  R.HandleText = P.HandleText.value_or("");
  R.Overlapped = P.Overlapped;
  R.Handle = P.Handle;
  R.Buffer = P.Buffer.value_or("");
  R.Event = P.Event.value_or("");
  if (P.State)
    lookupWord(TypestateWords, *P.State, R.State);
  if (P.Completion)
    lookupWord(CompletionWords, *P.Completion, R.Mode);
  R.PortBound = P.PortBound.value_or(false);
  for (const RawField &F : P.Fields) {
    ProtocolField Out;
    Out.Path = F.Path;
    if (F.Equals) {
      Out.K = ProtocolField::Equals;
      Out.Value = *F.Equals;
    } else if (F.NotEquals) {
      Out.K = ProtocolField::NotEquals;
      Out.Values = *F.NotEquals;
    } else if (F.PointsTo) {
      Out.K = ProtocolField::PointsTo;
      Out.Referent = *F.PointsTo;
    } else {
      Out.K = ProtocolField::IsNull;
    }
    R.Fields.push_back(std::move(Out));
  }
  R.Source = Source.str();
  return R;
}

RawProtocol fromProtocol(const ProtocolRule &R) {
  auto Optional = [](const std::string &S) {
    return S.empty() ? std::nullopt : std::optional<std::string>(S);
  };
  RawProtocol P;
  P.Type = Optional(R.Type);
  P.Issuer = R.Issuer;
  P.Call = R.Call;
  P.Site = Optional(R.Site);
  P.HandleText = Optional(R.HandleText);
  P.Overlapped = R.Overlapped;
  P.Handle = R.Handle;
  P.Buffer = Optional(R.Buffer);
  P.Event = Optional(R.Event);
  for (const auto &[Word, Value] : TypestateWords)
    if (Value == R.State && R.State != Typestate::Pending)
      P.State = Word;
  if (R.Mode == CompletionMode::Routine)
    P.Completion = "routine";
  if (R.PortBound)
    P.PortBound = true;
  for (const ProtocolField &F : R.Fields) {
    RawField Out;
    Out.Path = F.Path;
    switch (F.K) {
    case ProtocolField::Equals:
      Out.Equals = F.Value;
      break;
    case ProtocolField::NotEquals:
      Out.NotEquals = F.Values;
      break;
    case ProtocolField::PointsTo:
      Out.PointsTo = F.Referent;
      break;
    case ProtocolField::IsNull:
      Out.IsNull = true;
      break;
    }
    P.Fields.push_back(std::move(Out));
  }
  return P;
}

/// Collects the keys of a mapping that `Known` does not list.
template <typename KnownKeys>
void collectUnknownKeys(llvm::yaml::IO &IO, const KnownKeys &Known,
                        std::vector<std::string> &Out) {
  if (IO.outputting())
    return;
  for (StringRef Key : IO.keys())
    if (!llvm::is_contained(Known, Key))
      Out.push_back(Key.str());
}

struct RoleInfo {
  const char *Name;
  Role R;
  std::vector<const char *> Required;
  std::vector<const char *> Optional;
};

const std::vector<RoleInfo> &roleTable() {
  static const std::vector<RoleInfo> Table = {
      {"issue", Role::Issue, {"Handle", "Overlapped"},
       {"Buffer", "Result", "CompletionRoutine", "Completes"}},
      {"cancel", Role::Cancel, {"Handle"}, {"Overlapped", "Scope"}},
      {"wait-overlapped", Role::WaitOverlapped, {"Overlapped"},
       {"Handle", "Wait", "Timeout", "Alertable"}},
      {"wait-object", Role::WaitObject, {"Object"}, {"Timeout", "Alertable"}},
      {"wait-objects", Role::WaitObjects, {"Count", "Objects", "Timeout"},
       {"WaitAll", "Alertable", "WakeMask"}},
      {"dequeue", Role::Dequeue, {"Port", "Timeout"}, {"Alertable"}},
      {"alertable-sleep", Role::AlertableSleep, {"Timeout", "Alertable"}, {}},
      {"close", Role::Close, {"Handle"}, {}},
      {"free", Role::Free, {"Pointer"}, {}},
      {"last-error", Role::LastError, {}, {}},
      {"open", Role::Open, {"Flags"}, {"Failure", "Path"}},
      {"create", Role::Create, {}, {"Failure", "Path", "InitialState"}},
      {"associate", Role::Associate, {"Handle"}, {"Port"}},
      {"notification-modes", Role::NotifyModes, {"Handle", "Flags"}, {}},
      {"dump-state", Role::DumpState, {}, {}},
      {"thread-start", Role::ThreadStart, {"Procedure"}, {}},
      {"transfer", Role::Transfer, {"Pointer"}, {}},
      {"complete-all", Role::CompleteAll, {"Handle"}, {}},
      {"set-event", Role::SetEvent, {"Object"}, {}},
      {"reset-event", Role::ResetEvent, {"Object"}, {}},
      {"inert", Role::Inert, {}, {}},
  };
  return Table;
}


/// `1`, `this`, or either followed by members: `1->handle`,
/// `this->io.ov`, `2->slots[0]`.
std::optional<ArgRef> parseArgRef(StringRef Text) {
  Text = Text.trim();
  // A bit of a flag word: `5 & 0x2`.
  if (auto [Word, Mask] = Text.split('&'); !Mask.empty()) {
    uint64_t Bit = 0;
    std::optional<ArgRef> A = parseArgRef(Word);
    if (!A || !A->Member.empty() || A->K != ArgRef::Index ||
        Mask.trim().getAsInteger(0, Bit) || Bit == 0)
      return std::nullopt;
    A->Bit = Bit;
    A->Written = " & 0x" + llvm::utohexstr(Bit);
    return A;
  }
  size_t End = Text.find_first_of(".-[");
  StringRef Base = Text.substr(0, End);
  StringRef Rest = End == StringRef::npos ? "" : Text.substr(End);
  ArgRef A;
  unsigned Pos;
  if (Base == "this")
    A = ArgRef::self();
  else if (!Base.getAsInteger(10, Pos) && Pos >= 1 && Pos <= 64)
    A = ArgRef::index(Pos);
  else
    return std::nullopt;
  if (Rest.empty())
    return A;
  // The first member is reached through the argument, a pointer: `->`.
  if (!Rest.consume_front("->"))
    return std::nullopt;
  A.Written = "->" + Rest.str();
  std::string Member = memberPathText(A.Written);
  if (!isProtocolPathText(Member) || StringRef(Member).contains("[?]"))
    return std::nullopt;
  A.Member = Member;
  return A;
}

// Keys that may name a member, and the roles that read one.
const char *const MemberKeys[] = {"Handle", "Overlapped", "Buffer", "Pointer"};
const char *const MemberRoles[] = {"close", "free", "cancel",
                                   "wait-overlapped", "transfer"};

// Keys whose values are words, not argument positions.
struct WordKey {
  const char *Key;
  std::vector<const char *> Words;
};
const WordKey WordKeys[] = {
    {"Result", {"bool", "wsa", "queued", "pends-or-fails"}},
    {"Failure", {"null", "invalid-handle"}},
    {"Scope", {"process", "calling-thread"}},
    {"Completes", {"client-open"}},
};

std::string validateRule(RawRule &R) {
  if (!R.UnknownKeys.empty()) {
    std::string Known = "Name, Role, Effects, Parameters";
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
    std::optional<ArgRef> A = parseArgRef(*V);
    if (!A)
      return "'" + R.Name + "': '" + Key.str() +
             "' must be an argument position from 1 to 64 or 'this', "
             "optionally with members ('1->handle') or a bit ('5 & 0x2'), "
             "not '" +
             *V + "'";
    if (A->Bit && Key != "WaitAll" && Key != "Alertable")
      return "'" + R.Name + "': '" + Key.str() + ": " + *V +
             "': a bit of an argument ('5 & 0x2') is read only for WaitAll "
             "and Alertable";
    if (!A->Member.empty() && (!llvm::is_contained(MemberKeys, Key) ||
                               !llvm::is_contained(MemberRoles, R.Role)))
      return "'" + R.Name + "': '" + Key.str() + ": " + *V +
             "': members are read only for Handle, Overlapped, Buffer and "
             "Pointer of close, free, cancel, wait-overlapped and transfer";
  }
  return "";
}

FunctionRule toRule(RawRule &R);

/// What `Parameters` allows: a count, and every position within it.
std::string validateParameters(RawRule &R) {
  if (!R.Parameters)
    return "";
  if (*R.Parameters > 64)
    return "'" + R.Name + "': 'Parameters' must be from 0 to 64";
  if (std::optional<std::string> Beyond =
          positionBeyond(toRule(R), *R.Parameters))
    return "'" + R.Name + "': " + *Beyond + " is beyond its " +
           std::to_string(*R.Parameters) + " parameter(s)";
  return "";
}

/// An entry with `Effects`: no role of its own, each effect a valid rule.
std::string validateEntry(RawRule &R) {
  if (!R.Effects) {
    if (R.Role.empty())
      return "'" + R.Name + "' needs a 'Role' or 'Effects'";
    std::string Problem = validateRule(R);
    return Problem.empty() ? validateParameters(R) : Problem;
  }
  if (!R.Role.empty())
    return "'" + R.Name + "': an entry has a 'Role' or 'Effects', not both";
  if (R.Effects->empty() || R.Effects->size() > MaxEffects)
    return "'" + R.Name + "': 'Effects' lists 1 to " +
           std::to_string(MaxEffects) + " effects";
  for (RawEffect &E : *R.Effects) {
    E.Name = R.Name;
    if (E.Role.empty())
      return "'" + R.Name + "': each effect needs a 'Role'";
    std::string Problem = validateRule(E);
    if (!Problem.empty())
      return Problem;
  }
  return validateParameters(R);
}

FunctionRule toRule(RawRule &R) {
  FunctionRule F;
  F.Name = R.Name;
  F.Parameters = R.Parameters;
  if (R.Effects) {
    F.FunctionRole = Role::Effects;
    for (RawEffect &E : *R.Effects) {
      E.Name = R.Name;
      F.Effects.push_back(toRule(E));
    }
    return F;
  }
  for (const RoleInfo &I : roleTable())
    if (R.Role == I.Name)
      F.FunctionRole = I.R;
  for (const KeyInfo &K : Keys)
    if (K.Arg && R.value(K.Name))
      F.*K.Arg = *parseArgRef(*R.value(K.Name));
  if (const auto &V = R.value("Result"))
    lookupWord(ResultWords, *V, F.Result);
  if (const auto &V = R.value("Scope"))
    F.CallingThreadOnly = *V == "calling-thread";
  if (const auto &V = R.value("Failure"))
    F.Failure = *V == "null" ? FailureValue::Null : FailureValue::InvalidHandle;
  F.CompletesOnClientOpen = R.value("Completes").has_value();
  return F;
}

/// The entry as a rules file writes it (the inverse of toRule).
template <typename Raw> Raw fromRule(const FunctionRule &F) {
  Raw R;
  R.Name = F.Name;
  R.Parameters = F.Parameters;
  if (F.FunctionRole == Role::Effects) {
    R.Effects.emplace();
    for (const FunctionRule &E : F.Effects)
      R.Effects->push_back(fromRule<RawEffect>(E));
    return R;
  }
  for (const RoleInfo &I : roleTable())
    if (I.R == F.FunctionRole)
      R.Role = I.Name;
  for (const KeyInfo &K : Keys) {
    if (!K.Arg || !(F.*K.Arg).isSet())
      continue;
    const ArgRef &A = F.*K.Arg;
    R.Values[K.Name] = (A.K == ArgRef::This ? std::string("this")
                                             : std::to_string(A.Position)) +
                       A.Written;
  }
  if (F.FunctionRole == Role::Issue && F.Result != ResultConvention::Bool)
    for (const auto &[Word, Value] : ResultWords)
      if (F.Result == Value)
        R.Values["Result"] = Word;
  if (F.FunctionRole == Role::Cancel && F.CallingThreadOnly)
    R.Values["Scope"] = "calling-thread";
  if (F.FunctionRole == Role::Issue && F.CompletesOnClientOpen)
    R.Values["Completes"] = "client-open";
  return R;
}

/// Rules files, summaries included, are far smaller than this.
constexpr uint64_t MaxRulesFileBytes = 16u << 20;

} // namespace

std::optional<std::string> positionBeyond(const FunctionRule &R,
                                          unsigned Parameters) {
  for (const FunctionRule &E : R.Effects)
    if (std::optional<std::string> Beyond = positionBeyond(E, Parameters))
      return Beyond;
  for (const KeyInfo &K : Keys) {
    if (!K.Arg)
      continue;
    const ArgRef &A = R.*K.Arg;
    if (A.K == ArgRef::Index && A.Position > Parameters)
      return "'" + std::string(K.Name) + ": " + std::to_string(A.Position) +
             A.Written + "'";
  }
  return std::nullopt;
}

std::optional<std::string> encodingProblem(StringRef Text) {
  if (Text.starts_with("\xFF\xFE") || Text.starts_with("\xFE\xFF"))
    return std::string("1:1: the file is UTF-16 (it starts with a UTF-16 "
                       "byte order mark); save it as UTF-8");
  const auto *Begin = reinterpret_cast<const UTF8 *>(Text.begin());
  const auto *End = reinterpret_cast<const UTF8 *>(Text.end());
  const UTF8 *Bad = Begin;
  if (isLegalUTF8String(&Bad, End))
    return std::nullopt;
  StringRef Before(Text.data(), reinterpret_cast<const char *>(Bad) -
                                    Text.data());
  size_t LineStart = Before.rfind('\n');
  unsigned Column =
      Before.size() - (LineStart == StringRef::npos ? 0 : LineStart + 1) + 1;
  char Hex[8];
  snprintf(Hex, sizeof Hex, "0x%02X", static_cast<unsigned>(*Bad));
  return (Twine(Before.count('\n') + 1) + ":" + Twine(Column) +
          ": not UTF-8 text (byte " + Hex +
          "); save the rules file as UTF-8")
      .str();
}


namespace {

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
    iodrain::collectUnknownKeys(IO, iodrain::EntryKeys, R.UnknownKeys);
    IO.mapRequired("Name", R.Name);
    IO.mapOptional("Role", R.Role, std::string());
    IO.mapOptional("Effects", R.Effects);
    IO.mapOptional("Parameters", R.Parameters);
    for (const iodrain::KeyInfo &K : iodrain::Keys)
      IO.mapOptional(K.Name, R.Values[K.Name]);
    if (!IO.outputting())
      if (const Node *N = static_cast<Input &>(IO).getCurrentNode())
        R.At = N->getSourceRange().Start.getPointer();
  }
  static std::string validate(IO &, iodrain::RawRule &R) {
    return iodrain::validateEntry(R);
  }
};
// Checked with its entry, which gives it its name.
template <> struct MappingTraits<iodrain::RawEffect> {
  static void mapping(IO &IO, iodrain::RawEffect &R) {
    iodrain::collectUnknownKeys(IO, iodrain::EffectKeys, R.UnknownKeys);
    IO.mapRequired("Role", R.Role);
    for (const iodrain::KeyInfo &K : iodrain::Keys)
      IO.mapOptional(K.Name, R.Values[K.Name]);
  }
};
template <> struct MappingTraits<iodrain::RawField> {
  static void mapping(IO &IO, iodrain::RawField &F) {
    iodrain::collectUnknownKeys(IO, iodrain::FieldKeys, F.UnknownKeys);
    IO.mapRequired("Path", F.Path);
    IO.mapOptional("Equals", F.Equals);
    IO.mapOptional("NotEquals", F.NotEquals);
    IO.mapOptional("PointsTo", F.PointsTo);
    IO.mapOptional("IsNull", F.IsNull);
  }
  static std::string validate(IO &, iodrain::RawField &F) {
    return iodrain::validateField(F);
  }
  [[maybe_unused]] static const bool flow = true;
};
template <> struct MappingTraits<iodrain::RawProtocol> {
  static void mapping(IO &IO, iodrain::RawProtocol &P) {
    iodrain::collectUnknownKeys(IO, iodrain::ProtocolKeys, P.UnknownKeys);
    IO.mapOptional("Type", P.Type);
    IO.mapRequired("Issuer", P.Issuer);
    IO.mapRequired("Call", P.Call);
    IO.mapOptional("Site", P.Site);
    IO.mapOptional("HandleText", P.HandleText);
    IO.mapRequired("Overlapped", P.Overlapped);
    IO.mapRequired("Handle", P.Handle);
    IO.mapOptional("Buffer", P.Buffer);
    IO.mapOptional("Event", P.Event);
    IO.mapOptional("Typestate", P.State);
    IO.mapOptional("Completion", P.Completion);
    IO.mapOptional("PortBound", P.PortBound);
    IO.mapOptional("Fields", P.Fields);
  }
  static std::string validate(IO &, iodrain::RawProtocol &P) {
    return iodrain::validateProtocol(P);
  }
};
template <> struct MappingTraits<iodrain::RawDocument> {
  static void mapping(IO &IO, iodrain::RawDocument &D) {
    IO.mapOptional("Version", D.Version, 1u);
    IO.mapOptional("Functions", D.Functions);
    IO.mapOptional("Protocols", D.Protocols);
    IO.mapOptional("Called", D.Called);
  }
  static std::string validate(IO &IO, iodrain::RawDocument &D) {
    // A document without a root (no text, only comments, a lone '---')
    // has no node to hang an error on: parse() says it.
    if (!IO.outputting() && !static_cast<Input &>(IO).getCurrentNode())
      return "";
    if (D.Version != 1)
      return "unsupported rules 'Version' " + std::to_string(D.Version) +
             " (this iodrain reads version 1)";
    if (!D.Functions && !D.Protocols)
      return "a rules document needs 'Functions', 'Protocols' or both";
    // Within one file, a second entry for a name is a mistake (a later
    // file may override an earlier one on purpose).
    llvm::StringSet<> Names;
    for (const iodrain::RawRule &R :
         D.Functions.value_or(std::vector<iodrain::RawRule>()))
      if (!Names.insert(R.Name).second)
        return "'" + R.Name + "' has two entries in one file";
    return "";
  }
};
} // namespace yaml
} // namespace llvm
LLVM_YAML_IS_SEQUENCE_VECTOR(iodrain::RawRule)
LLVM_YAML_IS_SEQUENCE_VECTOR(iodrain::RawEffect)
LLVM_YAML_IS_SEQUENCE_VECTOR(iodrain::RawField)
LLVM_YAML_IS_SEQUENCE_VECTOR(iodrain::RawProtocol)

namespace iodrain {

Expected<RulesDocument> ApiModel::parse(StringRef Yaml, StringRef SourceName) {
  // LLVM's YAML parser recurses once per level of nesting: a document
  // nested deeper than any rules file needs is refused before it runs.
  if (std::optional<std::string> Problem = encodingProblem(Yaml))
    return createStringError(inconvertibleErrorCode(),
                             (SourceName + ":" + *Problem).str());
  if (std::optional<std::string> Problem = yamlNestingProblem(Yaml))
    return createStringError(inconvertibleErrorCode(),
                             (SourceName + ":" + *Problem).str());
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
  // Checked before anything else reads on: without a root, LLVM's parser
  // cannot even skip to the next document.
  if (!In.error() && !Doc.Functions && !Doc.Protocols)
    return createStringError(
        inconvertibleErrorCode(),
        (SourceName + ": the document is empty; a rules document needs "
                      "'Functions', 'Protocols' or both")
            .str());
  if (!In.error() && In.nextDocument())
    return createStringError(
        inconvertibleErrorCode(),
        (SourceName + ": a second YAML document ('---'); a rules file holds "
                      "one")
            .str());
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
  RulesDocument Rules;
  // Entries come in text order: their lines are counted in one pass.
  const char *Counted = Yaml.data();
  unsigned Line = 1;
  for (RawRule &R : Doc.Functions.value_or(std::vector<RawRule>())) {
    Rules.Functions.push_back(toRule(R));
    if (R.At >= Counted && R.At <= Yaml.end()) {
      Line += StringRef(Counted, R.At - Counted).count('\n');
      Counted = R.At;
    }
    Rules.Functions.back().Origin = (SourceName + ":" + Twine(Line)).str();
  }
  for (const RawProtocol &P : Doc.Protocols.value_or(std::vector<RawProtocol>()))
    Rules.Protocols.push_back(toProtocol(P, SourceName));
  Rules.Called = Doc.Called.value_or(std::vector<std::string>());
  return Rules;
}

std::string ApiModel::write(ArrayRef<FunctionRule> Functions,
                            ArrayRef<ProtocolRule> Protocols,
                            ArrayRef<std::string> Called) {
  RawDocument Doc;
  Doc.Functions.emplace();
  for (const FunctionRule &F : Functions)
    Doc.Functions->push_back(fromRule<RawRule>(F));
  Doc.Protocols.emplace();
  for (const ProtocolRule &P : Protocols)
    Doc.Protocols->push_back(fromProtocol(P));
  Doc.Called.emplace(Called.begin(), Called.end());
  std::string Text;
  raw_string_ostream OS(Text);
  yaml::Output Out(OS, nullptr, /*WrapColumn=*/0);
  Out << Doc;
  return Text;
}

Expected<RulesDocument> ApiModel::parseFile(StringRef Path) {
  // A device or a pipe would never end (/dev/zero, a FIFO).
  sys::fs::file_status Status;
  if (std::error_code EC = sys::fs::status(Path, Status))
    return createStringError(EC, "cannot read rules file '" + Path +
                                     "': " + EC.message());
  if (Status.type() != sys::fs::file_type::regular_file)
    return createStringError(inconvertibleErrorCode(),
                             "cannot read rules file '" + Path +
                                 "': not a regular file");
  if (Status.getSize() > MaxRulesFileBytes)
    return createStringError(
        inconvertibleErrorCode(),
        "cannot read rules file '" + Path + "': larger than " +
            Twine(MaxRulesFileBytes >> 20) + " MiB");
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

std::vector<std::string> ApiModel::add(RulesDocument Document) {
  std::vector<std::string> Problems;
  for (FunctionRule &R : Document.Functions) {
    std::string Name = R.Name;
    auto Earlier = Rules.find(Name);
    if (Earlier != Rules.end() && Earlier->second.Parameters &&
        !R.Parameters) {
      unsigned Known = *Earlier->second.Parameters;
      if (std::optional<std::string> Beyond = positionBeyond(R, Known)) {
        Problems.push_back(
            R.Origin + ": '" + Name + "': " + *Beyond + " is beyond its " +
            std::to_string(Known) + " parameter(s) (" +
            (Earlier->second.Origin.empty() ? "built-in model"
                                            : Earlier->second.Origin) +
            "); the entry is ignored");
        continue;
      }
      R.Parameters = Known;
    }
    Rules[Name] = std::move(R);
  }
  for (ProtocolRule &P : Document.Protocols)
    if (!llvm::is_contained(Protocols, P))
      Protocols.push_back(std::move(P));
  for (const std::string &Name : Document.Called)
    CalledElsewhere.insert(Name);
  return Problems;
}

const FunctionRule *ApiModel::lookup(StringRef Name) const {
  auto It = Rules.find(Name);
  return It == Rules.end() ? nullptr : &It->second;
}

const FunctionRule *ApiModel::lookup(const clang::FunctionDecl *FD) const {
  // Constructors have no identifier but a qualified name the rules use
  // (`std::thread::thread`).
  if (!FD || (!FD->getDeclName().isIdentifier() &&
              !isa<clang::CXXConstructorDecl>(FD)))
    return nullptr;
  const auto *Ctx = FD->getDeclContext()->getRedeclContext();
  if (Ctx->isTranslationUnit() || Ctx->isExternCContext())
    if (const FunctionRule *R = lookup(FD->getName()))
      return R;
  if (Ctx->isTranslationUnit())
    return nullptr;
  if (const FunctionRule *R = lookup(FD->getQualifiedNameAsString()))
    return R;
  // A method of a class template's specialisation, by the template's name
  // (`std::coroutine_handle::destroy`).
  if (const auto *Spec = dyn_cast<clang::ClassTemplateSpecializationDecl>(Ctx))
    return lookup(Spec->getSpecializedTemplate()->getQualifiedNameAsString() +
                  "::" + FD->getNameAsString());
  return nullptr;
}

const FunctionRule *ApiModel::lookupCall(const clang::CallExpr *CE) const {
  if (const clang::FunctionDecl *FD = CE->getDirectCallee())
    return lookup(FD);
  // Through a function pointer variable: a rule for the variable (a
  // project's hook `PReadFile`), or the function a `const` pointer is
  // initialised with (`read_fn const hooked_read = ReadFile`). A pointer
  // that may change, or a parameter's default, says nothing of the call.
  const clang::Expr *Callee = CE->getCallee()->IgnoreParenImpCasts();
  // `(*pReadFile)(...)` calls what the pointer holds, as `pReadFile(...)`.
  while (const auto *Deref = dyn_cast<clang::UnaryOperator>(Callee)) {
    if (Deref->getOpcode() != clang::UO_Deref)
      break;
    Callee = Deref->getSubExpr()->IgnoreParenImpCasts();
  }
  if (const auto *DRE = dyn_cast<clang::DeclRefExpr>(Callee))
    if (const auto *VD = dyn_cast<clang::VarDecl>(DRE->getDecl())) {
      if (const FunctionRule *R = lookup(VD->getName()))
        return R;
      const clang::Expr *Init = VD->getAnyInitializer();
      bool Fixed = VD->getType().isConstQualified() && !isa<clang::ParmVarDecl>(VD);
      const auto *Target =
          Fixed && Init ? dyn_cast<clang::DeclRefExpr>(Init->IgnoreParenImpCasts())
                        : nullptr;
      if (const auto *Fn = Target ? dyn_cast<clang::FunctionDecl>(Target->getDecl())
                                  : nullptr)
        return lookup(Fn);
    }
  clang::QualType T = Callee->getType();
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
          R && llvm::any_of(Roles, [&](Role Want) { return R->hasRole(Want); }))
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
  if (!MD->isImplicitObjectMemberFunction())
    return false;
  // A method of another object runs with that object as its `this`: the
  // object of a member call (a destructor's too), or the first operand of
  // an overloaded operator (`f_()` calling a lambda). A constructor runs
  // only in the calls iodrain makes for it (ImplicitCalls.h), whose
  // object is a placeholder.
  if (const auto *MCE = dyn_cast<clang::CXXMemberCallExpr>(Call)) {
    const clang::Expr *Object = MCE->getImplicitObjectArgument();
    return Object && (!isa<clang::CXXConstructorDecl>(MD) ||
                      isa<clang::OpaqueValueExpr>(Object));
  }
  if (isa<clang::CXXConstructorDecl>(MD))
    return false;
  return isa<clang::CXXOperatorCallExpr>(Call) && Call->getNumArgs() > 0;
}

const clang::FunctionDecl *
ApiModel::followedConstructor(const clang::CXXConstructExpr *Construct) {
  const clang::CXXConstructorDecl *Ctor = Construct->getConstructor();
  const clang::FunctionDecl *Def = nullptr;
  if (!Ctor || Ctor->isImplicit() || Ctor->getParent()->isInStdNamespace() ||
      !Ctor->hasBody(Def))
    return nullptr;
  return Def;
}

const clang::CXXConstructExpr *
ApiModel::madeUnique(const clang::CallExpr *Call) {
  const clang::FunctionDecl *Callee = Call->getDirectCallee();
  const clang::FunctionDecl *Def = nullptr;
  if (!Callee || !Callee->isInStdNamespace() || !Callee->getIdentifier() ||
      Callee->getName() != "make_unique" || !Callee->hasBody(Def) || !Def)
    return nullptr;
  const auto *New = dyn_cast_or_null<clang::CXXNewExpr>(findStatement(
      Def->getBody(), [](const clang::Stmt *S) {
        return isa<clang::CXXNewExpr>(S);
      }));
  if (!New || New->isArray() || !New->getConstructExpr() ||
      New->getConstructExpr()->getNumArgs() != Call->getNumArgs())
    return nullptr;
  return New->getConstructExpr();
}

const clang::Expr *ApiModel::withoutCopies(const clang::Expr *E) {
  while (E) {
    E = E->IgnoreImplicit()->IgnoreParens();
    if (const auto *Cast = dyn_cast<clang::CXXFunctionalCastExpr>(E);
        Cast && (Cast->getCastKind() == clang::CK_ConstructorConversion ||
                 Cast->getCastKind() == clang::CK_NoOp)) {
      E = Cast->getSubExpr();
      continue;
    }
    if (const auto *Copy = dyn_cast<clang::CXXConstructExpr>(E);
        Copy && Copy->isElidable() && Copy->getNumArgs() == 1) {
      E = Copy->getArg(0);
      continue;
    }
    return E;
  }
  return E;
}

const clang::FunctionDecl *
ApiModel::followedDefinition(const clang::CallExpr *Call) {
  const clang::FunctionDecl *Callee = Call->getDirectCallee();
  if (!Callee)
    return nullptr;
  // A virtual call is followed only where the object's type is known (a
  // local object, a final class or method): into that override.
  if (const auto *MD = dyn_cast<clang::CXXMethodDecl>(Callee);
      MD && MD->isVirtual()) {
    const auto *MCE = dyn_cast<clang::CXXMemberCallExpr>(Call);
    const clang::Expr *Object = MCE ? MCE->getImplicitObjectArgument() : nullptr;
    Callee = Object ? MD->getDevirtualizedMethod(Object, /*IsAppleKext=*/false)
                    : nullptr;
    if (!Callee)
      return nullptr;
  }
  const clang::FunctionDecl *Def = nullptr;
  if (!Callee->hasBody(Def) || !Def || !isFollowable(Call, Def))
    return nullptr;
  return Def;
}

bool ApiModel::callsThrough(
    const clang::FunctionDecl &FD, llvm::ArrayRef<Role> Roles, unsigned Levels,
    llvm::DenseMap<const clang::FunctionDecl *, bool> &Memo) const {
  llvm::SmallPtrSet<const clang::FunctionDecl *, 8> Open;
  bool Final = true;
  return searchCalls(FD, Roles, Levels, Memo, Open, Final);
}

bool ApiModel::searchCalls(
    const clang::FunctionDecl &FD, llvm::ArrayRef<Role> Roles, unsigned Levels,
    llvm::DenseMap<const clang::FunctionDecl *, bool> &Memo,
    llvm::SmallPtrSetImpl<const clang::FunctionDecl *> &Open,
    bool &Final) const {
  if (auto It = Memo.find(&FD); It != Memo.end())
    return It->second;
  // Recursion adds nothing, but the caller's answer is not final yet.
  if (!Open.insert(&FD).second) {
    Final = false;
    return false;
  }
  bool Found = bodyCalls(FD.getBody(), Roles);
  bool OwnFinal = true;
  llvm::SmallVector<const clang::Stmt *, 32> Work;
  if (!Found) {
    Work.push_back(FD.getBody());
    // A constructor's member initializers run before its body.
    if (const auto *Ctor = dyn_cast<clang::CXXConstructorDecl>(&FD))
      for (const clang::CXXCtorInitializer *Init : Ctor->inits())
        if (Init->isWritten())
          Work.push_back(Init->getInit());
  }
  while (!Work.empty() && !Found) {
    const clang::Stmt *S = Work.pop_back_val();
    if (!S || isa<clang::LambdaExpr>(S))
      continue;
    const clang::FunctionDecl *Def = nullptr;
    if (const auto *CE = dyn_cast<clang::CallExpr>(S)) {
      Def = lookupCall(CE) ? nullptr : followedDefinition(CE);
      if (const clang::CXXConstructExpr *Made = madeUnique(CE))
        Def = followedConstructor(Made);
    } else if (const auto *CCE = dyn_cast<clang::CXXConstructExpr>(S)) {
      Def = followedConstructor(CCE);
    }
    if (Def) {
      // Out of levels: "no" holds only for this depth.
      if (Levels == 0) {
        OwnFinal = false;
        break;
      }
      Found = searchCalls(*Def, Roles, Levels - 1, Memo, Open, OwnFinal);
    }
    for (const clang::Stmt *Child : S->children())
      Work.push_back(Child);
  }
  Open.erase(&FD);
  // A "no" found with too few levels, or while a caller was still open,
  // may be a "yes" when asked again: it is not kept.
  if (Found || OwnFinal)
    Memo[&FD] = Found;
  else
    Final = false;
  return Found;
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
    if (Entry.second.hasRole(R))
      Names.push_back(Entry.second.Name);
  llvm::sort(Names);
  return Names;
}

} // namespace iodrain
