//===- AccessPath.cpp -----------------------------------------------------===//

#include "AccessPath.h"
#include "clang/AST/DeclTemplate.h"
#include "AbstractState.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"
#include "llvm/ADT/Hashing.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/raw_ostream.h"
#include <tuple>

using namespace clang;

namespace iodrain {

bool operator<(const PathComponent &A, const PathComponent &B) {
  return std::tie(A.K, A.Ptr, A.Index) < std::tie(B.K, B.Ptr, B.Index);
}

bool operator<(const AccessPath &A, const AccessPath &B) {
  if (A.Kind != B.Kind)
    return A.Kind < B.Kind;
  if (A.Root != B.Root)
    return std::less<const void *>()(A.Root, B.Root);
  return std::lexicographical_compare(A.Path.begin(), A.Path.end(),
                                      B.Path.begin(), B.Path.end());
}

size_t AccessPath::hash() const {
  llvm::hash_code H = llvm::hash_combine(int(Kind), Root);
  for (const PathComponent &C : Path)
    H = llvm::hash_combine(H, int(C.K), C.Ptr, C.Index);
  return H;
}

AccessPath AccessPath::variable(const VarDecl *VD) {
  // One name for every declaration of a global (`extern` and definition).
  VD = VD->getCanonicalDecl();
  AccessPath P;
  P.Root = VD;
  P.Kind = isa<ParmVarDecl>(VD)   ? RootKind::Param
           : VD->hasLocalStorage() ? RootKind::Local
                                   : RootKind::Global;
  return P;
}

AccessPath AccessPath::argument(const VarDecl *Param) {
  AccessPath P;
  P.Root = Param->getCanonicalDecl();
  P.Kind = RootKind::Argument;
  return P;
}

AccessPath AccessPath::thisObject() {
  AccessPath P;
  P.Kind = RootKind::This;
  return P;
}

AccessPath AccessPath::callResult(const CallExpr *CE) {
  AccessPath P;
  P.Kind = RootKind::CallResult;
  P.Root = CE;
  return P;
}

AccessPath AccessPath::with(const PathComponent &C) const {
  AccessPath P = *this;
  // `container_of(&x.m, T, m)` is `x`, and member `m` of the object found
  // back from its member `m` is that member: one storage, one name.
  bool Inverse = !P.Path.empty() && P.Path.back().Ptr == C.Ptr &&
                 ((C.K == PathComponent::Field &&
                   P.Path.back().K == PathComponent::Container) ||
                  (C.K == PathComponent::Container &&
                   P.Path.back().K == PathComponent::Field));
  if (Inverse)
    P.Path.pop_back();
  else
    P.Path.push_back(C);
  return P;
}

AccessPath AccessPath::field(const FieldDecl *FD) const {
  return with({PathComponent::Field, FD, 0});
}

AccessPath AccessPath::container(const FieldDecl *FD) const {
  return with({PathComponent::Container, FD, 0});
}

AccessPath AccessPath::deref() const {
  AccessPath P = *this;
  P.Path.push_back({PathComponent::Deref, nullptr, 0});
  return P;
}

AccessPath AccessPath::element(int64_t Index) const {
  AccessPath P = *this;
  P.Path.push_back({PathComponent::Element, nullptr, Index});
  return P;
}

std::optional<AccessPath> AccessPath::pointerSlot() const {
  if (Path.empty() || Path.back().K != PathComponent::Deref)
    return std::nullopt;
  AccessPath P = *this;
  P.Path.pop_back();
  return P;
}

bool AccessPath::hasUnknownIndex() const {
  return llvm::any_of(Path, [](const PathComponent &C) {
    return C.K == PathComponent::Element && C.Index < 0;
  });
}

bool AccessPath::mayAlias(const AccessPath &Other) const {
  if (Kind != Other.Kind || Root != Other.Root ||
      Path.size() != Other.Path.size())
    return false;
  for (size_t I = 0; I < Path.size(); ++I) {
    const PathComponent &A = Path[I], &B = Other.Path[I];
    if (A.K == PathComponent::Element && B.K == PathComponent::Element &&
        (A.Index < 0 || B.Index < 0)) {
      if (!PathComponent::indicesMayMeet(A.Index, B.Index))
        return false;
      continue;
    }
    if (!(A == B))
      return false;
  }
  return true;
}

AccessPath AccessPath::held() const {
  AccessPath P = *this;
  P.Path.push_back({PathComponent::Held, nullptr, 0});
  return P;
}

AccessPath AccessPath::retiredAt(size_t Depth, const void *Tag) const {
  AccessPath P = *this;
  P.Path.insert(P.Path.begin() + Depth, {PathComponent::Retired, Tag, 0});
  return P;
}

AccessPath AccessPath::prefix(size_t Depth) const {
  AccessPath P = *this;
  if (Depth < P.Path.size())
    P.Path.resize(Depth);
  return P;
}

bool AccessPath::isUnder(const AccessPath &Prefix) const {
  if (Kind != Prefix.Kind || Root != Prefix.Root ||
      Path.size() < Prefix.Path.size())
    return false;
  if (!std::equal(Prefix.Path.begin(), Prefix.Path.end(), Path.begin()))
    return false;
  return Path.size() == Prefix.Path.size() ||
         Path[Prefix.Path.size()].K != PathComponent::Retired;
}

std::optional<AccessPath> AccessPath::rebased(const AccessPath &From,
                                              const AccessPath &To) const {
  if (!isUnder(From))
    return std::nullopt;
  AccessPath P = To;
  for (const PathComponent &C : llvm::drop_begin(Path, From.Path.size()))
    P = P.with(C);
  return P;
}

AccessPath AccessPath::enclosingObject() const {
  AccessPath P = *this;
  while (!P.Path.empty() && P.Path.back().K == PathComponent::Field)
    P.Path.pop_back();
  return P;
}

bool AccessPath::isStoredIn(const AccessPath &Object) const {
  if (!isUnder(Object))
    return false;
  return std::none_of(Path.begin() + Object.Path.size(), Path.end(),
                      [](const PathComponent &C) {
                        return C.K == PathComponent::Deref ||
                               C.K == PathComponent::Held;
                      });
}

const VarDecl *AccessPath::functionStatic() const {
  if (Kind != RootKind::Global || throughPointer())
    return nullptr;
  const auto *VD = static_cast<const VarDecl *>(Root);
  return VD->isStaticLocal() ? VD : nullptr;
}

bool AccessPath::throughPointer() const {
  return llvm::any_of(Path, [](const PathComponent &C) {
    return C.K == PathComponent::Deref || C.K == PathComponent::Held;
  });
}

bool AccessPath::isUnbounded() const {
  constexpr size_t MaxComponents = 16;
  if (Path.size() > MaxComponents)
    return true;
  llvm::SmallPtrSet<const void *, 8> Fields;
  for (const PathComponent &C : Path)
    if (C.K == PathComponent::Field && !Fields.insert(C.Ptr).second)
      return true;
  return false;
}

bool AccessPath::isParameterPointee() const {
  if (Kind != RootKind::Param || Path.empty() ||
      Path.front().K != PathComponent::Deref)
    return false;
  return llvm::all_of(Path, [](const PathComponent &C) {
    return C.K == PathComponent::Deref || C.K == PathComponent::Element;
  });
}

bool AccessPath::isShared() const {
  return Kind == RootKind::Global || throughPointer();
}

const VarDecl *AccessPath::ownerVariable() const {
  if ((Kind != RootKind::Local && Kind != RootKind::Param) ||
      throughPointer())
    return nullptr;
  if (!Path.empty() && Path.front().K == PathComponent::Retired)
    return nullptr;
  return static_cast<const VarDecl *>(Root);
}

bool AccessPath::endsInField(StringRef Name) const {
  if (Path.empty() || Path.back().K != PathComponent::Field)
    return false;
  return static_cast<const FieldDecl *>(Path.back().Ptr)->getName() == Name;
}

bool AccessPath::printComponents(llvm::raw_ostream &OS, bool Strict) const {
  for (const PathComponent &C : Path) {
    switch (C.K) {
    case PathComponent::Field: {
      StringRef Name = static_cast<const FieldDecl *>(C.Ptr)->getName();
      if (Name.empty() && Strict)
        return false;
      OS << '.' << (Name.empty() ? "<anon>" : Name);
      break;
    }
    case PathComponent::Deref:
      OS << '*';
      break;
    case PathComponent::Element:
      if (C.Index < 0)
        OS << "[?]";
      else
        OS << '[' << C.Index << ']';
      break;
    case PathComponent::Held:
      OS << ".<held>";
      break;
    case PathComponent::Retired:
      if (Strict)
        return false;
      OS << "@old";
      break;
    case PathComponent::Container:
      if (Strict)
        return false;
      OS << ".<outer:"
         << static_cast<const FieldDecl *>(C.Ptr)->getName() << '>';
      break;
    }
  }
  return true;
}

std::string AccessPath::str() const {
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  switch (Kind) {
  case RootKind::This:
    OS << "this";
    break;
  case RootKind::CallResult:
    OS << "<call>";
    break;
  case RootKind::Argument:
    OS << "(*" << static_cast<const VarDecl *>(Root)->getName() << ')';
    break;
  default:
    OS << static_cast<const VarDecl *>(Root)->getName();
  }
  printComponents(OS, /*Strict=*/false);
  return Out;
}

const Expr *stripIdentityCasts(const Expr *E) {
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

namespace {

int64_t constantIndex(const Expr *Index, const ASTContext &Ctx) {
  Expr::EvalResult R;
  if (!Index->isValueDependent() && Index->EvaluateAsInt(R, Ctx) &&
      R.Val.getInt().getSignificantBits() <= 63 &&
      !R.Val.getInt().isNegative())
    return R.Val.getInt().getExtValue();
  return -1;
}

/// A lower bound of an index that does not fold: `c` for `i + c` with an
/// unsigned `i` and a constant `c` (`handles[i + 1] = events[i]` after
/// `handles[0] = io_event`), else 0.
int64_t indexLowerBound(const Expr *Index, const ASTContext &Ctx) {
  const auto *BO = dyn_cast<BinaryOperator>(Index->IgnoreParenImpCasts());
  if (!BO || BO->getOpcode() != BO_Add)
    return 0;
  for (const auto &[Offset, Base] :
       {std::pair(BO->getRHS(), BO->getLHS()),
        std::pair(BO->getLHS(), BO->getRHS())}) {
    int64_t C = constantIndex(Offset, Ctx);
    if (C > 0 && C < (int64_t(1) << 20) &&
        Base->IgnoreParenImpCasts()->getType()->isUnsignedIntegerType())
      return C;
  }
  return 0;
}

/// The fields of an `offsetof(T, a.b)` or `&((T *)0)->a.b`, from T inward.
bool memberOffset(const Expr *E,
                  llvm::SmallVectorImpl<const FieldDecl *> &Fields) {
  E = E->IgnoreParenCasts();
  if (const auto *OE = dyn_cast<OffsetOfExpr>(E)) {
    for (unsigned I = 0; I < OE->getNumComponents(); ++I) {
      const OffsetOfNode &N = OE->getComponent(I);
      if (N.getKind() != OffsetOfNode::Field)
        return false;
      Fields.push_back(N.getField());
    }
    return !Fields.empty();
  }
  const auto *UO = dyn_cast<UnaryOperator>(E);
  if (!UO || UO->getOpcode() != UO_AddrOf)
    return false;
  const Expr *Base = UO->getSubExpr()->IgnoreParens();
  while (const auto *ME = dyn_cast<MemberExpr>(Base)) {
    const auto *FD = dyn_cast<FieldDecl>(ME->getMemberDecl());
    if (!FD)
      return false;
    Fields.insert(Fields.begin(), FD);
    Base = ME->getBase()->IgnoreParens();
    if (ME->isArrow())
      break;
  }
  const Expr *Null = Base->IgnoreParenCasts();
  const auto *Lit = dyn_cast<IntegerLiteral>(Null);
  return !Fields.empty() && Base->getType()->isPointerType() && Lit &&
         Lit->getValue() == 0;
}

bool isByteSized(QualType T) {
  return T->isCharType() || T->isSpecificBuiltinType(BuiltinType::UChar) ||
         T->isSpecificBuiltinType(BuiltinType::SChar) || T->isVoidType();
}

} // namespace

std::optional<ContainerOf> matchContainerOf(const Expr *E) {
  const auto *BO = dyn_cast<BinaryOperator>(E->IgnoreParenCasts());
  if (!BO || BO->getOpcode() != BO_Sub ||
      !BO->getLHS()->getType()->isPointerType() ||
      !isByteSized(BO->getLHS()->getType()->getPointeeType()) ||
      !BO->getRHS()->getType()->isIntegerType())
    return std::nullopt;
  ContainerOf C;
  if (!memberOffset(BO->getRHS(), C.Fields))
    return std::nullopt;
  C.Member = BO->getLHS();
  return C;
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

QualType AccessPaths::smartPointee(QualType T) {
  const auto *Spec = T.isNull() ? nullptr
                                : dyn_cast_or_null<ClassTemplateSpecializationDecl>(
                                      T->getAsCXXRecordDecl());
  if (!Spec || !Spec->isInStdNamespace() ||
      (Spec->getName() != "unique_ptr" && Spec->getName() != "shared_ptr") ||
      Spec->getTemplateArgs().size() == 0 ||
      Spec->getTemplateArgs()[0].getKind() != TemplateArgument::Type)
    return QualType();
  return Spec->getTemplateArgs()[0].getAsType();
}

QualType AccessPaths::resetSmartPointer(const Stmt *S) {
  const auto *MCE = dyn_cast_or_null<CXXMemberCallExpr>(S);
  const Expr *Obj = MCE ? MCE->getImplicitObjectArgument() : nullptr;
  if (!Obj || !MCE->getMethodDecl() ||
      MCE->getMethodDecl()->getName() != "reset")
    return QualType();
  QualType T = Obj->getType();
  if (T->isPointerType())
    T = T->getPointeeType();
  return smartPointee(T).isNull() ? QualType() : T;
}

QualType AccessPaths::heldPointee(QualType T, unsigned Depth) {
  if (T.isNull() || Depth > 4)
    return QualType();
  if (QualType Pointee = smartPointee(T); !Pointee.isNull())
    return Pointee;
  const CXXRecordDecl *RD = T->getAsCXXRecordDecl();
  if (!RD || !RD->hasDefinition())
    return QualType();
  for (const CXXBaseSpecifier &B : RD->bases())
    if (QualType Pointee = heldPointee(B.getType(), Depth + 1);
        !Pointee.isNull())
      return Pointee;
  return QualType();
}

bool AccessPaths::isSmartPointerMethod(const Stmt *S, StringRef Name) {
  const auto *MCE = dyn_cast_or_null<CXXMemberCallExpr>(S);
  const CXXMethodDecl *MD = MCE ? MCE->getMethodDecl() : nullptr;
  // The standard class's own method, not one a wrapper declares with the
  // same name (`HANDLE get() const { return ev_; }`).
  if (!MD || MCE->getNumArgs() != 0 || !MD->getParent()->isInStdNamespace())
    return false;
  if (Name.empty() ? !isa<CXXConversionDecl>(MD)
                   : !MD->getIdentifier() || MD->getName() != Name)
    return false;
  // The object's class, not the method's: libstdc++'s shared_ptr inherits
  // get() from __shared_ptr.
  const Expr *Obj = MCE->getImplicitObjectArgument();
  if (!Obj)
    return false;
  QualType T = Obj->IgnoreParenImpCasts()->getType();
  if (T->isPointerType())
    T = T->getPointeeType();
  return !heldPointee(T).isNull();
}

bool AccessPaths::isOverlappedType(QualType T) {
  const auto *RD = T.isNull() ? nullptr : T->getAsRecordDecl();
  if (!RD)
    return false;
  StringRef Name = RD->getName();
  return Name == "_OVERLAPPED" || Name == "OVERLAPPED";
}

bool AccessPaths::containsOverlapped(QualType T, unsigned Depth) {
  if (T.isNull() || Depth > 4)
    return false;
  while (const auto *AT = T->getAsArrayTypeUnsafe())
    T = AT->getElementType();
  if (isOverlappedType(T))
    return true;
  const auto *RD = T->getAsRecordDecl();
  if (!RD || !RD->getDefinition())
    return false;
  for (const FieldDecl *F : RD->getDefinition()->fields())
    if (containsOverlapped(F->getType(), Depth + 1))
      return true;
  return false;
}

std::optional<AccessPath> AccessPaths::lvalueOf(const State &S,
                                                const Expr *E) const {
  E = stripIdentityCasts(E);
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl())) {
      // A reference variable names the object it is bound to.
      if (VD->getType()->isReferenceType()) {
        if (VD->getInit())
          return lvalueOf(S, VD->getInit());
        // A reference parameter: the object it refers to, bound by the
        // caller when iodrain follows the call.
        if (const AbsValue *Bound = S.Vars.find(AccessPath::variable(VD));
            Bound && Bound->K == AbsValue::Object)
          return Bound->Referent;
        return AccessPath::variable(VD).deref();
      }
      return AccessPath::variable(VD);
    }
    return std::nullopt;
  }
  if (const auto *ME = dyn_cast<MemberExpr>(E)) {
    const auto *FD = dyn_cast<FieldDecl>(ME->getMemberDecl());
    if (!FD)
      return std::nullopt;
    std::optional<AccessPath> Base;
    if (ME->isArrow()) {
      ObjectRef O = objectOf(S, ME->getBase());
      if (O.isKnown())
        Base = O.Path;
    } else {
      Base = lvalueOf(S, ME->getBase());
    }
    if (!Base)
      return std::nullopt;
    // A reference member names the object it was bound to, when the path
    // knows it (a constructor's `m_over(over)`); else the member names it
    // (BackReferences.h collapses a worker's `owner_.h_`).
    if (FD->getType()->isReferenceType())
      if (const AbsValue *Bound = S.Vars.find(Base->field(FD));
          Bound && Bound->K == AbsValue::Object)
        return Bound->Referent;
    return Base->field(FD);
  }
  if (isa<CXXThisExpr>(E))
    return std::nullopt; // `this` is a prvalue; its pointee is objectOf.
  // In C++, `(a = b)` is the lvalue `a`, and `(x, a)` is `a`.
  if (const auto *BO = dyn_cast<BinaryOperator>(E); BO && BO->isGLValue()) {
    if (BO->isAssignmentOp())
      return lvalueOf(S, BO->getLHS());
    if (BO->getOpcode() == BO_Comma)
      return lvalueOf(S, BO->getRHS());
    return std::nullopt;
  }
  if (const auto *UO = dyn_cast<UnaryOperator>(E)) {
    // In C++, ++x and --x are the lvalue x.
    if (UO->isPrefix() && UO->isIncrementDecrementOp())
      return lvalueOf(S, UO->getSubExpr());
    if (UO->getOpcode() != UO_Deref)
      return std::nullopt;
    ObjectRef O = objectOf(S, UO->getSubExpr());
    return O.isKnown() ? std::optional<AccessPath>(O.Path) : std::nullopt;
  }
  // `v[i]` of a std::vector or std::array is an element of `v`.
  if (const auto *OCE = dyn_cast<CXXOperatorCallExpr>(E);
      OCE && OCE->getOperator() == OO_Subscript && OCE->getNumArgs() == 2) {
    const auto *RD = OCE->getArg(0)->getType()->getAsCXXRecordDecl();
    if (!RD || !RD->isInStdNamespace() ||
        (RD->getName() != "vector" && RD->getName() != "array"))
      return std::nullopt;
    auto Base = lvalueOf(S, OCE->getArg(0));
    if (!Base)
      return std::nullopt;
    return Base->element(constantIndex(OCE->getArg(1), Ctx));
  }
  if (const auto *AS = dyn_cast<ArraySubscriptExpr>(E)) {
    const Expr *Base = AS->getBase()->IgnoreParens();
    std::optional<AccessPath> BasePath;
    const auto *Decay = dyn_cast<ImplicitCastExpr>(Base);
    if (Decay && Decay->getCastKind() == CK_ArrayToPointerDecay) {
      BasePath = lvalueOf(S, Decay->getSubExpr());
    } else {
      ObjectRef O = objectOf(S, Base);
      if (O.isKnown())
        BasePath = O.Path;
    }
    if (!BasePath)
      return std::nullopt;
    int64_t Index = constantIndex(AS->getIdx(), Ctx);
    if (Index < 0)
      Index = -1 - indexLowerBound(AS->getIdx(), Ctx);
    // A table of events that a wait dispatches on is filled through a
    // counter and read at the wait's result: `table[count] = ev;`,
    // `table[dw - WAIT_OBJECT_0] == ov.hEvent`.
    if (Index < 0 && Decay && isDispatchTable(Decay->getSubExpr()))
      if (auto Known = knownInteger(S, AS->getIdx(), 0);
          Known && *Known >= 0 && *Known < MaxKnownIndex)
        Index = *Known;
    return BasePath->element(Index);
  }
  return std::nullopt;
}

