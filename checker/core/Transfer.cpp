//===- Transfer.cpp - Values, assumptions, assignments, declarations ------===//

#include "Transfer.h"
#include "StmtSearch.h"
#include "TranslationUnitFacts.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMap.h"
#include "clang/AST/Stmt.h"
#include "llvm/Support/Compiler.h"
#include "llvm/Support/SaveAndRestore.h"

using namespace clang;

namespace iodrain {
namespace {

std::optional<bool> compareEqual(const AbsValue &A, const AbsValue &B) {
  if (A.K == AbsValue::Int && B.K == AbsValue::Int)
    return A.Value == B.Value;
  if (A.K == AbsValue::Int && !B.mayEqual(A.Value))
    return false;
  if (B.K == AbsValue::Int && !A.mayEqual(B.Value))
    return false;
  if (A.K == AbsValue::Null && B.K == AbsValue::Null)
    return true;
  // A null pointer is zero: `d->h == NULL` is false where an issue on the
  // handle left `d->h` outside {-1, 0}.
  if ((A.K == AbsValue::Null && !B.mayEqual(0)) ||
      (B.K == AbsValue::Null && !A.mayEqual(0)))
    return false;
  if (A.K == AbsValue::Object && B.K == AbsValue::Object &&
      A.Referent == B.Referent)
    return true;
  return std::nullopt;
}

AbsValue fromTruth(std::optional<bool> T) {
  return T ? AbsValue::integer(*T) : AbsValue::unknown();
}

constexpr int64_t KExactCounterLimit = 4;

const MemberExpr *memberNamed(const Expr *E, StringRef Name) {
  const auto *ME = dyn_cast<MemberExpr>(E);
  return ME && ME->getMemberDecl()->getName() == Name ? ME : nullptr;
}

} // namespace

Transfer::Transfer(ASTContext &Ctx, const ApiModel &Model, ParentMap &PM,
                   llvm::ArrayRef<AnalysisObserver *> Observers)
    : Ctx(Ctx), Model(Model), PM(PM), Observers(Observers), Paths(Ctx) {}

const Stmt *Transfer::fullExprOf(const Stmt *S) {
  auto It = FullExprCache.find(S);
  if (It != FullExprCache.end())
    return It->second;
  // Remember the answer for every node on the way up: a deep expression
  // costs one walk, not one per subexpression.
  llvm::SmallVector<const Stmt *, 8> Chain{S};
  const Stmt *Root = S;
  while (const Stmt *P = PM.getParent(Root)) {
    if (!isa<Expr>(P))
      break;
    if (auto Known = FullExprCache.find(P); Known != FullExprCache.end()) {
      Root = Known->second;
      break;
    }
    Root = P;
    Chain.push_back(P);
  }
  for (const Stmt *C : Chain)
    FullExprCache[C] = Root;
  return Root;
}

void Transfer::enterStatement(State &St, const Stmt *Next) {
  // Declarations and returns consume the expression before them.
  if (!isa<Expr>(Next))
    return;
  const Stmt *Root = fullExprOf(Next);
  if (Root != St.CurrentFullExpr) {
    St.Exprs.clear();
    St.CurrentFullExpr = Root;
  }
}

int64_t Transfer::castTo(int64_t V, QualType T) const {
  if (!T->isIntegralOrEnumerationType() || T->isBooleanType())
    return T->isBooleanType() ? V != 0 : V;
  unsigned Width = Ctx.getIntWidth(T);
  if (Width >= 64)
    return V;
  uint64_t Mask = (uint64_t(1) << Width) - 1;
  uint64_t Bits = uint64_t(V) & Mask;
  if (T->isSignedIntegerOrEnumerationType() && (Bits >> (Width - 1)))
    Bits |= ~Mask;
  return int64_t(Bits);
}

// Out of line: valueOf recurses once per operator of deep expressions,
// and its frame must stay small.
LLVM_ATTRIBUTE_NOINLINE AbsValue Transfer::bitsIn(uint64_t Ones, uint64_t Zeros,
                                                 QualType T) const {
  uint64_t Mask = ~uint64_t(0);
  if (T->isIntegralOrEnumerationType() && !T->isBooleanType())
    if (unsigned Width = Ctx.getIntWidth(T); Width < 64)
      Mask = (uint64_t(1) << Width) - 1;
  Ones &= Mask;
  Zeros &= Mask;
  if ((Ones | Zeros) == Mask)
    return AbsValue::integer(castTo(int64_t(Ones), T));
  return AbsValue::bits(Ones, Zeros);
}

LLVM_ATTRIBUTE_NOINLINE AbsValue Transfer::bitwise(BinaryOperatorKind Op,
                                                  const AbsValue &L,
                                                  const AbsValue &R,
                                                  QualType T) const {
  auto [LOnes, LZeros] = L.knownBits();
  auto [ROnes, RZeros] = R.knownBits();
  bool And = Op == BO_And || Op == BO_AndAssign;
  uint64_t Ones = And ? LOnes & ROnes : LOnes | ROnes;
  uint64_t Zeros = And ? LZeros | RZeros : LZeros & RZeros;
  if (T->isBooleanType()) { // A bool is 0 or 1, whatever bits were set.
    bool LFalse = L.truth() == false, RFalse = R.truth() == false;
    if (Ones)
      return AbsValue::integer(1);
    if (And ? (LFalse || RFalse) : (LFalse && RFalse))
      return AbsValue::integer(0);
    return AbsValue::unknown();
  }
  return bitsIn(Ones, Zeros, T);
}

LLVM_ATTRIBUTE_NOINLINE AbsValue Transfer::castBits(const AbsValue &V,
                                                   QualType From,
                                                   QualType To) const {
  auto Width = [&](QualType T) {
    return T->isIntegralOrEnumerationType() && !T->isBooleanType()
               ? std::min<unsigned>(Ctx.getIntWidth(T), 64)
               : 64u;
  };
  auto Mask = [](unsigned W) {
    return W >= 64 ? ~uint64_t(0) : (uint64_t(1) << W) - 1;
  };
  unsigned FromWidth = Width(From), ToWidth = Width(To);
  uint64_t Ones = V.Ones & Mask(FromWidth), Zeros = V.Zeros & Mask(FromWidth);
  // Widening an unsigned value fills with zeros; a signed one with its
  // sign bit, when that is known.
  if (ToWidth > FromWidth) {
    uint64_t Upper = Mask(ToWidth) & ~Mask(FromWidth);
    uint64_t Sign = uint64_t(1) << (FromWidth - 1);
    if (!From->isSignedIntegerOrEnumerationType() || (Zeros & Sign))
      Zeros |= Upper;
    else if (Ones & Sign)
      Ones |= Upper;
  }
  return bitsIn(Ones, Zeros, To);
}

std::optional<int64_t> Transfer::constantOf(const Expr *E) const {
  // Only leaves are handed to clang's evaluator: operators are folded by
  // valueOf itself, so a long expression is evaluated once, not once per
  // level of nesting.
  if (!isa<IntegerLiteral, CharacterLiteral, DeclRefExpr,
           UnaryExprOrTypeTraitExpr, OffsetOfExpr, CXXBoolLiteralExpr>(E))
    return std::nullopt;
  if (!E->getType()->isIntegralOrEnumerationType())
    return std::nullopt;
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
    const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
    if (!isa<EnumConstantDecl>(DRE->getDecl()) &&
        !(VD && VD->getType().isConstQualified() && VD->getInit()))
      return std::nullopt;
  }
  Expr::EvalResult R;
  if (E->EvaluateAsInt(R, Ctx) && R.Val.getInt().getBitWidth() <= 64)
    return R.Val.getInt().isSigned()
               ? R.Val.getInt().getSExtValue()
               : int64_t(R.Val.getInt().getZExtValue());
  return std::nullopt;
}

