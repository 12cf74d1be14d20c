// Summaries shared between functions: a helper that several functions call
// with equal-looking objects (their parameter `*p`, a local `ctx`) runs
// once; each caller then applies its summary, and hears the helper's
// events again at its own call, explained by its own path. The notes of
// one caller never show another's branches.
// RUN: %check_iodrain --config="{CheckOptions: {iodrain.FollowCalls: false}}" %s -- -x c %win32 | %filecheck %s
// RUN: %check_iodrain --config="{CheckOptions: {iodrain.FollowCalls: false}}" %s -- -x c++ %win32 | %filecheck %s
// RUN: %check_iodrain --config="{CheckOptions: {iodrain.FollowCalls: true}}" %s -- -x c %win32 | %filecheck %s --check-prefixes=CHECK,FOLLOW
// RUN: %if shim %{ %check_twins --config="{CheckOptions: {iodrain.FollowCalls: true}}" %s -- -x c %win32 %}
#include <windows.h>
#include <stdlib.h>

int verbose(void);
void trace(const char *what);

struct port {
  HANDLE hdl;
  OVERLAPPED ov;
  char buf[64];
};

// RUNTIME-TWIN: none, the issuer: the twins of the functions after it run it
BOOL port_start(struct port *p) {
  if (!ReadFile(p->hdl, p->buf, sizeof p->buf, NULL, &p->ov) &&
      GetLastError() != ERROR_IO_PENDING)
    return FALSE;
  return TRUE;
}

// RUNTIME-TWIN: none, a helper: its callers' twins run it
static void port_release(struct port *p) {
  CloseHandle(p->hdl);
}

// The first caller makes the summary; its path takes a branch.
void port_stop_bug(struct port *p) {
  // CHECK: shared-summaries.c:[[#CLOSE:@LINE-5]]:3: note: in call to 'port_release': 'CloseHandle' closes 'p->hdl' here
  // CHECK-NEXT: shared-summaries.c:[[#ISSUE:@LINE-14]]:8: note: 'ReadFile' in 'port_start' starts overlapped I/O on 'p->hdl' and may return with it pending
  // CHECK-NEXT: shared-summaries.c:[[@LINE-3]]:36: note: 'port_stop_bug' may be called with that I/O on 'p' still pending
  // CHECK-NEXT: shared-summaries.c:[[@LINE+1]]:7: note: 'verbose()' is false here
  if (verbose())
    trace("stopping");
  // CHECK-NEXT: shared-summaries.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'p->hdl' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  port_release(p);
}

// The second applies it: the same close, at its own call, with no branch
// of the first caller in its notes.
void port_abort_bug(struct port *p) {
  // CHECK: shared-summaries.c:[[#CLOSE]]:3: note: in call to 'port_release': 'CloseHandle' closes 'p->hdl' here
  // CHECK-NEXT: shared-summaries.c:[[#ISSUE]]:8: note: 'ReadFile' in 'port_start' starts overlapped I/O on 'p->hdl' and may return with it pending
  // CHECK-NEXT: shared-summaries.c:[[@LINE-3]]:37: note: 'port_abort_bug' may be called with that I/O on 'p' still pending
  // CHECK-NEXT: shared-summaries.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'p->hdl' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  port_release(p);
}

// Cancelled and drained first: the helper's close is right.
void port_stop_fixed(struct port *p) {
  DWORD n;
  CancelIoEx(p->hdl, &p->ov);
  GetOverlappedResult(p->hdl, &p->ov, &n, TRUE);
  port_release(p);
}

// A context on each caller's stack, started and stopped by helpers of the
// unit: with calls followed, the start leaves the read pending in the
// caller's `ctx`, and the stop closes its handle without waiting.
struct ctx {
  HANDLE h;
  OVERLAPPED ov;
  char buf[16];
};

// RUNTIME-TWIN: none, a helper: its callers' twins run it
static void ctx_start(struct ctx *c) {
  ReadFile(c->h, c->buf, sizeof c->buf, NULL, &c->ov);
}

// RUNTIME-TWIN: none, a helper: its callers' twins run it
static void ctx_stop(struct ctx *c) {
  CancelIo(c->h);
  CloseHandle(c->h);
}

