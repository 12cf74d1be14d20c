//===- ClosePendingIoCheck.h - iodrain-close-pending-io -------------------===//

#ifndef IODRAIN_TIDY_CLOSEPENDINGIOCHECK_H
#define IODRAIN_TIDY_CLOSEPENDINGIOCHECK_H

#include "IodrainCheck.h"

namespace iodrain {

/// Finds closes of a handle (CloseHandle, closesocket, user wrappers, and
/// destructors that close one) reachable while overlapped I/O issued on
/// that handle may still be pending and was never cancelled.
///
/// Docs: docs/checks/close-pending-io.md
class ClosePendingIoCheck : public IodrainCheck {
public:
  using IodrainCheck::IodrainCheck;
  void onEvent(const Event &E) override;
};

} // namespace iodrain

#endif // IODRAIN_TIDY_CLOSEPENDINGIOCHECK_H
