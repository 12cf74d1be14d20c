// Object protocols: one function starts a read on a device object and
// returns with it pending (setting a flag that says so); the functions that
// receive the object later (close, release) start with that read possibly
// pending, and must cancel and wait for it before they close or free.
// A helper that the unit itself calls is not an entry point: called on a
// fresh object from the open function's error path, it stays silent.
// RUN: %check_iodrain %s -- -x c %win32 | %filecheck %s
// RUN: %check_iodrain %s -- -x c++ %win32 | %filecheck %s
// RUN: %check_iodrain --config="{CheckOptions: {iodrain.FollowCalls: true}}" %s -- -x c %win32 | %filecheck %s
// RUN: %check_iodrain --config="{CheckOptions: {iodrain.ObjectProtocols: false}}" %s -- -x c %win32 | %filecheck %s --check-prefix=OFF --allow-empty
// RUN: %if shim %{ %check_twins --config="{CheckOptions: {iodrain.FollowCalls: true}}" %s -- -x c %win32 %}
// OFF-NOT: warning:
#include <windows.h>
#include <string.h>
#include <stdlib.h>

struct device {
  HANDLE handle;
  OVERLAPPED ov;
  char *buf;
  BOOL read_pending;
};

// The issuer: it returns with the read pending and says so in the flag.
// RUNTIME-TWIN: none, the issuer: the twins of the functions after it run it
BOOL device_start_read(struct device *d) {
  // CHECK: protocols.c:[[#ISSUE:@LINE+1]]:8: note: 'ReadFile' in 'device_start_read' starts overlapped I/O on 'd->handle' and may return with it pending
  if (!ReadFile(d->handle, d->buf, 64, NULL, &d->ov)) {
    if (GetLastError() != ERROR_IO_PENDING)
      return FALSE;
    d->read_pending = TRUE;
  }
  return TRUE;
}

// Cancelled, never waited for: the cancelled read still completes later.
// CHECK-NEXT: protocols.c:[[@LINE+1]]:41: note: 'device_close_bug' may be called with that I/O on 'd' still pending
void device_close_bug(struct device *d) {
  // CHECK-NEXT: protocols.c:[[@LINE+1]]:3: note: 'CancelIo' requests cancellation here, but the cancelled I/O still completes later
  CancelIo(d->handle);
  // CHECK-NEXT: protocols.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'd->handle' after 'CancelIo' without waiting for the cancelled I/O to complete; wait for its completion first (GetOverlappedResult(..., TRUE), or its packet from the completion port) [iodrain-cancel-without-drain]
  CloseHandle(d->handle);
  free(d->buf);
  free(d);
}

// No cancel at all, the flag ignored.
void device_release_bug(struct device *d) {
  // CHECK: protocols.c:[[#ISSUE]]:8: note: 'ReadFile' in 'device_start_read' starts overlapped I/O on 'd->handle' and may return with it pending
  // CHECK-NEXT: protocols.c:[[@LINE-2]]:43: note: 'device_release_bug' may be called with that I/O on 'd' still pending
  // CHECK-NEXT: protocols.c:[[@LINE+1]]:3: warning: 'free' frees 'd' while overlapped I/O that uses it may still be pending; cancel the I/O and wait for it to complete first [iodrain-overlapped-lifetime]
  free(d);
}

// Called on live devices and on the error path of a fresh one.
// RUNTIME-TWIN: none, a helper: its callers' twins run it
static void device_free(struct device *d) {
  CloseHandle(d->handle);
  free(d->buf);
  free(d);
}

// Through the helper, which runs like a followed call in every mode (it is
// small, and the pending read reaches it): the helper's own close.
void device_close_through_helper_bug(struct device *d) {
  // CHECK: protocols.c:[[@LINE-8]]:3: note: in call to 'device_free': 'CloseHandle' closes 'd->handle' here
  // CHECK-NEXT: protocols.c:[[#ISSUE]]:8: note: 'ReadFile' in 'device_start_read' starts overlapped I/O on 'd->handle' and may return with it pending
  // CHECK-NEXT: protocols.c:[[@LINE-3]]:56: note: 'device_close_through_helper_bug' may be called with that I/O on 'd' still pending
  // CHECK-NEXT: protocols.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'd->handle' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  device_free(d);
}

