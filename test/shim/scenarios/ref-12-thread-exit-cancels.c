// Spec 2.10 #12: a thread starts an event-based read and exits; the read is
// not thread-agnostic, so the exit cancels it: the event is set and the
// status is STATUS_CANCELLED.
// RUN: %shim_cc && %shim_run | FileCheck %s
// REQUIRES: shim
#include "shim_scenario.h"
#include "iodrain_shim.h"

static HANDLE server, client;
static OVERLAPPED ov;
static char buf[16];

static DWORD WINAPI reader(LPVOID unused) {
  ReadFile(server, buf, sizeof buf, NULL, &ov);
  return 0;
}

int main(void) {
  make_pipe_pair(L"\\\\.\\pipe\\ref12", &server, &client);
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  HANDLE t = CreateThread(NULL, 0, reader, NULL, 0, NULL);
  WaitForSingleObject(t, INFINITE);
  // CHECK: event: 0
  printf("event: %u\n", (unsigned)WaitForSingleObject(ov.hEvent, INFINITE));
  // CHECK-NEXT: Internal: 0xc0000120
  printf("Internal: 0x%x\n", (unsigned)ov.Internal);
  // CHECK-NEXT: VERDICT: CLEAN
  ShimFinish();
}