void session_one_bug(HANDLE h) {
  struct ctx c = {0};
  c.h = h;
  ctx_start(&c);
  trace("one");
  // FOLLOW: shared-summaries.c:[[#CTXCLOSE:@LINE-8]]:3: note: in call to 'ctx_stop': 'CloseHandle' closes 'c->h' here
  // FOLLOW-NEXT: shared-summaries.c:[[#CTXISSUE:@LINE-15]]:3: note: in call to 'ctx_start': 'ReadFile' starts overlapped I/O on 'c->h' that may still be pending
  // FOLLOW-NEXT: shared-summaries.c:[[#CTXCANCEL:@LINE-11]]:3: note: in call to 'ctx_stop': 'CancelIo' requests cancellation here, but the cancelled I/O still completes later
  // FOLLOW-NEXT: shared-summaries.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'c->h' after 'CancelIo' without waiting for the cancelled I/O to complete; wait for its completion first (GetOverlappedResult(..., TRUE), or its packet from the completion port) [iodrain-cancel-without-drain]
  ctx_stop(&c);
}

// Applies both helpers' summaries, made for the first session.
void session_two_bug(HANDLE h) {
  struct ctx c = {0};
  c.h = h;
  ctx_start(&c);
  // FOLLOW: shared-summaries.c:[[#CTXCLOSE]]:3: note: in call to 'ctx_stop': 'CloseHandle' closes 'c->h' here
  // FOLLOW-NEXT: shared-summaries.c:[[#CTXISSUE]]:3: note: in call to 'ctx_start': 'ReadFile' starts overlapped I/O on 'c->h' that may still be pending
  // FOLLOW-NEXT: shared-summaries.c:[[#CTXCANCEL]]:3: note: in call to 'ctx_stop': 'CancelIo' requests cancellation here, but the cancelled I/O still completes later
  // FOLLOW-NEXT: shared-summaries.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'c->h' after 'CancelIo' without waiting for the cancelled I/O to complete; wait for its completion first (GetOverlappedResult(..., TRUE), or its packet from the completion port) [iodrain-cancel-without-drain]
  ctx_stop(&c);
}

// The same helpers, drained before the stop: silent.
void session_fixed(HANDLE h) {
  struct ctx c = {0};
  DWORD n;
  c.h = h;
  ctx_start(&c);
  CancelIoEx(c.h, &c.ov);
  GetOverlappedResult(c.h, &c.ov, &n, TRUE);
  ctx_stop(&c);
}

// A helper that moves its parameter on before it drains (`c = c->next`):
// the caller's own connection is not what it drains. The caller's storage
// has a name in the helper that the helper cannot form itself.
struct conn {
  HANDLE h;
  OVERLAPPED ov;
  char buf[64];
  struct conn *next;
};

// RUNTIME-TWIN: none, a helper: its callers' twins run it
static void drain_next(struct conn *c) {
  DWORD n;
  c = c->next;
  CancelIoEx(c->h, &c->ov);
  GetOverlappedResult(c->h, &c->ov, &n, TRUE);
}

// RUNTIME-TWIN: none, a helper: its callers' twins run it
static void drain_this(struct conn *c) {
  DWORD n;
  CancelIoEx(c->h, &c->ov);
  GetOverlappedResult(c->h, &c->ov, &n, TRUE);
}

void conn_close_bug(struct conn *first) {
  // CHECK: shared-summaries.c:[[@LINE+1]]:3: note: 'ReadFile' starts overlapped I/O on 'first->h' that may still be pending
  ReadFile(first->h, first->buf, sizeof first->buf, NULL, &first->ov);
  drain_next(first);
  // CHECK-NEXT: shared-summaries.c:[[@LINE+2]]:3: note: cancel the pending I/O and wait for it before closing the handle
  // CHECK-NEXT: shared-summaries.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'first->h' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(first->h);
}

void conn_close_fixed(struct conn *first) {
  ReadFile(first->h, first->buf, sizeof first->buf, NULL, &first->ov);
  drain_this(first);
  CloseHandle(first->h);
}

// A followed function that returns its own object: a read that completed
// at once may be read again; one that may still be pending may not.
struct client {
  OVERLAPPED ov;
  HANDLE pipe;
  char buf[64];
};

