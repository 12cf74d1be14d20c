//===- PathNotes.cpp ------------------------------------------------------===//

#include "PathNotes.h"
#include "../core/ApiModel.h"
#include "../core/TranslationUnitFacts.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Expr.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/Support/raw_ostream.h"

using namespace clang;

namespace iodrain {
namespace {

/// The function of the unit whose body holds `S`.
const FunctionDecl *enclosingFunction(const Stmt *S, const NoteScope &Scope) {
  return Scope.Facts ? Scope.Facts->functionHolding(
                           S, Scope.Ctx->getSourceManager())
                     : nullptr;
}

constexpr unsigned MaxExplainedRequests = 3;

/// A condition that a macro body wraps around its argument (`assert(x)`
/// tests `!!(x)`): the argument as the user wrote it, and the truth it has
/// when the whole condition has `Truth`. Other conditions are themselves.
const Expr *writtenCondition(const Expr *Cond, bool &Truth,
                             const SourceManager &SM) {
  const Expr *E = Cond;
  bool T = Truth;
  while (E->getBeginLoc().isMacroID() &&
         !SM.isMacroArgExpansion(E->getBeginLoc())) {
    E = E->IgnoreParenImpCasts();
    const auto *Not = dyn_cast<UnaryOperator>(E);
    if (!Not || Not->getOpcode() != UO_LNot)
      break;
    T = !T;
    E = Not->getSubExpr();
  }
  E = E->IgnoreParenImpCasts();
  if (E == Cond->IgnoreParenImpCasts() ||
      !SM.isMacroArgExpansion(E->getBeginLoc()))
    return Cond;
  Truth = T;
  return E;
}

std::string wordStep(const PathStep &Step, const RequestView &R,
                     const NoteScope &Scope) {
  const ASTContext &Ctx = *Scope.Ctx;
  const auto *Call = dyn_cast_or_null<CallExpr>(Step.At);
  std::string Name = Call ? calleeName(Call, Ctx) : "";
  std::string Handle =
      R.HandleArg ? quoteSource(R.HandleArg, Ctx) : std::string("this");
  switch (Step.K) {
  case PathStep::Issue:
    if (!R.ReceivedWith.empty()) {
      const FunctionDecl *Issuer = enclosingFunction(Step.At, Scope);
      return "'" + Name + "' in '" +
             (Issuer ? Issuer->getQualifiedNameAsString() : "?") +
             "' starts overlapped I/O on '" + Handle +
             "' and may return with it pending";
    }
    if (R.SuspendedIn)
      return "'" + Name + "' suspends with overlapped I/O" +
             (R.HandleArg ? " on '" + Handle + "'" : std::string()) +
             " pending in its frame ('" +
             (R.IssueRule ? R.IssueRule->Name : std::string("?")) +
             "' in 'await_suspend')";
    return "'" + Name + "' starts overlapped I/O on '" + Handle +
           "' that may still be pending";
  case PathStep::Cancel:
    return "'" + Name +
           "' requests cancellation here, but the cancelled I/O still "
           "completes later";
  case PathStep::BranchTrue:
  case PathStep::BranchFalse: {
    bool Truth = Step.K == PathStep::BranchTrue;
    const Expr *Cond =
        writtenCondition(cast<Expr>(Step.At), Truth, Ctx.getSourceManager());
    return "'" + quoteSource(Cond, Ctx) + "' is " +
           (Truth ? "true" : "false") + " here";
  }
  case PathStep::WaitTimedOut:
    return "'" + Name + "' may time out here, leaving the I/O pending";
  case PathStep::WaitEarly:
    return "'" + Name + "' may return here before the I/O completes";
  case PathStep::WaitAlerted:
    return "'" + Name +
           "' may return early here to run a completion routine, leaving "
           "the I/O pending";
  case PathStep::WaitOtherObject:
    return "'" + Name +
           "' may return here for another object, leaving the I/O pending";
  case PathStep::WaitObjectSignaled:
    return "'" + Name +
           "' may return here because its object is signaled, leaving the "
           "I/O pending";
  case PathStep::DequeuedOther:
    return "'" + Name +
           "' may dequeue the packet of another request here, leaving this "
           "one pending";
  case PathStep::RoutineTimedOut:
    return "'" + Name +
           "' may time out here before the completion routine runs";
  }
  return "";
}

} // namespace

std::string quoteSource(const Expr *E, const ASTContext &Ctx,
                        size_t MaxLength) {
  const SourceManager &SM = Ctx.getSourceManager();
  CharSourceRange Range;
  // An expression that is a whole macro expansion is quoted as the user
  // wrote it: `container_of(s, T, m)`, not the macro's body.
  SourceLocation MacroBegin, MacroEnd;
  bool InArgument =
      E->getBeginLoc().isMacroID() && SM.isMacroArgExpansion(E->getBeginLoc());
  if (!InArgument && E->getBeginLoc().isMacroID() &&
      E->getEndLoc().isMacroID() &&
      Lexer::isAtStartOfMacroExpansion(E->getBeginLoc(), SM,
                                       Ctx.getLangOpts(), &MacroBegin) &&
      Lexer::isAtEndOfMacroExpansion(E->getEndLoc(), SM, Ctx.getLangOpts(),
                                     &MacroEnd) &&
      MacroBegin.isFileID() && MacroEnd.isFileID()) {
    Range = CharSourceRange::getTokenRange(MacroBegin, MacroEnd);
  } else {
    // Parentheses added by a macro body are not what the user wrote.
    if (E->getBeginLoc().isMacroID())
      E = E->IgnoreParenImpCasts();
    SourceLocation B = E->getBeginLoc(), End = E->getEndLoc();
    if (B.isFileID() && End.isFileID()) {
      Range = CharSourceRange::getTokenRange(B, End);
    } else {
      // Quote the tokens as spelled (a macro argument, or a condition in a
      // macro body), climbing out of nested macros at the end if needed.
      // In a macro's argument, a macro used inside it is quoted by name
      // (`assert(i < MAX_WATCHES)`), not by its body: as the file reads.
      SourceLocation SB = InArgument ? SM.getFileLoc(B) : SM.getSpellingLoc(B);
      SourceLocation SE =
          InArgument ? SM.getFileLoc(End) : SM.getSpellingLoc(End);
      for (unsigned Depth = 0; Depth < 8 && !InArgument && End.isMacroID() &&
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
  }
  std::string Text = Lexer::getSourceText(Range, SM, Ctx.getLangOpts()).str();
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

std::string calleeName(const CallExpr *CE, const ASTContext &Ctx) {
  if (const FunctionDecl *FD = CE->getDirectCallee())
    return FD->getQualifiedNameAsString();
  return quoteSource(CE->getCallee(), Ctx);
}

std::string subjectText(const Event &E, const ASTContext &Ctx) {
  if (!E.SubjectExpr)
    return E.SubjectName;
  // A member reached from a rule's argument is written `->member`; from an
  // implicit `this` it reads `member`, from an object `object.member`.
  StringRef Member = E.SubjectName;
  const Expr *Base = E.SubjectExpr->IgnoreParenImpCasts();
  if (const auto *This = dyn_cast<CXXThisExpr>(Base);
      This && This->isImplicit() && Member.consume_front("->"))
    return Member.str();
  if (!Base->getType()->isPointerType() && Member.consume_front("->"))
    return quoteSource(E.SubjectExpr, Ctx) + "." + Member.str();
  return quoteSource(E.SubjectExpr, Ctx) + E.SubjectName;
}

SourceLocation reportLocation(SourceLocation Loc, const ASTContext &Ctx) {
  return Ctx.getSourceManager().getExpansionLoc(Loc);
}

void emitPathNotes(tidy::ClangTidyCheck &Check,
                   llvm::ArrayRef<RequestView> Requests, unsigned MaxSteps,
                   const NoteScope &Scope) {
  const ASTContext &Ctx = *Scope.Ctx;
  const FunctionDecl *Root = Scope.Root;
  const SourceManager &SM = Ctx.getSourceManager();
  SourceRange RootBody =
      Root && Root->getBody() ? Root->getBody()->getSourceRange()
                              : SourceRange();
  for (const RequestView &R : Requests.take_front(MaxExplainedRequests)) {
    // Another unit's summary says where the request comes from; there is
    // no issuing call here to point at.
    if (R.Imported && RootBody.isValid()) {
      const ProtocolRule &P = *R.Imported;
      std::string Where = P.Site.empty() ? "" : " (" + P.Site + ")";
      std::string On =
          P.HandleText.empty() ? "" : " on '" + P.HandleText + "'";
      Check.diag(reportLocation(RootBody.getBegin(), Ctx),
                 "'%0' may be called with I/O on '%1' still pending: '%2' in "
                 "'%3'%4 starts overlapped I/O%5 and may return with it "
                 "pending",
                 DiagnosticIDs::Note)
          << Root->getQualifiedNameAsString() << R.ReceivedWith << P.Call
          << P.Issuer << Where << On;
    }
    for (const PathStep &Step : R.Steps.collect(MaxSteps)) {
      SourceLocation Loc = reportLocation(Step.At->getBeginLoc(), Ctx);
      std::string Prefix;
      if (RootBody.isValid() && R.ReceivedWith.empty() &&
          !SM.isPointWithin(Loc, SM.getExpansionLoc(RootBody.getBegin()),
                            SM.getExpansionLoc(RootBody.getEnd())))
        if (const FunctionDecl *In = enclosingFunction(Step.At, Scope))
          Prefix = "in call to '" + In->getQualifiedNameAsString() + "': ";
      Check.diag(Loc, "%0%1", DiagnosticIDs::Note)
          << Prefix << wordStep(Step, R, Scope);
      // Why a request another function issued matters here: always said,
      // right after its issue, however many steps are shown.
      if (Step.K == PathStep::Issue && !R.ReceivedWith.empty() &&
          RootBody.isValid()) {
        // A request the function's own last call left (a static OVERLAPPED).
        const FunctionDecl *Issuer = enclosingFunction(Step.At, Scope);
        bool Again = Issuer && Issuer->getCanonicalDecl() ==
                                   Root->getCanonicalDecl();
        Check.diag(reportLocation(RootBody.getBegin(), Ctx),
                   "'%0' may be called %select{|again }1with that I/O on "
                   "'%2' still pending",
                   DiagnosticIDs::Note)
            << Root->getQualifiedNameAsString() << Again << R.ReceivedWith;
      }
    }
  }
}

std::optional<CallSiteNote> callSiteNote(const Event &E,
                                         const ASTContext &Ctx) {
  if (E.CallStack.empty() || E.InnerLoc.isInvalid())
    return std::nullopt;
  std::string Actor = E.Rule ? E.Rule->Name : "delete";
  std::string Subject = subjectText(E, Ctx);
  std::string What;
  switch (E.Kind) {
  case EventKind::Close:
  case EventKind::Free: {
    std::string Who = E.DestroyedObject.empty()
                          ? "'" + Actor + "'"
                          : "the destructor of '" + E.DestroyedObject + "'";
    What = Who + (E.Kind == EventKind::Close ? " closes '" : " frees '") +
           Subject + "'";
    break;
  }
  case EventKind::StorageEnd:
    What = "'" + Subject + "' goes out of scope";
    break;
  case EventKind::Reissue:
    What = "'" + Actor + "' reuses the OVERLAPPED '" + Subject + "'";
    break;
  default:
    return std::nullopt;
  }
  return CallSiteNote{E.InnerLoc, E.InnerFunction, What};
}

void emitCallSiteNote(tidy::ClangTidyCheck &Check,
                      const std::optional<CallSiteNote> &Note,
                      const ASTContext &Ctx) {
  if (Note)
    Check.diag(reportLocation(Note->Loc, Ctx), "in call to '%0': %1 here",
               DiagnosticIDs::Note)
        << Note->Function << Note->What;
}

} // namespace iodrain