// The flag says whether a read is pending: cancel, wait, then free.
void device_close_fixed(struct device *d) {
  DWORD n;
  if (d->read_pending) {
    CancelIoEx(d->handle, &d->ov);
    GetOverlappedResult(d->handle, &d->ov, &n, TRUE);
    d->read_pending = FALSE;
  }
  device_free(d);
}

// The helper on a fresh device, before any I/O: nothing to report.
struct device *device_open_fixed(const wchar_t *path) {
  struct device *d = (struct device *)calloc(1, sizeof *d);
  if (!d)
    return NULL;
  d->handle = CreateFileW(path, GENERIC_READ, 0, NULL, OPEN_EXISTING,
                          FILE_FLAG_OVERLAPPED, NULL);
  d->buf = (char *)malloc(64);
  if (!d->buf) {
    device_free(d);
    return NULL;
  }
  return d;
}

// An open function stores a new handle: the object starts a new life, and
// what it frees belongs to that life (a pending read on the old handle
// would have been its caller's bug).
int device_reopen_fixed(struct device *d, const wchar_t *path) {
  d->handle = CreateFileW(path, GENERIC_READ, 0, NULL, OPEN_EXISTING,
                          FILE_FLAG_OVERLAPPED, NULL);
  if (d->handle == INVALID_HANDLE_VALUE) {
    free(d->buf);
    d->buf = NULL;
    return -1;
  }
  return 0;
}

// A watch started and cancelled through helpers; `active` says whether a
// read is queued. With calls followed, the flag the helper stored comes
// back to the loop (a field some condition tests), and `w` cannot be null
// once a read lives in `*w`: the loop's cancel is not skipped on a path
// where the read is queued, and the state's destructor is not called with
// it pending. A call iodrain cannot see in between, which gets another
// object, keeps the flag. The helper that starts the read is not an issuer
// of its own when calls are followed: what it leaves pending goes back to
// the loop, which cancels it.
struct watch {
  HANDLE h;
  OVERLAPPED ov;
  char buf[64];
  BOOL active;
};
struct server;
struct watcher {
  struct watch *w;
  HANDLE stop;
  struct server *server;
};
void server_start(struct server *server);

// RUNTIME-TWIN: none, a helper: watch_loop's twin runs it
static void watch_start(struct watch *w) {
  w->active = ReadFile(w->h, w->buf, sizeof w->buf, NULL, &w->ov) ||
              GetLastError() == ERROR_IO_PENDING;
}

// RUNTIME-TWIN: none, a helper: watch_loop's twin runs it
static void watch_cancel(struct watch *w) {
  DWORD n;
  if (!w || !w->active)
    return;
  CancelIoEx(w->h, &w->ov);
  GetOverlappedResult(w->h, &w->ov, &n, TRUE);
  w->active = FALSE;
}

void watch_loop(struct watcher *s) {
  watch_start(s->w);
  server_start(s->server);
  WaitForSingleObject(s->stop, INFINITE);
  watch_cancel(s->w);
}

void watcher_destroy_fixed(struct watcher *s) {
  CloseHandle(s->w->h);
  free(s->w);
}

// The same protocol on globals: a function that names them starts with
// the read possibly pending.
static HANDLE g_pipe;
static OVERLAPPED g_ov;
static char g_buf[64];
static BOOL g_pending;

// RUNTIME-TWIN: none, the issuer: the twins of the functions after it run it
BOOL pipe_start_read(void) {
  // CHECK: protocols.c:[[@LINE+1]]:8: note: 'ReadFile' in 'pipe_start_read' starts overlapped I/O on 'g_pipe' and may return with it pending
  if (!ReadFile(g_pipe, g_buf, sizeof g_buf, NULL, &g_ov)) {
    if (GetLastError() != ERROR_IO_PENDING)
      return FALSE;
    g_pending = TRUE;
  }
  return TRUE;
}