AbsValue Transfer::valueOf(const State &S, const Expr *E) const {
  // An expression nested deeper than this (a generated condition of
  // thousands of terms) is not folded: the recursion must fit the stack.
  if (ValueDepth >= MaxValueDepth)
    return AbsValue::unknown();
  llvm::SaveAndRestore Deeper(ValueDepth, ValueDepth + 1);
  E = E->IgnoreParens();
  if (const AbsValue *V = S.exprValue(E))
    return *V;
  if (E->isValueDependent() || E->isTypeDependent())
    return AbsValue::unknown();
  if (auto C = constantOf(E))
    return AbsValue::integer(*C);
  if (E->getType()->isPointerType() &&
      E->isNullPointerConstant(Ctx, Expr::NPC_ValueDependentIsNotNull) !=
          Expr::NPCK_NotNull)
    return AbsValue::null();

  if (const auto *Cast = dyn_cast<CastExpr>(E)) {
    const Expr *Sub = Cast->getSubExpr();
    switch (Cast->getCastKind()) {
    case CK_LValueToRValue: {
      auto Path = Paths.lvalueOf(S, Sub);
      if (!Path)
        return AbsValue::unknown();
      const AbsValue *V = S.Vars.find(*Path);
      return V ? *V : AbsValue::unknown();
    }
    case CK_IntegralToBoolean:
    case CK_PointerToBoolean:
      return fromTruth(valueOf(S, Sub).truth());
    case CK_IntegralCast: {
      AbsValue V = valueOf(S, Sub);
      if (V.K == AbsValue::Int)
        V.Value = castTo(V.Value, E->getType());
      else if (V.K == AbsValue::NotInts)
        for (int64_t &X : V.Excluded)
          X = castTo(X, E->getType());
      else if (V.K == AbsValue::Bits)
        return castBits(V, Sub->getType(), E->getType());
      return V;
    }
    default:
      return valueOf(S, Sub);
    }
  }
  if (const auto *UO = dyn_cast<UnaryOperator>(E)) {
    if (UO->isIncrementDecrementOp() || UO->getOpcode() == UO_AddrOf ||
        UO->getOpcode() == UO_Deref)
      return AbsValue::unknown();
    AbsValue V = valueOf(S, UO->getSubExpr());
    switch (UO->getOpcode()) {
    case UO_LNot:
      return fromTruth(V.truth() ? std::optional<bool>(!*V.truth())
                                 : std::nullopt);
    case UO_Minus:
      return V.K == AbsValue::Int
                 ? AbsValue::integer(castTo(-V.Value, E->getType()))
                 : AbsValue::unknown();
    case UO_Not:
      return V.K == AbsValue::Int
                 ? AbsValue::integer(castTo(~V.Value, E->getType()))
                 : AbsValue::unknown();
    default:
      return V.K == AbsValue::Int ? V : AbsValue::unknown();
    }
  }
  if (const auto *BO = dyn_cast<BinaryOperator>(E)) {
    if (BO->getOpcode() == BO_Comma)
      return valueOf(S, BO->getRHS());
    if (BO->isAssignmentOp())
      return AbsValue::unknown();
    AbsValue L = valueOf(S, BO->getLHS());
    if (BO->getOpcode() == BO_LAnd || BO->getOpcode() == BO_LOr) {
      bool IsAnd = BO->getOpcode() == BO_LAnd;
      auto LT = L.truth();
      if (LT && *LT != IsAnd)
        return AbsValue::integer(!IsAnd);
      auto RT = valueOf(S, BO->getRHS()).truth();
      if (LT)
        return fromTruth(RT);
      if (RT && *RT != IsAnd)
        return AbsValue::integer(!IsAnd);
      return AbsValue::unknown();
    }
    AbsValue R = valueOf(S, BO->getRHS());
    if (BO->getOpcode() == BO_EQ || BO->getOpcode() == BO_NE) {
      auto Eq = compareEqual(L, R);
      if (!Eq)
        Eq = compareHandles(S, BO->getLHS(), BO->getRHS());
      if (!Eq)
        return AbsValue::unknown();
      return AbsValue::integer(BO->getOpcode() == BO_EQ ? *Eq : !*Eq);
    }
    if ((BO->getOpcode() == BO_And || BO->getOpcode() == BO_Or) &&
        E->getType()->isIntegralOrEnumerationType() &&
        (L.K != AbsValue::Int || R.K != AbsValue::Int))
      return bitwise(BO->getOpcode(), L, R, E->getType());
    if (L.K != AbsValue::Int || R.K != AbsValue::Int)
      return AbsValue::unknown();
    uint64_t A = L.Value, B = R.Value;
    QualType T = E->getType();
    switch (BO->getOpcode()) {
    case BO_LT: return AbsValue::integer(L.Value < R.Value);
    case BO_GT: return AbsValue::integer(L.Value > R.Value);
    case BO_LE: return AbsValue::integer(L.Value <= R.Value);
    case BO_GE: return AbsValue::integer(L.Value >= R.Value);
    case BO_Add: return AbsValue::integer(castTo(int64_t(A + B), T));
    case BO_Sub: return AbsValue::integer(castTo(int64_t(A - B), T));
    case BO_Mul: return AbsValue::integer(castTo(int64_t(A * B), T));
    case BO_And: return AbsValue::integer(castTo(int64_t(A & B), T));
    case BO_Or: return AbsValue::integer(castTo(int64_t(A | B), T));
    case BO_Xor: return AbsValue::integer(castTo(int64_t(A ^ B), T));
    case BO_Shl:
      return B < 64 ? AbsValue::integer(castTo(int64_t(A << B), T))
                    : AbsValue::unknown();
    // `_countof(a)` is `sizeof(a) / sizeof(a[0])`.
    case BO_Div:
    case BO_Rem: {
      if (B == 0 || (L.Value == INT64_MIN && R.Value == -1))
        return AbsValue::unknown();
      bool Signed = T->isSignedIntegerOrEnumerationType();
      int64_t V = BO->getOpcode() == BO_Div
                      ? (Signed ? L.Value / R.Value : int64_t(A / B))
                      : (Signed ? L.Value % R.Value : int64_t(A % B));
      return AbsValue::integer(castTo(V, T));
    }
    case BO_Shr:
      if (B >= 64)
        return AbsValue::unknown();
      return AbsValue::integer(castTo(
          T->isSignedIntegerOrEnumerationType() ? L.Value >> B
                                                : int64_t(A >> B),
          T));
    default: return AbsValue::unknown();
    }
  }
  if (const auto *CO = dyn_cast<ConditionalOperator>(E)) {
    auto T = valueOf(S, CO->getCond()).truth();
    if (!T)
      return AbsValue::unknown();
    return valueOf(S, *T ? CO->getTrueExpr() : CO->getFalseExpr());
  }
  // An lvalue read directly, as the operand of ++ or --.
  if (E->isGLValue())
    if (auto Path = Paths.lvalueOf(S, E))
      if (const AbsValue *V = S.Vars.find(*Path))
        return *V;
  return AbsValue::unknown();
}

