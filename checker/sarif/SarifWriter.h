//===- SarifWriter.h - clang-tidy findings as SARIF 2.1.0 -----------------===//
//
// clang-tidy 19 has no SARIF output. Its --export-fixes YAML carries every
// finding (check name, message, file, offset, notes); this turns a set of
// those files into one SARIF 2.1.0 log for code-scanning dashboards:
// stable rule ids (the check names), rule metadata from our docs, paths
// relative to a source root, notes as related locations and as a code flow
// (the path), and line-shift-stable fingerprints.
//
//===----------------------------------------------------------------------===//

#ifndef IODRAIN_SARIF_SARIFWRITER_H
#define IODRAIN_SARIF_SARIFWRITER_H

#include "clang/Tooling/Core/Diagnostic.h"
#include "llvm/Support/JSON.h"
#include <string>
#include <vector>

namespace iodrain {

struct RuleHelp {
  std::string Id, Name, ShortText, FullText, Markdown;
};

/// The rules iodrain ships, with help from their docs pages.
std::vector<RuleHelp> builtinRuleHelp();

class SarifWriter {
public:
  SarifWriter(std::string SourceRoot, std::vector<RuleHelp> Rules)
      : SourceRoot(std::move(SourceRoot)), Rules(std::move(Rules)) {}

  /// Adds the findings of one translation unit; duplicates (a header seen
  /// from several files) are kept once.
  void add(const clang::tooling::TranslationUnitDiagnostics &TU);
  size_t size() const { return Results.size(); }

  llvm::json::Value log() const;

private:
  llvm::json::Object location(llvm::StringRef File, unsigned Offset,
                              std::string *LineText = nullptr) const;

  std::string SourceRoot;
  std::vector<RuleHelp> Rules;
  std::vector<llvm::json::Value> Results;
  std::vector<std::string> Seen;
};

} // namespace iodrain

#endif // IODRAIN_SARIF_SARIFWRITER_H