// CHECK-NEXT: protocols.c:[[@LINE+1]]:26: note: 'pipe_stop_bug' may be called with that I/O on 'g_pipe' still pending
void pipe_stop_bug(void) {
  // CHECK-NEXT: protocols.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'g_pipe' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(g_pipe);
}

void pipe_stop_fixed(void) {
  DWORD n;
  if (g_pending) {
    CancelIoEx(g_pipe, &g_ov);
    GetOverlappedResult(g_pipe, &g_ov, &n, TRUE);
    g_pending = FALSE;
  }
  CloseHandle(g_pipe);
}

// The same kept in an integer (Kermit's `ttyfd`): an open that stores a
// new handle there starts the line anew, and closes only that one (the old
// handle was its caller's to close).
static INT_PTR g_line = -1;
static OVERLAPPED g_line_ov;
static char g_line_buf[64];

// RUNTIME-TWIN: none, the issuer: the line twins run it
BOOL line_start_read(void) {
  // CHECK: protocols.c:[[@LINE+1]]:10: note: 'ReadFile' in 'line_start_read' starts overlapped I/O on '(HANDLE)g_line' and may return with it pending
  return ReadFile((HANDLE)g_line, g_line_buf, sizeof g_line_buf, NULL,
                  &g_line_ov) ||
         GetLastError() == ERROR_IO_PENDING;
}

// CHECK-NEXT: protocols.c:[[@LINE+1]]:27: note: 'line_close_bug' may be called with that I/O on 'g_line' still pending
void line_close_bug(void) {
  // CHECK-NEXT: protocols.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes '(HANDLE)g_line' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle((HANDLE)g_line);
  g_line = -1;
}

void line_probe_fixed(const wchar_t *name) {
  if ((HANDLE)(g_line = (INT_PTR)CreateFileW(name, GENERIC_READ, 0, NULL,
                                             OPEN_EXISTING,
                                             FILE_FLAG_OVERLAPPED, NULL)) ==
      INVALID_HANDLE_VALUE)
    return;
  CloseHandle((HANDLE)g_line);
  g_line = -1;
}

// The variable that holds the line's handle holds a valid one while the
// read is pending on it, and a log call in between does not change that:
// the -1 ("never opened") branch is not taken with the read pending.
void log_line(const char *what);

void line_close_logged_fixed(void) {
  DWORD n;
  log_line("closing");
  if (g_line == -1)
    goto out;
  CancelIoEx((HANDLE)g_line, &g_line_ov);
  GetOverlappedResult((HANDLE)g_line, &g_line_ov, &n, TRUE);
out:
  CloseHandle((HANDLE)g_line);
  g_line = -1;
}

// Two requests on one object, each with its own flag. A test of one flag
// says nothing about the other request (`wr_pending` is stored only where
// `wr` is used), so the read stays pending past the write's test.
struct duplex {
  HANDLE h;
  OVERLAPPED rd, wr;
  char in[64], out[64];
  BOOL rd_pending, wr_pending;
};

// RUNTIME-TWIN: none, an issuer: the twins of the functions after it run it
BOOL duplex_start_read(struct duplex *p) {
  // CHECK: protocols.c:[[@LINE+1]]:8: note: 'ReadFile' in 'duplex_start_read' starts overlapped I/O on 'p->h' and may return with it pending
  if (!ReadFile(p->h, p->in, sizeof p->in, NULL, &p->rd)) {
    if (GetLastError() != ERROR_IO_PENDING)
      return FALSE;
    p->rd_pending = TRUE;
  }
  return TRUE;
}

// RUNTIME-TWIN: none, an issuer: the twins of the functions after it run it
BOOL duplex_start_write(struct duplex *p) {
  if (!WriteFile(p->h, p->out, sizeof p->out, NULL, &p->wr)) {
    if (GetLastError() != ERROR_IO_PENDING)
      return FALSE;
    p->wr_pending = TRUE;
  }
  return TRUE;
}

