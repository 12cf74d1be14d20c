// Spec 2.10 #15: a thread waits on a port; another closes the port's last
// handle: the waiter wakes with ERROR_ABANDONED_WAIT_0.
// RUN: %shim_cc && %shim_run | FileCheck %s
// REQUIRES: shim
#include "shim_scenario.h"
#include "iodrain_shim.h"

static HANDLE port;

// The pause lets the waiter block first: a close before the wait starts is
// another scenario (the wait fails with ERROR_INVALID_HANDLE), and under a
// loaded machine Wine would otherwise run it now and then.
static DWORD WINAPI closer(LPVOID unused) {
  Sleep(1000);
  CloseHandle(port);
  return 0;
}

int main(void) {
  DWORD n;
  ULONG_PTR key;
  LPOVERLAPPED done;
  port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
  CreateThread(NULL, 0, closer, NULL, 0, NULL);
  // Wine 8 leaves the waiter blocked: the Wine lane's HANG.
  // CHECK: about to block in GetQueuedCompletionStatus
  about_to_block("GetQueuedCompletionStatus");
  // CHECK-NEXT: GetQueuedCompletionStatus: FALSE 735
  say("GetQueuedCompletionStatus",
      GetQueuedCompletionStatus(port, &n, &key, &done, INFINITE));
  // CHECK-NEXT: VERDICT: CLEAN
  ShimFinish();
}