namespace {

/// The local array of handles `E` names, if it is one.
const VarDecl *localHandleArray(const Expr *E) {
  const auto *DRE = dyn_cast<DeclRefExpr>(E->IgnoreParens());
  const auto *VD = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
  if (!VD || !VD->hasLocalStorage())
    return nullptr;
  const auto *AT = dyn_cast<ConstantArrayType>(
      VD->getType()->getUnqualifiedDesugaredType());
  return AT && AT->getElementType()->isVoidPointerType() ? VD : nullptr;
}

/// The array an element access `a[i]` reads from, if `E` is one.
const VarDecl *arrayOfElement(const Expr *E) {
  const auto *AS = dyn_cast<ArraySubscriptExpr>(E->IgnoreParenImpCasts());
  if (!AS)
    return nullptr;
  const auto *Decay = dyn_cast<ImplicitCastExpr>(AS->getBase()->IgnoreParens());
  if (!Decay || Decay->getCastKind() != CK_ArrayToPointerDecay)
    return nullptr;
  return localHandleArray(Decay->getSubExpr());
}

} // namespace

bool AccessPaths::isDispatchTable(const Expr *Array) const {
  const VarDecl *VD = localHandleArray(Array);
  if (!VD)
    return false;
  TableUse Use = tableUse(VD);
  return Use.Compared && Use.Plain;
}

