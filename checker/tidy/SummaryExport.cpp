//===- SummaryExport.cpp --------------------------------------------------===//

#include "SummaryExport.h"
#include "../core/ApiModel.h"
#include "../core/AccessPath.h"
#include "../core/StmtSearch.h"
#include "PathNotes.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/xxhash.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/ADT/StringSet.h"

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
    // The object itself (`c->self = c`) has no path text to point to.
    if (std::optional<std::string> Referent = protocolPathText(V.Referent);
        Referent && !Referent->empty()) {
      F.K = ProtocolField::PointsTo;
      F.Referent = *Referent;
      return F;
    }
    return std::nullopt;
  case AbsValue::Bits: // The rules format has no known bits (yet).
  case AbsValue::Unknown:
    return std::nullopt;
  }
  return std::nullopt;
}

/// An argument as a rules entry names it: a parameter or `this`, then
/// members (`d->io.ov` is `1->io.ov`); none for anything else. The
/// address of a member names the member (`&d->ov`).
std::optional<ArgRef> ruleArgument(const Expr *E, const FunctionDecl &F) {
  E = E->IgnoreParenCasts();
  if (const auto *UO = dyn_cast<UnaryOperator>(E);
      UO && UO->getOpcode() == UO_AddrOf) {
    E = UO->getSubExpr()->IgnoreParenCasts();
    if (!isa<MemberExpr>(E))
      return std::nullopt;
  }
  std::string Written;
  while (const auto *ME = dyn_cast<MemberExpr>(E)) {
    const auto *Field = dyn_cast<FieldDecl>(ME->getMemberDecl());
    if (!Field || Field->getName().empty())
      return std::nullopt;
    Written = (ME->isArrow() ? "->" : ".") + Field->getName().str() + Written;
    E = ME->getBase()->IgnoreParenImpCasts();
    if (ME->isArrow())
      break;
  }
  if (!Written.empty() && !StringRef(Written).starts_with("->"))
    return std::nullopt;
  ArgRef A;
  if (isa<CXXThisExpr>(E)) {
    A = ArgRef::self();
  } else {
    const auto *DRE = dyn_cast<DeclRefExpr>(E);
    const auto *Param = DRE ? dyn_cast<ParmVarDecl>(DRE->getDecl()) : nullptr;
    if (!Param || Param->getDeclContext() != &F)
      return std::nullopt;
    A = ArgRef::index(Param->getFunctionScopeIndex() + 1);
  }
  if (Written.empty())
    return A.K == ArgRef::This ? std::nullopt : std::optional<ArgRef>(A);
  A.Member = memberPathText(Written);
  A.Written = Written;
  return A;
}

/// Whether `S` mentions a parameter of `F` or `this`.
bool mentionsReceived(const Stmt *S, const FunctionDecl &F) {
  return findStatement(S, [&](const Stmt *X) {
           if (isa<CXXThisExpr>(X))
             return true;
           const auto *DRE = dyn_cast<DeclRefExpr>(X);
           const auto *P = DRE ? dyn_cast<ParmVarDecl>(DRE->getDecl()) : nullptr;
           return P && P->getDeclContext() == &F;
         }) != nullptr;
}

/// `d->info` read as a value, where `info` points to a record: the call
/// gets that record, not `*d`, whose requests it cannot reach. A handle,
/// an `OVERLAPPED` or a buffer could be waited for, closed or freed.
bool isOwnRecordPointer(const Expr *Arg) {
  const auto *Load = dyn_cast<ImplicitCastExpr>(Arg->IgnoreParens());
  if (!Load || Load->getCastKind() != CK_LValueToRValue)
    return false;
  const auto *ME = dyn_cast<MemberExpr>(Load->getSubExpr()->IgnoreParens());
  if (!ME)
    return false;
  QualType Pointee = ME->getType()->getPointeeType();
  return !Pointee.isNull() && Pointee->isRecordType() &&
         !AccessPaths::containsOverlapped(Pointee);
}

/// Whether the statement could run only on some paths, or change a
/// parameter: a helper with any is not summarised.
bool branchesOrRebinds(const Stmt *S, const FunctionDecl &F) {
  return findStatement(S, [&](const Stmt *X) {
           if (isa<IfStmt, ForStmt, WhileStmt, DoStmt, SwitchStmt, GotoStmt,
                   ConditionalOperator, BinaryConditionalOperator, LambdaExpr,
                   CXXTryStmt, SEHTryStmt, ReturnStmt, StmtExpr>(X))
             return true;
           if (const auto *BO = dyn_cast<BinaryOperator>(X)) {
             if (BO->isLogicalOp())
               return true;
             if (BO->isAssignmentOp()) {
               const auto *DRE = dyn_cast<DeclRefExpr>(
                   BO->getLHS()->IgnoreParenImpCasts());
               return DRE && isa<ParmVarDecl>(DRE->getDecl());
             }
           }
           return false;
         }) != nullptr;
}

