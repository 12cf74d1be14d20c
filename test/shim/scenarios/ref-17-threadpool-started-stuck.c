// Spec 2.10 #17: StartThreadpoolIo, then a read that fails synchronously
// and no CancelThreadpoolIo: the started count never drops, and waiting
// for the callbacks hangs. With CancelThreadpoolIo the wait returns.
// RUN: %shim_cc && %shim_run | FileCheck %s --check-prefix=STUCK
// RUN: %shim_cc -DCANCELS && %shim_run | FileCheck %s --check-prefix=CANCELLED
// REQUIRES: shim
#include "shim_scenario.h"
#include "iodrain_shim.h"

static void WINAPI on_io(PTP_CALLBACK_INSTANCE instance, PVOID context,
                         PVOID ov, ULONG result, ULONG_PTR bytes, PTP_IO io) {}

int main(void) {
  HANDLE s, c;
  static char buf[16];
  static OVERLAPPED ov;
  make_pipe_pair(L"\\\\.\\pipe\\ref17", &s, &c);
  PTP_IO io = CreateThreadpoolIo(s, on_io, NULL, NULL);
  CloseHandle(c); // the pipe is broken: the read fails at once
  StartThreadpoolIo(io);
  BOOL ok = ReadFile(s, buf, sizeof buf, NULL, &ov);
  say("ReadFile", ok);
  if (!ok && GetLastError() != ERROR_IO_PENDING) {
#ifdef CANCELS
    CancelThreadpoolIo(io);
#endif
  }
  about_to_block("WaitForThreadpoolIoCallbacks");
  WaitForThreadpoolIoCallbacks(io, FALSE);
  CloseThreadpoolIo(io);
  ShimFinish();
}
// STUCK: ReadFile: FALSE 109
// STUCK-NEXT: about to block in WaitForThreadpoolIoCallbacks
// STUCK-NEXT: VERDICT: HANG
// STUCK-NEXT: main thread blocked in WaitForThreadpoolIoCallbacks (ref-17-threadpool-started-stuck.c:29) waiting for the callbacks of the thread-pool I/O created at ref-17-threadpool-started-stuck.c:18 (StartThreadpoolIo count 1: an I/O that fails synchronously needs CancelThreadpoolIo), with no other thread left to wake it
// CANCELLED: about to block in WaitForThreadpoolIoCallbacks
// CANCELLED-NEXT: VERDICT: CLEAN
// STUCK-NEXT: nothing is pending that could complete
// STUCK-NEXT: cites: ref-17-threadpool-started-stuck.c:29 (WaitForThreadpoolIoCallbacks, blocked)
