//===- SarifWriter.h - clang-tidy findings as SARIF 2.1.0 -----------------===//
//
// clang-tidy 19 has no SARIF output. Its --export-fixes YAML carries every
// finding (check name, message, file, offset, notes); this turns a set of
// those files into one SARIF 2.1.0 log for code-scanning dashboards:
// stable rule ids (the check names), rule metadata from our docs, paths
// relative to a source root, notes as related locations and as a code flow
// (the path), and line-shift-stable fingerprints.
//
// Findings are kept as plain strings and numbers and the log is streamed
// out: a json::Value tree costs kilobytes per object (every json::Object is
// a DenseMap of 64 buckets), which made 50,000 findings take 12 GB.
//
//===----------------------------------------------------------------------===//

#ifndef IODRAIN_SARIF_SARIFWRITER_H
#define IODRAIN_SARIF_SARIFWRITER_H

#include "clang/Tooling/Core/Diagnostic.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"
#include <cstdint>
#include <memory>
#include <string>
#include <optional>
#include <vector>

namespace iodrain {

struct RuleHelp {
  std::string Id, Name, ShortText, FullText, Markdown;
};

/// The rules iodrain ships, with help from their docs pages.
std::vector<RuleHelp> builtinRuleHelp();

class SarifWriter {
public:
  /// Warnings (an offset past the end of its file, a file that cannot be
  /// read) go to \p Warnings, one line each.
  SarifWriter(std::string SourceRoot, std::vector<RuleHelp> Rules,
              llvm::raw_ostream &Warnings = llvm::errs());

  /// Adds the findings of one translation unit; duplicates (a header seen
  /// from several files) are kept once.
  void add(const clang::tooling::TranslationUnitDiagnostics &TU);
  size_t size() const { return Results.size(); }

  /// Writes the log, pretty-printed with two spaces as llvm::json does.
  void write(llvm::raw_ostream &OS) const;

private:
  struct Location {
    unsigned Uri; // into Strings
    unsigned Line, Column;
  };
  struct Note {
    Location At;
    std::string Message;
  };
  /// One replacement of a fix: the text between Start and End becomes Text.
  struct Change {
    Location Start, End;
    std::string Text;
  };
  /// A fix clang-tidy attached to the finding or to one of its notes,
  /// described by that message.
  struct Fix {
    std::string Description;
    std::vector<Change> Changes;
  };
  struct Result {
    unsigned RuleId; // into Strings
    int RuleIndex;
    bool Error;
    Location Primary;
    std::string Message, Fingerprint;
    std::vector<Note> Notes;
    std::vector<Fix> Fixes;
  };
  /// A source file's text and where its lines start, while it is cached.
  struct Source {
    std::string Path;
    std::unique_ptr<llvm::MemoryBuffer> Buffer;
    std::vector<uint32_t> LineStarts;
    uint64_t LastUse = 0;
  };

  Location location(llvm::StringRef File, unsigned Offset,
                    std::string *LineText = nullptr);
  const Source *source(llvm::StringRef File);
  unsigned intern(llvm::StringRef S);
  void writePhysical(llvm::json::OStream &J, const Location &L) const;
  void writeResult(llvm::json::OStream &J, const Result &R) const;
  void writeFix(llvm::json::OStream &J, const Fix &F) const;
  /// The fix of a message, if it has replacements.
  std::optional<Fix>
  fixOf(const clang::tooling::DiagnosticMessage &Message);

  std::string SourceRoot;
  std::vector<RuleHelp> Rules;
  llvm::raw_ostream &Warnings;
  std::vector<Result> Results;
  llvm::StringSet<> Seen;
  // Paths and rule ids repeat across findings: each is stored once.
  std::vector<llvm::StringRef> Strings;
  llvm::StringMap<unsigned> StringIds;
  // A few recently used sources, so a header shared by many findings is not
  // read again for each, without keeping every source in memory.
  std::vector<Source> Sources;
  uint64_t Clock = 0;
  llvm::StringSet<> Unreadable;
};

} // namespace iodrain

#endif // IODRAIN_SARIF_SARIFWRITER_H
