// Requests started in one function and waited for, closed or freed in a
// helper it calls: iodrain follows calls into the translation unit's own
// functions, path by path, and reports at the call in the analysed one
// (iodrain.FollowCalls). Without it, a helper whose every path closes,
// frees, cancels or waits for what it receives is applied as those effects
// (device_free), or run like a followed call when it is small and a
// request its arguments reach is pending (device_free, wait_for_pipe);
// other helpers are unknown calls.
// RUN: %check_iodrain --config="{CheckOptions: {iodrain.FollowCalls: true}}" %s -- -x c %win32 | %filecheck %s --check-prefixes=CHECK,BOTH
// RUN: %check_iodrain --config="{CheckOptions: {iodrain.FollowCalls: true}}" %s -- -x c++ %win32 | %filecheck %s --check-prefixes=CHECK,BOTH
// RUN: %check_iodrain --config="{CheckOptions: {iodrain.FollowCalls: false}}" %s -- -x c %win32 | %filecheck %s --check-prefixes=UNFOLLOWED,BOTH
// RUN: %if shim %{ %check_twins --config="{CheckOptions: {iodrain.FollowCalls: true}}" %s -- -x c %win32 %}
#include <windows.h>
#include <stdlib.h>

static char reply[64];

// False when the wait timed out: the caller's request is still pending.
// RUNTIME-TWIN: none, a helper: its callers' twins run it
static BOOL wait_for_pipe(HANDLE h, OVERLAPPED *ov, DWORD timeout) {
  DWORD n;
  // The notes of a finding come in path order; this one is in a helper
  // defined above its caller, hence CHECK-DAG for that finding.
  // BOTH-DAG: helpers.c:[[@LINE+1]]:7: note: in call to 'wait_for_pipe': 'WaitForSingleObject' may time out here, leaving the I/O pending
  if (WaitForSingleObject(ov->hEvent, timeout) != WAIT_OBJECT_0)
    return FALSE;
  return GetOverlappedResult(h, ov, &n, FALSE);
}

// RUNTIME-TWIN: none, a helper: its callers' twins run it
static void cancel_and_wait(HANDLE h, OVERLAPPED *ov) {
  DWORD n;
  CancelIoEx(h, ov);
  GetOverlappedResult(h, ov, &n, TRUE);
}

BOOL timed_helper_bug(HANDLE h) {
  OVERLAPPED ov = {0};
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  // BOTH-DAG: helpers.c:[[@LINE+1]]:8: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
  if (!ReadFile(h, reply, sizeof reply, NULL, &ov) &&
      GetLastError() != ERROR_IO_PENDING)
    return FALSE;
  if (!wait_for_pipe(h, &ov, 500))
    // BOTH-DAG: helpers.c:[[@LINE+1]]:5: warning: 'ov' goes out of scope while overlapped I/O that uses it may still be pending; cancel the I/O and wait for it to complete first [iodrain-overlapped-lifetime]
    return FALSE;
  CloseHandle(ov.hEvent);
  return TRUE;
}

BOOL timed_helper_fixed(HANDLE h) {
  OVERLAPPED ov = {0};
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (!ReadFile(h, reply, sizeof reply, NULL, &ov) &&
      GetLastError() != ERROR_IO_PENDING)
    return FALSE;
  if (!wait_for_pipe(h, &ov, 500)) {
    cancel_and_wait(h, &ov);
    CloseHandle(ov.hEvent);
    return FALSE;
  }
  CloseHandle(ov.hEvent);
  return TRUE;
}

struct device {
  HANDLE handle;
  OVERLAPPED ol;
  char *buf;
};

// Called on live devices and on the error path of a fresh one.
// RUNTIME-TWIN: none, a helper: its callers' twins run it
static void device_free(struct device *d) {
  // BOTH: helpers.c:[[@LINE+1]]:3: note: in call to 'device_free': 'CloseHandle' closes 'd->handle' here
  CloseHandle(d->handle);
  free(d->buf);
  free(d);
}

void device_read_then_free_bug(struct device *d) {
  // BOTH-NEXT: helpers.c:[[@LINE+1]]:3: note: 'ReadFile' starts overlapped I/O on 'd->handle' that may still be pending
  ReadFile(d->handle, d->buf, 64, NULL, &d->ol);
  // BOTH-NEXT: helpers.c:[[@LINE+2]]:3: note: cancel the pending I/O and wait for it before closing the handle
  // BOTH-NEXT: helpers.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'd->handle' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  device_free(d);
}

void device_read_then_free_fixed(struct device *d) {
  ReadFile(d->handle, d->buf, 64, NULL, &d->ol);
  cancel_and_wait(d->handle, &d->ol);
  device_free(d);
}

