//===- main.cpp - iodrain-sarif: export-fixes YAML to SARIF 2.1.0 ---------===//

#include "SarifWriter.h"
#include "../core/YamlNesting.h"
#include "clang/Tooling/DiagnosticsYaml.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

// Only these show in --help; LLVM's own options are hidden.
static cl::OptionCategory SarifCategory("iodrain-sarif options");
static cl::list<std::string> Inputs(cl::Positional, cl::OneOrMore,
                                    cl::desc("<export-fixes.yaml>..."),
                                    cl::cat(SarifCategory));
static cl::opt<std::string>
    Output("o", cl::desc("Write SARIF here (default: stdout)"),
           cl::value_desc("file"), cl::init("-"), cl::cat(SarifCategory));
static cl::opt<std::string>
    SourceRoot("source-root",
               cl::desc("Make paths relative to this directory (default: the "
                        "current directory)"),
               cl::value_desc("dir"), cl::cat(SarifCategory));

/// The first YAML error, kept to say why an input was refused in one line.
static void keepFirstError(const SMDiagnostic &D, void *Context) {
  auto *First = static_cast<std::string *>(Context);
  if (First->empty())
    *First = (Twine(D.getLineNo()) + ":" + Twine(D.getColumnNo() + 1) + ": " +
              D.getMessage())
                 .str();
}

/// Reads the 'Diagnostics:' sequence of an export-fixes file one entry at a
/// time, each entry with its own yaml::Input: one yaml::Input over a whole
/// file holds a node tree of about 11 KB per finding, 650 MB for a file of
/// 50,000 (run-clang-tidy merges every unit's findings into one file).
/// False when the file is not laid out as clang-tidy writes it (a block
/// sequence under a top-level 'Diagnostics:') or an entry does not parse:
/// then the whole file is read at once, which says precisely what is wrong.
/// Entries added before a failure are added again then; the writer keeps
/// each finding once.
static bool readByEntry(StringRef Text, iodrain::SarifWriter &Writer) {
  std::string Ignored;
  auto NextLine = [&](size_t At) {
    size_t End = Text.find('\n', At);
    return End == StringRef::npos ? Text.size() : End + 1;
  };
  auto IsFiller = [](StringRef Line) {
    StringRef Content = Line.ltrim(' ').rtrim();
    return Content.empty() || Content.starts_with("#");
  };
  // The top-level key, alone on its line.
  size_t Key = 0;
  while (Key < Text.size() &&
         Text.slice(Key, NextLine(Key)).rtrim() != "Diagnostics:")
    Key = NextLine(Key);
  if (Key >= Text.size())
    return false;
  size_t At = NextLine(Key);
  while (At < Text.size() && IsFiller(Text.slice(At, NextLine(At))))
    At = NextLine(At);
  StringRef First = Text.slice(At, NextLine(At));
  size_t Indent = First.find_first_not_of(' ');
  auto IsItem = [&](StringRef Line) {
    StringRef Rest = Line.drop_front(std::min(Indent, Line.size())).rtrim();
    return Line.find_first_not_of(' ') == Indent &&
           (Rest == "-" || Rest.starts_with("- "));
  };
  if (At >= Text.size() || !IsItem(First))
    return false;

  std::vector<std::pair<size_t, size_t>> Items;
  size_t End = At, Content = StringRef::npos;
  for (; End < Text.size(); End = NextLine(End)) {
    StringRef Line = Text.slice(End, NextLine(End));
    if (Line.starts_with("\t"))
      return false;
    size_t Column = Line.find_first_not_of(' ');
    if (IsItem(Line)) {
      Items.push_back({End, End});
      Content = Line.rtrim().find_first_not_of(' ', Indent + 1);
    } else if (!IsFiller(Line)) {
      if (Column <= Indent)
        break;
      // Alone, an entry must mean what it means in the file: a line less
      // indented than the entry's first key would read differently.
      if (Content == StringRef::npos)
        Content = Column;
      else if (Column < Content)
        return false;
    }
    Items.back().second = NextLine(End);
  }
  // The rest of the file, with an empty sequence, must read as before.
  clang::tooling::TranslationUnitDiagnostics TU;
  std::string Rest =
      (Text.take_front(Key) + "Diagnostics: []\n" + Text.drop_front(End)).str();
  yaml::Input RestIn(Rest, nullptr, keepFirstError, &Ignored);
  RestIn >> TU;
  if (RestIn.error())
    return false;

  for (auto [ItemBegin, ItemEnd] : Items) {
    // "  - Key: v\n    Key: v" becomes the mapping "    Key: v\n    Key: v".
    std::string Entry = Text.slice(ItemBegin, ItemEnd).str();
    Entry[Indent] = ' ';
    TU.Diagnostics.clear();
    TU.Diagnostics.emplace_back();
    yaml::Input In(Entry, nullptr, keepFirstError, &Ignored);
    In >> TU.Diagnostics.back();
    if (In.error())
      return false;
    Writer.add(TU);
  }
  return true;
}

