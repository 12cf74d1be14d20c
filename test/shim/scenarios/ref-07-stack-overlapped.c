// Spec 2.10 #7: a function starts a read with a stack OVERLAPPED and
// returns; later the peer writes: the data and the IOSB land in a dead frame.
// WINE-LANE: verdict not observable, a write into a returned stack frame leaves no trace under Wine
// RUN: %shim_cc && %shim_run | FileCheck %s
// REQUIRES: shim
#include "shim_scenario.h"
#include "iodrain_shim.h"

static void __attribute__((noinline)) start_read(HANDLE s) {
  OVERLAPPED ov = {0};
  char buf[16];
  ReadFile(s, buf, sizeof buf, NULL, &ov);
}

int main(void) {
  HANDLE s, c;
  make_pipe_pair(L"\\\\.\\pipe\\ref07", &s, &c);
  start_read(s);
  DWORD n;
  WriteFile(c, "hello", 5, &n, NULL);
  ShimFinish();
}
// CHECK: VERDICT: USE-AFTER-FREE
// CHECK-NEXT:   memory: the kernel wrote the data of ReadFile #1 (ref-07-stack-overlapped.c:12) into memory that was freed or went out of scope
// CHECK-NEXT:   memory: the kernel wrote the status of ReadFile #1 (ref-07-stack-overlapped.c:12) into memory that was freed or went out of scope
// CHECK-NEXT:   memory: the kernel wrote the byte count of ReadFile #1 (ref-07-stack-overlapped.c:12) into memory that was freed or went out of scope
// CHECK-NEXT:   finding: FREED_WHILE_PENDING: the OVERLAPPED of ReadFile #1 (ref-07-stack-overlapped.c:12) is no longer live
// The report cites the request, and the call in main that started it.
// CHECK-NEXT:   cites: ref-07-stack-overlapped.c:12 (ReadFile #1), ref-07-stack-overlapped.c:18 (in a call to: ReadFile #1)
