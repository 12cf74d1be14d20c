//===- PathNotes.h - Words for the engine's neutral path steps ------------===//
//
// The engine records a path as program points and step kinds; only the
// paths a check reports are put into words, here, once.
//
//===----------------------------------------------------------------------===//

#ifndef IODRAIN_TIDY_PATHNOTES_H
#define IODRAIN_TIDY_PATHNOTES_H

#include "../core/Events.h"
#include "clang-tidy/ClangTidyCheck.h"
#include <optional>
#include <string>

namespace clang {
class ASTContext;
class CallExpr;
class Expr;
class FunctionDecl;
class Stmt;
} // namespace clang

namespace iodrain {

class TranslationUnitFacts;

/// An expression as the user wrote it, on one line and at most MaxLength
/// characters (macro arguments quoted as spelled).
std::string quoteSource(const clang::Expr *E, const clang::ASTContext &Ctx,
                        size_t MaxLength = 60);

/// The name to quote for a called function.
std::string calleeName(const clang::CallExpr *CE, const clang::ASTContext &Ctx);

/// What an event closes, frees or cancels, as written: the argument, with
/// the members a rule reads from it (`d` and `->handle`: `d->handle`), or
/// the name of what has no expression.
std::string subjectText(const Event &E, const clang::ASTContext &Ctx);

/// Where to put a diagnostic about `Loc`: outside macros.
clang::SourceLocation reportLocation(clang::SourceLocation Loc,
                                     const clang::ASTContext &Ctx);

/// Where a path's notes are said: the unit, the function whose analysis
/// reports (Root), and the unit's facts, which name the function a step
/// lies in.
struct NoteScope {
  const clang::ASTContext *Ctx = nullptr;
  const clang::FunctionDecl *Root = nullptr;
  const TranslationUnitFacts *Facts = nullptr;
};

/// Emits one note per step of each request's path (at most three requests,
/// `MaxSteps` steps each). Steps in functions the analysis of `Root`
/// followed into say so: "in call to 'f': ...".
void emitPathNotes(clang::tidy::ClangTidyCheck &Check,
                   llvm::ArrayRef<RequestView> Requests, unsigned MaxSteps,
                   const NoteScope &Scope);

/// For an event that happened in a followed call: where, in which
/// function, and what (worded like the warning), to note after it.
struct CallSiteNote {
  clang::SourceLocation Loc;
  std::string Function;
  std::string What;
};
std::optional<CallSiteNote> callSiteNote(const Event &E,
                                         const clang::ASTContext &Ctx);
void emitCallSiteNote(clang::tidy::ClangTidyCheck &Check,
                      const std::optional<CallSiteNote> &Note,
                      const clang::ASTContext &Ctx);

} // namespace iodrain

#endif // IODRAIN_TIDY_PATHNOTES_H