// A device with a list of its own (hidapi's device_info): the helper frees
// the list through another helper of the unit, which cannot reach the
// device's request, so the helper still runs and its close is reported.
struct info {
  struct info *next;
  char *name;
};
struct listed_device {
  HANDLE handle;
  OVERLAPPED ol;
  char buf[64];
  struct info *info;
};

// RUNTIME-TWIN: none, a helper: its callers' twins run it
static void free_info(struct info *i) {
  while (i) {
    struct info *next = i->next;
    free(i->name);
    free(i);
    i = next;
  }
}

// RUNTIME-TWIN: none, a helper: its callers' twins run it
static void listed_device_free(struct listed_device *d) {
  // BOTH: helpers.c:[[@LINE+1]]:3: note: in call to 'listed_device_free': 'CloseHandle' closes 'd->handle' here
  CloseHandle(d->handle);
  free_info(d->info);
  free(d);
}

void listed_read_then_free_bug(struct listed_device *d) {
  // BOTH-NEXT: helpers.c:[[@LINE+1]]:3: note: 'ReadFile' starts overlapped I/O on 'd->handle' that may still be pending
  ReadFile(d->handle, d->buf, sizeof d->buf, NULL, &d->ol);
  // BOTH-NEXT: helpers.c:[[@LINE+2]]:3: note: cancel the pending I/O and wait for it before closing the handle
  // BOTH-NEXT: helpers.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'd->handle' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  listed_device_free(d);
}

void listed_read_then_free_fixed(struct listed_device *d) {
  ReadFile(d->handle, d->buf, sizeof d->buf, NULL, &d->ol);
  cancel_and_wait(d->handle, &d->ol);
  listed_device_free(d);
}

// The helper on a fresh device, before any I/O: nothing to report.
struct device *device_open_fixed(const wchar_t *path) {
  struct device *d = (struct device *)calloc(1, sizeof *d);
  d->handle = CreateFileW(path, GENERIC_READ, 0, NULL, OPEN_EXISTING,
                          FILE_FLAG_OVERLAPPED, NULL);
  d->buf = (char *)malloc(64);
  if (!d->buf) {
    device_free(d);
    return NULL;
  }
  return d;
}

// A helper that starts the read and returns with it pending.
// RUNTIME-TWIN: none, a helper: its callers' twins run it
static BOOL start_read(struct device *d) {
  // CHECK: helpers.c:[[@LINE+1]]:8: note: in call to 'start_read': 'ReadFile' starts overlapped I/O on 'd->handle' that may still be pending
  if (!ReadFile(d->handle, d->buf, 64, NULL, &d->ol) &&
      GetLastError() != ERROR_IO_PENDING)
    return FALSE;
  return TRUE;
}

void start_then_close_bug(struct device *d) {
  if (!start_read(d))
    return;
  // CHECK-NEXT: helpers.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'd->handle' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(d->handle);
}

void start_then_close_fixed(struct device *d) {
  if (!start_read(d))
    return;
  cancel_and_wait(d->handle, &d->ol);
  CloseHandle(d->handle);
}

// A helper with a bug of its own is reported once, in the helper, and not
// again at each of its callers.
static void read_then_close_bug(struct device *d) {
  // CHECK: helpers.c:[[@LINE+2]]:3: note: 'ReadFile' starts overlapped I/O on 'd->handle' that may still be pending
  // UNFOLLOWED: helpers.c:[[@LINE+1]]:3: note: 'ReadFile' starts overlapped I/O on 'd->handle' that may still be pending
  ReadFile(d->handle, d->buf, 64, NULL, &d->ol);
  // CHECK-NEXT: helpers.c:[[@LINE+4]]:3: note: cancel the pending I/O and wait for it before closing the handle
  // CHECK-NEXT: helpers.c:[[@LINE+3]]:3: warning: 'CloseHandle' closes 'd->handle' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  // UNFOLLOWED-NEXT: helpers.c:[[@LINE+2]]:3: note: cancel the pending I/O and wait for it before closing the handle
  // UNFOLLOWED-NEXT: helpers.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'd->handle' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(d->handle);
}

// RUNTIME-TWIN: none, it runs read_then_close_bug, whose twin shows the bug
static void pass_on(struct device *d) { read_then_close_bug(d); }
// RUNTIME-TWIN: none, it runs read_then_close_bug, whose twin shows the bug
void calls_buggy_helper(struct device *d) { pass_on(d); }

// The same for a helper whose own OVERLAPPED dies with a read that a
// function it called started: reported in that helper, not at its callers.
// RUNTIME-TWIN: none, a helper: its callers' twins run it
static void start_into(HANDLE h, OVERLAPPED *ov, char *buf) {
  if (!ReadFile(h, buf, 64, NULL, ov) && GetLastError() != ERROR_IO_PENDING)
    ov->Internal = 0;
}
static void local_read_bug(HANDLE h) {
  OVERLAPPED ov = {0};
  char buf[64];
  start_into(h, &ov, buf);
  // CHECK: helpers.c:[[@LINE-7]]:8: note: in call to 'start_into': 'ReadFile' starts overlapped I/O on 'h' that may still be pending
  // CHECK-NEXT: helpers.c:[[@LINE+1]]:1: warning: 'buf' goes out of scope while overlapped I/O that uses it may still be pending (it is the I/O's buffer); cancel the I/O and wait for it to complete first [iodrain-overlapped-lifetime]
}