bool Transfer::isGivenHandle(const AccessPath &Referent) const {
  auto Slot = Referent.pointerSlot();
  if (!Slot || Slot->rootKind() != AccessPath::RootKind::Param ||
      !Slot->components().empty() || !Function || !Function->getBody())
    return false;
  const auto *Param = static_cast<const VarDecl *>(Slot->root());
  auto [It, New] = UnwrittenParams.try_emplace(Param, true);
  if (!New)
    return It->second;
  bool Written = findStatement(Function->getBody(), [&](const Stmt *St) {
    const Expr *Target = nullptr;
    if (const auto *BO = dyn_cast<BinaryOperator>(St);
        BO && BO->isAssignmentOp())
      Target = BO->getLHS();
    else if (const auto *UO = dyn_cast<UnaryOperator>(St);
             UO && (UO->isIncrementDecrementOp() ||
                    UO->getOpcode() == UO_AddrOf))
      Target = UO->getSubExpr();
    const auto *DRE =
        Target ? dyn_cast<DeclRefExpr>(Target->IgnoreParenImpCasts()) : nullptr;
    return DRE && DRE->getDecl() == Param;
  }) != nullptr;
  return UnwrittenParams[Param] = !Written;
}

std::optional<bool> Transfer::compareHandles(const State &S, const Expr *A,
                                             const Expr *B) const {
  // Handles only: a pointer into a block may equal another one's end.
  if (!A->IgnoreParenImpCasts()->getType()->isVoidPointerType() ||
      !B->IgnoreParenImpCasts()->getType()->isVoidPointerType())
    return std::nullopt;
  ObjectRef OA = Paths.objectOf(S, A), OB = Paths.objectOf(S, B);
  // An unknown element may be any of the table's.
  if (!OA.isKnown() || !OB.isKnown() || OA.Path.hasUnknownIndex() ||
      OB.Path.hasUnknownIndex())
    return std::nullopt;
  if (OA.Path == OB.Path)
    return true;
  // Two handles this path created are different handles, and so are one
  // it created and one the function was given and never changes (that was
  // open before). One it created and gave to code iodrain does not see
  // may come back from there (a wrapper that returns a handle it was
  // given); one it never gave away cannot.
  auto Value = [&](const AccessPath &Referent) -> const AbsValue * {
    auto Slot = Referent.pointerSlot();
    return Slot ? S.Vars.find(*Slot) : nullptr;
  };
  const AbsValue *VA = Value(OA.Path), *VB = Value(OB.Path);
  bool CreatedA = VA && VA->Created, CreatedB = VB && VB->Created;
  if ((CreatedA && (CreatedB || VA->Private || isGivenHandle(OB.Path))) ||
      (CreatedB && (VB->Private || isGivenHandle(OA.Path))))
    return false;
  return std::nullopt;
}

bool Transfer::assumeOrder(State &S, const BinaryOperator &BO,
                           bool Truth) const {
  // Only what leaves one value: an unsigned value not above 0 is 0 (a
  // loop `for (i = 0; i < count; i++)` that never ran had no elements).
  // Other orders are not refined: they would multiply values, not paths.
  BinaryOperatorKind Op = BO.getOpcode();
  if (!Truth)
    Op = BinaryOperator::negateComparisonOp(Op);
  const Expr *X = BO.getLHS();
  AbsValue Bound = valueOf(S, BO.getRHS());
  if (Bound.K != AbsValue::Int) {
    X = BO.getRHS();
    Bound = valueOf(S, BO.getLHS());
    Op = BinaryOperator::reverseComparisonOp(Op);
  }
  // Of a local or a parameter only (a loop's bound): a counter in an
  // object (`reqs_pending > 0`) would make one more state per object
  // state a protocol carries.
  const auto *Ref = dyn_cast<DeclRefExpr>(X->IgnoreParenImpCasts());
  const auto *Var = Ref ? dyn_cast<VarDecl>(Ref->getDecl()) : nullptr;
  if (Bound.K != AbsValue::Int || !Var || !Var->hasLocalStorage() ||
      !Var->getType()->isUnsignedIntegerType())
    return true;
  // X <= 0 or X < 1.
  if ((Op == BO_LE && Bound.Value == 0) || (Op == BO_LT && Bound.Value == 1))
    return refine(S, X, /*Equal=*/true, 0);
  return true;
}

bool Transfer::assumeCase(State &S, const Expr *Cond,
                          std::optional<int64_t> Value,
                          llvm::ArrayRef<int64_t> Others) const {
  if (Value)
    return refine(S, Cond, /*Equal=*/true, *Value);
  return llvm::all_of(Others, [&](int64_t C) {
    return refine(S, Cond, /*Equal=*/false, C);
  });
}

