//===- ParameterUses.cpp --------------------------------------------------===//

#include "ParameterUses.h"
#include "ApiModel.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMap.h"

using namespace clang;

namespace iodrain {
namespace {

/// Levels of calls below a helper read for what the model knows: as deep
/// as followed calls go.
constexpr unsigned ModelledLevels = 2;


/// Reads the uses of one parameter (or of `this`) in one body.
class UseReader {
public:
  UseReader(const FunctionDecl &Def, ParameterUses &Uses,
            llvm::SmallPtrSetImpl<const FieldDecl *> &Writes,
            llvm::DenseMap<const FieldDecl *, unsigned> &Counts)
      : Uses(Uses), Writes(Writes), Counts(Counts), Parents(Def.getBody()) {}

  /// Whether every use of the parameter leaves the object with the caller.
  bool allUsesKeepObject(const Stmt *S, const ParmVarDecl *Param) {
    if (!S)
      return true;
    if (const auto *DRE = dyn_cast<DeclRefExpr>(S);
        DRE && Param && DRE->getDecl() == Param && !pointerStaysHere(DRE))
      return false;
    if (const auto *This = dyn_cast<CXXThisExpr>(S);
        This && !Param && !pointerStaysHere(This))
      return false;
    for (const Stmt *Child : S->children())
      if (!allUsesKeepObject(Child, Param))
        return false;
    return true;
  }

private:
  const Stmt *parent(const Stmt *S) {
    const Stmt *P = Parents.getParent(S);
    while (P && isa<ParenExpr>(P))
      P = Parents.getParent(P);
    return P;
  }

  /// `E` is the pointer (the parameter's value, or `this`).
  bool pointerStaysHere(const Expr *E) {
    const Stmt *P = parent(E);
    if (const auto *Cast = dyn_cast_or_null<ImplicitCastExpr>(P)) {
      switch (Cast->getCastKind()) {
      case CK_LValueToRValue:
      case CK_NoOp:
        return pointerStaysHere(Cast);
      case CK_PointerToBoolean:
        return true;
      default:
        return false;
      }
    }
    if (const auto *ME = dyn_cast_or_null<MemberExpr>(P);
        ME && ME->isArrow() && ME->getBase()->IgnoreParenImpCasts() ==
                                   E->IgnoreParenImpCasts())
      return memberStaysHere(ME);
    if (const auto *UO = dyn_cast_or_null<UnaryOperator>(P)) {
      if (UO->getOpcode() == UO_Deref) {
        Top = nullptr;
        return storageStaysHere(UO);
      }
      return UO->getOpcode() == UO_LNot;
    }
    if (const auto *AS = dyn_cast_or_null<ArraySubscriptExpr>(P);
        AS && AS->getBase()->IgnoreParenImpCasts() == E->IgnoreParenImpCasts()) {
      Top = nullptr;
      return storageStaysHere(AS);
    }
    if (const auto *BO = dyn_cast_or_null<BinaryOperator>(P))
      return BO->isEqualityOp() || BO->isLogicalOp();
    if (isa_and_nonnull<IfStmt, WhileStmt, DoStmt, ForStmt,
                        ConditionalOperator>(P))
      return true;
    if (const auto *CE = dyn_cast_or_null<CallExpr>(P))
      return passedOn(CE, E);
    return false;
  }

  /// A member reached through the pointer: a method called on the object,
  /// or a field.
  bool memberStaysHere(const MemberExpr *ME) {
    if (const auto *FD = dyn_cast<FieldDecl>(ME->getMemberDecl())) {
      Top = FD;
      return storageStaysHere(ME);
    }
    const auto *MD = dyn_cast<CXXMethodDecl>(ME->getMemberDecl());
    const auto *Call = dyn_cast_or_null<CXXMemberCallExpr>(parent(ME));
    const FunctionDecl *Callee = nullptr;
    if (!MD || !Call || MD->isVirtual() || !MD->hasBody(Callee) ||
        Uses.mayRetain(*Callee, -1))
      return false;
    addWrites(Uses.writtenMembers(*Callee, -1));
    return true;
  }

