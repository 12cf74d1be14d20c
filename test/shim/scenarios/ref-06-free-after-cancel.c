// Spec 2.10 #6: cancel, then free the OVERLAPPED at once on a port-bound
// handle: the IOSB is written at dequeue, into freed memory.
// RUN: %shim_cc && %shim_run | FileCheck %s
// REQUIRES: shim
#include "shim_scenario.h"
#include "iodrain_shim.h"
#include <stdlib.h>

int main(void) {
  HANDLE s, c;
  make_pipe_pair(L"\\\\.\\pipe\\ref06", &s, &c);
  HANDLE port = CreateIoCompletionPort(s, NULL, 1, 0);
  static char buf[16];
  OVERLAPPED *ov = calloc(1, sizeof *ov);
  ReadFile(s, buf, sizeof buf, NULL, ov);
  CancelIoEx(s, ov);
  free(ov);
  DWORD n;
  ULONG_PTR key;
  LPOVERLAPPED done;
  GetQueuedCompletionStatus(port, &n, &key, &done, INFINITE);
  CloseHandle(s);
  ShimFinish();
}
// CHECK: VERDICT: USE-AFTER-FREE
// CHECK-NEXT:   memory: the kernel wrote the status of ReadFile #1 (ref-06-free-after-cancel.c:15) into memory that was freed or went out of scope
// CHECK-NEXT:   memory: the kernel wrote the byte count of ReadFile #1 (ref-06-free-after-cancel.c:15) into memory that was freed or went out of scope
// CHECK-NEXT:   finding: FREED_WHILE_PENDING: the OVERLAPPED of ReadFile #1 (ref-06-free-after-cancel.c:15) is no longer live
// The report cites the request and the free of its OVERLAPPED.
// CHECK-NEXT:   cites: ref-06-free-after-cancel.c:15 (ReadFile #1), ref-06-free-after-cancel.c:17 (the free of the memory of ReadFile #1)
