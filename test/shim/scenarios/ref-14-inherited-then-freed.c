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
  say("ReadFile", ReadFile(s, buf, sizeof buf, NULL, ov));
  CloseHandle(s);
  free(ov);
#ifdef CHILD_EXITS
  ShimChildExit(child);
#endif
  about_to_block("WaitForSingleObject");
  WaitForSingleObject(ev, INFINITE);
  ShimFinish();
}
// HANG: ReadFile: FALSE 997
// HANG-NEXT: about to block in WaitForSingleObject
// HANG-NEXT: VERDICT: HANG
// HANG: pending: ReadFile #1 (ref-14-inherited-then-freed.c:22) on pipe server end (shim_scenario.h:13): {{.*}}it still has handle {{0x[0-9a-f]+}} in a simulated child process (DuplicateHandle at ref-14-inherited-then-freed.c:17)
// HANG-NEXT: finding: FREED_WHILE_PENDING: the OVERLAPPED of ReadFile #1 (ref-14-inherited-then-freed.c:22) is no longer live
// UAF: VERDICT: USE-AFTER-FREE
// UAF-NEXT: memory: the kernel wrote the status of ReadFile #1 (ref-14-inherited-then-freed.c:22) into memory that was freed or went out of scope
// The report cites the request, the close that left it pending and the
// free of its OVERLAPPED.
// UAF: cites: ref-14-inherited-then-freed.c:22 (ReadFile #1), ref-14-inherited-then-freed.c:23 (the close that left ReadFile #1 pending), ref-14-inherited-then-freed.c:24 (the free of the memory of ReadFile #1)