  /// `E` names storage inside the object: its value may be read or
  /// written, its address may not be taken.
  bool storageStaysHere(const Expr *E) {
    const Stmt *P = parent(E);
    if (const auto *Cast = dyn_cast_or_null<ImplicitCastExpr>(P)) {
      if (Cast->getCastKind() == CK_LValueToRValue)
        return true;
      // An array member: only indexed.
      if (Cast->getCastKind() == CK_ArrayToPointerDecay)
        if (const auto *AS = dyn_cast_or_null<ArraySubscriptExpr>(parent(Cast));
            AS && AS->getBase()->IgnoreParenImpCasts() == E->IgnoreParens())
          return storageStaysHere(AS);
      return false;
    }
    if (const auto *ME = dyn_cast_or_null<MemberExpr>(P);
        ME && !ME->isArrow() && isa<FieldDecl>(ME->getMemberDecl()))
      return storageStaysHere(ME);
    if (const auto *BO = dyn_cast_or_null<BinaryOperator>(P))
      return BO->isAssignmentOp() && BO->getLHS()->IgnoreParens() == E &&
             written();
    if (const auto *UO = dyn_cast_or_null<UnaryOperator>(P))
      return UO->isIncrementDecrementOp() && written();
    return false;
  }

  /// The storage is written: a whole-object write (`*d = x`) cannot be
  /// told apart from a retained pointer's effects.
  bool written() {
    if (!Top)
      return false;
    Writes.insert(Top);
    ++Counts[Top];
    return true;
  }

  /// The pointer passed to a call: only to a function of the unit that
  /// keeps it too, or as a pointer to const.
  bool passedOn(const CallExpr *CE, const Expr *Arg) {
    const FunctionDecl *Callee = CE->getDirectCallee();
    if (!Callee || Callee->isVariadic() || CE->getNumArgs() != Callee->getNumParams())
      return false;
    for (unsigned I = 0; I < CE->getNumArgs(); ++I) {
      if (CE->getArg(I)->IgnoreParenImpCasts() != Arg->IgnoreParenImpCasts())
        continue;
      QualType T = Callee->getParamDecl(I)->getType();
      if (T->isPointerType() && T->getPointeeType().isConstQualified())
        continue;
      const FunctionDecl *Body = nullptr;
      if (!Callee->hasBody(Body) || Uses.mayRetain(*Body, I))
        return false;
      addWrites(Uses.writtenMembers(*Body, I));
    }
    return true;
  }

  /// The first member of the object on the way to the storage being
  /// read (`d->ov.hEvent`: `ov`).
  const FieldDecl *Top = nullptr;
  ParameterUses &Uses;
  llvm::SmallPtrSetImpl<const FieldDecl *> &Writes;
  llvm::DenseMap<const FieldDecl *, unsigned> &Counts;
  ParentMap Parents;