// Each cancel behind its own flag, and no wait.
// CHECK-NEXT: protocols.c:[[@LINE+1]]:41: note: 'duplex_close_bug' may be called with that I/O on 'p' still pending
void duplex_close_bug(struct duplex *p) {
  if (p->rd_pending)
    // CHECK-NEXT: protocols.c:[[@LINE+1]]:5: note: 'CancelIoEx' requests cancellation here, but the cancelled I/O still completes later
    CancelIoEx(p->h, &p->rd);
  // CHECK-NEXT: protocols.c:[[@LINE+1]]:7: note: 'p->wr_pending' is false here
  if (p->wr_pending)
    CancelIoEx(p->h, &p->wr);
  // CHECK-NEXT: protocols.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'p->h' after 'CancelIoEx' without waiting for the cancelled I/O to complete; wait for its completion first (GetOverlappedResult(..., TRUE), or its packet from the completion port) [iodrain-cancel-without-drain]
  CloseHandle(p->h);
}

void duplex_close_fixed(struct duplex *p) {
  DWORD n;
  if (p->rd_pending) {
    CancelIoEx(p->h, &p->rd);
    GetOverlappedResult(p->h, &p->rd, &n, TRUE);
  }
  if (p->wr_pending) {
    CancelIoEx(p->h, &p->wr);
    GetOverlappedResult(p->h, &p->wr, &n, TRUE);
  }
  CloseHandle(p->h);
}

// The issuer records its pending read with InterlockedExchange (taking the
// flag's address is a store too): the closer drains exactly when the flag
// says so.
struct chan {
  HANDLE h;
  OVERLAPPED rd, wr;
  char in[64];
  LONG volatile rd_pending;
};

// RUNTIME-TWIN: none, the issuer: chan_close_fixed's twin runs it
BOOL chan_start_read(struct chan *c) {
  if (!ReadFile(c->h, c->in, sizeof c->in, NULL, &c->rd)) {
    if (GetLastError() != ERROR_IO_PENDING)
      return FALSE;
    InterlockedExchange(&c->rd_pending, TRUE);
  }
  return TRUE;
}

void chan_close_fixed(struct chan *c) {
  DWORD n;
  if (c->rd_pending) {
    CancelIoEx(c->h, &c->rd);
    GetOverlappedResult(c->h, &c->rd, &n, TRUE);
  }
  CloseHandle(c->h);
}

// Flags kept as bits of one member. The reader raises READ_PENDING; a
// closer that tests that bit is decided by it. A bit the reader's path
// leaves unknown (CONNECTION) says nothing iodrain can tell about the
// read: a branch on it drops the read, as on any undetermined member.
#define STREAM_CONNECTION 0x1u
#define STREAM_READ_PENDING 0x2u

struct stream {
  HANDLE h;
  OVERLAPPED ov;
  unsigned flags;
  char buf[64];
};

// RUNTIME-TWIN: none, the issuer: the twins of the functions after it run it
void stream_read(struct stream *s) {
  if (!(s->flags & STREAM_CONNECTION))
    return;
  // CHECK: protocols.c:[[#STREAM:@LINE+1]]:8: note: 'ReadFile' in 'stream_read' starts overlapped I/O on 's->h' and may return with it pending
  if (!ReadFile(s->h, s->buf, sizeof s->buf, NULL, &s->ov) &&
      GetLastError() == ERROR_IO_PENDING)
    s->flags |= STREAM_READ_PENDING;
}

void stream_close_fixed(struct stream *s) {
  DWORD n;
  if (s->flags & STREAM_READ_PENDING) {
    CancelIoEx(s->h, &s->ov);
    GetOverlappedResult(s->h, &s->ov, &n, TRUE);
    s->flags &= ~STREAM_READ_PENDING;
  }
  CloseHandle(s->h);
  free(s);
}

