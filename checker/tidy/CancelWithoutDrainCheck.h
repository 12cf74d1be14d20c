//===- CancelWithoutDrainCheck.h - iodrain-cancel-without-drain -----------===//

#ifndef IODRAIN_TIDY_CANCELWITHOUTDRAINCHECK_H
#define IODRAIN_TIDY_CANCELWITHOUTDRAINCHECK_H

#include "IodrainCheck.h"

namespace iodrain {

/// Finds a cancel (CancelIo, CancelIoEx) followed by a close, a free or the
/// end of the storage of a cancelled request's OVERLAPPED or buffer with no
/// wait that blocks until the cancelled request completes, or a return that
/// leaves it in storage the caller lent.
///
/// Docs: docs/checks/cancel-without-drain.md
class CancelWithoutDrainCheck : public IodrainCheck {
public:
  using IodrainCheck::IodrainCheck;
  void onFunctionBegin(const clang::FunctionDecl &FD) override;
  void onEvent(const Event &E) override;
  void onFunctionEnd(const clang::FunctionDecl &FD,
                     const AnalysisResult &Result) override;

private:
  void onReturn(const Event &E);

  /// A report that waits for the end of the function: another report
  /// about the same cancel may make it redundant.
  struct HeldReport {
    const clang::CallExpr *Cancel;
    const void *Site;
    std::function<void()> Emit;
  };
  /// The cancels whose requests a report of this function already names.
  llvm::DenseSet<const clang::CallExpr *> ReportedCancels;
  /// Returns that leave a cancelled request in the caller's storage:
  /// reported unless their cancel was reported otherwise.
  std::vector<HeldReport> LentReturns;
  /// Reuses of what the function's own last call cancelled: reported
  /// unless the return that left it is.
  std::vector<HeldReport> Reentries;
};

} // namespace iodrain

#endif // IODRAIN_TIDY_CANCELWITHOUTDRAINCHECK_H
