// Thread-pool I/O that completes: the worker runs the callback with the
// status and byte count; waiting for the callbacks returns.
// RUN: %shim_cc && %shim_run | FileCheck %s
// REQUIRES: shim
#include "shim_scenario.h"
#include "iodrain_shim.h"

static void WINAPI on_io(PTP_CALLBACK_INSTANCE instance, PVOID context,
                         PVOID ov, ULONG result, ULONG_PTR bytes, PTP_IO io) {
  printf("callback: result %u, %u bytes\n", (unsigned)result, (unsigned)bytes);
}

static HANDLE client;
static DWORD WINAPI writer(LPVOID unused) {
  DWORD n;
  WriteFile(client, "hello", 5, &n, NULL);
  return 0;
}

int main(void) {
  HANDLE s;
  static char buf[16];
  static OVERLAPPED ov;
  make_pipe_pair(L"\\\\.\\pipe\\ref22", &s, &client);
  PTP_IO io = CreateThreadpoolIo(s, on_io, NULL, NULL);
  StartThreadpoolIo(io);
  ReadFile(s, buf, sizeof buf, NULL, &ov);
  CreateThread(NULL, 0, writer, NULL, 0, NULL);
  WaitForThreadpoolIoCallbacks(io, FALSE);
  CloseThreadpoolIo(io);
  CloseHandle(s);
  ShimFinish();
}
// CHECK: callback: result 0, 5 bytes
// CHECK-NEXT: VERDICT: CLEAN
