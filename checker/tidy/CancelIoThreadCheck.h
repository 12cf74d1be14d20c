//===- CancelIoThreadCheck.h - iodrain-cancelio-thread --------------------===//

#ifndef IODRAIN_TIDY_CANCELIOTHREADCHECK_H
#define IODRAIN_TIDY_CANCELIOTHREADCHECK_H

#include "IodrainCheck.h"

namespace iodrain {

/// Finds `CancelIo(h)` where overlapped I/O on `h` is issued by another
/// thread: a thread procedure (or a function it calls) of the translation
/// unit issues it and the cancelling function does not run on that thread,
/// or the cancelling thread procedure is not the one that issues it.
/// `CancelIo` cancels only the calling thread's requests, so the wait that
/// follows never returns. Suggests `CancelIoEx(h, NULL)`.
///
/// Docs: docs/checks/cancelio-thread.md
class CancelIoThreadCheck : public IodrainCheck {
public:
  using IodrainCheck::IodrainCheck;
  void onEvent(const Event &E) override;
};

} // namespace iodrain

#endif // IODRAIN_TIDY_CANCELIOTHREADCHECK_H
