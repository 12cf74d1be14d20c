//===- AbstractState.cpp --------------------------------------------------===//

#include "AbstractState.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

namespace iodrain {

AbsValue AbsValue::integer(int64_t V) {
  AbsValue A;
  A.K = Int;
  A.Value = V;
  return A;
}

AbsValue AbsValue::notIntegers(llvm::ArrayRef<int64_t> Vs) {
  AbsValue A;
  A.K = NotInts;
  A.Excluded.assign(Vs.begin(), Vs.end());
  llvm::sort(A.Excluded);
  A.Excluded.erase(std::unique(A.Excluded.begin(), A.Excluded.end()),
                   A.Excluded.end());
  return A;
}

AbsValue AbsValue::object(std::string Key) {
  AbsValue A;
  A.K = Object;
  A.ObjectKey = std::move(Key);
  return A;
}

AbsValue AbsValue::null() {
  AbsValue A;
  A.K = Null;
  return A;
}

std::optional<bool> AbsValue::truth() const {
  switch (K) {
  case Int:
    return Value != 0;
  case NotInts:
    if (llvm::is_contained(Excluded, 0))
      return true;
    return std::nullopt;
  case Null:
    return false;
  default:
    return std::nullopt;
  }
}

bool AbsValue::mayEqual(int64_t C) const {
  if (K == Int)
    return Value == C;
  if (K == NotInts)
    return !llvm::is_contained(Excluded, C);
  if (K == Null)
    return C == 0;
  return true;
}

void AbsValue::print(std::string &Out) const {
  llvm::raw_string_ostream OS(Out);
  switch (K) {
  case Unknown:
    OS << "?";
    break;
  case Int:
    OS << Value;
    break;
  case NotInts:
    OS << "!{";
    llvm::interleave(Excluded, OS, ",");
    OS << "}";
    break;
  case Object:
    OS << "&" << ObjectKey;
    break;
  case Null:
    OS << "null";
    break;
  }
  if (SyncHandle)
    OS << "[sync]";
}

std::string State::key() const {
  std::string Out;
  for (const auto &[Name, V] : Vars) {
    Out += Name;
    Out += '=';
    V.print(Out);
    Out += ';';
  }
  Out += '|';
  for (const auto &[Name, R] : Requests) {
    llvm::raw_string_ostream OS(Out);
    OS << Name << ':' << R.HandleKey << ':' << R.EventKey << ':'
       << int(R.Mode) << ':' << R.CancelRequested << ':' << R.IssueCall << ':'
       << R.CancelCall << ';';
  }
  Out += '|';
  for (const std::string &S : SyncHandles)
    Out += S + ";";
  Out += "|err=";
  LastError.print(Out);
  std::vector<std::pair<const clang::Expr *, const AbsValue *>> Sorted;
  for (const auto &Entry : Exprs)
    Sorted.push_back({Entry.first, &Entry.second});
  llvm::sort(Sorted, [](const auto &A, const auto &B) {
    return std::less<const void *>()(A.first, B.first);
  });
  for (const auto &[E, V] : Sorted) {
    llvm::raw_string_ostream OS(Out);
    OS << '|' << static_cast<const void *>(E) << '=';
    V->print(Out);
  }
  return Out;
}

void State::addNoteToPending(clang::SourceLocation Loc, const std::string &Text,
                             unsigned MaxNotes) {
  for (auto &[Name, R] : Requests)
    appendNote(R.Notes, {Loc, Text}, MaxNotes);
}

void appendNote(std::vector<PathNote> &Notes, PathNote Note,
                unsigned MaxNotes) {
  // A loop visits the same decision again: keep only its latest visit.
  auto Same = [&](const PathNote &N) {
    return N.Loc == Note.Loc && N.Text == Note.Text;
  };
  if (Notes.size() > 1)
    Notes.erase(std::remove_if(Notes.begin() + 1, Notes.end(), Same),
                Notes.end());
  Notes.push_back(std::move(Note));
  // Keep the issue note and the most recent decisions.
  if (MaxNotes >= 2 && Notes.size() > MaxNotes)
    Notes.erase(Notes.begin() + 1);
}

bool keyIsUnder(llvm::StringRef Key, llvm::StringRef Prefix) {
  if (!Key.starts_with(Prefix))
    return false;
  if (Key.size() == Prefix.size())
    return true;
  char Next = Key[Prefix.size()];
  return Next == '.' || Next == '*' || Next == '[';
}

} // namespace iodrain
