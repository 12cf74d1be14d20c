// Spec 2.10 #5: cancel, then wait for the cancelled read: clean, 995.
// RUN: %shim_cc && %shim_run | FileCheck %s
// REQUIRES: shim
#include "shim_scenario.h"
#include "iodrain_shim.h"

int main(void) {
  HANDLE s, c;
  make_pipe_pair(L"\\\\.\\pipe\\ref05", &s, &c);
  static char buf[16];
  static OVERLAPPED ov;
  DWORD n;
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  ReadFile(s, buf, sizeof buf, NULL, &ov);
  // CHECK: CancelIoEx: TRUE 0
  say("CancelIoEx", CancelIoEx(s, &ov));
  // CHECK-NEXT: GetOverlappedResult: FALSE 995
  say("GetOverlappedResult", GetOverlappedResult(s, &ov, &n, TRUE));
  CloseHandle(s);
  // CHECK-NEXT: VERDICT: CLEAN
  ShimFinish();
}
