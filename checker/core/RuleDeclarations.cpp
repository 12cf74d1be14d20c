//===- RuleDeclarations.cpp -----------------------------------------------===//

#include "RuleDeclarations.h"
#include "clang/AST/Decl.h"
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
  std::vector<ArityMismatch> Found;
  TranslationUnitDecl *Unit = Ctx.getTranslationUnitDecl();
  for (const FunctionRule *R : Model.all()) {
    // Qualified names (methods, constructors) are not top-level names.
    if (StringRef(R->Name).contains(':'))
      continue;
    // Never create an identifier for a name the unit does not use.
    auto Id = Ctx.Idents.find(R->Name);
    if (Id == Ctx.Idents.end())
      continue;
    for (const NamedDecl *D : Unit->lookup(DeclarationName(Id->second))) {
      const FunctionProtoType *Proto = prototypeOf(D);
      if (!Proto || Proto->isVariadic())
        continue;
      if (std::optional<std::string> Beyond =
              positionBeyond(*R, Proto->getNumParams())) {
        Found.push_back({R, D, Proto->getNumParams(), *Beyond});
        break;
      }
    }
  }
  return Found;
}

} // namespace iodrain