bool Transfer::refine(State &S, const Expr *Sub, bool Equal, int64_t C) const {
  AbsValue Cur = valueOf(S, Sub);
  if (Equal && !Cur.mayEqual(C))
    return false;
  // Storage that holds a live request was not reached through a null
  // pointer: `if (!watch) return;` after issuing into `*watch`.
  if (Equal && C == 0 && Sub->getType()->isPointerType())
    if (ObjectRef O = Paths.objectOf(S, Sub); O.isKnown())
      for (const auto &[Key, R] : S.Requests)
        if (R.Overlapped.isUnder(O.Path) ||
            (R.Buffer && R.Buffer->isUnder(O.Path)))
          return false;
  if (!Equal && Cur.K == AbsValue::Int && Cur.Value == C)
    return false;
  if (!Equal && Cur.K == AbsValue::Null && C == 0)
    return false;
  // On the null branch a pointer's old referent is gone (the end of a
  // list walk): paths that left the loop at different nodes merge.
  if (Cur.K == AbsValue::Object && Equal && C == 0 &&
      Sub->getType()->isPointerType()) {
    const Expr *Stripped = Sub->IgnoreParenCasts();
    if (auto Path = Paths.lvalueOf(S, Stripped);
        Path && Stripped->isGLValue() && S.Vars.contains(*Path))
      S.Vars.set(*Path, AbsValue::null());
    return true;
  }
  if (Cur.K == AbsValue::Object || Cur.K == AbsValue::Null)
    return true; // Keep object identity; nothing more to learn.

  AbsValue New;
  if (Equal) {
    New = AbsValue::integer(C);
  } else if (Cur.K == AbsValue::Int || Cur.K == AbsValue::Bits) {
    New = Cur; // Known bits say more than one value it is not.
  } else {
    llvm::SmallVector<int64_t, 4> Excluded(Cur.Excluded.begin(),
                                           Cur.Excluded.end());
    Excluded.push_back(C);
    New = AbsValue::notIntegers(Excluded);
  }
  New.SyncHandle = Cur.SyncHandle;
  New.Created = Cur.Created && !Equal;
  New.Quiet = Cur.Quiet && !Equal;
  New.Private = Cur.Private && !Equal;

  // Record what was learnt wherever the value lives.
  const Expr *Stripped = Sub->IgnoreParenCasts();
  S.Exprs[Sub->IgnoreParens()] = New;
  S.Exprs[Stripped] = New;
  // `(rv = GetLastError()) != ERROR_IO_PENDING` teaches about both sides.
  if (const auto *BO = dyn_cast<BinaryOperator>(Stripped);
      BO && BO->getOpcode() == BO_Assign)
    return refine(S, BO->getRHS(), Equal, C) &&
           refine(S, BO->getLHS(), Equal, C);
  if (const auto *CE = dyn_cast<CallExpr>(Stripped)) {
    const FunctionRule *R = ruleFor(CE);
    if (R && R->FunctionRole == Role::LastError)
      S.LastError = New;
    return true;
  }
  if (const MemberExpr *ME = memberNamed(Stripped, "Internal")) {
    // HasOverlappedIoCompleted: Internal leaves STATUS_PENDING once the
    // I/O completes.
    ObjectRef O = ME->isArrow()
                      ? Paths.overlappedOf(S, ME->getBase())
                      : ObjectRef::none();
    if (!ME->isArrow())
      if (auto Base = Paths.lvalueOf(S, ME->getBase()))
        O = ObjectRef::at(*Base);
    bool Completed = Equal ? C != win32::StatusPending
                           : C == win32::StatusPending;
    if (O.isKnown() && Completed)
      S.Requests.erase(O.Path);
    return true;
  }
  // `flags & F`: what it is teaches about the bits of `flags`.
  if (const auto *BO = dyn_cast<BinaryOperator>(Stripped);
      BO && BO->getOpcode() == BO_And) {
    // Only a constant mask: a mask a loop shifts would learn one value
    // per round.
    auto Constant = [&](const Expr *M) -> std::optional<int64_t> {
      if (!M->isIntegerConstantExpr(Ctx))
        return std::nullopt;
      AbsValue V = valueOf(S, M);
      return V.K == AbsValue::Int ? std::optional<int64_t>(V.Value)
                                  : std::nullopt;
    };
    if (auto Mask = Constant(BO->getRHS()))
      return refineBits(S, BO->getLHS(), *Mask, Equal, C);
    if (auto Mask = Constant(BO->getLHS()))
      return refineBits(S, BO->getRHS(), *Mask, Equal, C);
  }
  recordLearnt(S, Stripped, New);
  return true;
}

bool Transfer::refineBits(State &S, const Expr *X, uint64_t Mask, bool Equal,
                          int64_t C) const {
  uint64_t Ones = 0, Zeros = 0;
  uint64_t WidthMask = ~uint64_t(0);
  if (QualType T = X->getType(); T->isIntegralOrEnumerationType())
    if (unsigned W = Ctx.getIntWidth(T); W < 64)
      WidthMask = (uint64_t(1) << W) - 1;
  if (Equal) {
    if (uint64_t(C) & ~Mask)
      return false;
    Ones = uint64_t(C);
    Zeros = Mask & ~uint64_t(C);
  } else if (llvm::isPowerOf2_64(Mask & WidthMask) &&
             (C == 0 || uint64_t(C) == Mask)) {
    Mask &= WidthMask;
    // One flag, and it is not what was compared with.
    (C == 0 ? Ones : Zeros) = Mask;
  } else {
    return true;
  }
  X = X->IgnoreParenImpCasts();
  AbsValue Cur = valueOf(S, X);
  auto [CurOnes, CurZeros] = Cur.knownBits();
  if ((CurOnes & Zeros) || (CurZeros & Ones))
    return false;
  if (Cur.K == AbsValue::Object || Cur.K == AbsValue::Null)
    return true;
  recordLearnt(S, X, bitsIn(CurOnes | Ones, CurZeros | Zeros, X->getType()));
  return true;
}

bool Transfer::isTested(const State &S, const Expr *E) const {
  auto Path = Paths.lvalueOf(S, E);
  if (!Path)
    return false;
  if (Facts && Facts->isTestedField(*Path))
    return true;
  auto Syntactic = Paths.lvalueOf(State(), E);
  return Syntactic && ConditionReads.count(*Syntactic);
}

void Transfer::recordLearnt(State &S, const Expr *E, const AbsValue &New) const {
  // Volatile memory may change under the path's feet: learn nothing.
  if (!E->isGLValue() || E->getType().isVolatileQualified())
    return;
  auto Path = Paths.lvalueOf(S, E);
  if (!Path)
    return;
  auto Syntactic = Paths.lvalueOf(State(), E);
  bool TestedAgain = false;
  if (Syntactic) {
    auto It = ConditionReads.find(*Syntactic);
    TestedAgain = It != ConditionReads.end() && It->second > 1;
  }
  // In a called function, a global that the unit tests elsewhere may be
  // tested again by the caller (`if (network)` in the close helper, then
  // in its caller).
  if (!CallStack.empty() && Facts && Facts->isTestedGlobal(*Path))
    TestedAgain = true;
  if (!TestedAgain && keptForCallees(*Path))
    TestedAgain = true;
  if (TestedAgain || S.Vars.contains(*Path))
    S.Vars.set(*Path, New);
}

bool Transfer::keptForCallees(const AccessPath &Path) const {
  // A field that may say something about requests (CorrelatedFields.h)
  // which a function this one follows tests (the state a helper's
  // `switch` resumes from) decides that callee's branches; fields the
  // callee only logs would multiply paths.
  if (!FollowsCalls || !Facts || !Facts->isTestedByCallees(Function, Path))
    return false;
  llvm::ArrayRef<PathComponent> C = Path.components();
  return !C.empty() && C.back().K == PathComponent::Field &&
         Facts->mayCorrelate(static_cast<const FieldDecl *>(C.back().Ptr));
}

