//===- Transfer.cpp - Values, assumptions, assignments, declarations ------===//

#include "Transfer.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMap.h"
#include "clang/AST/Stmt.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/Support/raw_ostream.h"

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
  if (A.K == AbsValue::Object && B.K == AbsValue::Object &&
      A.ObjectKey == B.ObjectKey)
    return true;
  return std::nullopt;
}

AbsValue fromTruth(std::optional<bool> T) {
  return T ? AbsValue::integer(*T) : AbsValue::unknown();
}

constexpr int64_t KExactCounterLimit = 4;

bool isMemberNamed(const Expr *E, StringRef Name) {
  const auto *ME = dyn_cast<MemberExpr>(E);
  return ME && ME->getMemberDecl()->getName() == Name;
}

} // namespace

Transfer::Transfer(ASTContext &Ctx, const ApiModel &Model,
                   const AnalysisBudget &Budget, ParentMap &PM)
    : Ctx(Ctx), SM(Ctx.getSourceManager()), Model(Model), Budget(Budget),
      PM(PM), Paths(Ctx) {}

const Stmt *Transfer::fullExprOf(const Stmt *S) {
  auto It = FullExprCache.find(S);
  if (It != FullExprCache.end())
    return It->second;
  const Stmt *Root = S;
  while (const Stmt *P = PM.getParent(Root)) {
    if (!isa<Expr>(P))
      break;
    Root = P;
  }
  FullExprCache[S] = Root;
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

AbsValue Transfer::valueOf(const State &S, const Expr *E) const {
  E = E->IgnoreParens();
  if (auto It = S.Exprs.find(E); It != S.Exprs.end())
    return It->second;
  if (E->isValueDependent() || E->isTypeDependent())
    return AbsValue::unknown();
  if (E->getType()->isIntegralOrEnumerationType()) {
    Expr::EvalResult R;
    if (!E->HasSideEffects(Ctx) && E->EvaluateAsInt(R, Ctx) &&
        R.Val.getInt().getBitWidth() <= 64)
      return AbsValue::integer(R.Val.getInt().isSigned()
                                   ? R.Val.getInt().getSExtValue()
                                   : int64_t(R.Val.getInt().getZExtValue()));
  }
  if (E->getType()->isPointerType() &&
      E->isNullPointerConstant(Ctx, Expr::NPC_ValueDependentIsNotNull) !=
          Expr::NPCK_NotNull)
    return AbsValue::null();

  if (const auto *Cast = dyn_cast<CastExpr>(E)) {
    const Expr *Sub = Cast->getSubExpr();
    switch (Cast->getCastKind()) {
    case CK_LValueToRValue: {
      auto Key = Paths.lvalueKey(S, Sub);
      if (!Key)
        return AbsValue::unknown();
      auto It = S.Vars.find(*Key);
      return It == S.Vars.end() ? AbsValue::unknown() : It->second;
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
      return V;
    }
    default:
      return valueOf(S, Sub);
    }
  }
  if (const auto *UO = dyn_cast<UnaryOperator>(E)) {
    AbsValue V = valueOf(S, UO->getSubExpr());
    switch (UO->getOpcode()) {
    case UO_LNot: {
      auto T = V.truth();
      return T ? AbsValue::integer(!*T) : AbsValue::unknown();
    }
    case UO_Minus:
      return V.K == AbsValue::Int ? AbsValue::integer(-V.Value)
                                  : AbsValue::unknown();
    default:
      return AbsValue::unknown();
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
        return AbsValue::unknown();
      return AbsValue::integer(BO->getOpcode() == BO_EQ ? *Eq : !*Eq);
    }
    if (L.K != AbsValue::Int || R.K != AbsValue::Int)
      return AbsValue::unknown();
    int64_t A = L.Value, B = R.Value;
    switch (BO->getOpcode()) {
    case BO_LT: return AbsValue::integer(A < B);
    case BO_GT: return AbsValue::integer(A > B);
    case BO_LE: return AbsValue::integer(A <= B);
    case BO_GE: return AbsValue::integer(A >= B);
    case BO_Add: return AbsValue::integer(castTo(A + B, E->getType()));
    case BO_Sub: return AbsValue::integer(castTo(A - B, E->getType()));
    case BO_And: return AbsValue::integer(A & B);
    case BO_Or: return AbsValue::integer(A | B);
    case BO_Xor: return AbsValue::integer(A ^ B);
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
    if (auto Key = Paths.lvalueKey(S, E))
      if (auto It = S.Vars.find(*Key); It != S.Vars.end())
        return It->second;
  return AbsValue::unknown();
}

bool Transfer::refine(State &S, const Expr *Sub, bool Equal, int64_t C) const {
  AbsValue Cur = valueOf(S, Sub);
  if (Equal && !Cur.mayEqual(C))
    return false;
  if (!Equal && Cur.K == AbsValue::Int && Cur.Value == C)
    return false;
  if (!Equal && Cur.K == AbsValue::Null && C == 0)
    return false;
  if (Cur.K == AbsValue::Object || Cur.K == AbsValue::Null)
    return true; // Keep object identity; nothing more to learn.

  AbsValue New;
  if (Equal) {
    New = AbsValue::integer(C);
  } else if (Cur.K == AbsValue::Int) {
    New = Cur;
  } else {
    llvm::SmallVector<int64_t, 4> Excluded(Cur.Excluded.begin(),
                                           Cur.Excluded.end());
    Excluded.push_back(C);
    New = AbsValue::notIntegers(Excluded);
  }
  New.SyncHandle = Cur.SyncHandle;

  // Record what was learnt wherever the value lives.
  const Expr *Stripped = Sub->IgnoreParenCasts();
  S.Exprs[Sub->IgnoreParens()] = New;
  S.Exprs[Stripped] = New;
  if (const auto *CE = dyn_cast<CallExpr>(Stripped)) {
    const FunctionRule *R = ruleFor(CE);
    if (R && R->FunctionRole == Role::LastError)
      S.LastError = New;
    return true;
  }
  if (isMemberNamed(Stripped, "Internal")) {
    // HasOverlappedIoCompleted: Internal leaves STATUS_PENDING once the
    // I/O completes.
    const auto *ME = cast<MemberExpr>(Stripped);
    ObjectRef O = ME->isArrow()
                      ? Paths.overlappedOf(S, ME->getBase())
                      : ObjectRef::key(
                            Paths.lvalueKey(S, ME->getBase()).value_or(""));
    bool Completed = Equal ? C != win32::StatusPending
                           : C == win32::StatusPending;
    if (O.isKey() && Completed)
      S.Requests.erase(O.Name);
    return true;
  }
  // Volatile memory may change under the path's feet: learn nothing.
  if (!Stripped->isGLValue() || Stripped->getType().isVolatileQualified())
    return true;
  auto Key = Paths.lvalueKey(S, Stripped);
  if (!Key)
    return true;
  auto Syntactic = Paths.lvalueKey(State(), Stripped);
  bool TestedAgain = Syntactic && ConditionReads.lookup(*Syntactic) > 1;
  if (TestedAgain || S.Vars.count(*Key))
    S.Vars[*Key] = New;
  return true;
}

void Transfer::countConditionReads(const Expr *Cond) {
  State Empty;
  llvm::SmallVector<const Stmt *, 8> Work{Cond};
  while (!Work.empty()) {
    const Stmt *St = Work.pop_back_val();
    if (!St)
      continue;
    if (const auto *E = dyn_cast<Expr>(St); E && E->isGLValue())
      if (auto Key = Paths.lvalueKey(Empty, E))
        ++ConditionReads[*Key];
    for (const Stmt *Child : St->children())
      Work.push_back(Child);
  }
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
    default:
      return true; // Relational tests are not refined.
    }
  }
  // A bare value as a condition: `if (pending)`, `if (ReadFile(...))`.
  return refine(S, E, /*Equal=*/!Truth, 0);
}

AbsValue Transfer::assignedValue(const State &S, QualType T,
                                 const Expr *RHS) const {
  if (AccessPaths::isHandleLike(T)) {
    ObjectRef O = Paths.objectOf(S, RHS);
    if (O.K == ObjectRef::Null)
      return AbsValue::null();
    if (O.isKey() && !isa<CallExpr>(RHS->IgnoreParenCasts()))
      return AbsValue::object(O.Name);
  }
  return valueOf(S, RHS);
}

void Transfer::rename(State &S, const std::string &Prefix,
                      const void *Tag) const {
  // The object once reached through Prefix keeps living under a new name,
  // so requests and aliases still find it, while Prefix names the new one.
  std::string Stale;
  llvm::raw_string_ostream(Stale) << Prefix << "@" << Tag;
  auto Fix = [&](std::string &Key) {
    if (keyIsUnder(Key, Prefix))
      Key = Stale + Key.substr(Prefix.size());
  };
  std::map<std::string, Request> Requests;
  for (auto &[Key, R] : S.Requests) {
    Fix(R.OverlappedKey);
    Fix(R.HandleKey);
    Fix(R.EventKey);
    Requests[R.OverlappedKey] = std::move(R);
  }
  S.Requests = std::move(Requests);
  std::set<std::string> Sync;
  for (std::string Key : S.SyncHandles) {
    Fix(Key);
    Sync.insert(Key);
  }
  S.SyncHandles = std::move(Sync);
  for (auto It = S.Vars.begin(); It != S.Vars.end();) {
    if (keyIsUnder(It->first, Prefix)) {
      It = S.Vars.erase(It);
      continue;
    }
    if (It->second.K == AbsValue::Object)
      Fix(It->second.ObjectKey);
    ++It;
  }
}

void Transfer::escape(State &S, const std::string &ObjectKey) const {
  for (auto It = S.Requests.begin(); It != S.Requests.end();) {
    if (keyIsUnder(It->second.OverlappedKey, ObjectKey))
      It = S.Requests.erase(It);
    else
      ++It;
  }
  for (auto It = S.Vars.begin(); It != S.Vars.end();)
    It = keyIsUnder(It->first, ObjectKey) ? S.Vars.erase(It) : std::next(It);
}

void Transfer::storeInit(State &S, const std::string &Key, QualType T,
                         const Expr *Init) const {
  Init = Init->IgnoreParens();
  if (const auto *ILE = dyn_cast<InitListExpr>(Init)) {
    if (ILE->isSyntacticForm() && ILE->getSemanticForm())
      ILE = ILE->getSemanticForm();
    if (const auto *AT = Ctx.getAsArrayType(T)) {
      for (unsigned I = 0; I < ILE->getNumInits() && I < 64; ++I)
        storeInit(S, Key + "[" + std::to_string(I) + "]",
                  AT->getElementType(), ILE->getInit(I));
      return;
    }
    if (const auto *RD = T->getAsRecordDecl()) {
      unsigned I = 0;
      for (const FieldDecl *F : RD->fields()) {
        if (I >= ILE->getNumInits())
          break;
        storeInit(S, Key + "." + F->getName().str(), F->getType(),
                  ILE->getInit(I++));
      }
    }
    return;
  }
  if (isa<ImplicitValueInitExpr>(Init)) {
    if (T->isIntegralOrEnumerationType())
      S.Vars[Key] = AbsValue::integer(0);
    else if (T->isPointerType())
      S.Vars[Key] = AbsValue::null();
    return;
  }
  AbsValue V = assignedValue(S, T, Init);
  if (V.SyncHandle)
    S.SyncHandles.insert(Key + "*");
  if (V.K != AbsValue::Unknown)
    S.Vars[Key] = V;
}

void Transfer::declare(const DeclStmt *DS, State &S) const {
  for (const Decl *D : DS->decls()) {
    const auto *VD = dyn_cast<VarDecl>(D);
    if (!VD || VD->getType()->isReferenceType())
      continue;
    std::string Key = AccessPaths::varKey(VD);
    rename(S, Key, DS);
    if (const Expr *Init = VD->getInit())
      storeInit(S, Key, VD->getType(), Init);
  }
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
    if (auto Key = Paths.lvalueKey(S, UO->getSubExpr())) {
      rename(S, *Key + "*", E);
      S.Vars.erase(*Key);
      if (New.K != AbsValue::Unknown &&
          !UO->getSubExpr()->getType().isVolatileQualified())
        S.Vars[*Key] = New;
    }
    S.Exprs[E] = UO->isPrefix() ? New : Old;
    return;
  }
  const auto *BO = cast<BinaryOperator>(E);
  const Expr *LHS = BO->getLHS();
  AbsValue V = BO->getOpcode() == BO_Assign
                   ? assignedValue(S, LHS->getType(), BO->getRHS())
                   : AbsValue::unknown();
  S.Exprs[E] = V;
  // Storing a request's address where other code can reach it hands the
  // request over to that code.
  const auto *LocalTarget = dyn_cast<DeclRefExpr>(LHS->IgnoreParenImpCasts());
  bool IsLocal = LocalTarget && isa<VarDecl>(LocalTarget->getDecl()) &&
                 cast<VarDecl>(LocalTarget->getDecl())->hasLocalStorage();
  if (!IsLocal && V.K == AbsValue::Object)
    escape(S, V.ObjectKey);

  auto Key = Paths.lvalueKey(S, LHS);
  if (!Key)
    return;
  if (LHS->getType()->isRecordType())
    rename(S, *Key, E);
  else
    rename(S, *Key + "*", E);
  S.Vars.erase(*Key);
  if (LHS->getType()->isRecordType())
    return;
  if (V.SyncHandle)
    S.SyncHandles.insert(*Key + "*");
  if (V.K != AbsValue::Unknown && !LHS->getType().isVolatileQualified())
    S.Vars[*Key] = V;
}