bool AccessPaths::isAliasedTable(const Expr *Array) const {
  const VarDecl *VD = localHandleArray(Array);
  return VD && !tableUse(VD).Plain;
}

AccessPaths::TableUse AccessPaths::tableUse(const VarDecl *VD) const {
  auto [It, New] = TableUses.try_emplace(VD);
  if (!New)
    return It->second;
  // One walk of the function per array: is an element of it compared with
  // a handle other than NULL? Other tables of handles (threads to join,
  // checked against NULL) keep one unknown element: naming each element
  // a loop fills would tell its iterations apart. A table also used in
  // other ways (a pointer into it, `*(table + n) = ev`) may change where
  // no element is named: it keeps one unknown element too.
  const auto *FD = dyn_cast_or_null<FunctionDecl>(
      VD->getParentFunctionOrMethod());
  const Stmt *Body = FD ? FD->getBody() : nullptr;
  auto NamesTable = [&](const Expr *E) {
    const auto *DRE = E ? dyn_cast<DeclRefExpr>(E->IgnoreParenImpCasts())
                        : nullptr;
    return DRE && DRE->getDecl() == VD;
  };
  bool Compared = false;
  unsigned Uses = 0, Allowed = 0;
  llvm::SmallVector<const Stmt *, 32> Work;
  if (Body)
    Work.push_back(Body);
  while (!Work.empty()) {
    const Stmt *St = Work.pop_back_val();
    if (const auto *DRE = dyn_cast<DeclRefExpr>(St); DRE && DRE->getDecl() == VD)
      ++Uses;
    if (const auto *AS = dyn_cast<ArraySubscriptExpr>(St))
      Allowed += NamesTable(AS->getBase());
    // A pointer to an element (`slot = &table[0]`) writes where no
    // element is named.
    if (const auto *UO = dyn_cast<UnaryOperator>(St);
        UO && UO->getOpcode() == UO_AddrOf)
      if (const auto *AS =
              dyn_cast<ArraySubscriptExpr>(UO->getSubExpr()->IgnoreParens());
          AS && NamesTable(AS->getBase()))
        ++Uses;
    if (const auto *CE = dyn_cast<CallExpr>(St))
      for (const Expr *Arg : CE->arguments()) {
        const Expr *A = Arg->IgnoreParenImpCasts();
        if (const auto *UO = dyn_cast<UnaryOperator>(A);
            UO && UO->getOpcode() == UO_AddrOf)
          A = UO->getSubExpr();
        Allowed += NamesTable(A);
      }
    if (const auto *Size = dyn_cast<UnaryExprOrTypeTraitExpr>(St);
        Size && !Size->isArgumentType())
      Allowed += NamesTable(Size->getArgumentExpr());
    if (const auto *BO = dyn_cast<BinaryOperator>(St);
        BO && BO->isEqualityOp())
      for (auto [Elem, Other] : {std::pair(BO->getLHS(), BO->getRHS()),
                                 std::pair(BO->getRHS(), BO->getLHS())})
        Compared |= arrayOfElement(Elem) == VD && !Other->isValueDependent() &&
                    Other->isNullPointerConstant(
                        Ctx, Expr::NPC_ValueDependentIsNotNull) ==
                        Expr::NPCK_NotNull;
    for (const Stmt *Child : St->children())
      if (Child)
        Work.push_back(Child);
  }
  return TableUses[VD] = {Compared, Uses == Allowed};
}

