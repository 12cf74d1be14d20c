// Spec 2.10 #19: a pending read ends when the peer closes: ERROR_BROKEN_PIPE.
// RUN: %shim_cc && %shim_run | FileCheck %s
// REQUIRES: shim
#include "shim_scenario.h"
#include "iodrain_shim.h"

int main(void) {
  HANDLE s, c;
  make_pipe_pair(L"\\\\.\\pipe\\ref19", &s, &c);
  static char buf[16];
  static OVERLAPPED ov;
  DWORD n;
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  ReadFile(s, buf, sizeof buf, NULL, &ov);
  CloseHandle(c);
  // CHECK: GetOverlappedResult: FALSE 109
  say("GetOverlappedResult", GetOverlappedResult(s, &ov, &n, TRUE));
  CloseHandle(s);
  // CHECK-NEXT: VERDICT: CLEAN
  ShimFinish();
}
