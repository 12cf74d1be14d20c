// Differential regression case (test/differential/run.py), reduced by hand
// from f_s2_20 (seed 2).
// FALSE ALARM (iodrain-cancel-without-drain): "'CloseHandle' closes 'h'
// after 'CancelIo' without waiting". The wait on the request's event right
// after the close drains it; closing a handle that a child also holds
// neither frees the OVERLAPPED nor keeps the request from completing, so no
// run ends HANG or USE-AFTER-FREE.
// Triage: checker (precision): the check takes the close of the handle
// like the end of the request's storage, though a drain that does not need
// the handle (an event wait) may still follow.
#include <windows.h>
#include <stdlib.h>

// diff: r_close_between_cancel_and_wait seed=2 bits=0
void r_close_between_cancel_and_wait(HANDLE h, unsigned bits) {
  DWORD n;
  OVERLAPPED ov0 = {0};
  char buf0[16];
  HANDLE ev0 = CreateEventW(NULL, TRUE, FALSE, NULL);
  ov0.hEvent = ev0;
  ReadFile(h, buf0, 16, NULL, &ov0);
  CancelIo(h);
  CloseHandle(h);
  WaitForSingleObject(ev0, INFINITE);
}

#ifdef IODRAIN_RUNTIME
#include "diff_driver.h"
DIFF_MAIN(DIFF_CASE(r_close_between_cancel_and_wait))
#endif
