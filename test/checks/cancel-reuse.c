// A cancelled request still owns its OVERLAPPED until it completes: a new
// request on it right after CancelIo, in a retry loop or in the function's
// own next call, races the cancelled one's completion (its status lands in
// the new request's OVERLAPPED and sets its event).
// RUN: %check_iodrain %s -- -x c %win32 | %filecheck %s
// RUN: %check_iodrain %s -- -x c++ %win32 | %filecheck %s
// RUN: %check_iodrain --config="{CheckOptions: {iodrain.FollowCalls: true}}" %s -- -x c %win32 | %filecheck %s
// RUN: %if shim %{ %check_twins %s -- -x c %win32 %}
#include <windows.h>
#include <stdlib.h>

static char buffer[64];

// Each attempt waits 100 ms, then gives up on its read and tries again.
BOOL retry_read_bug(HANDLE h, OVERLAPPED *ov) {
  DWORD n;
  int i;
  for (i = 0; i < 3; ++i) {
    // CHECK: cancel-reuse.c:[[#RETRY:@LINE+3]]:9: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
    // CHECK-NEXT: cancel-reuse.c:[[@LINE+6]]:9: note: 'WaitForSingleObject' may time out here, leaving the I/O pending
    // CHECK-NEXT: cancel-reuse.c:[[@LINE+7]]:5: note: 'CancelIo' requests cancellation here, but the cancelled I/O still completes later
    if (ReadFile(h, buffer, sizeof buffer, NULL, ov))
      return TRUE;
    if (GetLastError() != ERROR_IO_PENDING)
      return FALSE;
    if (WaitForSingleObject(ov->hEvent, 100) == WAIT_OBJECT_0)
      return GetOverlappedResult(h, ov, &n, FALSE);
    CancelIo(h);
  }
  return FALSE;
}
// CHECK-NEXT: cancel-reuse.c:[[#RETRY]]:9: warning: 'ReadFile' reuses the OVERLAPPED 'ov' after 'CancelIo' without waiting for the cancelled I/O to complete; wait for its completion first (GetOverlappedResult(..., TRUE), or its packet from the completion port) [iodrain-cancel-without-drain]

BOOL retry_read_fixed(HANDLE h, OVERLAPPED *ov) {
  DWORD n;
  int i;
  for (i = 0; i < 3; ++i) {
    if (ReadFile(h, buffer, sizeof buffer, NULL, ov))
      return TRUE;
    if (GetLastError() != ERROR_IO_PENDING)
      return FALSE;
    if (WaitForSingleObject(ov->hEvent, 100) == WAIT_OBJECT_0)
      return GetOverlappedResult(h, ov, &n, FALSE);
    CancelIo(h);
    if (GetOverlappedResult(h, ov, &n, TRUE))
      return TRUE; // It completed before the cancel reached it.
  }
  return FALSE;
}

// A device read with a timeout (wiiuse's `wiiuse_os_read`, but into the
// device's own buffer): on a timeout it cancels and returns, and its next
// call issues on the OVERLAPPED the cancelled read still owns. (Into a
// buffer the caller lends, the return is reported: cancel-return.c.)
struct device {
  HANDLE handle;
  OVERLAPPED ov;
  BOOL connected;
  BOOL cancelled;
  char buf[64];
};

int device_read_bug(struct device *d, DWORD len) {
  DWORD n;
  char *buf = d->buf;
  if (!d->connected)
    return 0;
  // CHECK: cancel-reuse.c:[[@LINE+3]]:8: note: 'ReadFile' in 'device_read_bug' starts overlapped I/O on 'd->handle' and may return with it pending
  // CHECK-NEXT: cancel-reuse.c:[[@LINE-6]]:50: note: 'device_read_bug' may be called again with that I/O on 'd' still pending
  // CHECK-NEXT: cancel-reuse.c:[[@LINE+7]]:7: note: 'CancelIo' requests cancellation here, but the cancelled I/O still completes later
  if (!ReadFile(d->handle, buf, len, &n, &d->ov)) {
    // CHECK-NEXT: cancel-reuse.c:[[@LINE-6]]:7: note: '!d->connected' is false here
    // CHECK-NEXT: cancel-reuse.c:[[@LINE-2]]:8: warning: 'ReadFile' reuses the OVERLAPPED 'd->ov' after 'CancelIo' without waiting for the cancelled I/O to complete; wait for its completion first (GetOverlappedResult(..., TRUE), or its packet from the completion port) [iodrain-cancel-without-drain]
    if (GetLastError() != ERROR_IO_PENDING)
      return 0;
    if (WaitForSingleObject(d->ov.hEvent, 100) == WAIT_TIMEOUT) {
      CancelIo(d->handle);
      return 0;
    }
    if (!GetOverlappedResult(d->handle, &d->ov, &n, FALSE))
      return 0;
  }
  return (int)n;
}

// (Each case has a record of its own: a function that waits on a record's
// OVERLAPPED may be what finishes another function's cancelled request.)
struct waited_device {
  HANDLE handle;
  OVERLAPPED ov;
  BOOL connected;
  BOOL cancelled;
};

