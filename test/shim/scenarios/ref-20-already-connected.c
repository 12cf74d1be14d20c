// Spec 2.10 #20: ConnectNamedPipe fails with ERROR_PIPE_CONNECTED (a
// client came first): nothing is pending and the event was reset, so a
// blocking GetOverlappedResult hangs.
// RUN: %shim_cc && %shim_run | FileCheck %s
// REQUIRES: shim
#include "shim_scenario.h"
#include "iodrain_shim.h"

int main(void) {
  HANDLE s, c;
  make_pipe_pair(L"\\\\.\\pipe\\ref20", &s, &c);
  static OVERLAPPED ov;
  DWORD n;
  ov.hEvent = CreateEventW(NULL, TRUE, TRUE, NULL);
  // CHECK: ConnectNamedPipe: FALSE 535
  say("ConnectNamedPipe", ConnectNamedPipe(s, &ov));
  // CHECK-NEXT: about to block in GetOverlappedResult
  about_to_block("GetOverlappedResult");
  GetOverlappedResult(s, &ov, &n, TRUE);
  ShimFinish();
}
// CHECK-NEXT: VERDICT: HANG
// CHECK-NEXT:   main thread blocked in GetOverlappedResult (ref-20-already-connected.c:19) waiting for event (ref-20-already-connected.c:14), with no other thread left to wake it
// CHECK-NEXT:   nothing is pending that could complete