/// Reads one export-fixes file into \p Writer; false, with the first YAML
/// error in \p Problem, if it is not one.
static bool read(StringRef Text, iodrain::SarifWriter &Writer,
                 std::string &Problem) {
  if (readByEntry(Text, Writer))
    return true;
  clang::tooling::TranslationUnitDiagnostics TU;
  yaml::Input In(Text, nullptr, keepFirstError, &Problem);
  In >> TU;
  if (In.error())
    return false;
  Writer.add(TU);
  return true;
}

int main(int argc, char **argv) {
  cl::HideUnrelatedOptions(SarifCategory);
  cl::SetVersionPrinter([](raw_ostream &OS) {
    OS << "iodrain-sarif (iodrain) " << IODRAIN_VERSION << "\n  LLVM "
       << LLVM_VERSION_STRING << "\n";
  });
  // A usage error is exit 2 like every other "did not run as asked".
  if (!cl::ParseCommandLineOptions(
          argc, argv,
          "iodrain-sarif: turns clang-tidy --export-fixes files into one "
          "SARIF 2.1.0 log\n",
          &errs()))
    return 2;
  SmallString<256> Root(SourceRoot);
  if (Root.empty())
    sys::fs::current_path(Root);
  sys::fs::make_absolute(Root);
  sys::path::remove_dots(Root, /*remove_dot_dot=*/true);
  if (!Root.ends_with("/"))
    Root += "/";

  iodrain::SarifWriter Writer(Root.str().str(), iodrain::builtinRuleHelp());
  for (const std::string &Input : Inputs) {
    auto Buffer = MemoryBuffer::getFile(Input);
    if (!Buffer) {
      errs() << "iodrain-sarif: cannot read '" << Input
             << "': " << Buffer.getError().message() << "\n";
      return 2;
    }
    if ((*Buffer)->getBuffer().trim().empty())
      continue; // clang-tidy writes nothing when it found nothing
    // LLVM's YAML parser would overflow its stack on deep nesting.
    if (std::optional<std::string> Deep =
            iodrain::yamlNestingProblem((*Buffer)->getBuffer())) {
      errs() << "iodrain-sarif: '" << Input
             << "' is not a clang-tidy export-fixes file: line " << *Deep
             << "\n";
      return 2;
    }
    std::string Problem;
    if (!read((*Buffer)->getBuffer(), Writer, Problem)) {
      errs() << "iodrain-sarif: '" << Input
             << "' is not a clang-tidy export-fixes file"
             << (Problem.empty() ? "" : ": line " + Problem) << "\n";
      return 2;
    }
  }
  std::error_code EC;
  raw_fd_ostream Out(Output, EC);
  if (EC) {
    errs() << "iodrain-sarif: cannot write '" << Output << "': " << EC.message()
           << "\n";
    return 2;
  }
  Writer.write(Out);
  Out << "\n";
  Out.close();
  if (Out.has_error()) {
    // A full disk: say so in one line and leave no truncated log behind.
    errs() << "iodrain-sarif: cannot write '" << Output
           << "': " << Out.error().message() << "\n";
    Out.clear_error();
    if (Output != "-")
      sys::fs::remove(Output);
    return 2;
  }
  return 0;
}