void stream_close_kind_fixed(struct stream *s) {
  DWORD n;
  if (s->flags & STREAM_CONNECTION) {
    CancelIoEx(s->h, &s->ov);
    GetOverlappedResult(s->h, &s->ov, &n, TRUE);
  }
  CloseHandle(s->h);
  free(s);
}

// Setting a stream up anew clears its OVERLAPPED: whatever was pending on
// it, the caller's protocol saw finish (as a new issue on it would say).
BOOL stream_setup_fixed(struct stream *s) {
  memset(&s->ov, 0, sizeof s->ov);
  s->ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (!s->ov.hEvent) {
    free(s);
    return FALSE;
  }
  return TRUE;
}

// A stream whose handle is NULL was never opened: no read can be pending
// on it, since the read's issue left the handle neither NULL nor invalid.
void stream_close_unopened_fixed(struct stream *s) {
  DWORD n;
  if (s->h == NULL) {
    free(s);
    return;
  }
  CancelIoEx(s->h, &s->ov);
  GetOverlappedResult(s->h, &s->ov, &n, TRUE);
  CloseHandle(s->h);
  free(s);
}

void stream_close_bug(struct stream *s) {
  // CHECK-NEXT: protocols.c:[[@LINE-1]]:41: note: 'stream_close_bug' may be called with that I/O on 's' still pending
  // CHECK-NEXT: protocols.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 's->h' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(s->h);
  free(s);
}

#ifdef IODRAIN_RUNTIME
// Runtime twins: a pipe whose server end a child also holds; the peer
// answers after ten seconds, so the read is pending when the next entry
// point runs.
#include "shim_twins.h"

void server_start(struct server *server) {}

static struct device *twin_device(void) {
  struct device *d = (struct device *)calloc(1, sizeof *d);
  twin_shared_pipe();
  twin_peer_answers_late();
  d->handle = twin_server;
  d->buf = (char *)malloc(64);
  // The cancel completes a moment later, not inside CancelIo.
  ShimDeferCancellation(twin_server);
  device_start_read(d);
  return d;
}
static void twin_device_close_bug(void) { device_close_bug(twin_device()); }
static struct stream *twin_stream(void) {
  struct stream *s = (struct stream *)calloc(1, sizeof *s);
  twin_shared_pipe();
  twin_peer_answers_late();
  ShimDeferCancellation(twin_server);
  s->h = twin_server;
  s->flags = STREAM_CONNECTION;
  stream_read(s);
  return s;
}
static void twin_stream_close_fixed(void) { stream_close_fixed(twin_stream()); }
static void twin_stream_close_kind_fixed(void) {
  stream_close_kind_fixed(twin_stream());
}
static void twin_stream_setup_fixed(void) {
  struct stream *s = (struct stream *)calloc(1, sizeof *s);
  stream_setup_fixed(s);
  free(s);
}
static void twin_stream_close_unopened_fixed(void) {
  stream_close_unopened_fixed(twin_stream());
  Sleep(20000);
}
static void twin_stream_close_bug(void) {
  stream_close_bug(twin_stream());
  Sleep(20000);
}
static void twin_device_release_bug(void) {
  struct device *d = twin_device();
  char *buf = d->buf;
  device_release_bug(d);
  CloseHandle(twin_server);
  free(buf);
}
static void twin_device_close_through_helper_bug(void) {
  device_close_through_helper_bug(twin_device());
}
static void twin_device_close_fixed(void) { device_close_fixed(twin_device()); }
static void twin_device_open_fixed(void) {
  struct device *d = device_open_fixed(L"device.bin");
  if (d) {
    CloseHandle(d->handle);
    free(d->buf);
    free(d);
  }
}
// Both twins end alike: the program waits for the read's event, which
// only a completed read sets. The peer never answers.
static void twin_device_reopen_fixed(void) {
  struct device *d = (struct device *)calloc(1, sizeof *d);
  d->buf = (char *)malloc(64);
  if (device_reopen_fixed(d, L"missing.bin") == 0) {
    CloseHandle(d->handle);
    free(d->buf);
  }
  free(d);
}
static void twin_watch(BOOL destroy) {
  struct watcher s;
  twin_shared_pipe();
  s.w = (struct watch *)calloc(1, sizeof *s.w);
  s.w->h = twin_server;
  s.stop = CreateEventW(NULL, TRUE, TRUE, NULL); // already asked to stop
  s.server = NULL;
  watch_loop(&s);
  if (destroy)
    watcher_destroy_fixed(&s);
}
static void twin_watch_loop(void) { twin_watch(FALSE); }
static void twin_watcher_destroy_fixed(void) { twin_watch(TRUE); }
static void twin_pipe(void (*stop)(void)) {
  twin_shared_pipe();
  g_pipe = twin_server;
  g_ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  pipe_start_read();
  stop();
  WaitForSingleObject(g_ov.hEvent, INFINITE);
}
static void twin_pipe_stop_bug(void) { twin_pipe(pipe_stop_bug); }
static void twin_line_close_bug(void) {
  twin_shared_pipe();
  g_line = (INT_PTR)twin_server;
  g_line_ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  line_start_read();
  line_close_bug();
  WaitForSingleObject(g_line_ov.hEvent, INFINITE);
}
// The probe opens and closes a file of its own; the pipe's read is then
// cancelled and waited for by its owner.
static void twin_line_probe_fixed(void) {
  DWORD n;
  twin_shared_pipe();
  g_line = (INT_PTR)twin_server;
  g_line_ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  line_start_read();
  line_probe_fixed(L"probe.txt");
  CancelIoEx(twin_server, &g_line_ov);
  GetOverlappedResult(twin_server, &g_line_ov, &n, TRUE);
}
static void twin_pipe_stop_fixed(void) { twin_pipe(pipe_stop_fixed); }
void log_line(const char *what) { (void)what; }
static void twin_line_close_logged_fixed(void) {
  twin_shared_pipe();
  g_line = (INT_PTR)twin_server;
  g_line_ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  line_start_read();
  line_close_logged_fixed();
}

