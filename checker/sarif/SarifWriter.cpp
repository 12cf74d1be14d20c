//===- SarifWriter.cpp ----------------------------------------------------===//

#include "SarifWriter.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SHA256.h"

using namespace llvm;

namespace iodrain {
namespace {

struct CheckDoc {
  const char *Check, *RuleName, *Page;
};
const CheckDoc CheckDocs[] = {
#include "CheckDocs.inc"
};

/// The first paragraph of a docs page after its title.
std::string firstParagraph(StringRef Markdown) {
  SmallVector<StringRef, 16> Paragraphs;
  Markdown.split(Paragraphs, "\n\n");
  for (StringRef P : Paragraphs) {
    P = P.trim();
    if (P.empty() || P.starts_with("#") || P.starts_with(">"))
      continue;
    std::string Flat;
    for (char C : P)
      Flat += C == '\n' ? ' ' : C;
    return Flat;
  }
  return "";
}

std::string firstSentence(StringRef Text) {
  size_t End = Text.find(". ");
  return (End == StringRef::npos ? Text : Text.take_front(End + 1)).str();
}

std::string toUriPath(StringRef Path) {
  std::string Out;
  for (char C : Path) {
    if (isAlnum(C) || StringRef("/-._~").contains(C))
      Out += C;
    else
      Out += "%" + utohexstr((unsigned char)C, /*LowerCase=*/false, 2);
  }
  return Out;
}

} // namespace

std::vector<RuleHelp> builtinRuleHelp() {
  std::vector<RuleHelp> Help;
  for (const CheckDoc &D : CheckDocs) {
    std::string Full = firstParagraph(D.Page);
    Help.push_back({D.Check, D.RuleName, firstSentence(Full), Full, D.Page});
  }
  return Help;
}

json::Object SarifWriter::location(StringRef File, unsigned Offset,
                                   std::string *LineText) const {
  unsigned Line = 1, Column = 1;
  if (auto Buffer = MemoryBuffer::getFile(File)) {
    StringRef Text = (*Buffer)->getBuffer();
    StringRef Before = Text.take_front(Offset);
    Line += Before.count('\n');
    size_t LineStart = Before.rfind('\n');
    LineStart = LineStart == StringRef::npos ? 0 : LineStart + 1;
    Column = Offset - LineStart + 1;
    if (LineText)
      *LineText = Text.substr(LineStart).split('\n').first.trim().str();
  }
  SmallString<256> Relative(File);
  if (!SourceRoot.empty() && Relative.str().starts_with(SourceRoot))
    Relative = Relative.str().drop_front(SourceRoot.size());
  return json::Object{
      {"physicalLocation",
       json::Object{
           {"artifactLocation",
            json::Object{{"uri", toUriPath(Relative)},
                         {"uriBaseId", "SRCROOT"}}},
           {"region", json::Object{{"startLine", Line},
                                   {"startColumn", Column}}}}}};
}

void SarifWriter::add(const clang::tooling::TranslationUnitDiagnostics &TU) {
  for (const clang::tooling::Diagnostic &D : TU.Diagnostics) {
    const auto &M = D.Message;
    std::string Key = D.DiagnosticName + "|" + M.FilePath + "|" +
                      std::to_string(M.FileOffset) + "|" + M.Message;
    if (is_contained(Seen, Key))
      continue;
    Seen.push_back(Key);

    std::string LineText;
    json::Object Primary = location(M.FilePath, M.FileOffset, &LineText);
    json::Array Related, Flow;
    int Id = 1;
    for (const auto &Note : D.Notes) {
      json::Object At = location(Note.FilePath, Note.FileOffset);
      json::Object WithMessage = At;
      WithMessage["message"] = json::Object{{"text", Note.Message}};
      json::Object RelatedLocation = WithMessage;
      RelatedLocation["id"] = Id++;
      Related.push_back(std::move(RelatedLocation));
      Flow.push_back(json::Object{{"location", std::move(WithMessage)}});
    }
    // The close itself ends the path.
    json::Object Last = Primary;
    Last["message"] = json::Object{{"text", M.Message}};
    Flow.push_back(json::Object{{"location", std::move(Last)}});

    // Stable across edits elsewhere: no line numbers, only what is there.
    SmallString<256> Relative(M.FilePath);
    if (!SourceRoot.empty() && Relative.str().starts_with(SourceRoot))
      Relative = Relative.str().drop_front(SourceRoot.size());
    std::string Print = D.DiagnosticName + "\n" + Relative.str().str() + "\n" +
                        M.Message + "\n" + LineText;
    std::string Fingerprint = toHex(SHA256::hash(arrayRefFromStringRef(Print)),
                                    /*LowerCase=*/true)
                                  .substr(0, 32);

    int RuleIndex = -1;
    for (size_t I = 0; I < Rules.size(); ++I)
      if (Rules[I].Id == D.DiagnosticName)
        RuleIndex = (int)I;
    json::Object Result{
        {"ruleId", D.DiagnosticName},
        {"level", D.DiagLevel == clang::tooling::Diagnostic::Error ? "error"
                                                                   : "warning"},
        {"message", json::Object{{"text", M.Message}}},
        {"locations", json::Array{std::move(Primary)}},
        {"partialFingerprints",
         json::Object{{"iodrainFingerprint/v1", Fingerprint}}}};
    if (RuleIndex >= 0)
      Result["ruleIndex"] = RuleIndex;
    if (!Related.empty()) {
      Result["relatedLocations"] = std::move(Related);
      Result["codeFlows"] = json::Array{json::Object{
          {"threadFlows",
           json::Array{json::Object{{"locations", std::move(Flow)}}}}}};
    }
    Results.push_back(std::move(Result));
  }
}

json::Value SarifWriter::log() const {
  json::Array RuleArray;
  for (const RuleHelp &R : Rules)
    RuleArray.push_back(json::Object{
        {"id", R.Id},
        {"name", R.Name},
        {"shortDescription", json::Object{{"text", R.ShortText}}},
        {"fullDescription", json::Object{{"text", R.FullText}}},
        {"help", json::Object{{"text", R.FullText}, {"markdown", R.Markdown}}},
        {"defaultConfiguration", json::Object{{"level", "warning"}}}});
  std::string Root = SourceRoot;
  if (!Root.empty() && Root.back() != '/')
    Root += '/';
  return json::Object{
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs",
       json::Array{json::Object{
           {"tool",
            json::Object{{"driver",
                          json::Object{{"name", "iodrain"},
                                       {"version", IODRAIN_VERSION},
                                       {"semanticVersion", IODRAIN_VERSION},
                                       {"rules", std::move(RuleArray)}}}}},
           {"originalUriBaseIds",
            json::Object{{"SRCROOT",
                          json::Object{{"uri", "file://" + toUriPath(Root)}}}}},
           {"columnKind", "unicodeCodePoints"},
           {"results", json::Array(Results)}}}}};
}

} // namespace iodrain