  void addWrites(const llvm::SmallPtrSet<const FieldDecl *, 4> &More) {
    for (const FieldDecl *F : More) {
      Writes.insert(F);
      ++Counts[F];
    }
  }
};

} // namespace

bool ParameterUses::mayRetain(const FunctionDecl &Def, int Index) {
  return get(Def, Index).Retains;
}

const llvm::SmallPtrSet<const FieldDecl *, 4> &
ParameterUses::writtenMembers(const FunctionDecl &Def, int Index) {
  return get(Def, Index).Writes;
}

llvm::ArrayRef<ParameterUses::Store>
ParameterUses::definiteStores(const FunctionDecl &Def, int Index) {
  return get(Def, Index).Stores;
}

namespace {

/// `p->f` or `this->f` (implicit or not): the member, if `E` names one of
/// the object the parameter (null: `this`) points to.
const FieldDecl *memberOf(const Expr *E, const ParmVarDecl *Param) {
  const auto *ME = dyn_cast<MemberExpr>(E->IgnoreParens());
  if (!ME || !ME->isArrow())
    return nullptr;
  const Expr *Base = ME->getBase()->IgnoreParenImpCasts();
  bool Ours = Param ? isa<DeclRefExpr>(Base) &&
                          cast<DeclRefExpr>(Base)->getDecl() == Param
                    : isa<CXXThisExpr>(Base);
  return Ours ? dyn_cast<FieldDecl>(ME->getMemberDecl()) : nullptr;
}

/// The stores at the top level of `Body` of a constant or a by-value
/// integer parameter into a member, kept only for members written once.
llvm::SmallVector<ParameterUses::Store, 2>
topLevelStores(const FunctionDecl &Def, const ParmVarDecl *Param,
               const llvm::DenseMap<const FieldDecl *, unsigned> &Counts,
               ASTContext &Ctx) {
  llvm::SmallVector<ParameterUses::Store, 2> Found;
  const auto *Body = dyn_cast_or_null<CompoundStmt>(Def.getBody());
  if (!Body)
    return Found;
  for (const Stmt *Item : Body->body()) {
    const auto *BO = dyn_cast<BinaryOperator>(Item);
    if (!BO || BO->getOpcode() != BO_Assign)
      continue;
    const FieldDecl *F = memberOf(BO->getLHS(), Param);
    if (!F || !F->getType()->isIntegralOrEnumerationType())
      continue;
    ParameterUses::Store St;
    St.Field = F;
    const Expr *RHS = BO->getRHS()->IgnoreParenImpCasts();
    Expr::EvalResult R;
    if (const auto *DRE = dyn_cast<DeclRefExpr>(RHS);
        DRE && isa<ParmVarDecl>(DRE->getDecl()) &&
        cast<ParmVarDecl>(DRE->getDecl())->getType()->isIntegralOrEnumerationType())
      St.Param = cast<ParmVarDecl>(DRE->getDecl())->getFunctionScopeIndex();
    else if (!RHS->isValueDependent() && RHS->EvaluateAsInt(R, Ctx))
      St.Constant = R.Val.getInt().getExtValue();
    else
      continue;
    Found.push_back(St);
  }
  // A member written anywhere else may end with another value.
  llvm::erase_if(Found, [&](const ParameterUses::Store &St) {
    return Counts.lookup(St.Field) != 1;
  });
  return Found;
}

} // namespace

const ParameterUses::Uses &ParameterUses::get(const FunctionDecl &Def,
                                              int Index) {
  auto Key = std::make_pair(&Def, Index);
  if (auto It = Memo.find(Key); It != Memo.end())
    return It->second;
  Memo[Key] = Uses(); // Recursion: iodrain cannot tell.
  Uses Found = compute(Def, Index);
  return Memo[Key] = std::move(Found);
}

ParameterUses::Uses ParameterUses::compute(const FunctionDecl &Def,
                                           int Index) {
  Uses Found;
  if (!Def.getBody() || Def.isVariadic() ||
      (Index >= 0 && static_cast<unsigned>(Index) >= Def.getNumParams()) ||
      (Index < 0 && !isa<CXXMethodDecl>(Def)))
    return Found;
  // A thread it starts may keep what it gets, like any request role.
  if (Model.callsThrough(Def, RequestRoles, ModelledLevels, DoesModelledWork) ||
      Model.callsThrough(Def, {Role::ThreadStart}, ModelledLevels,
                         StartsThreads))
    return Found;
  const ParmVarDecl *Param = Index >= 0 ? Def.getParamDecl(Index) : nullptr;
  // A reference parameter or a value is not the caller's pointer.
  if (Param && !Param->getType()->isPointerType())
    return Found;
  UseReader Reader(Def, *this, Found.Writes, Found.WriteCounts);
  Found.Retains = !Reader.allUsesKeepObject(Def.getBody(), Param);
  if (!Found.Retains)
    Found.Stores =
        topLevelStores(Def, Param, Found.WriteCounts, Def.getASTContext());
  return Found;
}

} // namespace iodrain
