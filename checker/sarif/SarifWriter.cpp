//===- SarifWriter.cpp ----------------------------------------------------===//

#include "SarifWriter.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
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

SarifWriter::SarifWriter(std::string SourceRoot, std::vector<RuleHelp> Rules,
                         raw_ostream &Warnings)
    : SourceRoot(std::move(SourceRoot)), Rules(std::move(Rules)),
      Warnings(Warnings) {}

unsigned SarifWriter::intern(StringRef S) {
  auto [It, New] = StringIds.try_emplace(S, Strings.size());
  if (New)
    Strings.push_back(It->first());
  return It->second;
}

const SarifWriter::Source *SarifWriter::source(StringRef File) {
  for (Source &S : Sources)
    if (S.Path == File) {
      S.LastUse = ++Clock;
      return &S;
    }
  if (File.empty() || Unreadable.contains(File))
    return nullptr;
  // Only regular files: a path to a FIFO or /dev/zero would never end.
  std::string Problem;
  sys::fs::file_status Status;
  ErrorOr<std::unique_ptr<MemoryBuffer>> Buffer = std::error_code();
  if (std::error_code EC = sys::fs::status(File, Status))
    Problem = "cannot read '" + File.str() + "': " + EC.message();
  else if (!sys::fs::is_regular_file(Status))
    Problem = "'" + File.str() + "' is not a regular file";
  else if (!(Buffer = MemoryBuffer::getFile(File, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false)))
    Problem =
        "cannot read '" + File.str() + "': " + Buffer.getError().message();
  if (!Problem.empty()) {
    Warnings << "iodrain-sarif: warning: " << Problem
             << "; its findings are placed at line 1, column 1\n";
    Unreadable.insert(File);
    return nullptr;
  }
  // Enough to hold the sources of a finding and its notes, a few files.
  constexpr size_t CachedSources = 8;
  Source *Slot;
  if (Sources.size() < CachedSources) {
    Slot = &Sources.emplace_back();
  } else {
    Slot = &*llvm::min_element(Sources, [](const Source &A, const Source &B) {
      return A.LastUse < B.LastUse;
    });
    *Slot = Source();
  }
  Slot->Path = File.str();
  Slot->Buffer = std::move(*Buffer);
  StringRef Text = Slot->Buffer->getBuffer();
  Slot->LineStarts.push_back(0);
  for (size_t I = 0; I < Text.size(); ++I)
    if (Text[I] == '\n')
      Slot->LineStarts.push_back(I + 1);
  Slot->LastUse = ++Clock;
  return Slot;
}

SarifWriter::Location SarifWriter::location(StringRef File, unsigned Offset,
                                            std::string *LineText) {
  const unsigned OriginalOffset = Offset;
  unsigned Line = 1, Column = 1;
  if (const Source *S = source(File)) {
    StringRef Text = S->Buffer->getBuffer();
    // A file edited since the analysis: its last character is the closest
    // place that exists, not a column millions of bytes into a line.
    bool Past = Offset > Text.size();
    if (Past)
      Offset = Text.empty() ? 0 : Text.size() - 1;
    auto Next = llvm::upper_bound(S->LineStarts, Offset);
    Line = Next - S->LineStarts.begin();
    size_t LineStart = *std::prev(Next);
    // The log says columnKind unicodeCodePoints: count UTF-8 lead bytes.
    Column = 1;
    for (char C : Text.slice(LineStart, Offset))
      if ((C & 0xC0) != 0x80)
        ++Column;
    if (Past)
      Warnings << "iodrain-sarif: warning: '" << File << "': offset "
               << OriginalOffset << " is past the end of the file ("
               << Text.size() << " bytes); placed at line " << Line
               << ", column " << Column << "\n";
    if (LineText)
      *LineText = Text.substr(LineStart).split('\n').first.trim().str();
  }
  SmallString<256> Relative(File);
  if (!SourceRoot.empty() && Relative.str().starts_with(SourceRoot))
    Relative = Relative.str().drop_front(SourceRoot.size()).str();
  return {intern(toUriPath(Relative)), Line, Column};
}