/// `if (!p) return;` or `if (p == NULL) return ...;` on a parameter.
bool isNullGuard(const Stmt *S, const FunctionDecl &F) {
  const auto *If = dyn_cast<IfStmt>(S);
  if (!If || If->getElse() || If->getInit() || If->getConditionVariable())
    return false;
  const Stmt *Then = If->getThen();
  if (const auto *CS = dyn_cast<CompoundStmt>(Then); CS && CS->size() == 1)
    Then = CS->body_front();
  const auto *Ret = dyn_cast<ReturnStmt>(Then);
  if (!Ret || (Ret->getRetValue() && mentionsReceived(Ret->getRetValue(), F)))
    return false;
  const Expr *Cond = If->getCond()->IgnoreParenImpCasts();
  if (const auto *UO = dyn_cast<UnaryOperator>(Cond);
      UO && UO->getOpcode() == UO_LNot)
    Cond = UO->getSubExpr()->IgnoreParenImpCasts();
  else if (const auto *BO = dyn_cast<BinaryOperator>(Cond);
           BO && BO->getOpcode() == BO_EQ)
    Cond = BO->getLHS()->IgnoreParenImpCasts();
  const auto *DRE = dyn_cast<DeclRefExpr>(Cond);
  return DRE && isa<ParmVarDecl>(DRE->getDecl()) &&
         !branchesOrRebinds(If->getCond(), F);
}

/// The effect of one modelled call on what the helper received; none when
/// it has none, false when the helper cannot be summarised.
std::optional<std::optional<FunctionRule>>
effectOf(const CallExpr *CE, const FunctionRule &R, const FunctionDecl &F) {
  auto Arg = [&](ArgRef A) -> const Expr * {
    if (A.K == ArgRef::This) {
      const auto *MCE = dyn_cast<CXXMemberCallExpr>(CE);
      return MCE ? MCE->getImplicitObjectArgument() : nullptr;
    }
    return A.K == ArgRef::Index && A.Position <= CE->getNumArgs()
               ? CE->getArg(A.Position - 1)
               : nullptr;
  };
  auto Constant = [&](ArgRef A) -> std::optional<int64_t> {
    const Expr *E = Arg(A);
    Expr::EvalResult Result;
    if (!E || !E->EvaluateAsInt(Result, F.getASTContext()))
      return std::nullopt;
    return Result.Val.getInt().getExtValue();
  };
  FunctionRule Effect;
  Effect.Name = F.getQualifiedNameAsString();
  Effect.FunctionRole = R.FunctionRole;
  // Each key the role reads, as a parameter's member; a key that names
  // anything else makes the call none of the caller's business.
  auto Map = [&](ArgRef FunctionRule::*Key, bool Required) {
    const Expr *E = (R.*Key).isSet() ? Arg(R.*Key) : nullptr;
    if (!E)
      return !Required;
    if (!Required && E->IgnoreParenCasts()->isNullPointerConstant(
                         F.getASTContext(), Expr::NPC_ValueDependentIsNull))
      return true;
    std::optional<ArgRef> A = ruleArgument(E, F);
    if (A)
      Effect.*Key = *A;
    return A.has_value();
  };
  switch (R.FunctionRole) {
  case Role::Close:
    if (!Map(&FunctionRule::Handle, true))
      return std::optional<FunctionRule>();
    return Effect;
  case Role::Free:
    if (!Map(&FunctionRule::Pointer, true))
      return std::optional<FunctionRule>();
    return Effect;
  case Role::Cancel:
    Effect.CallingThreadOnly = R.CallingThreadOnly;
    if (!Map(&FunctionRule::Handle, true))
      return std::optional<FunctionRule>();
    if (!Map(&FunctionRule::Overlapped, false))
      return std::nullopt;
    return Effect;
  case Role::WaitOverlapped: {
    // Only a wait that always blocks drains; the rule then says nothing
    // of its wait or timeout.
    auto Wait = Constant(R.Wait);
    auto Timeout = Constant(R.Timeout);
    bool Blocks = (!R.Wait.isSet() || (Wait && *Wait != 0)) &&
                  (!R.Timeout.isSet() ||
                   (Timeout && (uint64_t(*Timeout) & 0xFFFFFFFFu) ==
                                   0xFFFFFFFFu)) &&
                  !R.Alertable.isSet();
    if (!Blocks || !Map(&FunctionRule::Overlapped, true) ||
        !Map(&FunctionRule::Handle, false))
      return std::nullopt;
    return Effect;
  }
  case Role::LastError:
  case Role::Inert:
  case Role::Open:
  case Role::Create:
  case Role::Associate:
  case Role::NotifyModes:
  case Role::DumpState:
    return std::optional<FunctionRule>();
  default:
    // Issues, other waits, hand-offs: more than a list of effects says.
    return std::nullopt;
  }
}

