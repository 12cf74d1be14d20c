// Spec 2.4 (the process-last-handle rule of §1.4): a child holds a
// duplicate of the pipe end and exits. Its last handle closes while this
// process still has one, so the rule applies to the child: it cancels the
// child's thread-agnostic requests, not this process's. The port-bound
// read without an event stays pending and the dequeue hangs, on Windows,
// under Wine 8 (the Wine lane runs this with a real child process) and in
// both profiles of the shim.
// RUN: %shim_cc && %shim_run | FileCheck %s
// RUN: %shim_cc && env IODRAIN_SHIM_PROFILE=wine8 %shim_run | FileCheck %s
// REQUIRES: shim
#include "shim_scenario.h"
#include "iodrain_shim.h"

int main(void) {
  HANDLE s, c, dup;
  make_pipe_pair(L"\\\\.\\pipe\\ref24", &s, &c);
  HANDLE port = CreateIoCompletionPort(s, NULL, 1, 0);
  HANDLE child = ShimCreateChildProcess();
  DuplicateHandle(GetCurrentProcess(), s, child, &dup, 0, FALSE,
                  DUPLICATE_SAME_ACCESS);
  static char buf[16];
  static OVERLAPPED ov;
  // CHECK: ReadFile: FALSE 997
  say("ReadFile", ReadFile(s, buf, sizeof buf, NULL, &ov));
  ShimChildExit(child);
  DWORD n;
  ULONG_PTR key;
  LPOVERLAPPED done;
  // CHECK-NEXT: about to block in GetQueuedCompletionStatus
  about_to_block("GetQueuedCompletionStatus");
  say("GetQueuedCompletionStatus",
      GetQueuedCompletionStatus(port, &n, &key, &done, INFINITE));
  ShimFinish();
}
// CHECK-NEXT: VERDICT: HANG
// CHECK-NEXT:   main thread blocked in GetQueuedCompletionStatus (ref-24-child-exit-keeps-parent-request.c:32) waiting for completion port (ref-24-child-exit-keeps-parent-request.c:17), with no other thread left to wake it
// CHECK-NEXT:   pending: ReadFile #1 (ref-24-child-exit-keeps-parent-request.c:24) on pipe server end (shim_scenario.h:13): it waits for data from pipe client end (shim_scenario.h:13), which is still open (handle {{0x[0-9a-f]+}} in this process (CreateFileW at shim_scenario.h:15)) but written by no running thread
// CHECK-NEXT:   cites: ref-24-child-exit-keeps-parent-request.c:32 (GetQueuedCompletionStatus, blocked), ref-24-child-exit-keeps-parent-request.c:24 (ReadFile #1)
