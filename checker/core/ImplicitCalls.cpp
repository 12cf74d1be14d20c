//===- ImplicitCalls.cpp --------------------------------------------------===//

#include "ImplicitCalls.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"

using namespace clang;

namespace iodrain {

const CXXDestructorDecl *ImplicitCalls::writtenDestructor(QualType T) {
  if (T.isNull() || T->isReferenceType())
    return nullptr;
  const CXXRecordDecl *RD = T->getAsCXXRecordDecl();
  RD = RD ? RD->getDefinition() : nullptr;
  // The standard library's own (smart pointers, containers) are modelled
  // where they matter (DestructorEffects.h).
  if (!RD || RD->hasTrivialDestructor() || RD->isInStdNamespace())
    return nullptr;
  const CXXDestructorDecl *Dtor = RD->getDestructor();
  const FunctionDecl *Def = nullptr;
  if (!Dtor || Dtor->isImplicit() || !Dtor->hasBody(Def) || !Def)
    return nullptr;
  return Dtor;
}

const CallExpr *ImplicitCalls::at(const CXXMethodDecl *Method,
                                  const void *Site, SourceLocation Loc,
                                  llvm::ArrayRef<const Expr *> Args) {
  const CallExpr *&Call = Made[{Site, Method, Loc.getRawEncoding()}];
  if (Call)
    return Call;
  auto *M = const_cast<CXXMethodDecl *>(Method);
  QualType Object = Ctx.getRecordType(Method->getParent());
  auto *Placeholder =
      new (Ctx) OpaqueValueExpr(Loc, Object, VK_LValue, OK_Ordinary);
  auto *Callee = MemberExpr::Create(
      Ctx, Placeholder, /*IsArrow=*/false, Loc, NestedNameSpecifierLoc(),
      SourceLocation(), M, DeclAccessPair::make(M, M->getAccess()),
      DeclarationNameInfo(M->getDeclName(), Loc), nullptr, Ctx.BoundMemberTy,
      VK_PRValue, OK_Ordinary, NOUR_None);
  llvm::SmallVector<Expr *, 4> Operands;
  for (const Expr *A : Args)
    Operands.push_back(const_cast<Expr *>(A));
  Call = CXXMemberCallExpr::Create(Ctx, Callee, Operands, Ctx.VoidTy,
                                   VK_PRValue, Loc, FPOptionsOverride());
  return Call;
}

} // namespace iodrain
