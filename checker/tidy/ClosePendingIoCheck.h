//===- ClosePendingIoCheck.h - iodrain-close-pending-io -------------------===//

#ifndef IODRAIN_TIDY_CLOSEPENDINGIOCHECK_H
#define IODRAIN_TIDY_CLOSEPENDINGIOCHECK_H

#include "../core/ApiModel.h"
#include "../core/PathExplorer.h"
#include "clang-tidy/ClangTidyCheck.h"

namespace iodrain {

/// Finds closes of a handle (CloseHandle, closesocket, user wrappers) that
/// are reachable while overlapped I/O issued on that handle may still be
/// pending, with no cancel-and-wait on the path.
///
/// Docs: docs/checks/close-pending-io.md
class ClosePendingIoCheck : public clang::tidy::ClangTidyCheck {
public:
  ClosePendingIoCheck(llvm::StringRef Name,
                      clang::tidy::ClangTidyContext *Context);
  bool isLanguageVersionSupported(const clang::LangOptions &) const override {
    return true; // C and C++ alike.
  }
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult &Result)
      override;
  void storeOptions(clang::tidy::ClangTidyOptions::OptionMap &Opts) override;

private:
  const std::string RulesFiles;
  const bool ReportSkippedFunctions;
  AnalysisBudget Budget;
  ApiModel Model;
};

} // namespace iodrain

#endif // IODRAIN_TIDY_CLOSEPENDINGIOCHECK_H
