// Spec 2.10 #14 (with a pipe standing in for the socket): a child holds a
// duplicate, the parent closes and frees the request, then waits: a hang,
// and the freed OVERLAPPED is still owned by the pending read. Once the
// child exits, cleanup completes the read into the freed memory.
// RUN: %shim_cc && %shim_run | FileCheck %s --check-prefix=HANG
// RUN: %shim_cc -DCHILD_EXITS && %shim_run | FileCheck %s --check-prefix=UAF
// REQUIRES: shim
#include "shim_scenario.h"
#include "iodrain_shim.h"
#include <stdlib.h>

int main(void) {
  HANDLE s, c, dup;
  make_pipe_pair(L"\\\\.\\pipe\\ref14", &s, &c);
  HANDLE child = ShimCreateChildProcess();
  DuplicateHandle(GetCurrentProcess(), s, child, &dup, 0, FALSE,
                  DUPLICATE_SAME_ACCESS);
  static char buf[16];
  OVERLAPPED *ov = calloc(1, sizeof *ov);
  ov->hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  HANDLE ev = ov->hEvent;
  ReadFile(s, buf, sizeof buf, NULL, ov);
  CloseHandle(s);
  free(ov);
#ifdef CHILD_EXITS
  ShimChildExit(child);
#endif
  WaitForSingleObject(ev, INFINITE);
  ShimFinish();
}
// HANG: VERDICT: HANG
// HANG: pending: ReadFile #1 (ref-14-inherited-then-freed.c:22) on pipe server end (shim_scenario.h:13): {{.*}}it still has handle {{0x[0-9a-f]+}} in a simulated child process (DuplicateHandle at ref-14-inherited-then-freed.c:17)
// HANG-NEXT: finding: FREED_WHILE_PENDING: the OVERLAPPED of ReadFile #1 (ref-14-inherited-then-freed.c:22) is no longer live
// UAF: VERDICT: USE-AFTER-FREE
// UAF-NEXT: memory: the kernel wrote the status of ReadFile #1 (ref-14-inherited-then-freed.c:22) into memory that was freed or went out of scope