void Transfer::learnCaseForCallees(State &S, const Expr *Cond,
                                   int64_t Value) const {
  const Expr *X = Cond->IgnoreParenImpCasts();
  if (!X->isGLValue() || X->getType().isVolatileQualified() ||
      !X->getType()->isIntegralOrEnumerationType())
    return;
  if (auto Path = Paths.lvalueOf(S, X); Path && keptForCallees(*Path))
    S.Vars.set(*Path, AbsValue::integer(castTo(Value, X->getType())));
}

void Transfer::countWaitCounts(const Stmt *Body) {
  findStatement(Body, [&](const Stmt *St) {
    const auto *CE = dyn_cast<CallExpr>(St);
    const FunctionRule *R = CE ? ruleFor(CE) : nullptr;
    if (R && R->Count.isSet())
      if (const Expr *Count = argExpr(CE, R->Count)) {
        // Twice: a value tested once more is kept.
        countConditionReads(Count);
        countConditionReads(Count);
      }
    return false;
  });
}

void Transfer::countConditionReads(const Expr *Cond) {
  State Empty;
  llvm::SmallVector<const Stmt *, 8> Work{Cond};
  while (!Work.empty()) {
    const Stmt *St = Work.pop_back_val();
    if (!St)
      continue;
    if (const auto *E = dyn_cast<Expr>(St); E && E->isGLValue())
      if (auto Path = Paths.lvalueOf(Empty, E))
        ++ConditionReads[*Path];
    for (const Stmt *Child : St->children())
      Work.push_back(Child);
  }
}

void Transfer::forgetUndeterminedReceived(State &S, const Expr *Cond) const {
  bool AnyReceived = llvm::any_of(S.Requests, [](const auto &Entry) {
    return !Entry.second.View.ReceivedWith.empty();
  });
  if (!AnyReceived)
    return;
  llvm::SmallVector<AccessPath, 4> Undetermined;
  llvm::SmallVector<const Stmt *, 8> Work{Cond};
  while (!Work.empty()) {
    const Stmt *St = Work.pop_back_val();
    if (!St)
      continue;
    const auto *E = dyn_cast<Expr>(St);
    if (E && E->isGLValue() && E->getType()->isIntegralOrEnumerationType() &&
        !AccessPaths::isHandleLike(E->getType()) &&
        (isa<MemberExpr>(E) || isa<DeclRefExpr>(E)))
      if (auto Path = Paths.lvalueOf(S, E);
          Path && (Path->throughPointer() ||
                   Path->rootKind() == AccessPath::RootKind::This ||
                   Path->rootKind() == AccessPath::RootKind::Global)) {
        // Flags of which only some bits are known are undetermined too.
        const AbsValue *V = S.Vars.find(*Path);
        if (!V || V->K == AbsValue::Bits)
          Undetermined.push_back(*Path);
      }
    for (const Stmt *Child : St->children())
      Work.push_back(Child);
  }
  if (Undetermined.empty())
    return;
  // A test of the object's own state (not of a structure that merely
  // points to it: `_dmon.num_watches` beside `_dmon.watches[i]`).
  // A member stored to only where other OVERLAPPED members are used says
  // nothing about this request (`wr_pending` beside a read on `rd`).
  auto MayDescribe = [&](const AccessPath &Flag, const Request &R) {
    auto LastField = [](const AccessPath &P) -> const FieldDecl * {
      llvm::ArrayRef<PathComponent> C = P.components();
      return !C.empty() && C.back().K == PathComponent::Field
                 ? static_cast<const FieldDecl *>(C.back().Ptr)
                 : nullptr;
    };
    const FieldDecl *F = LastField(Flag), *Ov = LastField(R.Overlapped);
    return !Facts || !F || !Ov || R.View.Imported ||
           Facts->mayDescribe(F, Ov);
  };
  // Not a request the function's own last call left: that call passed the
  // same tests before it issued (`if (!connected) return 0;`), and they say
  // nothing about whether it waited.
  S.Requests.eraseIf([&](const AccessPath &, const Request &R) {
    if (R.View.ReceivedWith.empty() || R.View.Reentered)
      return false;
    return llvm::any_of(Undetermined, [&](const AccessPath &P) {
      if (!MayDescribe(P, R))
        return false;
      if (R.ReceivedIn)
        return P.isStoredIn(*R.ReceivedIn);
      return P.rootKind() == R.Overlapped.rootKind() &&
             P.root() == R.Overlapped.root();
    });
  });
}

bool Transfer::assume(State &S, const Expr *Cond, bool Truth) const {
  const Expr *E = Cond->IgnoreParenImpCasts();
  if (auto Known = valueOf(S, E).truth())
    if (*Known != Truth)
      return false;
  if (const auto *UO = dyn_cast<UnaryOperator>(E))
    if (UO->getOpcode() == UO_LNot)
      return assume(S, UO->getSubExpr(), !Truth);
  if (const auto *BO = dyn_cast<BinaryOperator>(E)) {
    switch (BO->getOpcode()) {
    case BO_LAnd:
    case BO_LOr: {
      bool IsAnd = BO->getOpcode() == BO_LAnd;
      if (Truth == IsAnd) // Both operands have the outcome's truth.
        return assume(S, BO->getLHS(), Truth) &&
               assume(S, BO->getRHS(), Truth);
      // One operand decides: learn only what is certain.
      auto LT = valueOf(S, BO->getLHS()).truth();
      auto RT = valueOf(S, BO->getRHS()).truth();
      if (LT && *LT == IsAnd)
        return assume(S, BO->getRHS(), Truth);
      if (RT && *RT == IsAnd)
        return assume(S, BO->getLHS(), Truth);
      return true;
    }
    case BO_EQ:
    case BO_NE: {
      bool Equal = (BO->getOpcode() == BO_EQ) == Truth;
      AbsValue L = valueOf(S, BO->getLHS());
      AbsValue R = valueOf(S, BO->getRHS());
      if (auto Eq = compareEqual(L, R))
        return *Eq == Equal;
      if (R.K == AbsValue::Int)
        return refine(S, BO->getLHS(), Equal, R.Value);
      if (L.K == AbsValue::Int)
        return refine(S, BO->getRHS(), Equal, L.Value);
      return true;
    }
    case BO_Comma:
      return assume(S, BO->getRHS(), Truth);
    case BO_And: // A flag test: `if (flags & F)`.
      return refine(S, E, /*Equal=*/!Truth, 0);
    case BO_LT:
    case BO_GT:
    case BO_LE:
    case BO_GE:
      return assumeOrder(S, *BO, Truth);
    default:
      return true;
    }
  }
  // A smart pointer tested as a bool (`if (m_worker)`): storage that holds
  // a live request was not reached through an empty one, nor was the
  // handle a request was started on (a handle wrapper built on one).
  if (const auto *MCE = dyn_cast<CXXMemberCallExpr>(E);
      MCE && !Truth && AccessPaths::isSmartPointerMethod(MCE, ""))
    if (const Expr *Obj = MCE->getImplicitObjectArgument())
      if (auto Path = Paths.lvalueOf(S, Obj)) {
        AccessPath Held = Path->held().deref();
        for (const auto &[Key, R] : S.Requests)
          if (R.Overlapped.isUnder(Held) ||
              (R.Buffer && R.Buffer->isUnder(Held)))
            return false;
      }
  // A bare value as a condition: `if (pending)`, `if (ReadFile(...))`.
  return refine(S, E, /*Equal=*/!Truth, 0);
}

