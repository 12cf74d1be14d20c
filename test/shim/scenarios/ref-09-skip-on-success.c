// Spec 2.10 #9: with FILE_SKIP_COMPLETION_PORT_ON_SUCCESS, a read that
// succeeds at once queues no packet: waiting for one hangs.
// RUN: %shim_cc && %shim_run | FileCheck %s
// REQUIRES: shim
#include "shim_scenario.h"
#include "iodrain_shim.h"

int main(void) {
  HANDLE s, c;
  make_pipe_pair(L"\\\\.\\pipe\\ref09", &s, &c);
  HANDLE port = CreateIoCompletionPort(s, NULL, 1, 0);
  SetFileCompletionNotificationModes(s, FILE_SKIP_COMPLETION_PORT_ON_SUCCESS);
  DWORD n;
  WriteFile(c, "data", 4, &n, NULL);
  static char buf[16];
  static OVERLAPPED ov;
  // CHECK: ReadFile: TRUE 0
  say("ReadFile", ReadFile(s, buf, sizeof buf, NULL, &ov));
  ULONG_PTR key;
  LPOVERLAPPED done;
  // CHECK-NEXT: about to block in GetQueuedCompletionStatus
  about_to_block("GetQueuedCompletionStatus");
  GetQueuedCompletionStatus(port, &n, &key, &done, INFINITE);
  ShimFinish();
}
// CHECK-NEXT: VERDICT: HANG
// CHECK-NEXT:   main thread blocked in GetQueuedCompletionStatus (ref-09-skip-on-success.c:23) waiting for completion port (ref-09-skip-on-success.c:11), with no other thread left to wake it
// CHECK-NEXT:   no packet: ReadFile #2 (ref-09-skip-on-success.c:18) completed synchronously with FILE_SKIP_COMPLETION_PORT_ON_SUCCESS: no packet
// CHECK-NEXT:   nothing is pending that could complete
