// Differential regression case (test/differential/run.py), reduced by hand
// from f_s11_78 (seed 11).
// Was a FALSE ALARM (iodrain-overlapped-lifetime): `malloc` was an unknown
// call, which forgets the memory behind pointers, so iodrain lost which
// event the heap OVERLAPPED carries and did not take the event wait as a
// drain. Allocations are now modelled (`create` in rules/win32.yaml): the
// checker is silent and no run ends HANG or USE-AFTER-FREE.
#include <windows.h>
#include <stdlib.h>

// diff: r_heap_event_wait seed=11 bits=0
void r_heap_event_wait(HANDLE h, unsigned bits) {
  DWORD n;
  OVERLAPPED *ov0 = (OVERLAPPED *)calloc(1, sizeof(OVERLAPPED));
  static char buf0[16];
  HANDLE ev0 = CreateEventW(NULL, TRUE, FALSE, NULL);
  ov0->hEvent = ev0;
  char *other = (char *)malloc(16);
  ReadFile(h, buf0, 16, NULL, ov0);
  WaitForSingleObject(ev0, INFINITE);
  free(ov0);
  free(other);
}

#ifdef IODRAIN_RUNTIME
#include "diff_driver.h"
DIFF_MAIN(DIFF_CASE(r_heap_event_wait))
#endif
