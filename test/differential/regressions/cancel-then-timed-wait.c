// Differential regression case (test/differential/run.py), reduced by hand
// from f_s2_40 (seed 2). An agreement, kept because it once was a false
// alarm of the harness: a cancelled pipe read ends within 1 ms in the shim,
// so the timed wait after the cancel never timed out and no run showed the
// free of the buffer on the timeout path. The environment with a device that
// ignores cancellation (diff_driver.h, PEER=nocancel) shows it: the wait
// times out and the late completion writes into the freed buffer.
#include <windows.h>
#include <stdlib.h>

// diff: r_cancel_then_timed_wait seed=2 bits=0
void r_cancel_then_timed_wait(HANDLE h, unsigned bits) {
  DWORD n;
  OVERLAPPED ov0 = {0};
  char *buf0 = (char *)malloc(16);
  HANDLE ev0 = CreateEventW(NULL, TRUE, FALSE, NULL);
  ov0.hEvent = ev0;
  ReadFile(h, buf0, 16, NULL, &ov0);
  CancelIo(h);
  if (WaitForSingleObject(ev0, 100) == WAIT_TIMEOUT) {
    free(buf0);
    return;
  }
  free(buf0);
}

#ifdef IODRAIN_RUNTIME
#include "diff_driver.h"
DIFF_MAIN(DIFF_CASE(r_cancel_then_timed_wait))
#endif
