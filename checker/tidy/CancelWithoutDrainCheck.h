//===- CancelWithoutDrainCheck.h - iodrain-cancel-without-drain -----------===//

#ifndef IODRAIN_TIDY_CANCELWITHOUTDRAINCHECK_H
#define IODRAIN_TIDY_CANCELWITHOUTDRAINCHECK_H

#include "IodrainCheck.h"

namespace iodrain {

/// Finds a cancel (CancelIo, CancelIoEx) followed by a close, a free or the
/// end of the storage of a cancelled request's OVERLAPPED or buffer with no
/// wait that blocks until the cancelled request completes.
///
/// Docs: docs/checks/cancel-without-drain.md
class CancelWithoutDrainCheck : public IodrainCheck {
public:
  using IodrainCheck::IodrainCheck;
  void onEvent(const Event &E) override;
};

} // namespace iodrain

#endif // IODRAIN_TIDY_CANCELWITHOUTDRAINCHECK_H
