//===- OverlappedLifetimeCheck.h - iodrain-overlapped-lifetime ------------===//

#ifndef IODRAIN_TIDY_OVERLAPPEDLIFETIMECHECK_H
#define IODRAIN_TIDY_OVERLAPPEDLIFETIMECHECK_H

#include "IodrainCheck.h"

namespace iodrain {

/// Finds the end of the storage of an OVERLAPPED or of an I/O buffer
/// (scope exit, return, free, delete, a destructor) while a request that
/// uses it may still be pending or its completion packet still queued, and
/// an OVERLAPPED reused for a new request while the last may be pending.
///
/// Docs: docs/checks/overlapped-lifetime.md
class OverlappedLifetimeCheck : public IodrainCheck {
public:
  using IodrainCheck::IodrainCheck;
  void onEvent(const Event &E) override;
};

} // namespace iodrain

#endif // IODRAIN_TIDY_OVERLAPPEDLIFETIMECHECK_H
