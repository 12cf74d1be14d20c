// The last resort of spec 2.7: a thread that spins in program code without
// calling the shim is reported by a real-time watchdog (10 s by default,
// IODRAIN_SHIM_WATCHDOG_MS here to keep the test short). Its verdict is
// SPIN, never HANG: real time cannot tell a spin from a slow machine, and
// the runtime twins do not take it as a proof. Here a read that can never
// complete is polled with the HasOverlappedIoCompleted macro, which never
// calls into the shim.
// RUN: %shim_cc && env IODRAIN_SHIM_WATCHDOG_MS=2000 %shim_run | FileCheck %s
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
// CHECK: VERDICT: SPIN
// CHECK-NEXT: watchdog: no call into the shim for 2000 ms of real time: a thread spins in program code, or the machine is too slow (not a deterministic verdict, and not a HANG)
