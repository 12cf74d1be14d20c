// Spec 2.10 #1: closing the last handle of a pipe end breaks its pending
// read; the packet arrives with ERROR_BROKEN_PIPE and the IOSB is written
// at dequeue.
// RUN: %shim_cc && %shim_run | FileCheck %s
// With a nonce in the environment, the verdict line carries it: a harness
// reads only that line, which the program cannot print by accident.
// RUN: env IODRAIN_SHIM_NONCE=4f2a9c %shim_run | FileCheck %s --check-prefix=NONCE
// REQUIRES: shim
#include "shim_scenario.h"
#include "iodrain_shim.h"
#include <stdlib.h>

int main(void) {
  HANDLE s, c;
  make_pipe_pair(L"\\\\.\\pipe\\ref01", &s, &c);
  HANDLE port = CreateIoCompletionPort(s, NULL, 1, 0);
  static char buf[16];
  OVERLAPPED *ov = calloc(1, sizeof *ov);
  // CHECK: ReadFile: FALSE 997
  say("ReadFile", ReadFile(s, buf, sizeof buf, NULL, ov));
  CloseHandle(s);
  DWORD n;
  ULONG_PTR key;
  LPOVERLAPPED done;
  // CHECK-NEXT: GetQueuedCompletionStatus: FALSE 109
  say("GetQueuedCompletionStatus",
      GetQueuedCompletionStatus(port, &n, &key, &done, INFINITE));
  // CHECK-NEXT: packet for ov: 1, Internal 0xc000014b
  printf("packet for ov: %d, Internal 0x%x\n", done == ov,
         (unsigned)ov->Internal);
  free(ov);
  // CHECK-NEXT: VERDICT: CLEAN
  // NONCE: VERDICT 4f2a9c: CLEAN
  ShimFinish();
}
