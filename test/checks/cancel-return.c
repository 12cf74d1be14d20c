// A function that cancels its request and returns without waiting hands
// its caller back a buffer (or OVERLAPPED) the kernel may still write:
// the cancel may come too late, or the driver may ignore it (wiiuse's
// `wiiuse_os_read`, whose caller's stack buffer dies right after).
// RUN: %check_iodrain %s -- -x c %win32 | %filecheck %s --check-prefixes=CHECK,FOLLOW --implicit-check-not="{{warning|error}}:"
// RUN: %check_iodrain %s -- -x c++ %win32 | %filecheck %s --check-prefixes=CHECK,FOLLOW --implicit-check-not="{{warning|error}}:"
// RUN: %check_iodrain --config="{CheckOptions: {iodrain.FollowCalls: false}}" %s -- -x c %win32 | %filecheck %s --implicit-check-not="{{warning|error}}:"
// RUN: %if shim %{ %check_twins %s -- -x c %win32 %}
#include <windows.h>
#include <stdlib.h>

// (Each case has a record of its own: a function that waits on a record's
// OVERLAPPED may be what finishes another function's cancelled request.)
struct device {
  HANDLE handle;
  OVERLAPPED ov;
};
struct waiting_device {
  HANDLE handle;
  OVERLAPPED ov;
};
struct failing_device {
  HANDLE handle;
  OVERLAPPED ov;
};

// Reads into the caller's buffer; on a timeout it cancels and gives up.
int device_read_bug(struct device *d, char *buf, DWORD len) {
  DWORD n;
  // CHECK: cancel-return.c:[[#ISSUE:@LINE+1]]:8: note: 'ReadFile' starts overlapped I/O on 'd->handle' that may still be pending
  if (!ReadFile(d->handle, buf, len, &n, &d->ov)) {
    if (GetLastError() != ERROR_IO_PENDING)
      return 0;
    // CHECK-NEXT: cancel-return.c:[[@LINE+1]]:9: note: 'WaitForSingleObject' may time out here, leaving the I/O pending
    if (WaitForSingleObject(d->ov.hEvent, 100) == WAIT_TIMEOUT) {
      // CHECK-NEXT: cancel-return.c:[[@LINE+1]]:7: note: 'CancelIo' requests cancellation here, but the cancelled I/O still completes later
      CancelIo(d->handle);
      return 0;
      // CHECK: cancel-return.c:[[@LINE-1]]:7: warning: returning hands 'buf' back to the caller after 'CancelIo' without waiting for the cancelled I/O to complete; wait for its completion first (GetOverlappedResult(..., TRUE), or its packet from the completion port) [iodrain-cancel-without-drain]
    }
    if (!GetOverlappedResult(d->handle, &d->ov, &n, FALSE))
      return 0;
  }
  return (int)n;
}