AbsValue Transfer::assignedValue(const State &S, QualType T,
                                 const Expr *RHS) const {
  if (AccessPaths::isHandleLike(T)) {
    // A handle read from an unknown element of a table is any element's:
    // the value kept there is only the last one stored.
    if (const Expr *Read = RHS->IgnoreParenImpCasts();
        Read->isGLValue() && Read->getType()->isVoidPointerType())
      if (auto From = Paths.lvalueOf(S, Read); From && From->hasUnknownIndex())
        return AbsValue::unknown();
    ObjectRef O = Paths.objectOf(S, RHS);
    if (O.K == ObjectRef::Null)
      return AbsValue::null();
    if (O.isKnown() && !isa<CallExpr>(RHS->IgnoreParenCasts()))
      return O.Path.isUnbounded() ? AbsValue::unknown()
                                  : AbsValue::object(O.Path);
  }
  AbsValue V = valueOf(S, RHS);
  if (V.K == AbsValue::Object && V.Referent.isUnbounded())
    return AbsValue::unknown();
  return V;
}

void Transfer::escape(State &S, const AccessPath &Object,
                      const Stmt *Site) const {
  llvm::SmallVector<AffectedRequest, 2> Gone;
  for (const auto &[P, R] : S.Requests)
    if (R.Overlapped.isUnder(Object))
      Gone.push_back({&R.View, RequestPart::Overlapped});
  if (!Gone.empty()) {
    Event E(EventKind::Escape);
    E.Site = Site;
    E.Requests = Gone;
    emit(E);
  }
  S.Requests.eraseIf([&](const AccessPath &, const Request &R) {
    return R.Overlapped.isUnder(Object);
  });
  S.Vars.eraseIf(
      [&](const AccessPath &P, const AbsValue &) { return P.isUnder(Object); });
}

void Transfer::storeInit(State &S, const AccessPath &Path, QualType T,
                         const Expr *Init, unsigned Depth) const {
  Init = Init->IgnoreParens();
  if (const auto *EWC = dyn_cast<ExprWithCleanups>(Init))
    Init = EWC->getSubExpr()->IgnoreParens();
  if (const auto *ILE = dyn_cast<InitListExpr>(Init)) {
    if (Depth > 4)
      return;
    if (ILE->isSyntacticForm() && ILE->getSemanticForm())
      ILE = ILE->getSemanticForm();
    if (const auto *AT = Ctx.getAsArrayType(T)) {
      for (unsigned I = 0; I < ILE->getNumInits() && I < 64; ++I)
        storeInit(S, Path.element(I), AT->getElementType(), ILE->getInit(I),
                  Depth + 1);
      return;
    }
    if (const auto *RD = T->getAsRecordDecl()) {
      unsigned I = 0;
      for (const FieldDecl *F : RD->fields()) {
        if (I >= ILE->getNumInits())
          break;
        storeInit(S, Path.field(F), F->getType(), ILE->getInit(I++),
                  Depth + 1);
      }
    }
    return;
  }
  if (isa<ImplicitValueInitExpr>(Init)) {
    if (T->isIntegralOrEnumerationType())
      S.Vars.set(Path, AbsValue::integer(0));
    else if (T->isPointerType())
      S.Vars.set(Path, AbsValue::null());
    return;
  }
  // `auto p = std::make_unique<T>(...)`: the object it made.
  if (!AccessPaths::smartPointee(T).isNull())
    if (const AbsValue *Made = S.exprValue(ApiModel::withoutCopies(Init));
        Made && Made->K == AbsValue::Object) {
      S.Vars.set(Path.held(), *Made);
      return;
    }
  Init = ApiModel::withoutCopies(Init);
  if (const auto *CCE = dyn_cast<CXXConstructExpr>(Init)) {
    // Smart pointers own the pointer they are built from.
    const CXXRecordDecl *RD = CCE->getConstructor()->getParent();
    if (RD->isInStdNamespace() &&
        (RD->getName() == "unique_ptr" || RD->getName() == "shared_ptr")) {
      if (CCE->getNumArgs() >= 1) {
        ObjectRef O = Paths.objectOf(S, CCE->getArg(0));
        if (O.isKnown())
          S.Vars.set(Path.held(), AbsValue::object(O.Path));
      }
      return;
    }
    // A constructor that copies its parameters into members (`File(HANDLE
    // h) : h_(h) {}`, a reference member bound to a reference parameter)
    // or sets them to constants (`m_finished(false)`, `bool done_ =
    // false;`).
    for (const CXXCtorInitializer *I : CCE->getConstructor()->inits()) {
      const FieldDecl *F = I->getMember();
      const Expr *Init = I->getInit();
      if (const auto *Default = dyn_cast_or_null<CXXDefaultInitExpr>(Init))
        Init = Default->getExpr();
      if (!F || !Init)
        continue;
      const auto *Arg = dyn_cast<DeclRefExpr>(stripIdentityCasts(Init));
      const auto *Param =
          Arg ? dyn_cast<ParmVarDecl>(Arg->getDecl()) : nullptr;
      AbsValue V;
      if (Param && Param->getFunctionScopeIndex() < CCE->getNumArgs()) {
        const Expr *Given = CCE->getArg(Param->getFunctionScopeIndex());
        if (F->getType()->isReferenceType()) {
          if (auto Referent = Paths.lvalueOf(S, Given))
            V = AbsValue::object(*Referent);
        } else {
          V = assignedValue(S, F->getType(), Given);
        }
      } else if (F->getType()->isIntegralOrEnumerationType() &&
                 !Init->isValueDependent()) {
        if (auto C = Init->getIntegerConstantExpr(Ctx))
          V = AbsValue::integer(C->getExtValue());
      }
      if (V.K != AbsValue::Unknown)
        S.Vars.set(Path.field(F), V);
    }
    return;
  }
  AbsValue V = assignedValue(S, T, Init);
  if (Path.isShared()) {
    V.Quiet = V.Private = false;
    if (V.K == AbsValue::Object)
      leakHandle(S, V.Referent);
  }
  if (V.SyncHandle)
    S.SyncHandles.set(Path.deref(), true);
  if (V.K != AbsValue::Unknown)
    S.Vars.set(Path, V);
}