static void local_read_fixed(HANDLE h) {
  OVERLAPPED ov = {0};
  char buf[64];
  DWORD n;
  start_into(h, &ov, buf);
  CancelIoEx(h, &ov);
  GetOverlappedResult(h, &ov, &n, TRUE);
}

// RUNTIME-TWIN: none, it runs local_read_bug, whose twin shows the bug
void calls_local_read_bug(HANDLE h) { local_read_bug(h); }

// A helper that reads the last error tells its caller which outcome the
// path is on (obs-studio's `ipc_pipe_internal_io_pending`).
// RUNTIME-TWIN: none, a helper: its callers' twins run it
static BOOL io_pending(void) { return GetLastError() == ERROR_IO_PENDING; }

// Gives up on the error path only, where nothing is pending. Such helpers
// are followed even when iodrain.FollowCalls is off.
BOOL start_or_close_fixed(HANDLE h, OVERLAPPED *ov) {
  if (!ReadFile(h, reply, sizeof reply, NULL, ov) && !io_pending()) {
    CloseHandle(h);
    return FALSE;
  }
  return TRUE;
}

// Expects the read to finish at once and gives up when it is pending.
BOOL close_when_pending_bug(HANDLE h, OVERLAPPED *ov) {
  // CHECK: helpers.c:[[@LINE+2]]:8: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
  // UNFOLLOWED: helpers.c:[[@LINE+1]]:8: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
  if (!ReadFile(h, reply, sizeof reply, NULL, ov) && io_pending()) {
    // CHECK-NEXT: helpers.c:[[@LINE+4]]:5: note: cancel the pending I/O and wait for it before closing the handle
    // CHECK-NEXT: helpers.c:[[@LINE+3]]:5: warning: 'CloseHandle' closes 'h' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
    // UNFOLLOWED-NEXT: helpers.c:[[@LINE+2]]:5: note: cancel the pending I/O and wait for it before closing the handle
    // UNFOLLOWED-NEXT: helpers.c:[[@LINE+1]]:5: warning: 'CloseHandle' closes 'h' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
    CloseHandle(h);
    return FALSE;
  }
  return TRUE;
}

// A port whose write may be left pending, and an exported close that
// hands the port to a small static helper: the close starts with what the
// port's protocol may have left, one call level down in every mode.
struct guarded_port {
  HANDLE h;
  OVERLAPPED rd, wr;
};

// RUNTIME-TWIN: none, the issuer: the closers' twins run it
int guarded_port_write(struct guarded_port *p, const char *data, int n) {
  if (!WriteFile(p->h, data, n, NULL, &p->wr) &&
      GetLastError() != ERROR_IO_PENDING)
    return -1;
  return n;
}

// RUNTIME-TWIN: none, a helper: its callers' twins run it
static void guarded_port_release(struct guarded_port *p) {
  if (p->rd.hEvent)
    CloseHandle(p->rd.hEvent);
  if (p->wr.hEvent)
    CloseHandle(p->wr.hEvent);
  if (p->h)
    CloseHandle(p->h);
  free(p);
}

// BOTH: helpers.c:[[@LINE-4]]:5: note: in call to 'guarded_port_release': 'CloseHandle' closes 'p->h' here
// BOTH-NEXT: helpers.c:[[@LINE-18]]:8: note: 'WriteFile' in 'guarded_port_write' starts overlapped I/O on 'p->h' and may return with it pending
// BOTH-NEXT: helpers.c:[[@LINE+4]]:53: note: 'guarded_port_close_bug' may be called with that I/O on 'p' still pending
// BOTH-NEXT: helpers.c:[[@LINE-12]]:7: note: 'p->rd.hEvent' is false here
// BOTH-NEXT: helpers.c:[[@LINE-11]]:7: note: 'p->wr.hEvent' is false here
// BOTH-NEXT: helpers.c:[[@LINE+2]]:3: warning: 'CloseHandle' closes 'p->h' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
void guarded_port_close_bug(struct guarded_port *p) {
  guarded_port_release(p);
}

void guarded_port_close_fixed(struct guarded_port *p) {
  DWORD n;
  CancelIoEx(p->h, &p->wr);
  GetOverlappedResult(p->h, &p->wr, &n, TRUE);
  guarded_port_release(p);
}

