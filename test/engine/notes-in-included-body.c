// A body may include part of itself from another file. The notes name the
// function a step lies in by position: a statement from the included file
// still lies in `included_read`, whose own next call meets the request it
// cancelled and left.
// RUN: %iodrain_tidy --checks=-*,iodrain-cancel-without-drain %s -- -x c %win32 -I%S/Inputs 2>&1 | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note:
#include <windows.h>

struct device {
  HANDLE handle;
  OVERLAPPED ov;
  char buf[64];
};

int included_read(struct device *d) {
  DWORD n;
#include "read-body.inc"
    if (GetLastError() != ERROR_IO_PENDING)
      return 0;
    if (WaitForSingleObject(d->ov.hEvent, 100) == WAIT_TIMEOUT) {
      CancelIo(d->handle);
      return 0;
    }
  }
  return 1;
}
// CHECK: read-body.inc:1:8: warning: 'ReadFile' reuses the OVERLAPPED 'd->ov' after 'CancelIo'
// CHECK: read-body.inc:1:8: note: 'ReadFile' in 'included_read' starts overlapped I/O on 'd->handle' and may return with it pending
// CHECK: notes-in-included-body.c:14:37: note: 'included_read' may be called again with that I/O on 'd' still pending
// CHECK: notes-in-included-body.c:20:7: note: 'CancelIo' requests cancellation here