void Transfer::declare(const DeclStmt *DS, State &S) const {
  for (const Decl *D : DS->decls()) {
    const auto *VD = dyn_cast<VarDecl>(D);
    // A function-static variable is declared once for every call: its
    // storage, and what the last call left in it, live on.
    if (!VD || VD->getType()->isReferenceType() || VD->isStaticLocal())
      continue;
    AccessPath Path = AccessPath::variable(VD);
    S.retire(Path, DS);
    if (const Expr *Init = VD->getInit()) {
      storeInit(S, Path, VD->getType(), Init);
      startSuspendedCoroutine(S, Path, VD->getType(), Init);
    }
  }
}

void Transfer::startSuspendedCoroutine(State &S, const AccessPath &Owner,
                                       QualType T, const Expr *Init) const {
  const auto *CE = dyn_cast<CallExpr>(Init->IgnoreImplicit());
  const FunctionDecl *Def = nullptr;
  if (!CE || !CE->getDirectCallee() || !CE->getDirectCallee()->hasBody(Def))
    return;
  const FieldDecl *Frame = frameHandleOf(T->getAsCXXRecordDecl());
  if (!Frame)
    return;
  auto Cached = SuspendedIssueCache.find(Def);
  if (Cached == SuspendedIssueCache.end())
    Cached = SuspendedIssueCache.try_emplace(Def, suspendedIssueOf(*Def, Model))
                 .first;
  if (!Cached->second)
    return;
  const SuspendedIssue &Suspended = *Cached->second;
  // The request lives in the frame the task's handle refers to; its
  // handle is the caller's argument the awaiter was built from.
  AccessPath FramePath = Owner.field(Frame).deref();
  ObjectRef Handle = ObjectRef::none();
  if (Suspended.HandleParam && *Suspended.HandleParam < CE->getNumArgs())
    Handle = Paths.objectOf(S, CE->getArg(*Suspended.HandleParam));
  Request Req;
  Req.Overlapped = FramePath;
  Req.Handle = Handle.isKnown() ? Handle.Path : Owner.field(Frame);
  Req.View.IssueCall = CE;
  Req.View.IssueRule = Suspended.Rule;
  Req.View.HandleArg =
      Suspended.HandleParam && *Suspended.HandleParam < CE->getNumArgs()
          ? CE->getArg(*Suspended.HandleParam)
          : nullptr;
  Req.View.SuspendedIn = CE->getDirectCallee();
  Req.View.Steps.append({PathStep::Issue, CE});
  S.Requests.set(FramePath, Req);
}

void Transfer::assign(const Expr *E, State &S) const {
  if (const auto *UO = dyn_cast<UnaryOperator>(E)) { // ++ and --
    // Counters stay exact while small (enough for "one request
    // outstanding"); larger values become unknown so loops converge.
    AbsValue Old = valueOf(S, UO->getSubExpr());
    AbsValue New;
    if (Old.K == AbsValue::Int && UO->getType()->isIntegerType()) {
      int64_t V = Old.Value + (UO->isIncrementOp() ? 1 : -1);
      if (V >= -KExactCounterLimit && V <= KExactCounterLimit)
        New = AbsValue::integer(V);
    }
    if (auto Path = Paths.lvalueOf(S, UO->getSubExpr())) {
      S.retire(Path->deref(), E);
      S.Vars.erase(*Path);
      if (New.K != AbsValue::Unknown &&
          !UO->getSubExpr()->getType().isVolatileQualified())
        S.Vars.set(*Path, New);
    }
    S.Exprs[E] = UO->isPrefix() ? New : Old;
    return;
  }
  const auto *BO = cast<BinaryOperator>(E);
  const Expr *LHS = BO->getLHS();
  AbsValue V = BO->getOpcode() == BO_Assign
                   ? assignedValue(S, LHS->getType(), BO->getRHS())
                   : AbsValue::unknown();
  // `flags |= F` and `flags &= ~F` set and clear known bits, of a flag
  // word some condition tests (else they would only multiply paths).
  if ((BO->getOpcode() == BO_OrAssign || BO->getOpcode() == BO_AndAssign) &&
      LHS->getType()->isIntegralOrEnumerationType() && isTested(S, LHS))
    V = bitwise(BO->getOpcode(), valueOf(S, LHS), valueOf(S, BO->getRHS()),
                LHS->getType());
  S.Exprs[E] = V;
  // Storing a request's address where other code can reach it hands the
  // request over to that code.
  std::optional<AccessPath> MovedTo;
  AccessPath MovedFrom;
  const auto *LocalTarget = dyn_cast<DeclRefExpr>(LHS->IgnoreParenImpCasts());
  bool IsLocal = LocalTarget && isa<VarDecl>(LocalTarget->getDecl()) &&
                 cast<VarDecl>(LocalTarget->getDecl())->hasLocalStorage();
  if (!IsLocal && V.K == AbsValue::Object) {
    // Into a global structure, a member's address hands over its whole
    // object (`g_list.next = &req->link`).
    auto Target = Paths.lvalueOf(S, LHS);
    bool IntoGlobal =
        Target && Target->rootKind() == AccessPath::RootKind::Global;
    AccessPath Object =
        IntoGlobal ? V.Referent.enclosingObject() : V.Referent;
    if (OnPublish && *OnPublish) {
      State Published = S;
      Published.Requests.eraseIf([&](const AccessPath &, const Request &R) {
        return !R.Overlapped.isUnder(Object);
      });
      // Handed over only if other code can find it there.
      bool Found = !Facts || !IntoGlobal ||
                   Facts->namedElsewhere(
                       static_cast<const VarDecl *>(Target->root()),
                       Function);
      for (auto &Entry : Published.Requests.mut())
        Entry.second.View.HandedOver = Found;
      if (!Published.Requests.empty())
        (*OnPublish)(Published);
    }
    // A whole heap object stored into a global's pointer slot
    // (`g.watches[i] = w`) is found there from now on, by this path too:
    // a shutdown function it calls later walks the table.
    QualType Slot = LHS->getType();
    if (IntoGlobal && Object == V.Referent && Object.throughPointer() &&
        Object.rootKind() != AccessPath::RootKind::Global &&
        Slot->isPointerType() && Slot->getPointeeType()->isRecordType() &&
        !Target->isUnder(Object) && !Target->isUnbounded()) {
      MovedFrom = Object;
      MovedTo = Target->deref();
    } else {
      escape(S, Object, E);
    }
  }

  auto Path = Paths.lvalueOf(S, LHS);
  // A handle stored where other code sees it is that code's too.
  if (V.K == AbsValue::Object && (!Path || Path->isShared()))
    leakHandle(S, V.Referent);
  if (!Path)
    return;
  if (Path->isShared())
    V.Quiet = V.Private = false;
  // A new handle stored where a received request's handle was starts the
  // object's life anew (an open function): nothing of the old one is this
  // function's to drain. Also into an integer that holds handles
  // (`ttyfd = (int)CreateFile(...)`).
  const Expr *Stored = BO->getRHS()->IgnoreParenCasts();
  if (AccessPaths::isHandleLike(LHS->getType()) ||
      (BO->getOpcode() == BO_Assign && isa<CallExpr>(Stored) &&
       AccessPaths::isHandleLike(Stored->getType())))
    S.Requests.eraseIf([&](const AccessPath &, const Request &R) {
      return !R.View.ReceivedWith.empty() && R.Handle == Path->deref();
    });
  if (LHS->getType()->isRecordType())
    S.retire(*Path, E);
  else
    S.retire(Path->deref(), E);
  S.Exprs[E] = V; // The assignment's value is what the target now holds.
  S.Vars.erase(*Path);
  // A store at an unknown index may overwrite any element.
  if (Path->hasUnknownIndex())
    S.Vars.eraseIf([&](const AccessPath &P, const AbsValue &) {
      return P.mayAlias(*Path);
    });
  // `d->state = ...` may be a store to `c->state`: `d` may point to the
  // same object.
  if (llvm::ArrayRef<PathComponent> C = Path->components();
      !C.empty() && C.back().K == PathComponent::Field &&
      Path->throughPointer())
    S.Vars.eraseIf([&](const AccessPath &P, const AbsValue &) {
      return !P.components().empty() && P.components().back() == C.back() &&
             P.throughPointer() && !(P == *Path);
    });
  if (LHS->getType()->isRecordType())
    return;
  if (MovedTo) {
    // (After the slot's old object retired, so the move is not renamed.)
    S.moveObject(MovedFrom, *MovedTo);
    S.Vars.set(*Path, AbsValue::notIntegers({0}));
    return;
  }
  if (V.SyncHandle)
    S.SyncHandles.set(Path->deref(), true);
  if (V.K != AbsValue::Unknown && !LHS->getType().isVolatileQualified())
    S.Vars.set(*Path, V);
}