void Transfer::element(const Stmt *St, State S,
                       llvm::SmallVectorImpl<State> &Out) {
  enterStatement(S, St);
  if (const auto *DS = dyn_cast<DeclStmt>(St)) {
    declare(DS, S);
  } else if (const auto *CE = dyn_cast<CallExpr>(St)) {
    call(CE, std::move(S), Out);
    return;
  } else if (const auto *CCE = dyn_cast<CXXConstructExpr>(St)) {
    // A constructor may keep any pointer it is given.
    for (const Expr *Arg : CCE->arguments()) {
      ObjectRef O = Paths.objectOf(S, Arg);
      if (O.isKey() && Arg->getType()->isPointerType())
        escape(S, O.Name);
    }
  } else if (const auto *BO = dyn_cast<BinaryOperator>(St)) {
    if (BO->isAssignmentOp())
      assign(BO, S);
  } else if (const auto *UO = dyn_cast<UnaryOperator>(St)) {
    if (UO->isIncrementDecrementOp())
      assign(UO, S);
  }
  Out.push_back(std::move(S));
}

std::string Transfer::sourceText(const Expr *E, size_t MaxLength) const {
  // Parentheses added by a macro body are not what the user wrote.
  if (E->getBeginLoc().isMacroID())
    E = E->IgnoreParenImpCasts();
  SourceLocation B = E->getBeginLoc(), End = E->getEndLoc();
  CharSourceRange Range;
  if (B.isFileID() && End.isFileID()) {
    Range = CharSourceRange::getTokenRange(B, End);
  } else {
    // Quote the tokens as spelled (a macro argument, or a condition in a
    // macro body), climbing out of nested macros at the end if needed.
    SourceLocation SB = SM.getSpellingLoc(B);
    SourceLocation SE = SM.getSpellingLoc(End);
    for (unsigned Depth = 0; Depth < 8 && End.isMacroID() &&
                             SM.getFileID(SE) != SM.getFileID(SB);
         ++Depth) {
      End = SM.getImmediateExpansionRange(End).getEnd();
      SE = SM.getSpellingLoc(End);
    }
    if (SM.getFileID(SE) == SM.getFileID(SB) &&
        SM.getFileOffset(SB) <= SM.getFileOffset(SE))
      Range = CharSourceRange::getTokenRange(SB, SE);
    else
      Range = SM.getExpansionRange(E->getSourceRange());
  }
  std::string Text =
      Lexer::getSourceText(Range, SM, Ctx.getLangOpts()).str();
  if (Text.empty()) {
    llvm::raw_string_ostream OS(Text);
    E->printPretty(OS, nullptr, PrintingPolicy(Ctx.getLangOpts()));
  }
  // One line, bounded length: it is quoted in a diagnostic.
  std::string Flat;
  bool Space = false;
  for (char C : Text) {
    if (C == '\n' || C == '\r' || C == '\t' || C == ' ') {
      Space = !Flat.empty();
      continue;
    }
    if (Space)
      Flat += ' ';
    Space = false;
    Flat += C;
  }
  if (Flat.size() > MaxLength)
    Flat = Flat.substr(0, MaxLength - 3) + "...";
  return Flat;
}

SourceLocation Transfer::reportLoc(const Stmt *S) const {
  return SM.getExpansionLoc(S->getBeginLoc());
}

} // namespace iodrain
