// A unit that binds its handles to a completion port: the port's loop,
// here or in another unit, may dequeue a request's packet between two
// calls of its issuer, so a function-static OVERLAPPED is not taken to be
// still in use when the issuer is called again (the server posts the next
// read only after the last one's packet came back).
// RUN: %check_iodrain %s -- -x c %win32 | %filecheck %s --allow-empty
// RUN: %check_iodrain --config="{CheckOptions: {iodrain.FollowCalls: true}}" %s -- -x c %win32 | %filecheck %s --allow-empty
// RUN: %if shim %{ %check_twins %s -- -x c %win32 %}
// CHECK-NOT: warning:
#include <windows.h>

// RUNTIME-TWIN: none, it binds the handle: post_read_fixed's twin runs it
HANDLE attach(HANDLE h, HANDLE port) {
  return CreateIoCompletionPort(h, port, 1, 0);
}

BOOL post_read_fixed(HANDLE h, char *buf, DWORD size) {
  static OVERLAPPED ov;
  return ReadFile(h, buf, size, NULL, &ov) ||
         GetLastError() == ERROR_IO_PENDING;
}

#ifdef IODRAIN_RUNTIME
// Runtime twin: the server's loop (in another unit in real code) posts a
// read, waits for its packet, and posts the next; the peer answers twice.
#include "shim_twins.h"

static void twin_post_read_fixed(void) {
  char buf[64];
  DWORD n;
  ULONG_PTR key;
  LPOVERLAPPED done;
  HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
  int reads;
  twin_shared_pipe();
  ShimPeerWriteAt(twin_client, "first answer", 12, 150);
  ShimPeerWriteAt(twin_client, "second answer", 13, 300);
  attach(twin_server, port);
  for (reads = 0; reads < 2 && post_read_fixed(twin_server, buf, sizeof buf);
       ++reads)
    if (!GetQueuedCompletionStatus(port, &n, &key, &done, INFINITE))
      break;
  CloseHandle(port);
}

TWIN_MAIN(TWIN(post_read_fixed))
#endif