namespace {
std::string validUTF8(StringRef S) {
  return json::isUTF8(S) ? S.str() : json::fixUTF8(S);
}
} // namespace

void SarifWriter::add(const clang::tooling::TranslationUnitDiagnostics &TU) {
  for (const clang::tooling::Diagnostic &D : TU.Diagnostics) {
    const auto &M = D.Message;
    std::string Key = D.DiagnosticName + "|" + M.FilePath + "|" +
                      std::to_string(M.FileOffset) + "|" + M.Message;
    if (!Seen.insert(Key).second)
      continue;

    Result R;
    std::string LineText;
    R.Primary = location(M.FilePath, M.FileOffset, &LineText);
    for (const auto &N : D.Notes)
      R.Notes.push_back(
          {location(N.FilePath, N.FileOffset), validUTF8(N.Message)});
    // iodrain's fixes sit on notes (applied with --fix-notes).
    if (std::optional<Fix> F = fixOf(M))
      R.Fixes.push_back(std::move(*F));
    for (const auto &N : D.Notes)
      if (std::optional<Fix> F = fixOf(N))
        R.Fixes.push_back(std::move(*F));

    // Stable across edits elsewhere: no line numbers, only what is there.
    SmallString<256> Relative(M.FilePath);
    if (!SourceRoot.empty() && Relative.str().starts_with(SourceRoot))
      Relative = Relative.str().drop_front(SourceRoot.size()).str();
    std::string Print = D.DiagnosticName + "\n" + Relative.str().str() + "\n" +
                        M.Message + "\n" + LineText;
    R.Fingerprint = toHex(SHA256::hash(arrayRefFromStringRef(Print)),
                          /*LowerCase=*/true)
                        .substr(0, 32);

    R.RuleIndex = -1;
    for (size_t I = 0; I < Rules.size(); ++I)
      if (Rules[I].Id == D.DiagnosticName)
        R.RuleIndex = (int)I;
    R.RuleId = intern(validUTF8(D.DiagnosticName));
    R.Error = D.DiagLevel == clang::tooling::Diagnostic::Error;
    R.Message = validUTF8(M.Message);
    Results.push_back(std::move(R));
  }
}

std::optional<SarifWriter::Fix>
SarifWriter::fixOf(const clang::tooling::DiagnosticMessage &Message) {
  Fix F;
  F.Description = validUTF8(Message.Message);
  // StringMap's order is a hash's: files in name order, for stable logs.
  std::vector<StringRef> Files;
  for (const auto &Entry : Message.Fix)
    Files.push_back(Entry.getKey());
  llvm::sort(Files);
  for (StringRef File : Files)
    for (const clang::tooling::Replacement &Rep : Message.Fix.find(File)->second)
      F.Changes.push_back({location(File, Rep.getOffset()),
                           location(File, Rep.getOffset() + Rep.getLength()),
                           validUTF8(Rep.getReplacementText())});
  if (F.Changes.empty())
    return std::nullopt;
  return F;
}

// The keys of every object below are written in sorted order: that is how
// llvm::json printed the json::Value tree this replaces, so logs (and what
// tests and dashboards compare) are unchanged.

void SarifWriter::writePhysical(json::OStream &J, const Location &L) const {
  J.attributeObject("physicalLocation", [&] {
    J.attributeObject("artifactLocation", [&] {
      J.attribute("uri", Strings[L.Uri]);
      J.attribute("uriBaseId", "SRCROOT");
    });
    J.attributeObject("region", [&] {
      J.attribute("startColumn", L.Column);
      J.attribute("startLine", L.Line);
    });
  });
}