/// The helper's effects, or none when it cannot be summarised.
std::optional<FunctionRule> helperRule(const FunctionDecl &F,
                                       const ApiModel &Model) {
  const auto *Body = dyn_cast_or_null<CompoundStmt>(F.getBody());
  if (!Body)
    return std::nullopt;
  FunctionRule Rule;
  Rule.Name = F.getQualifiedNameAsString();
  Rule.FunctionRole = Role::Effects;
  // Written down so that the importing unit can check its positions.
  if (!F.isVariadic())
    Rule.Parameters = F.getNumParams();
  bool Leading = true;
  for (const Stmt *S : Body->body()) {
    if (Leading && isNullGuard(S, F))
      continue;
    Leading = false;
    bool Last = S == Body->body_back();
    if (const auto *Ret = dyn_cast<ReturnStmt>(S); Ret && Last)
      S = Ret->getRetValue();
    if (!S)
      continue;
    if (branchesOrRebinds(S, F))
      return std::nullopt;
    // Calls in the order a pre-order walk meets them: arguments here are
    // plain expressions, so that is the order they run in.
    std::optional<FunctionRule> Failed;
    bool Ok = true;
    findStatement(S, [&](const Stmt *X) {
      if (const auto *DE = dyn_cast<CXXDeleteExpr>(X)) {
        std::optional<ArgRef> A = ruleArgument(DE->getArgument(), F);
        if (A && !DE->isArrayForm()) {
          FunctionRule Free;
          Free.Name = Rule.Name;
          Free.FunctionRole = Role::Free;
          Free.Pointer = *A;
          Rule.Effects.push_back(std::move(Free));
        } else if (mentionsReceived(DE, F)) {
          Ok = false;
        }
        return !Ok;
      }
      const auto *CE = dyn_cast<CallExpr>(X);
      if (!CE)
        return false;
      const FunctionRule *R = Model.lookupCall(CE);
      if (!R) {
        // What it gets of the caller's objects, it may wait for or close.
        Ok = !llvm::any_of(CE->arguments(), [&](const Expr *A) {
          return mentionsReceived(A, F) && !isOwnRecordPointer(A);
        }) && !(isa<CXXMemberCallExpr>(CE) && mentionsReceived(CE, F));
        return !Ok;
      }
      auto Effect = effectOf(CE, *R, F);
      if (!Effect)
        Ok = false;
      else if (*Effect)
        Rule.Effects.push_back(std::move(**Effect));
      return !Ok;
    });
    if (!Ok || Rule.Effects.size() > MaxEffects)
      return std::nullopt;
  }
  if (Rule.Effects.empty())
    return std::nullopt;
  return Rule;
}

} // namespace

std::vector<FunctionRule> writtenHelpers(const TranslationUnitFacts &Facts,
                                         const ApiModel &Model,
                                         bool OtherUnits) {
  std::vector<FunctionRule> Out;
  for (const FunctionDecl *F : Facts.functions()) {
    const SourceManager &SM = F->getASTContext().getSourceManager();
    if ((OtherUnits && !F->isExternallyVisible()) || F->isMain() ||
        F->isTemplated() ||
        isa<CXXConstructorDecl, CXXDestructorDecl>(F) ||
        SM.isInSystemHeader(F->getLocation()) || Model.lookup(F))
      continue;
    if (const auto *MD = dyn_cast<CXXMethodDecl>(F);
        MD && (MD->isVirtual() || MD->getParent()->isLambda()))
      continue;
    if (std::optional<FunctionRule> Rule = helperRule(*F, Model))
      Out.push_back(std::move(*Rule));
  }
  return Out;
}

std::vector<std::string> calledElsewhere(const TranslationUnitFacts &Facts) {
  llvm::StringSet<> Names;
  for (const FunctionDecl *F : Facts.functions())
    findStatement(F->getBody(), [&](const Stmt *S) {
      if (const auto *CE = dyn_cast<CallExpr>(S))
        if (const FunctionDecl *Callee = CE->getDirectCallee();
            Callee && !Callee->hasBody() && Callee->isExternallyVisible() &&
            !F->getASTContext().getSourceManager().isInSystemHeader(
                Callee->getLocation()))
          Names.insert(Callee->getQualifiedNameAsString());
      return false;
    });
  std::vector<std::string> Sorted;
  for (const auto &Entry : Names)
    Sorted.push_back(Entry.getKey().str());
  llvm::sort(Sorted);
  return Sorted;
}

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
                            const TranslationUnitFacts &Facts,
                            const ApiModel &Model, const ASTContext &Ctx) {
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
       << ApiModel::write(writtenHelpers(Facts, Model),
                          writtenProtocols(Protocols, Ctx),
                          calledElsewhere(Facts));
    OS.close();
    EC = OS.error();
  }
  if (EC)
    return llvm::createStringError(EC, "cannot write the summaries file '" +
                                           Path + "': " + EC.message());
  return llvm::Error::success();
}

} // namespace iodrain