#ifdef IODRAIN_RUNTIME
// Runtime twins: a pipe whose server end a child also holds; the peer
// answers after ten seconds.
#include <winsock2.h>
#include "shim_twins.h"

static void twin_timed_helper_bug(void) {
  twin_shared_pipe();
  twin_peer_answers_late();
  timed_helper_bug(twin_server);
}
static void twin_timed_helper_fixed(void) {
  twin_shared_pipe();
  twin_peer_answers_late();
  timed_helper_fixed(twin_server);
}
static struct device *twin_device(void) {
  struct device *d = (struct device *)calloc(1, sizeof *d);
  twin_shared_pipe();
  twin_peer_answers_late();
  d->handle = twin_server;
  d->buf = (char *)malloc(64);
  return d;
}
static void twin_local_read_bug(void) {
  twin_shared_pipe();
  twin_peer_answers_late();
  local_read_bug(twin_server);
  Sleep(20000);
}
static void twin_local_read_fixed(void) {
  twin_shared_pipe();
  twin_peer_answers_late();
  local_read_fixed(twin_server);
  Sleep(20000);
}
static void twin_device_read_then_free_bug(void) {
  device_read_then_free_bug(twin_device());
}
static void twin_device_read_then_free_fixed(void) {
  device_read_then_free_fixed(twin_device());
}
static struct listed_device *twin_listed_device(void) {
  struct listed_device *d =
      (struct listed_device *)calloc(1, sizeof(struct listed_device));
  twin_shared_pipe();
  twin_peer_answers_late();
  d->handle = twin_server;
  d->info = (struct info *)calloc(1, sizeof(struct info));
  return d;
}
static void twin_listed_read_then_free_bug(void) {
  listed_read_then_free_bug(twin_listed_device());
}
static void twin_listed_read_then_free_fixed(void) {
  listed_read_then_free_fixed(twin_listed_device());
}
static void twin_device_open_fixed(void) {
  struct device *d = device_open_fixed(L"device.bin");
  if (d) {
    CloseHandle(d->handle);
    free(d->buf);
    free(d);
  }
}
static void twin_start_then_close_bug(void) {
  struct device *d = twin_device();
  start_then_close_bug(d);
  free(d->buf);
  free(d);
}
static void twin_start_then_close_fixed(void) {
  struct device *d = twin_device();
  start_then_close_fixed(d);
  free(d->buf);
  free(d);
}

static void twin_read_then_close_bug(void) {
  struct device *d = twin_device();
  read_then_close_bug(d);
  free(d->buf);
  free(d);
}

// The peer stays silent. At shutdown the program cancels the read it
// started and waits for it; after a close while it was pending, the cancel
// has no handle to name, and the wait never returns (the child still holds
// the pipe).
static void twin_read_or_close(BOOL (*fn)(HANDLE, OVERLAPPED *)) {
  OVERLAPPED ov = {0};
  DWORD n;
  twin_shared_pipe();
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (fn(twin_server, &ov)) {
    CancelIoEx(twin_server, &ov);
    GetOverlappedResult(twin_server, &ov, &n, TRUE);
  } else {
    WaitForSingleObject(ov.hEvent, INFINITE);
  }
}
static void twin_start_or_close_fixed(void) {
  twin_read_or_close(start_or_close_fixed);
}
static void twin_close_when_pending_bug(void) {
  twin_read_or_close(close_when_pending_bug);
}

// A socket whose send buffer is full: the write pends until the peer
// reads, ten seconds later, into the freed port.
static void twin_guarded_port(void (*close)(struct guarded_port *)) {
  struct guarded_port *p = (struct guarded_port *)calloc(1, sizeof *p);
  SOCKET s, peer;
  ShimSocketPair(&s, &peer);
  twin_child = ShimCreateChildInheriting(); // sockets are inheritable
  ShimSocketSendQuota(s, 0);
  ShimPeerReadsAt(peer, 10000);
  p->h = (HANDLE)s;
  guarded_port_write(p, "request", 7);
  close(p);
}
static void twin_guarded_port_close_bug(void) {
  twin_guarded_port(guarded_port_close_bug);
}
static void twin_guarded_port_close_fixed(void) {
  twin_guarded_port(guarded_port_close_fixed);
}

TWIN_MAIN(TWIN(guarded_port_close_bug), TWIN(guarded_port_close_fixed),
          TWIN(timed_helper_bug), TWIN(timed_helper_fixed),
          TWIN(start_or_close_fixed), TWIN(close_when_pending_bug),
          TWIN(read_then_close_bug), TWIN(local_read_bug),
          TWIN(local_read_fixed),
          TWIN(device_read_then_free_bug), TWIN(device_read_then_free_fixed),
          TWIN(listed_read_then_free_bug), TWIN(listed_read_then_free_fixed),
          TWIN(device_open_fixed), TWIN(start_then_close_bug),
          TWIN(start_then_close_fixed))
#endif
