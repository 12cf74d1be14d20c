// Spec 2.10 #10: an event handle with its low bit set suppresses the
// completion packet: waiting for one hangs.
// RUN: %shim_cc && %shim_run | FileCheck %s
// REQUIRES: shim
#include "shim_scenario.h"
#include "iodrain_shim.h"

int main(void) {
  HANDLE s, c;
  make_pipe_pair(L"\\\\.\\pipe\\ref10", &s, &c);
  HANDLE port = CreateIoCompletionPort(s, NULL, 1, 0);
  static char buf[16];
  static OVERLAPPED ov;
  ov.hEvent = (HANDLE)((ULONG_PTR)CreateEventW(NULL, TRUE, FALSE, NULL) | 1);
  // CHECK: ReadFile: FALSE 997
  say("ReadFile", ReadFile(s, buf, sizeof buf, NULL, &ov));
  DWORD n;
  WriteFile(c, "data", 4, &n, NULL);
  ULONG_PTR key;
  LPOVERLAPPED done;
  // CHECK-NEXT: about to block in GetQueuedCompletionStatus
  about_to_block("GetQueuedCompletionStatus");
  GetQueuedCompletionStatus(port, &n, &key, &done, INFINITE);
  ShimFinish();
}
// CHECK-NEXT: VERDICT: HANG
// CHECK-NEXT:   main thread blocked in GetQueuedCompletionStatus (ref-10-event-low-bit.c:23) waiting for completion port (ref-10-event-low-bit.c:11), with no other thread left to wake it
// CHECK-NEXT:   no packet: ReadFile #1 (ref-10-event-low-bit.c:16) completed without a completion value (event low bit set): no packet
// CHECK-NEXT:   nothing is pending that could complete