int device_read_fixed(struct waiting_device *d, char *buf, DWORD len) {
  DWORD n;
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

// The caller's own OVERLAPPED, cancelled at the end of a loop of timed
// attempts; the function falls off its end.
void bare_read_bug(HANDLE h, OVERLAPPED *ov, char *buf, DWORD len) {
  DWORD n;
  // CHECK: cancel-return.c:[[@LINE+1]]:7: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
  if (ReadFile(h, buf, len, NULL, ov) || GetLastError() != ERROR_IO_PENDING)
    return;
  // CHECK-NEXT: cancel-return.c:[[@LINE+1]]:7: note: 'GetOverlappedResultEx' may return here before the I/O completes
  if (GetOverlappedResultEx(h, ov, &n, 100, FALSE))
    return;
  // CHECK-NEXT: cancel-return.c:[[@LINE+1]]:3: note: 'CancelIoEx' requests cancellation here, but the cancelled I/O still completes later
  CancelIoEx(h, ov);
}
// CHECK: cancel-return.c:[[@LINE-1]]:1: warning: returning hands 'ov' back to the caller after 'CancelIoEx' without waiting for the cancelled I/O to complete; wait for its completion first (GetOverlappedResult(..., TRUE), or its packet from the completion port) [iodrain-cancel-without-drain]

void bare_read_fixed(HANDLE h, OVERLAPPED *ov, char *buf, DWORD len) {
  DWORD n;
  if (ReadFile(h, buf, len, NULL, ov) || GetLastError() != ERROR_IO_PENDING)
    return;
  if (GetOverlappedResultEx(h, ov, &n, 100, FALSE))
    return;
  CancelIoEx(h, ov);
  GetOverlappedResult(h, ov, &n, TRUE);
}

// The read starts in a helper (followed by default): the lent OVERLAPPED is
// named as the caller knows it.
struct helped_device {
  HANDLE handle;
  OVERLAPPED ov;
};

// RUNTIME-TWIN: none, a helper: helped_read_bug's twin runs it
static BOOL start_read(HANDLE dev, OVERLAPPED *o, char *b, DWORD len) {
  return ReadFile(dev, b, len, NULL, o) || GetLastError() == ERROR_IO_PENDING;
}

int helped_read_bug(HANDLE h, OVERLAPPED *ov, char *buf, DWORD len) {
  DWORD n;
  // FOLLOW: cancel-return.c:[[@LINE-5]]:10: note: in call to 'start_read': 'ReadFile' starts overlapped I/O on 'dev' that may still be pending
  if (!start_read(h, ov, buf, len))
    return -1;
  // FOLLOW-NEXT: cancel-return.c:[[@LINE+1]]:7: note: 'GetOverlappedResultEx' may return here before the I/O completes
  if (GetOverlappedResultEx(h, ov, &n, 100, FALSE))
    return (int)n;
  // FOLLOW-NEXT: cancel-return.c:[[@LINE+1]]:3: note: 'CancelIo' requests cancellation here, but the cancelled I/O still completes later
  CancelIo(h);
  return 0;
  // FOLLOW: cancel-return.c:[[@LINE-1]]:3: warning: returning hands 'ov' back to the caller after 'CancelIo' without waiting for the cancelled I/O to complete; wait for its completion first (GetOverlappedResult(..., TRUE), or its packet from the completion port) [iodrain-cancel-without-drain]
}

int helped_read_fixed(HANDLE h, OVERLAPPED *ov, char *buf, DWORD len) {
  DWORD n;
  if (!start_read(h, ov, buf, len))
    return -1;
  if (GetOverlappedResultEx(h, ov, &n, 100, FALSE))
    return (int)n;
  CancelIo(h);
  GetOverlappedResult(h, ov, &n, TRUE);
  return 0;
}

// A read that fails at once has nothing to wait for: its cancel (of
// whatever else the thread started) leaves nothing in the caller's buffer.
int failed_issue_fixed(struct failing_device *d, char *buf, DWORD len) {
  DWORD n;
  if (!ReadFile(d->handle, buf, len, &n, &d->ov)) {
    if (GetLastError() != ERROR_IO_PENDING) {
      CancelIo(d->handle);
      return 0;
    }
    GetOverlappedResult(d->handle, &d->ov, &n, TRUE);
  }
  return (int)n;
}

// Its callers in the unit wait for the request it gives up on.
struct waited_device {
  HANDLE handle;
  OVERLAPPED ov;
};

// RUNTIME-TWIN: none, a helper: caller_waits_fixed's twin runs it
int try_read(struct waited_device *d, char *buf, DWORD len) {
  DWORD n;
  if (ReadFile(d->handle, buf, len, &n, &d->ov))
    return (int)n;
  if (GetLastError() != ERROR_IO_PENDING)
    return -1;
  if (WaitForSingleObject(d->ov.hEvent, 100) == WAIT_OBJECT_0 &&
      GetOverlappedResult(d->handle, &d->ov, &n, FALSE))
    return (int)n;
  CancelIo(d->handle);
  return 0;
}

int caller_waits_fixed(struct waited_device *d) {
  char *buf = (char *)malloc(64);
  DWORD n;
  int got = try_read(d, buf, 64);
  if (got == 0)
    GetOverlappedResult(d->handle, &d->ov, &n, TRUE);
  free(buf);
  return got;
}

// Called only through a table of operations, by a caller that waits.
struct read_ops {
  int (*read)(HANDLE, OVERLAPPED *, char *, DWORD);
};

// RUNTIME-TWIN: none, a helper: ops_read_fixed's twin runs it
static int ops_timed_read(HANDLE h, OVERLAPPED *ov, char *buf, DWORD len) {
  if (ReadFile(h, buf, len, NULL, ov))
    return 1;
  if (GetLastError() != ERROR_IO_PENDING)
    return -1;
  if (WaitForSingleObject(ov->hEvent, 100) == WAIT_OBJECT_0)
    return 1;
  CancelIo(h);
  return 0;
}

static const struct read_ops timed_ops = {ops_timed_read};

void ops_read_fixed(HANDLE h, OVERLAPPED *ov, char *buf, DWORD len) {
  DWORD n;
  if (timed_ops.read(h, ov, buf, len) == 0)
    GetOverlappedResult(h, ov, &n, TRUE);
}

#ifdef IODRAIN_RUNTIME
// Runtime twins: a device that ignores cancellation answers at 500 ms;
// the caller frees the buffer once the read returns.
#include "shim_twins.h"

static HANDLE twin_device(void) {
  HANDLE dev = ShimOpenNoCancelDevice();
  ShimDeviceCompleteAt(dev, 500);
  return dev;
}

#define TWIN_DEVICE(type, read)                                                \
  static void twin_##read(void) {                                              \
    type d = {0};                                                              \
    char *buf = (char *)malloc(64);                                            \
    d.handle = twin_device();                                                  \
    d.ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);                       \
    read(&d, buf, 64);                                                         \
    free(buf);                                                                 \
    Sleep(1000);                                                               \
  }
TWIN_DEVICE(struct device, device_read_bug)
TWIN_DEVICE(struct waiting_device, device_read_fixed)
TWIN_DEVICE(struct failing_device, failed_issue_fixed)

#define TWIN_BARE(read)                                                        \
  static void twin_##read(void) {                                              \
    OVERLAPPED *ov = (OVERLAPPED *)calloc(1, sizeof *ov);                      \
    char buf[64];                                                              \
    HANDLE dev = twin_device();                                                \
    read(dev, ov, buf, sizeof buf);                                            \
    free(ov);                                                                  \
    Sleep(1000);                                                               \
  }
TWIN_BARE(bare_read_bug)
TWIN_BARE(bare_read_fixed)

TWIN_BARE(helped_read_bug)
TWIN_BARE(helped_read_fixed)

static void twin_ops_read_fixed(void) {
  OVERLAPPED *ov = (OVERLAPPED *)calloc(1, sizeof *ov);
  char buf[64];
  ov->hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  ops_read_fixed(twin_device(), ov, buf, sizeof buf);
  free(ov);
  Sleep(1000);
}

static void twin_caller_waits_fixed(void) {
  struct waited_device d = {0};
  d.handle = twin_device();
  d.ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  caller_waits_fixed(&d);
  Sleep(1000);
}

TWIN_MAIN(TWIN(device_read_bug), TWIN(device_read_fixed),
          TWIN(bare_read_bug), TWIN(bare_read_fixed),
          TWIN(helped_read_bug), TWIN(helped_read_fixed),
          TWIN(failed_issue_fixed), TWIN(caller_waits_fixed),
          TWIN(ops_read_fixed))
#endif
