// Spec 2.10 #16: with FILE_SKIP_SET_EVENT_ON_HANDLE and no event, the file
// handle is never signaled: GetOverlappedResult(TRUE) hangs although a
// second thread's write completed the read. Without the flag it returns.
// RUN: %shim_cc && %shim_run | FileCheck %s --check-prefix=SKIP
// RUN: %shim_cc -DWITHOUT_SKIP && %shim_run | FileCheck %s --check-prefix=SIGNALED
// REQUIRES: shim
#include "shim_scenario.h"
#include "iodrain_shim.h"

static HANDLE server, client;

static DWORD WINAPI writer(LPVOID unused) {
  DWORD n;
  WriteFile(client, "data", 4, &n, NULL);
  return 0;
}

int main(void) {
  static char buf[16];
  static OVERLAPPED ov;
  DWORD n;
  make_pipe_pair(L"\\\\.\\pipe\\ref16", &server, &client);
#ifndef WITHOUT_SKIP
  SetFileCompletionNotificationModes(server, FILE_SKIP_SET_EVENT_ON_HANDLE);
#endif
  say("ReadFile", ReadFile(server, buf, sizeof buf, NULL, &ov));
  CreateThread(NULL, 0, writer, NULL, 0, NULL);
  about_to_block("GetOverlappedResult");
  say("GetOverlappedResult", GetOverlappedResult(server, &ov, &n, TRUE));
  ShimFinish();
}
// SKIP: ReadFile: FALSE 997
// SKIP-NEXT: about to block in GetOverlappedResult
// SKIP-NEXT: VERDICT: HANG
// SKIP-NEXT: main thread blocked in GetOverlappedResult (ref-16-skip-set-event.c:29) waiting for pipe server end (shim_scenario.h:13), with no other thread left to wake it
// SKIP-NEXT: no signal: ReadFile #1 (ref-16-skip-set-event.c:26) completed, but FILE_SKIP_SET_EVENT_ON_HANDLE kept it from signaling pipe server end (shim_scenario.h:13)
// SKIP-NEXT: nothing is pending that could complete
// SKIP-NEXT: cites: ref-16-skip-set-event.c:29 (GetOverlappedResult, blocked), ref-16-skip-set-event.c:26 (ReadFile #1)
// SIGNALED: about to block in GetOverlappedResult
// SIGNALED-NEXT: GetOverlappedResult: TRUE 0
// SIGNALED-NEXT: VERDICT: CLEAN
