// Spec 2.10 #21: a device that ignores cancellation: CancelIoEx says TRUE,
// and the wait for the cancelled read hangs. Shim-only (no such device in
// Wine).
// RUN: %shim_cc && %shim_run | FileCheck %s
// REQUIRES: shim
#include "shim_scenario.h"
#include "iodrain_shim.h"

int main(void) {
  HANDLE dev = ShimOpenNoCancelDevice();
  static char buf[16];
  static OVERLAPPED ov;
  DWORD n;
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  ReadFile(dev, buf, sizeof buf, NULL, &ov);
  // CHECK: CancelIoEx: TRUE 0
  say("CancelIoEx", CancelIoEx(dev, &ov));
  // CHECK-NEXT: about to block in GetOverlappedResult
  about_to_block("GetOverlappedResult");
  GetOverlappedResult(dev, &ov, &n, TRUE);
  ShimFinish();
}
// CHECK-NEXT: VERDICT: HANG
// CHECK-NEXT:   main thread blocked in GetOverlappedResult (ref-21-nocancel-device.c:20) waiting for event (ref-21-nocancel-device.c:14), with no other thread left to wake it
// CHECK-NEXT:   pending: ReadFile #1 (ref-21-nocancel-device.c:15) on no-cancel device (ref-21-nocancel-device.c:10): the device ignores cancellation (a cancel was requested) and cancels nothing when its last handle closes
// CHECK-NEXT:   cites: ref-21-nocancel-device.c:20 (GetOverlappedResult, blocked), ref-21-nocancel-device.c:15 (ReadFile #1)
