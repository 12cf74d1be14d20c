// Spec 2.10 #2: a duplicate of the pipe end in the same process keeps its
// cleanup from running: the read never completes and the dequeue hangs.
// RUN: %shim_cc && %shim_run | FileCheck %s
// REQUIRES: shim
#include "shim_scenario.h"
#include "iodrain_shim.h"

int main(void) {
  HANDLE s, c, dup;
  make_pipe_pair(L"\\\\.\\pipe\\ref02", &s, &c);
  HANDLE port = CreateIoCompletionPort(s, NULL, 1, 0);
  DuplicateHandle(GetCurrentProcess(), s, GetCurrentProcess(), &dup, 0, FALSE,
                  DUPLICATE_SAME_ACCESS);
  static char buf[16];
  static OVERLAPPED ov;
  // CHECK: ReadFile: FALSE 997
  say("ReadFile", ReadFile(s, buf, sizeof buf, NULL, &ov));
  CloseHandle(s);
  DWORD n;
  ULONG_PTR key;
  LPOVERLAPPED done;
  // CHECK-NEXT: about to block in GetQueuedCompletionStatus
  about_to_block("GetQueuedCompletionStatus");
  GetQueuedCompletionStatus(port, &n, &key, &done, INFINITE);
  ShimFinish();
}
// CHECK-NEXT: VERDICT: HANG
// CHECK-NEXT:   main thread blocked in GetQueuedCompletionStatus (ref-02-duplicate-hangs.c:24) waiting for completion port (ref-02-duplicate-hangs.c:11), with no other thread left to wake it
// CHECK-NEXT:   pending: ReadFile #1 (ref-02-duplicate-hangs.c:17) on pipe server end (shim_scenario.h:13): it waits for data from pipe client end (shim_scenario.h:13), which is still open (handle {{0x[0-9a-f]+}} in this process (CreateFileW at shim_scenario.h:15)) but written by no running thread; cleanup of pipe server end (shim_scenario.h:13) never ran, so closing a handle did not cancel it: it still has handle {{0x[0-9a-f]+}} in this process (DuplicateHandle at ref-02-duplicate-hangs.c:13)
// The report cites the blocked wait and the request it waits for.
// CHECK-NEXT:   cites: ref-02-duplicate-hangs.c:24 (GetQueuedCompletionStatus, blocked), ref-02-duplicate-hangs.c:17 (ReadFile #1)
