// Spec 2.10 #13: a thread starts a port-bound read (no event) and exits;
// the read is thread-agnostic and survives; the peer writes later and the
// main thread dequeues the data.
// RUN: %shim_cc && %shim_run | FileCheck %s
// REQUIRES: shim
#include "shim_scenario.h"
#include "iodrain_shim.h"

static HANDLE server, client, port;
static OVERLAPPED ov;
static char buf[16];

static DWORD WINAPI reader(LPVOID unused) {
  ReadFile(server, buf, sizeof buf, NULL, &ov);
  return 0;
}

static DWORD WINAPI writer(LPVOID unused) {
  DWORD n;
  WriteFile(client, "hello", 5, &n, NULL);
  return 0;
}

int main(void) {
  DWORD n;
  ULONG_PTR key;
  LPOVERLAPPED done;
  make_pipe_pair(L"\\\\.\\pipe\\ref13", &server, &client);
  port = CreateIoCompletionPort(server, NULL, 1, 0);
  HANDLE t = CreateThread(NULL, 0, reader, NULL, 0, NULL);
  WaitForSingleObject(t, INFINITE);
  CreateThread(NULL, 0, writer, NULL, 0, NULL);
  // CHECK: GetQueuedCompletionStatus: TRUE 0
  say("GetQueuedCompletionStatus",
      GetQueuedCompletionStatus(port, &n, &key, &done, INFINITE));
  // CHECK-NEXT: 5 bytes: hello
  printf("%u bytes: %.5s\n", (unsigned)n, buf);
  // CHECK-NEXT: VERDICT: CLEAN
  ShimFinish();
}