void SarifWriter::writeResult(json::OStream &J, const Result &R) const {
  auto Step = [&](const Location &L, StringRef Message) {
    J.object([&] {
      J.attributeObject("location", [&] {
        J.attributeObject("message", [&] { J.attribute("text", Message); });
        writePhysical(J, L);
      });
    });
  };
  J.object([&] {
    if (!R.Notes.empty())
      J.attributeArray("codeFlows", [&] {
        J.object([&] {
          J.attributeArray("threadFlows", [&] {
            J.object([&] {
              J.attributeArray("locations", [&] {
                for (const Note &N : R.Notes)
                  Step(N.At, N.Message);
                // The close itself ends the path.
                Step(R.Primary, R.Message);
              });
            });
          });
        });
      });
    if (!R.Fixes.empty())
      J.attributeArray("fixes", [&] {
        for (const Fix &F : R.Fixes)
          writeFix(J, F);
      });
    J.attribute("level", R.Error ? "error" : "warning");
    J.attributeArray("locations",
                     [&] { J.object([&] { writePhysical(J, R.Primary); }); });
    J.attributeObject("message", [&] { J.attribute("text", R.Message); });
    J.attributeObject("partialFingerprints", [&] {
      J.attribute("iodrainFingerprint/v1", R.Fingerprint);
    });
    if (!R.Notes.empty())
      J.attributeArray("relatedLocations", [&] {
        int Id = 1;
        for (const Note &N : R.Notes)
          J.object([&] {
            J.attribute("id", Id++);
            J.attributeObject("message",
                              [&] { J.attribute("text", N.Message); });
            writePhysical(J, N.At);
          });
      });
    J.attribute("ruleId", Strings[R.RuleId]);
    if (R.RuleIndex >= 0)
      J.attribute("ruleIndex", R.RuleIndex);
  });
}

void SarifWriter::writeFix(json::OStream &J, const Fix &F) const {
  // One artifactChange per file, its replacements in the order given.
  J.object([&] {
    J.attributeArray("artifactChanges", [&] {
      for (size_t I = 0; I < F.Changes.size();) {
        unsigned Uri = F.Changes[I].Start.Uri;
        J.object([&] {
          J.attributeObject("artifactLocation", [&] {
            J.attribute("uri", Strings[Uri]);
            J.attribute("uriBaseId", "SRCROOT");
          });
          J.attributeArray("replacements", [&] {
            for (; I < F.Changes.size() && F.Changes[I].Start.Uri == Uri; ++I) {
              const Change &C = F.Changes[I];
              J.object([&] {
                J.attributeObject("deletedRegion", [&] {
                  J.attribute("endColumn", C.End.Column);
                  J.attribute("endLine", C.End.Line);
                  J.attribute("startColumn", C.Start.Column);
                  J.attribute("startLine", C.Start.Line);
                });
                J.attributeObject("insertedContent",
                                  [&] { J.attribute("text", C.Text); });
              });
            }
          });
        });
      }
    });
    J.attributeObject("description",
                      [&] { J.attribute("text", F.Description); });
  });
}

void SarifWriter::write(raw_ostream &OS) const {
  json::OStream J(OS, /*IndentSize=*/2);
  std::string Root = SourceRoot;
  if (!Root.empty() && Root.back() != '/')
    Root += '/';
  J.object([&] {
    J.attribute("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
    J.attributeArray("runs", [&] {
      J.object([&] {
        J.attribute("columnKind", "unicodeCodePoints");
        J.attributeObject("originalUriBaseIds", [&] {
          J.attributeObject("SRCROOT", [&] {
            J.attribute("uri", "file://" + toUriPath(Root));
          });
        });
        J.attributeArray("results", [&] {
          for (const Result &R : Results)
            writeResult(J, R);
        });
        J.attributeObject("tool", [&] {
          J.attributeObject("driver", [&] {
            J.attribute("name", "iodrain");
            J.attributeArray("rules", [&] {
              for (const RuleHelp &H : Rules)
                J.object([&] {
                  J.attributeObject("defaultConfiguration",
                                    [&] { J.attribute("level", "warning"); });
                  J.attributeObject("fullDescription",
                                    [&] { J.attribute("text", H.FullText); });
                  J.attributeObject("help", [&] {
                    J.attribute("markdown", H.Markdown);
                    J.attribute("text", H.FullText);
                  });
                  J.attribute("id", H.Id);
                  J.attribute("name", H.Name);
                  J.attributeObject("shortDescription",
                                    [&] { J.attribute("text", H.ShortText); });
                });
            });
            J.attribute("semanticVersion", IODRAIN_VERSION);
            J.attribute("version", IODRAIN_VERSION);
          });
        });
      });
    });
    J.attribute("version", "2.1.0");
  });
}

} // namespace iodrain
