// Differential regression case (test/differential/run.py): generated with
// seed 2 as f_s2_95 (also f_s11_25 and many others of this shape).
// MISS: iodrain reports nothing; the run (bits=0, peer=late) ends
// USE-AFTER-FREE: the late answer is written into the OVERLAPPED of the
// returned frame. Triage: checker limitation, documented and chosen
// (docs/checks/overlapped-lifetime.md, "Limits"): a function that never
// waits, cancels or tests the request is taken to use its OVERLAPPED as a
// file offset on a synchronous handle, and its scope end is not reported.
#include <windows.h>
#include <stdlib.h>

// diff: f_s2_95 seed=2 bits=0
void f_s2_95(HANDLE h, unsigned bits) {
  DWORD n;
  OVERLAPPED ov0 = {0};
  static char buf0[16];
  ReadFile(h, buf0, 16, NULL, &ov0);
}

#ifdef IODRAIN_RUNTIME
#include "diff_driver.h"
DIFF_MAIN(DIFF_CASE(f_s2_95))
#endif
