// Spec 2.10 #4: as #3, but the request has an event: it is not
// thread-agnostic, nothing cancels it, and the wait on the event hangs.
// RUN: %shim_cc && %shim_run | FileCheck %s
// REQUIRES: shim
#include "shim_scenario.h"
#include "iodrain_shim.h"

int main(void) {
  HANDLE s, c, dup;
  make_pipe_pair(L"\\\\.\\pipe\\ref04", &s, &c);
  CreateIoCompletionPort(s, NULL, 1, 0);
  HANDLE child = ShimCreateChildProcess();
  DuplicateHandle(GetCurrentProcess(), s, child, &dup, 0, FALSE,
                  DUPLICATE_SAME_ACCESS);
  static char buf[16];
  static OVERLAPPED ov;
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  // CHECK: ReadFile: FALSE 997
  say("ReadFile", ReadFile(s, buf, sizeof buf, NULL, &ov));
  CloseHandle(s);
  // CHECK-NEXT: about to block in WaitForSingleObject
  about_to_block("WaitForSingleObject");
  WaitForSingleObject(ov.hEvent, INFINITE);
  ShimFinish();
}
// CHECK-NEXT: VERDICT: HANG
// CHECK-NEXT:   main thread blocked in WaitForSingleObject (ref-04-child-duplicate-event-hangs.c:23) waiting for event (ref-04-child-duplicate-event-hangs.c:17), with no other thread left to wake it
// CHECK-NEXT:   pending: ReadFile #1 (ref-04-child-duplicate-event-hangs.c:19) on pipe server end (shim_scenario.h:13): it waits for data from pipe client end (shim_scenario.h:13), which is still open (handle {{0x[0-9a-f]+}} in this process (CreateFileW at shim_scenario.h:15)) but written by no running thread; cleanup of pipe server end (shim_scenario.h:13) never ran, so closing a handle did not cancel it: it still has handle {{0x[0-9a-f]+}} in a simulated child process (DuplicateHandle at ref-04-child-duplicate-event-hangs.c:14)