// RUNTIME-TWIN: none, a helper: its callers' twins run it
static struct client *start_client(HANDLE pipe) {
  struct client *c = (struct client *)calloc(1, sizeof *c);
  c->pipe = pipe;
  if (ReadFile(pipe, c->buf, sizeof c->buf, NULL, &c->ov))
    return c;
  return NULL;
}

void accept_two_fixed(HANDLE first, HANDLE second) {
  DWORD n;
  int i;
  for (i = 0; i < 2; ++i) {
    struct client *c = start_client(i ? second : first);
    if (!c)
      continue;
    ReadFile(c->pipe, c->buf, sizeof c->buf, NULL, &c->ov);
    GetOverlappedResult(c->pipe, &c->ov, &n, TRUE);
    free(c);
  }
}

// RUNTIME-TWIN: none, a helper: its callers' twins run it
static struct client *start_client_pending(HANDLE pipe) {
  struct client *c = (struct client *)calloc(1, sizeof *c);
  c->pipe = pipe;
  // FOLLOW: shared-summaries.c:[[@LINE+1]]:7: note: in call to 'start_client_pending': 'ReadFile' starts overlapped I/O on 'pipe' that may still be pending
  if (ReadFile(pipe, c->buf, sizeof c->buf, NULL, &c->ov) ||
      GetLastError() == ERROR_IO_PENDING)
    return c;
  free(c);
  return NULL;
}

void accept_pending_bug(HANDLE pipe) {
  DWORD n;
  struct client *c = start_client_pending(pipe);
  // FOLLOW-NEXT: shared-summaries.c:[[@LINE+1]]:7: note: '!c' is false here
  if (!c)
    return;
  // FOLLOW-NEXT: shared-summaries.c:[[@LINE+1]]:3: warning: 'ReadFile' reuses the OVERLAPPED 'c->ov' while the request that last used it may still be pending; wait for that request to complete first [iodrain-overlapped-lifetime]
  ReadFile(c->pipe, c->buf, sizeof c->buf, NULL, &c->ov);
  GetOverlappedResult(c->pipe, &c->ov, &n, TRUE);
  free(c);
}

// A flag a followed helper sets stays known when a test of it may jump
// over the drain that comes after the test. (A field of a record of plain
// numbers, stored and never read by a function, which no test deciding
// about I/O reads either, is forgotten there: a configuration a getter
// fills in. The flags here are such a record, a local of the caller.)
struct gadget {
  HANDLE h;
  OVERLAPPED ov;
  HANDLE changed;
  char buf[64];
};

struct gadget_flags {
  int pending;
  int verbose;
};

// RUNTIME-TWIN: none, a helper: its callers' twins run it
static void gadget_notify(HANDLE changed) { WaitForSingleObject(changed, 0); }

// RUNTIME-TWIN: none, a helper: its callers' twins run it
static void gadget_mark(struct gadget *g, struct gadget_flags *f,
                        int pending) {
  f->pending = pending;
  gadget_notify(g->changed);
}

// RUNTIME-TWIN: none, a helper: its callers' twins run it
static void gadget_read(struct gadget *g, struct gadget_flags *f) {
  // FOLLOW: shared-summaries.c:[[#GADGET:@LINE+1]]:8: note: in call to 'gadget_read': 'ReadFile' starts overlapped I/O on 'g->h' that may still be pending
  if (!ReadFile(g->h, g->buf, sizeof g->buf, NULL, &g->ov) &&
      GetLastError() == ERROR_IO_PENDING)
    gadget_mark(g, f, 1);
}

void gadget_session_fixed(HANDLE h) {
  DWORD n;
  struct gadget_flags flags = {0};
  struct gadget *g = (struct gadget *)calloc(1, sizeof *g);
  g->h = h;
  gadget_read(g, &flags);
  if (!flags.pending)
    goto out;
  CancelIoEx(g->h, &g->ov);
  GetOverlappedResult(g->h, &g->ov, &n, TRUE);
out:
  CloseHandle(g->h);
  free(g);
}

void gadget_session_bug(HANDLE h) {
  DWORD n;
  struct gadget_flags flags = {0};
  struct gadget *g = (struct gadget *)calloc(1, sizeof *g);
  g->h = h;
  gadget_read(g, &flags);
  if (flags.pending)
    goto out;
  CancelIoEx(g->h, &g->ov);
  GetOverlappedResult(g->h, &g->ov, &n, TRUE);
out:
  // FOLLOW-NEXT: shared-summaries.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'g->h' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(g->h);
  free(g);
}

