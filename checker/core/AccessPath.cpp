//===- AccessPath.cpp -----------------------------------------------------===//

#include "AccessPath.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"
#include "llvm/Support/raw_ostream.h"

using namespace clang;

namespace iodrain {
namespace {

const Expr *stripNoOpCasts(const Expr *E) {
  while (true) {
    E = E->IgnoreParens();
    const auto *Cast = dyn_cast<CastExpr>(E);
    if (!Cast)
      return E;
    switch (Cast->getCastKind()) {
    case CK_NoOp:
    case CK_LValueToRValue:
    case CK_LValueBitCast:
    case CK_DerivedToBase:
    case CK_UncheckedDerivedToBase:
    case CK_BaseToDerived:
    case CK_BitCast:
    case CK_IntegralCast:
    case CK_PointerToIntegral:
    case CK_IntegralToPointer:
      E = Cast->getSubExpr();
      continue;
    default:
      return E;
    }
  }
}

std::string indexSuffix(const Expr *Index, const ASTContext &Ctx) {
  Expr::EvalResult R;
  if (!Index->isValueDependent() && Index->EvaluateAsInt(R, Ctx))
    return "[" + std::to_string(R.Val.getInt().getExtValue()) + "]";
  return "[?]";
}

} // namespace

std::string AccessPaths::varKey(const VarDecl *VD) {
  std::string Key;
  llvm::raw_string_ostream OS(Key);
  // Globals and statics are marked: any unknown call may change them.
  if (!VD->hasLocalStorage())
    OS << "::";
  OS << VD->getName() << '#' << static_cast<const void *>(VD);
  return Key;
}

bool AccessPaths::isHandleLike(QualType T) {
  if (T.isNull())
    return false;
  if (T->isPointerType())
    return true;
  // SOCKET is an integer typedef; follow the typedef chain by name.
  while (const auto *TT = T->getAs<TypedefType>()) {
    if (TT->getDecl()->getName() == "SOCKET")
      return true;
    T = TT->getDecl()->getUnderlyingType();
  }
  return false;
}

bool AccessPaths::isOverlappedType(QualType T) {
  const auto *RD = T.isNull() ? nullptr : T->getAsRecordDecl();
  if (!RD)
    return false;
  StringRef Name = RD->getName();
  return Name == "_OVERLAPPED" || Name == "OVERLAPPED";
}

std::optional<std::string> AccessPaths::lvalueKey(const State &S,
                                                  const Expr *E) const {
  E = stripNoOpCasts(E);
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl())) {
      // A reference variable names the object it is bound to.
      if (VD->getType()->isReferenceType() && VD->getInit())
        return lvalueKey(S, VD->getInit());
      return varKey(VD);
    }
    return std::nullopt;
  }
  if (const auto *ME = dyn_cast<MemberExpr>(E)) {
    std::optional<std::string> Base;
    if (ME->isArrow()) {
      ObjectRef O = objectOf(S, ME->getBase());
      if (O.isKey())
        Base = O.Name;
    } else {
      Base = lvalueKey(S, ME->getBase());
    }
    if (!Base)
      return std::nullopt;
    std::string Field = ME->getMemberDecl()->getName().str();
    return *Base + "." + (Field.empty() ? "<anon>" : Field);
  }
  if (const auto *UO = dyn_cast<UnaryOperator>(E)) {
    // In C++, ++x and --x are the lvalue x.
    if (UO->isPrefix() && UO->isIncrementDecrementOp())
      return lvalueKey(S, UO->getSubExpr());
    if (UO->getOpcode() != UO_Deref)
      return std::nullopt;
    ObjectRef O = objectOf(S, UO->getSubExpr());
    return O.isKey() ? std::optional<std::string>(O.Name) : std::nullopt;
  }
  if (const auto *AS = dyn_cast<ArraySubscriptExpr>(E)) {
    const Expr *Base = AS->getBase()->IgnoreParens();
    std::optional<std::string> BaseKey;
    const auto *Decay = dyn_cast<ImplicitCastExpr>(Base);
    if (Decay && Decay->getCastKind() == CK_ArrayToPointerDecay) {
      BaseKey = lvalueKey(S, Decay->getSubExpr());
    } else {
      ObjectRef O = objectOf(S, Base);
      if (O.isKey())
        BaseKey = O.Name;
    }
    if (!BaseKey)
      return std::nullopt;
    return *BaseKey + indexSuffix(AS->getIdx(), Ctx);
  }
  return std::nullopt;
}