std::optional<int64_t> AccessPaths::knownInteger(const State &S,
                                                 const Expr *E,
                                                 unsigned Depth) const {
  if (Depth > 4 || E->isValueDependent())
    return std::nullopt;
  E = E->IgnoreParenCasts();
  Expr::EvalResult R;
  if (E->EvaluateAsInt(R, Ctx) && R.Val.getInt().getSignificantBits() <= 63)
    return R.Val.getInt().getExtValue();
  if (const AbsValue *V = S.exprValue(E); V && V->K == AbsValue::Int)
    return V->Value;
  if (const auto *BO = dyn_cast<BinaryOperator>(E);
      BO && (BO->getOpcode() == BO_Add || BO->getOpcode() == BO_Sub)) {
    auto L = knownInteger(S, BO->getLHS(), Depth + 1);
    auto Rhs = L ? knownInteger(S, BO->getRHS(), Depth + 1) : std::nullopt;
    int64_t Result;
    if (!Rhs || (BO->getOpcode() == BO_Add
                     ? llvm::AddOverflow(*L, *Rhs, Result)
                     : llvm::SubOverflow(*L, *Rhs, Result)))
      return std::nullopt;
    return Result;
  }
  if (!E->isGLValue())
    return std::nullopt;
  if (auto Path = lvalueOf(S, E))
    if (const AbsValue *V = S.Vars.find(*Path); V && V->K == AbsValue::Int)
      return V->Value;
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
      auto Path = lvalueOf(S, Cast->getSubExpr());
      return Path ? ObjectRef::at(Path->element(0)) : ObjectRef::none();
    }
    if (Cast->getCastKind() == CK_FunctionToPointerDecay)
      return ObjectRef::none();
    Stripped = Cast->getSubExpr()->IgnoreParens();
  }
  if (const auto *UO = dyn_cast<UnaryOperator>(Stripped))
    if (UO->getOpcode() == UO_AddrOf) {
      auto Path = lvalueOf(S, UO->getSubExpr());
      return Path ? ObjectRef::at(*Path) : ObjectRef::none();
    }
  // `(check, p)` and `sizeof(check) ? p : p` (type checks in macros).
  if (const auto *BO = dyn_cast<BinaryOperator>(Stripped);
      BO && BO->getOpcode() == BO_Comma)
    return objectOf(S, BO->getRHS());
  // `async ? &ov : NULL`: the arm of a constant condition, or of the one
  // the path took (the condition's block records what it assumed).
  if (const auto *CO = dyn_cast<ConditionalOperator>(Stripped)) {
    bool Cond;
    const Expr *Test = CO->getCond()->IgnoreParens();
    if (!Test->isValueDependent() &&
        Test->EvaluateAsBooleanCondition(Cond, Ctx))
      return objectOf(S, Cond ? CO->getTrueExpr() : CO->getFalseExpr());
    if (const AbsValue *Taken = S.exprValue(Test))
      if (std::optional<bool> Truth = Taken->truth())
        return objectOf(S, *Truth ? CO->getTrueExpr() : CO->getFalseExpr());
  }
  if (std::optional<ContainerOf> C = matchContainerOf(Stripped)) {
    ObjectRef Member = objectOf(S, C->Member);
    if (!Member.isKnown())
      return ObjectRef::none();
    AccessPath Whole = Member.Path;
    for (const FieldDecl *FD : llvm::reverse(C->Fields))
      Whole = Whole.container(FD);
    return ObjectRef::at(Whole);
  }
  if (isa<CXXThisExpr>(Stripped))
    return ObjectRef::at(AccessPath::thisObject());
  // `p.operator->()` of a smart pointer: the object it owns, as `p.get()`
  // names it.
  if (const auto *OCE = dyn_cast<CXXOperatorCallExpr>(Stripped);
      OCE && OCE->getOperator() == OO_Arrow && OCE->getNumArgs() == 1 &&
      !smartPointee(OCE->getArg(0)->getType()).isNull())
    if (auto Owner = lvalueOf(S, OCE->getArg(0))) {
      const AbsValue *Held = S.Vars.find(Owner->held());
      if (Held && Held->K == AbsValue::Object)
        return ObjectRef::at(Held->Referent);
      if (Held && Held->K == AbsValue::Null)
        return ObjectRef::null();
      return ObjectRef::at(Owner->held().deref());
    }
  if (const AbsValue *V = S.exprValue(Stripped)) {
    if (V->K == AbsValue::Object)
      return ObjectRef::at(V->Referent);
    if (V->K == AbsValue::Null)
      return ObjectRef::null();
  }
  if (!Stripped->isGLValue())
    return ObjectRef::none();
  std::optional<AccessPath> Path = lvalueOf(S, Stripped);
  if (!Path)
    return ObjectRef::none();
  if (const AbsValue *V = S.Vars.find(*Path)) {
    if (V->K == AbsValue::Object)
      return ObjectRef::at(V->Referent);
    if (V->K == AbsValue::Null)
      return ObjectRef::null();
  }
  return ObjectRef::at(Path->deref());
}

