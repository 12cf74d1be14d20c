//===- SummaryExport.cpp --------------------------------------------------===//

#include "SummaryExport.h"
#include "../core/ApiModel.h"
#include "PathNotes.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/xxhash.h"
#include "llvm/Support/raw_ostream.h"

using namespace clang;

namespace iodrain {
namespace {

/// What the issuer's path knew of a field, written down; none for values
/// that name storage another unit cannot name.
std::optional<ProtocolField> writtenField(const AccessPath &Path,
                                          const AbsValue &V) {
  std::optional<std::string> Text = protocolPathText(Path);
  if (!Text)
    return std::nullopt;
  ProtocolField F;
  F.Path = *Text;
  switch (V.K) {
  case AbsValue::Int:
    F.K = ProtocolField::Equals;
    F.Value = V.Value;
    return F;
  case AbsValue::NotInts:
    F.K = ProtocolField::NotEquals;
    F.Values.assign(V.Excluded.begin(), V.Excluded.end());
    return F;
  case AbsValue::Null:
    F.K = ProtocolField::IsNull;
    return F;
  case AbsValue::Object:
    if (std::optional<std::string> Referent = protocolPathText(V.Referent)) {
      F.K = ProtocolField::PointsTo;
      F.Referent = *Referent;
      return F;
    }
    return std::nullopt;
  case AbsValue::Unknown:
    return std::nullopt;
  }
  return std::nullopt;
}

} // namespace

std::vector<ProtocolRule> writtenProtocols(const ObjectProtocols &Protocols,
                                           const ASTContext &Ctx) {
  const SourceManager &SM = Ctx.getSourceManager();
  std::vector<ProtocolRule> Out;
  for (const ObjectProtocols::Entry &E : Protocols.learned()) {
    const Request &Q = E.Shape;
    const RequestView &V = Q.View;
    if (!V.IssueCall)
      continue;
    ProtocolRule P;
    if (E.Record) {
      P.Type = protocolTypeName(*E.Record);
      if (P.Type.empty())
        continue;
    }
    std::optional<std::string> Ov = protocolPathText(Q.Overlapped);
    std::optional<std::string> Handle = protocolPathText(Q.Handle);
    if (!Ov || !Handle)
      continue;
    P.Overlapped = *Ov;
    P.Handle = *Handle;
    if (Q.Buffer)
      P.Buffer = protocolPathText(*Q.Buffer).value_or("");
    if (Q.EventObject)
      P.Event = protocolPathText(*Q.EventObject).value_or("");
    P.Issuer = E.Issuer->getQualifiedNameAsString();
    P.Call = calleeName(V.IssueCall, Ctx);
    PresumedLoc Loc =
        SM.getPresumedLoc(SM.getExpansionLoc(V.IssueCall->getBeginLoc()));
    if (Loc.isValid())
      P.Site = (llvm::sys::path::filename(Loc.getFilename()) + ":" +
                llvm::Twine(Loc.getLine()))
                   .str();
    if (V.HandleArg)
      P.HandleText = quoteSource(V.HandleArg, Ctx);
    P.State = V.State;
    P.Mode = V.Mode;
    P.PortBound = V.PortBound;
    for (const auto &[Path, Value] : E.Fields)
      if (std::optional<ProtocolField> F = writtenField(Path, Value))
        P.Fields.push_back(std::move(*F));
    if (!llvm::is_contained(Out, P))
      Out.push_back(std::move(P));
  }
  return Out;
}

llvm::Error exportSummaries(llvm::StringRef Dir,
                            const ObjectProtocols &Protocols,
                            const ASTContext &Ctx) {
  const SourceManager &SM = Ctx.getSourceManager();
  OptionalFileEntryRef Main = SM.getFileEntryRefForID(SM.getMainFileID());
  llvm::StringRef MainName = Main ? Main->getName() : "unit";
  llvm::SmallString<256> Absolute(MainName);
  llvm::sys::fs::make_absolute(Absolute);
  // Two files of one name in different directories get different files.
  llvm::SmallString<256> Path(Dir);
  llvm::sys::path::append(
      Path, llvm::sys::path::filename(MainName) + "-" +
                llvm::utohexstr(llvm::xxh3_64bits(Absolute.str())) + ".yaml");
  if (std::error_code EC = llvm::sys::fs::create_directories(Dir))
    return llvm::createStringError(EC, "cannot create the summaries "
                                       "directory '" +
                                           Dir + "': " + EC.message());
  std::error_code EC;
  llvm::raw_fd_ostream OS(Path, EC, llvm::sys::fs::OF_Text);
  if (!EC) {
    OS << "# iodrain summaries of " << MainName << "\n"
       << ApiModel::write(writtenProtocols(Protocols, Ctx));
    OS.close();
    EC = OS.error();
  }
  if (EC)
    return llvm::createStringError(EC, "cannot write the summaries file '" +
                                           Path + "': " + EC.message());
  return llvm::Error::success();
}

} // namespace iodrain