static struct duplex *twin_duplex(void) {
  struct duplex *p = (struct duplex *)calloc(1, sizeof *p);
  twin_shared_pipe();
  twin_peer_answers_late();
  p->h = twin_server;
  ShimDeferCancellation(twin_server);
  duplex_start_read(p);
  return p;
}
// The program frees the object once it is closed; the cancelled read
// completes a moment later, into freed memory unless it was drained.
static void twin_duplex_close(void (*close)(struct duplex *)) {
  struct duplex *p = twin_duplex();
  close(p);
  free(p);
  Sleep(20000);
}
static void twin_duplex_close_bug(void) { twin_duplex_close(duplex_close_bug); }
static void twin_duplex_close_fixed(void) {
  twin_duplex_close(duplex_close_fixed);
}

static void twin_chan_close_fixed(void) {
  struct chan *c = (struct chan *)calloc(1, sizeof *c);
  twin_shared_pipe();
  twin_peer_answers_late();
  c->h = twin_server;
  ShimDeferCancellation(twin_server);
  chan_start_read(c);
  chan_close_fixed(c);
  free(c);
  Sleep(20000);
}

TWIN_MAIN(TWIN(duplex_close_bug), TWIN(duplex_close_fixed),
          TWIN(chan_close_fixed),
          TWIN(device_close_bug), TWIN(device_release_bug),
          TWIN(device_close_through_helper_bug), TWIN(device_close_fixed),
          TWIN(device_open_fixed), TWIN(device_reopen_fixed),
          TWIN(watch_loop), TWIN(watcher_destroy_fixed),
          TWIN(pipe_stop_bug), TWIN(pipe_stop_fixed),
          TWIN(line_close_bug), TWIN(line_probe_fixed),
          TWIN(line_close_logged_fixed),
          TWIN(stream_close_fixed), TWIN(stream_close_kind_fixed),
          TWIN(stream_close_unopened_fixed), TWIN(stream_close_bug),
          TWIN(stream_setup_fixed))
#endif
