// Spec 2.10 #8: a read that fails synchronously queues no packet: waiting
// for one hangs.
// RUN: %shim_cc && %shim_run | FileCheck %s
// REQUIRES: shim
#include "shim_scenario.h"
#include "iodrain_shim.h"

int main(void) {
  HANDLE s, c;
  make_pipe_pair(L"\\\\.\\pipe\\ref08", &s, &c);
  HANDLE port = CreateIoCompletionPort(s, NULL, 1, 0);
  CloseHandle(c); // the pipe is broken
  static char buf[16];
  static OVERLAPPED ov;
  // CHECK: ReadFile: FALSE 109
  say("ReadFile", ReadFile(s, buf, sizeof buf, NULL, &ov));
  DWORD n;
  ULONG_PTR key;
  LPOVERLAPPED done;
  // CHECK-NEXT: about to block in GetQueuedCompletionStatus
  about_to_block("GetQueuedCompletionStatus");
  GetQueuedCompletionStatus(port, &n, &key, &done, INFINITE);
  ShimFinish();
}
// CHECK-NEXT: VERDICT: HANG
// CHECK-NEXT:   main thread blocked in GetQueuedCompletionStatus (ref-08-sync-failure-no-packet.c:22) waiting for completion port (ref-08-sync-failure-no-packet.c:11), with no other thread left to wake it
// CHECK-NEXT:   no packet: ReadFile #1 (ref-08-sync-failure-no-packet.c:16) failed synchronously: no completion, no packet
// CHECK-NEXT:   nothing is pending that could complete
// CHECK-NEXT:   cites: ref-08-sync-failure-no-packet.c:22 (GetQueuedCompletionStatus, blocked), ref-08-sync-failure-no-packet.c:16 (ReadFile #1)
