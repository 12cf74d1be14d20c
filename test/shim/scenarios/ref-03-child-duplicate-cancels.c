// Spec 2.10 #3: the duplicate lives in another process and the read is
// port-bound without an event: the process-last-handle rule cancels it.
// Wine 8 does not apply the rule: with a real child holding the handle the
// read stays pending (the Wine lane runs this with CreateProcess), and so
// does the shim's wine8 profile.
// RUN: %shim_cc && %shim_run | FileCheck %s
// RUN: %shim_cc && env IODRAIN_SHIM_PROFILE=wine8 %shim_run | FileCheck %s --check-prefix=WINE8
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
  // CHECK: ReadFile: FALSE 997
  // WINE8: ReadFile: FALSE 997
  say("ReadFile", ReadFile(s, buf, sizeof buf, NULL, &ov));
  CloseHandle(s);
  DWORD n;
  ULONG_PTR key;
  LPOVERLAPPED done;
  // CHECK-NEXT: about to block in GetQueuedCompletionStatus
  // WINE8-NEXT: about to block in GetQueuedCompletionStatus
  about_to_block("GetQueuedCompletionStatus");
  // CHECK-NEXT: GetQueuedCompletionStatus: FALSE 995
  say("GetQueuedCompletionStatus",
      GetQueuedCompletionStatus(port, &n, &key, &done, INFINITE));
  // CHECK-NEXT: VERDICT: CLEAN
  ShimFinish();
}
// WINE8-NEXT: VERDICT: HANG
// WINE8-NEXT: main thread blocked in GetQueuedCompletionStatus (ref-03-child-duplicate-cancels.c:33)
// WINE8-NEXT: pending: ReadFile #1 (ref-03-child-duplicate-cancels.c:23) on pipe server end {{.*}}it still has handle {{0x[0-9a-f]+}} in a simulated child process (DuplicateHandle at ref-03-child-duplicate-cancels.c:18)
// WINE8-NEXT: cites: ref-03-child-duplicate-cancels.c:33 (GetQueuedCompletionStatus, blocked), ref-03-child-duplicate-cancels.c:23 (ReadFile #1)