ObjectRef AccessPaths::objectOf(const State &S, const Expr *E) const {
  const Expr *Stripped = E->IgnoreParens();
  // Null before stripping casts: `(HANDLE)0`, NULL and nullptr are null.
  if (!Stripped->isValueDependent() &&
      Stripped->isNullPointerConstant(
          Ctx, Expr::NPC_ValueDependentIsNotNull) != Expr::NPCK_NotNull)
    return ObjectRef::null();
  while (const auto *Cast = dyn_cast<CastExpr>(Stripped)) {
    if (Cast->getCastKind() == CK_ArrayToPointerDecay) {
      auto Key = lvalueKey(S, Cast->getSubExpr());
      return Key ? ObjectRef::key(*Key + "[0]") : ObjectRef::none();
    }
    if (Cast->getCastKind() == CK_FunctionToPointerDecay)
      return ObjectRef::none();
    Stripped = Cast->getSubExpr()->IgnoreParens();
  }
  if (const auto *UO = dyn_cast<UnaryOperator>(Stripped))
    if (UO->getOpcode() == UO_AddrOf) {
      auto Key = lvalueKey(S, UO->getSubExpr());
      return Key ? ObjectRef::key(*Key) : ObjectRef::none();
    }
  if (isa<CXXThisExpr>(Stripped))
    return ObjectRef::key("this");
  if (auto It = S.Exprs.find(Stripped); It != S.Exprs.end()) {
    if (It->second.K == AbsValue::Object)
      return ObjectRef::key(It->second.ObjectKey);
    if (It->second.K == AbsValue::Null)
      return ObjectRef::null();
  }
  if (!Stripped->isGLValue())
    return ObjectRef::none();
  std::optional<std::string> Key = lvalueKey(S, Stripped);
  if (!Key)
    return ObjectRef::none();
  auto It = S.Vars.find(*Key);
  if (It != S.Vars.end()) {
    if (It->second.K == AbsValue::Object)
      return ObjectRef::key(It->second.ObjectKey);
    if (It->second.K == AbsValue::Null)
      return ObjectRef::null();
  }
  return ObjectRef::key(*Key + "*");
}

ObjectRef AccessPaths::overlappedOf(const State &S, const Expr *E) const {
  ObjectRef O = objectOf(S, E);
  if (!O.isKey())
    return O;
  // Find the type of the object really pointed to, under any casts.
  const Expr *Inner = E->IgnoreParenCasts();
  QualType T;
  if (const auto *UO = dyn_cast<UnaryOperator>(Inner);
      UO && UO->getOpcode() == UO_AddrOf)
    T = UO->getSubExpr()->getType();
  else if (Inner->getType()->isPointerType())
    T = Inner->getType()->getPointeeType();
  else if (Inner->getType()->isArrayType())
    T = Ctx.getAsArrayType(Inner->getType())->getElementType();
  std::string Key = O.Name;
  for (unsigned Depth = 0; Depth < 4 && !T.isNull(); ++Depth) {
    if (isOverlappedType(T))
      return ObjectRef::key(Key);
    const auto *RD = T->getAsRecordDecl();
    if (!RD || !RD->getDefinition())
      break;
    if (const auto *CRD = dyn_cast<CXXRecordDecl>(RD->getDefinition());
        CRD && CRD->getNumBases() > 0)
      break; // Derived-to-base casts already name the object itself.
    auto Field = RD->getDefinition()->field_begin();
    if (Field == RD->getDefinition()->field_end())
      break;
    Key += "." + Field->getName().str();
    T = Field->getType();
  }
  return O;
}

} // namespace iodrain
