// Spec 2.10 #11: ReadFileEx completes, but its routine only runs in an
// alertable wait, and the thread waits non-alertably on another event.
// RUN: %shim_cc && %shim_run | FileCheck %s
// REQUIRES: shim
#include "shim_scenario.h"
#include "iodrain_shim.h"

static void CALLBACK on_read(DWORD err, DWORD n, LPOVERLAPPED ov) {}

int main(void) {
  HANDLE s, c;
  make_pipe_pair(L"\\\\.\\pipe\\ref11", &s, &c);
  static char buf[16];
  static OVERLAPPED ov;
  // CHECK: ReadFileEx: TRUE 0
  say("ReadFileEx", ReadFileEx(s, buf, sizeof buf, &ov, on_read));
  DWORD n;
  WriteFile(c, "data", 4, &n, NULL);
  HANDLE unrelated = CreateEventW(NULL, TRUE, FALSE, NULL);
  // CHECK-NEXT: about to block in WaitForSingleObject
  about_to_block("WaitForSingleObject");
  WaitForSingleObject(unrelated, INFINITE);
  ShimFinish();
}
// CHECK-NEXT: VERDICT: HANG
// CHECK-NEXT:   main thread blocked in WaitForSingleObject (ref-11-apc-never-alertable.c:22) waiting for event (ref-11-apc-never-alertable.c:19), with no other thread left to wake it
// CHECK-NEXT:   queued: the completion routine of ReadFileEx #1 (ref-11-apc-never-alertable.c:16) runs only in an alertable wait
// CHECK-NEXT:   cites: ref-11-apc-never-alertable.c:22 (WaitForSingleObject, blocked), ref-11-apc-never-alertable.c:16 (ReadFileEx #1)