#ifdef IODRAIN_RUNTIME
// Runtime twins: a pipe whose server end a child also holds, so a close
// does not cancel; the peer answers after ten seconds, so the read is
// pending when the closer runs. Cancellations complete a moment later.
#include "shim_twins.h"

int verbose(void) { return 1; }
void trace(const char *what) { (void)what; }

static struct port *twin_port(void) {
  struct port *p = (struct port *)calloc(1, sizeof *p);
  twin_shared_pipe();
  twin_peer_answers_late();
  p->hdl = twin_server;
  ShimDeferCancellation(twin_server);
  port_start(p);
  return p;
}
// The program frees the port once it is stopped; the late answer then
// lands in freed memory, unless the stop drained the read.
static void twin_stop_then_free(void (*stop)(struct port *)) {
  struct port *p = twin_port();
  stop(p);
  free(p);
  Sleep(20000);
}
static void twin_port_stop_bug(void) { twin_stop_then_free(port_stop_bug); }
static void twin_port_abort_bug(void) { twin_stop_then_free(port_abort_bug); }
static void twin_port_stop_fixed(void) {
  twin_stop_then_free(port_stop_fixed);
}
static void twin_session(void (*session)(HANDLE)) {
  twin_shared_pipe();
  twin_peer_answers_late();
  ShimDeferCancellation(twin_server);
  session(twin_server);
  Sleep(20000);
}
static void twin_session_one_bug(void) { twin_session(session_one_bug); }
static void twin_session_two_bug(void) { twin_session(session_two_bug); }
static void twin_session_fixed(void) { twin_session(session_fixed); }
static void twin_gadget_session_fixed(void) {
  twin_session(gadget_session_fixed);
}
static void twin_gadget_session_bug(void) { twin_session(gadget_session_bug); }

// Two connections on the pipe, each with a read pending when the first is
// closed; the program frees the first afterwards.
static void twin_conn(void (*close_first)(struct conn *)) {
  struct conn *first = (struct conn *)calloc(1, sizeof *first);
  struct conn *second = (struct conn *)calloc(1, sizeof *second);
  twin_shared_pipe();
  twin_peer_answers_late();
  ShimDeferCancellation(twin_server);
  first->h = second->h = twin_server;
  first->next = second;
  ReadFile(second->h, second->buf, sizeof second->buf, NULL, &second->ov);
  if (close_first == conn_close_fixed) {
    DWORD n;
    CancelIoEx(second->h, &second->ov);
    GetOverlappedResult(second->h, &second->ov, &n, TRUE);
  }
  close_first(first);
  free(first);
  Sleep(20000);
}
static void twin_conn_close_bug(void) { twin_conn(conn_close_bug); }
static void twin_conn_close_fixed(void) { twin_conn(conn_close_fixed); }
// The first pipe stays silent; the second has two messages waiting.
static void twin_accept_two_fixed(void) {
  HANDLE quiet = CreateNamedPipeW(L"\\\\.\\pipe\\quiet",
                                  PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
                                  PIPE_TYPE_BYTE, 1, 0, 0, INFINITE, NULL);
  CreateFileW(L"\\\\.\\pipe\\quiet", GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
              0, NULL);
  twin_shared_pipe();
  ShimPeerWriteAt(twin_client, "one", 3, 0);
  ShimPeerWriteAt(twin_client, "two", 3, 10);
  accept_two_fixed(quiet, twin_server);
}
// Nothing to read: both reads pend, and the first outlives the free.
static void twin_accept_pending_bug(void) {
  twin_shared_pipe();
  twin_peer_answers_late();
  ShimPeerWriteAt(twin_client, "second", 6, 20000);
  accept_pending_bug(twin_server);
  Sleep(30000);
}

TWIN_MAIN(TWIN(port_stop_bug), TWIN(port_abort_bug), TWIN(port_stop_fixed),
          TWIN(session_one_bug), TWIN(session_two_bug), TWIN(session_fixed),
          TWIN(conn_close_bug), TWIN(conn_close_fixed),
          TWIN(accept_two_fixed), TWIN(accept_pending_bug),
          TWIN(gadget_session_fixed), TWIN(gadget_session_bug))
#endif
