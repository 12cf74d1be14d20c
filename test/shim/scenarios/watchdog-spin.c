// The last resort of spec 2.7: a thread that spins in program code without
// calling the shim is reported by a real-time watchdog (10 s), as a HANG of
// lower confidence. Here a read that can never complete is polled with the
// HasOverlappedIoCompleted macro, which never calls into the shim.
// RUN: %shim_cc && %shim_run | FileCheck %s
// REQUIRES: shim
#include "shim_scenario.h"
#include "iodrain_shim.h"

int main(void) {
  HANDLE s, c;
  static char buf[16];
  static OVERLAPPED ov;
  make_pipe_pair(L"\\\\.\\pipe\\spin", &s, &c);
  ReadFile(s, buf, sizeof buf, NULL, &ov);
  while (!HasOverlappedIoCompleted((volatile OVERLAPPED *)&ov)) {
  }
  ShimFinish();
}
// CHECK: VERDICT: HANG
// CHECK-NEXT: watchdog: no call into the shim for 10 seconds of real time: a thread spins in program code (lower confidence: not a deterministic verdict)
