// Differential regression case (test/differential/run.py), reduced by hand
// from f_s11_142 (seed 11; also f_s2_91, f_s2_94, f_s11_72, f_s11_191).
// FALSE ALARM (iodrain-overlapped-lifetime): the free of buf0 while the
// first read may still be pending. Every device of the environment completes
// requests on a handle in the order they were issued (a pipe serves pending
// reads first come first served; the no-cancel device completes all at
// once), so once the second read is done the first one is too, and no run
// ends HANG or USE-AFTER-FREE.
// Triage: shim/environment modelling gap, not a checker bug: iodrain does
// not assume in-order completion, which is right for devices in general
// (a disk or a socket may complete out of order); no device of the shim
// completes a later request first.
#include <windows.h>
#include <stdlib.h>

// diff: r_in_order_completion seed=11 bits=0
void r_in_order_completion(HANDLE h, unsigned bits) {
  DWORD n;
  OVERLAPPED ov0 = {0};
  char *buf0 = (char *)malloc(16);
  HANDLE ev0 = CreateEventW(NULL, TRUE, FALSE, NULL);
  ov0.hEvent = ev0;
  OVERLAPPED ov1 = {0};
  char buf1[16];
  HANDLE ev1 = CreateEventW(NULL, TRUE, FALSE, NULL);
  ov1.hEvent = ev1;
  ReadFile(h, buf0, 16, NULL, &ov0);
  ReadFile(h, buf1, 16, NULL, &ov1);
  GetOverlappedResult(h, &ov1, &n, TRUE);
  free(buf0);
  WaitForSingleObject(ev0, INFINITE);
}

#ifdef IODRAIN_RUNTIME
#include "diff_driver.h"
DIFF_MAIN(DIFF_CASE(r_in_order_completion))
#endif
