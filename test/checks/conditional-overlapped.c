// An OVERLAPPED argument written `async ? &ov : NULL` makes the call
// asynchronous on the paths where the test holds and synchronous where it
// does not: the request exists only on the first.
// RUN: %check_iodrain %s -- -x c %win32 | %filecheck %s
// RUN: %check_iodrain %s -- -x c++ %win32 | %filecheck %s
// RUN: %if shim %{ %check_twins %s -- -x c %win32 %}
#include <windows.h>

BOOL read_either_bug(HANDLE h, BOOL async, char *buf, DWORD size) {
  OVERLAPPED ov = {0};
  DWORD n = 0;
  BOOL ok;
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  // CHECK: conditional-overlapped.c:[[@LINE+1]]:8: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
  ok = ReadFile(h, buf, size, &n, async ? &ov : NULL);
  if (!ok && GetLastError() == ERROR_IO_PENDING && async) {
    // CHECK-NEXT: conditional-overlapped.c:[[@LINE+1]]:9: note: 'WaitForSingleObject' may time out here, leaving the I/O pending
    if (WaitForSingleObject(ov.hEvent, 500) != WAIT_OBJECT_0)
      // CHECK-NEXT: conditional-overlapped.c:[[@LINE+1]]:7: warning: 'ov' goes out of scope while overlapped I/O that uses it may still be pending; cancel the I/O and wait for it to complete first [iodrain-overlapped-lifetime]
      return FALSE;
    ok = GetOverlappedResult(h, &ov, &n, FALSE);
  }
  CloseHandle(ov.hEvent);
  return ok;
}

// The synchronous path returns before any wait: nothing is pending there.
BOOL read_either_fixed(HANDLE h, BOOL async, char *buf, DWORD size) {
  OVERLAPPED ov = {0};
  DWORD n = 0;
  BOOL ok;
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  ok = ReadFile(h, buf, size, &n, async ? &ov : NULL);
  if (!async) {
    CloseHandle(ov.hEvent);
    return ok;
  }
  if (!ok && GetLastError() == ERROR_IO_PENDING &&
      WaitForSingleObject(ov.hEvent, 500) != WAIT_OBJECT_0)
    CancelIoEx(h, &ov);
  ok = GetOverlappedResult(h, &ov, &n, TRUE);
  CloseHandle(ov.hEvent);
  return ok;
}

// A channel that is asynchronous when it was opened with an event, and
// whose close cancels without waiting (ConEmu's MPipe shape).
struct channel {
  HANDLE pipe;
  OVERLAPPED ov;
  BOOL async;
  char buf[64];
};

// RUNTIME-TWIN: none, a helper: channel_transact_bug's twin runs it
void channel_close(struct channel *c) {
  CancelIoEx(c->pipe, NULL);
  CloseHandle(c->pipe);
  c->pipe = NULL;
}

BOOL channel_transact_bug(struct channel *c) {
  DWORD n = 0;
  // CHECK-NEXT: conditional-overlapped.c:[[@LINE-6]]:3: note: in call to 'channel_close': 'CloseHandle' closes 'c->pipe' here
  // CHECK-NEXT: conditional-overlapped.c:[[@LINE+1]]:13: note: 'ReadFile' starts overlapped I/O on 'c->pipe' that may still be pending
  BOOL ok = ReadFile(c->pipe, c->buf, sizeof c->buf, &n,
                     c->async ? &c->ov : NULL);
  if (c->async && !ok && GetLastError() == ERROR_IO_PENDING) {
    // CHECK-NEXT: conditional-overlapped.c:[[@LINE+2]]:9: note: 'WaitForSingleObject' may time out here, leaving the I/O pending
    // CHECK-NEXT: conditional-overlapped.c:[[@LINE-13]]:3: note: in call to 'channel_close': 'CancelIoEx' requests cancellation here, but the cancelled I/O still completes later
    if (WaitForSingleObject(c->ov.hEvent, 500) == WAIT_TIMEOUT) {
      // CHECK-NEXT: conditional-overlapped.c:[[@LINE+1]]:7: warning: 'CloseHandle' closes 'c->pipe' after 'CancelIoEx' without waiting for the cancelled I/O to complete; wait for its completion first (GetOverlappedResult(..., TRUE), or its packet from the completion port) [iodrain-cancel-without-drain]
      channel_close(c);
      return FALSE;
    }
    ok = GetOverlappedResult(c->pipe, &c->ov, &n, FALSE);
  }
  return ok;
}

struct drained_channel {
  HANDLE pipe;
  OVERLAPPED ov;
  BOOL async;
  char buf[64];
};

BOOL drained_channel_transact_fixed(struct drained_channel *c) {
  DWORD n = 0;
  BOOL ok = ReadFile(c->pipe, c->buf, sizeof c->buf, &n,
                     c->async ? &c->ov : NULL);
  if (c->async && !ok && GetLastError() == ERROR_IO_PENDING) {
    if (WaitForSingleObject(c->ov.hEvent, 500) == WAIT_TIMEOUT)
      CancelIoEx(c->pipe, &c->ov);
    ok = GetOverlappedResult(c->pipe, &c->ov, &n, TRUE);
  }
  if (!ok) {
    CloseHandle(c->pipe);
    c->pipe = NULL;
  }
  return ok;
}

// CHECK-NOT: warning:

#ifdef IODRAIN_RUNTIME
// Runtime twins: a pipe whose server end a child also holds, a peer that
// answers after ten seconds, and a driver that completes a cancel a moment
// after CancelIoEx returns. The caller frees the channel once it is done.
#include <stdlib.h>
#include "shim_twins.h"

static char twin_buf[64];
static void twin_pipe(void) {
  twin_shared_pipe();
  twin_peer_answers_late();
  ShimDeferCancellation(twin_server);
}
static void twin_read_either_bug(void) {
  twin_pipe();
  read_either_bug(twin_server, TRUE, twin_buf, sizeof twin_buf);
  Sleep(20000);
}
static void twin_read_either_fixed(void) {
  twin_pipe();
  read_either_fixed(twin_server, TRUE, twin_buf, sizeof twin_buf);
  Sleep(20000);
}
static void twin_channel_transact_bug(void) {
  struct channel *c = (struct channel *)calloc(1, sizeof *c);
  twin_pipe();
  c->pipe = twin_server;
  c->async = TRUE;
  c->ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  channel_transact_bug(c);
  free(c);
  Sleep(20000);
}
static void twin_drained_channel_transact_fixed(void) {
  struct drained_channel *c =
      (struct drained_channel *)calloc(1, sizeof *c);
  twin_pipe();
  c->pipe = twin_server;
  c->async = TRUE;
  c->ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  drained_channel_transact_fixed(c);
  free(c);
  Sleep(20000);
}

TWIN_MAIN(TWIN(read_either_bug), TWIN(read_either_fixed),
          TWIN(channel_transact_bug), TWIN(drained_channel_transact_fixed))
#endif