int device_read_fixed(struct waited_device *d, char *buf, DWORD len) {
  DWORD n;
  if (!d->connected)
    return 0;
  if (!ReadFile(d->handle, buf, len, &n, &d->ov)) {
    if (GetLastError() != ERROR_IO_PENDING)
      return 0;
    if (WaitForSingleObject(d->ov.hEvent, 100) == WAIT_TIMEOUT) {
      CancelIo(d->handle);
      GetOverlappedResult(d->handle, &d->ov, &n, TRUE);
      return 0;
    }
    if (!GetOverlappedResult(d->handle, &d->ov, &n, FALSE))
      return 0;
  }
  return (int)n;
}

// Waits for the cancelled read at the start of its next call: a flag in
// the device says one was left. The buffer is the device's own (a buffer
// the caller lent would be written after the return:
// cancel-return.c).
struct flagged_device {
  HANDLE handle;
  OVERLAPPED ov;
  BOOL connected;
  BOOL cancelled;
  char buf[64];
};

int device_read_later_fixed(struct flagged_device *d, DWORD len) {
  DWORD n;
  char *buf = d->buf;
  if (d->cancelled) {
    GetOverlappedResult(d->handle, &d->ov, &n, TRUE);
    d->cancelled = FALSE;
  }
  if (!ReadFile(d->handle, buf, len, &n, &d->ov)) {
    if (GetLastError() != ERROR_IO_PENDING)
      return 0;
    if (WaitForSingleObject(d->ov.hEvent, 100) == WAIT_TIMEOUT) {
      CancelIo(d->handle);
      d->cancelled = TRUE;
      return 0;
    }
    if (!GetOverlappedResult(d->handle, &d->ov, &n, FALSE))
      return 0;
  }
  return (int)n;
}

// The same read, whose callers run `finished_wait` before the next read:
// another function of the unit names the OVERLAPPED and waits, so the next
// read is not taken to meet the cancelled one.
struct finished_device {
  HANDLE handle;
  OVERLAPPED ov;
  BOOL connected;
};

int finished_read_fixed(struct finished_device *d, char *buf, DWORD len) {
  DWORD n;
  if (!d->connected)
    return 0;
  if (!ReadFile(d->handle, buf, len, &n, &d->ov)) {
    if (GetLastError() != ERROR_IO_PENDING)
      return 0;
    if (WaitForSingleObject(d->ov.hEvent, 100) == WAIT_TIMEOUT) {
      CancelIo(d->handle);
      return 0;
    }
    if (!GetOverlappedResult(d->handle, &d->ov, &n, FALSE))
      return 0;
  }
  return (int)n;
}

// RUNTIME-TWIN: none, a helper: finished_read_fixed's twin runs it
void finished_wait(struct finished_device *d) {
  DWORD n;
  GetOverlappedResult(d->handle, &d->ov, &n, TRUE);
}

#ifdef IODRAIN_RUNTIME
// Runtime twins: the peer answers at 150 ms and again at ten seconds, and
// the pipe's driver completes a cancel a moment after CancelIo returns.
// The caller frees the OVERLAPPED (or the device) once it is done.
#include "shim_twins.h"

static void twin_pipe(void) {
  twin_shared_pipe();
  ShimDeferCancellation(twin_server);
  ShimPeerWriteAt(twin_client, "first answer", 12, 150);
  ShimPeerWriteAt(twin_client, "second answer", 13, 10000);
}

static void twin_retry(BOOL (*read)(HANDLE, OVERLAPPED *)) {
  OVERLAPPED *ov = (OVERLAPPED *)calloc(1, sizeof *ov);
  twin_pipe();
  ov->hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  read(twin_server, ov);
  free(ov);
}
static void twin_retry_read_bug(void) { twin_retry(retry_read_bug); }
static void twin_retry_read_fixed(void) { twin_retry(retry_read_fixed); }

// The caller polls twice, then frees the device.
#define TWIN_DEVICE(type, read)                                                \
  static void twin_##read(void) {                                              \
    static char first[64], second[64];                                        \
    type *d = (type *)calloc(1, sizeof *d);                                    \
    twin_pipe();                                                               \
    d->handle = twin_server;                                                   \
    d->connected = TRUE;                                                       \
    d->ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);                      \
    read(d, first, sizeof first);                                              \
    read(d, second, sizeof second);                                            \
    free(d);                                                                   \
  }
// The same into the device's own buffer.
#define TWIN_OWN_BUFFER(type, read)                                            \
  static void twin_##read(void) {                                              \
    type *d = (type *)calloc(1, sizeof *d);                                    \
    twin_pipe();                                                               \
    d->handle = twin_server;                                                   \
    d->connected = TRUE;                                                       \
    d->ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);                      \
    read(d, sizeof d->buf);                                                    \
    read(d, sizeof d->buf);                                                    \
    free(d);                                                                   \
  }
TWIN_OWN_BUFFER(struct device, device_read_bug)
TWIN_DEVICE(struct waited_device, device_read_fixed)
TWIN_OWN_BUFFER(struct flagged_device, device_read_later_fixed)

static void twin_finished_read_fixed(void) {
  static char first[64], second[64];
  struct finished_device *d =
      (struct finished_device *)calloc(1, sizeof *d);
  twin_pipe();
  d->handle = twin_server;
  d->connected = TRUE;
  d->ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (!finished_read_fixed(d, first, sizeof first))
    finished_wait(d);
  finished_read_fixed(d, second, sizeof second);
  finished_wait(d);
  free(d);
}

TWIN_MAIN(TWIN(retry_read_bug), TWIN(retry_read_fixed),
          TWIN(device_read_bug), TWIN(device_read_fixed),
          TWIN(device_read_later_fixed), TWIN(finished_read_fixed))
#endif