namespace {
/// A test of whether a request is still pending (`ov.Internal ==
/// STATUS_PENDING`, `!HasOverlappedIoCompleted(&ov)`), if `E` is one.
const Expr *completionTest(const Expr *E) {
  if (!E)
    return nullptr;
  const Expr *X = E->IgnoreParenImpCasts();
  if (const auto *UO = dyn_cast<UnaryOperator>(X);
      UO && UO->getOpcode() == UO_LNot)
    return completionTest(UO->getSubExpr()) ? X : nullptr;
  const auto *BO = dyn_cast<BinaryOperator>(X);
  if (!BO || (BO->getOpcode() != BO_EQ && BO->getOpcode() != BO_NE))
    return nullptr;
  // `(DWORD)ov->Internal`: the macro casts it.
  for (const Expr *Side : {BO->getLHS(), BO->getRHS()})
    if (memberNamed(Side->IgnoreParenCasts(), "Internal"))
      return X;
  return nullptr;
}
} // namespace

void Transfer::constructorKeepsArguments(const CXXConstructExpr *CCE,
                                         State &S) const {
  // A constructor may keep any pointer it is given, unless it is one
  // iodrain follows (smart pointers).
  const CXXRecordDecl *RD = CCE->getConstructor()->getParent();
  if (RD->isInStdNamespace() &&
      (RD->getName() == "unique_ptr" || RD->getName() == "shared_ptr"))
    return;
  for (const Expr *Arg : CCE->arguments()) {
    ObjectRef O = Paths.objectOf(S, Arg);
    if (O.isKnown() && Arg->getType()->isPointerType())
      escape(S, O.Path, CCE);
  }
}

void Transfer::initializeMember(const CXXCtorInitializer *Init,
                                State &S) const {
  const FieldDecl *F = Init->getMember();
  const Expr *Value = Init->getInit();
  // A default member initializer (`bool failed_ = false;`).
  if (const auto *Default = dyn_cast_or_null<CXXDefaultInitExpr>(Value))
    Value = Default->getExpr();
  if (!F || !Value || isa<CXXConstructExpr>(Value->IgnoreImplicit()))
    return;
  storeInit(S, AccessPath::thisObject().field(F), F->getType(), Value);
}

void Transfer::element(const Stmt *St, State S, StateList &Out) {
  enterStatement(S, St);
  // A flag that records whether a request is still pending (`wait =
  // ov.Internal == STATUS_PENDING`): one path per answer, so that code
  // testing the flag later (`GetOverlappedResult(h, &ov, &n, wait)`)
  // knows which.
  std::optional<AccessPath> Flag;
  const Expr *Test = nullptr;
  if (const auto *DS = dyn_cast<DeclStmt>(St); DS && DS->isSingleDecl())
    if (const auto *VD = dyn_cast<VarDecl>(DS->getSingleDecl());
        VD && VD->hasLocalStorage() && (Test = completionTest(VD->getInit())))
      Flag = AccessPath::variable(VD);
  if (const auto *BO = dyn_cast<BinaryOperator>(St);
      BO && BO->getOpcode() == BO_Assign &&
      (Test = completionTest(BO->getRHS())))
    Flag = Paths.lvalueOf(S, BO->getLHS());
  if (Flag && Test) {
    for (bool Truth : {true, false}) {
      State T = S;
      if (!assume(T, Test, Truth))
        continue;
      if (const auto *DS = dyn_cast<DeclStmt>(St))
        declare(DS, T);
      else
        assign(cast<BinaryOperator>(St), T);
      T.Vars.set(*Flag, AbsValue::integer(Truth));
      Out.push_back(std::move(T));
    }
    return;
  }
  if (const auto *DS = dyn_cast<DeclStmt>(St)) {
    declare(DS, S);
  } else if (const auto *CE = dyn_cast<CallExpr>(St)) {
    call(CE, std::move(S), Out);
    return;
  } else if (const auto *DE = dyn_cast<CXXDeleteExpr>(St)) {
    deleteObject(DE, std::move(S), Out);
    return;
  } else if (const auto *TE = dyn_cast<CXXThrowExpr>(St)) {
    leaveByThrow(TE, std::move(S), Out);
    return;
  } else if (const auto *CCE = dyn_cast<CXXConstructExpr>(St)) {
    constructorKeepsArguments(CCE, S);
  } else if (const auto *BO = dyn_cast<BinaryOperator>(St)) {
    if (BO->isAssignmentOp())
      assign(BO, S);
  } else if (const auto *UO = dyn_cast<UnaryOperator>(St)) {
    if (UO->isIncrementDecrementOp())
      assign(UO, S);
  }
  Out.push_back(std::move(S));
}

} // namespace iodrain
