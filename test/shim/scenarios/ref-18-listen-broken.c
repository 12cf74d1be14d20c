// Spec 2.10 #18: a pending ConnectNamedPipe ends when its server handle
// closes: the event is set, ERROR_BROKEN_PIPE.
// RUN: %shim_cc && %shim_run | FileCheck %s
// REQUIRES: shim
#include "shim_scenario.h"
#include "iodrain_shim.h"

int main(void) {
  HANDLE s = CreateNamedPipeW(L"\\\\.\\pipe\\ref18",
                              PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
                              PIPE_TYPE_BYTE, 1, 4096, 4096, 0, NULL);
  static OVERLAPPED ov;
  DWORD n;
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  // CHECK: ConnectNamedPipe: FALSE 997
  say("ConnectNamedPipe", ConnectNamedPipe(s, &ov));
  CloseHandle(s);
  // CHECK-NEXT: WaitForSingleObject: 0
  printf("WaitForSingleObject: %u\n",
         (unsigned)WaitForSingleObject(ov.hEvent, INFINITE));
  // CHECK-NEXT: Internal: 0xc000014b
  printf("Internal: 0x%x\n", (unsigned)ov.Internal);
  // CHECK-NEXT: VERDICT: CLEAN
  ShimFinish();
}
