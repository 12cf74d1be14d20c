// Spec 2.10 #3: the duplicate lives in another process and the read is
// port-bound without an event: the process-last-handle rule cancels it.
// RUN: %shim_cc && %shim_run | FileCheck %s
// REQUIRES: shim
#include "shim_scenario.h"
#include "iodrain_shim.h"

int main(void) {
  HANDLE s, c, dup;
  make_pipe_pair(L"\\\\.\\pipe\\ref03", &s, &c);
  HANDLE port = CreateIoCompletionPort(s, NULL, 1, 0);
  HANDLE child = ShimCreateChildProcess();
  DuplicateHandle(GetCurrentProcess(), s, child, &dup, 0, FALSE,
                  DUPLICATE_SAME_ACCESS);
  static char buf[16];
  static OVERLAPPED ov;
  ReadFile(s, buf, sizeof buf, NULL, &ov);
  CloseHandle(s);
  DWORD n;
  ULONG_PTR key;
  LPOVERLAPPED done;
  // CHECK: GetQueuedCompletionStatus: FALSE 995
  say("GetQueuedCompletionStatus",
      GetQueuedCompletionStatus(port, &n, &key, &done, INFINITE));
  // CHECK-NEXT: VERDICT: CLEAN
  ShimFinish();
}