ObjectRef AccessPaths::objectOrPointee(const State &S, const Expr *E) const {
  const Expr *Stripped = E->IgnoreParenImpCasts();
  if (isa<CXXThisExpr>(Stripped) || E->getType()->isPointerType())
    return objectOf(S, E);
  auto Path = lvalueOf(S, E);
  return Path ? ObjectRef::at(*Path) : ObjectRef::none();
}

ObjectRef AccessPaths::overlappedOf(const State &S, const Expr *E) const {
  ObjectRef O = objectOf(S, E);
  if (!O.isKnown())
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
  AccessPath Path = O.Path;
  for (unsigned Depth = 0; Depth < 4 && !T.isNull(); ++Depth) {
    if (isOverlappedType(T))
      return ObjectRef::at(Path);
    const auto *RD = T->getAsRecordDecl();
    if (!RD || !RD->getDefinition())
      break;
    if (const auto *CRD = dyn_cast<CXXRecordDecl>(RD->getDefinition());
        CRD && CRD->getNumBases() > 0)
      break; // Derived-to-base casts already name the object itself.
    auto Field = RD->getDefinition()->field_begin();
    if (Field == RD->getDefinition()->field_end())
      break;
    Path = Path.field(*Field);
    T = Field->getType();
  }
  return O;
}

} // namespace iodrain
