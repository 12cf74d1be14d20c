//===- RuleDeclarations.cpp -----------------------------------------------===//

#include "RuleDeclarations.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/DeclCXX.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "clang/AST/Type.h"

using namespace clang;

namespace iodrain {
namespace {

/// The prototype a declaration gives its name: a function's, or that of the
/// function a typedef'd pointer points to (LPFN_ACCEPTEX).
const FunctionProtoType *prototypeOf(const NamedDecl *D) {
  QualType T;
  if (const auto *FD = dyn_cast<FunctionDecl>(D))
    T = FD->getType();
  else if (const auto *TD = dyn_cast<TypedefNameDecl>(D))
    T = TD->getUnderlyingType();
  else
    return nullptr;
  if (const auto *P = T->getAs<PointerType>())
    T = P->getPointeeType();
  return T->getAs<FunctionProtoType>();
}

} // namespace

std::vector<ArityMismatch> arityMismatches(const ApiModel &Model,
                                           ASTContext &Ctx) {
  // The rules by top-level name (qualified names, of methods and
  // constructors, are not top-level names).
  llvm::StringMap<const FunctionRule *> ByName;
  for (const FunctionRule *R : Model.all())
    if (!StringRef(R->Name).contains(':'))
      ByName[R->Name] = R;
  // One walk over the unit's declarations, into `extern "C"` blocks: the
  // latest declaration of each name, as a lookup would find it. Cheaper
  // than the unit's lookup table, which a C unit builds on first use.
  llvm::DenseMap<const FunctionRule *, const NamedDecl *> Latest;
  llvm::SmallVector<const DeclContext *, 4> Contexts{
      Ctx.getTranslationUnitDecl()};
  while (!Contexts.empty()) {
    const DeclContext *DC = Contexts.pop_back_val();
    for (const Decl *D : DC->decls()) {
      if (isa<LinkageSpecDecl, ExportDecl>(D)) {
        Contexts.push_back(cast<DeclContext>(D));
        continue;
      }
      const auto *ND = dyn_cast<NamedDecl>(D);
      if (!ND || !isa<FunctionDecl, TypedefNameDecl>(ND) ||
          !ND->getIdentifier())
        continue;
      auto It = ByName.find(ND->getName());
      if (It == ByName.end())
        continue;
      const NamedDecl *&Seen = Latest[It->second];
      if (!Seen || Ctx.getSourceManager().isBeforeInTranslationUnit(
                       Seen->getLocation(), ND->getLocation()))
        Seen = ND;
    }
  }
  std::vector<ArityMismatch> Found;
  for (const FunctionRule *R : Model.all()) {
    const NamedDecl *D = Latest.lookup(R);
    const FunctionProtoType *Proto = D ? prototypeOf(D) : nullptr;
    if (!Proto || Proto->isVariadic())
      continue;
    if (std::optional<std::string> Beyond =
            positionBeyond(*R, Proto->getNumParams()))
      Found.push_back({R, D, Proto->getNumParams(), *Beyond});
  }
  return Found;
}

} // namespace iodrain
