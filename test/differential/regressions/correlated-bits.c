// Differential regression case (test/differential/run.py), reduced by hand
// from f_s2_49 (seed 2; also f_s11_67).
// FALSE ALARM (iodrain-overlapped-lifetime): the read is issued only when
// bits & 1, and then always waited for; iodrain combines "bits & 1" true at
// the first test with false at the second, and reports the free. No run
// (bits 0-1, every environment) ends HANG or USE-AFTER-FREE.
// Triage: checker (path feasibility): the engine keeps exact values and
// exclusions of variables, not the outcome of a bit test `bits & K`, so two
// tests of the same bit are not correlated (a flag variable would be).
#include <windows.h>
#include <stdlib.h>

// diff: r_correlated_bits seed=2 bits=1
void r_correlated_bits(HANDLE h, unsigned bits) {
  DWORD n;
  OVERLAPPED ov0 = {0};
  char *buf0 = (char *)malloc(16);
  HANDLE ev0 = CreateEventW(NULL, TRUE, FALSE, NULL);
  ov0.hEvent = ev0;
  if (bits & 1) {
    ReadFile(h, buf0, 16, NULL, &ov0);
  }
  if (bits & 1) {
    WaitForSingleObject(ev0, INFINITE);
  }
  free(buf0);
}

#ifdef IODRAIN_RUNTIME
#include "diff_driver.h"
DIFF_MAIN(DIFF_CASE(r_correlated_bits))
#endif
