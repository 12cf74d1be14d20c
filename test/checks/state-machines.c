/* A resumable state machine in C: `conn_advance` switches on the field
 * `c->state`, and `conn_read_done` calls it only in the state that closes.
 * What the caller's test learns reaches the switch of the function it
 * calls.
 * RUN: %check_iodrain %s -- -x c %win32 | %filecheck %s
 * RUN: %if shim %{ %check_twins %s -- -x c %win32 %}
 */
#include <windows.h>
#include <stdlib.h>

enum { STARTING, CLOSING };

struct conn {
  HANDLE pipe;
  OVERLAPPED ov;
  BOOL reading;
  BOOL connected;
  int state;
  char buf[64];
};

// RUNTIME-TWIN: none, the issuer: the twins of conn_advance run it
static void conn_try_read(struct conn *c) {
  if (c->reading)
    return;
  if (ReadFile(c->pipe, c->buf, sizeof c->buf, NULL, &c->ov) ||
      GetLastError() == ERROR_IO_PENDING)
    c->reading = TRUE;
}

// RUNTIME-TWIN: none, a helper: the twins of conn_advance run it
static void conn_close(struct conn *c) {
  CancelIo(c->pipe);
  CloseHandle(c->pipe);
  c->pipe = INVALID_HANDLE_VALUE;
  c->state = CLOSING;
}

// RUNTIME-TWIN: none, a helper: conn_advance_fixed's twin runs it
static void conn_drain(struct conn *c) {
  DWORD n;
  if (c->reading) {
    CancelIo(c->pipe);
    GetOverlappedResult(c->pipe, &c->ov, &n, TRUE);
    c->reading = FALSE;
  }
}

void conn_advance(struct conn *c) {
  switch (c->state) {
  case STARTING:
    conn_try_read(c);
    if (!c->connected) {
      // CHECK: state-machines.c:[[@LINE-20]]:3: note: in call to 'conn_close': 'CloseHandle' closes 'c->pipe' here
      // CHECK-NEXT: state-machines.c:[[@LINE-29]]:7: note: in call to 'conn_try_read': 'ReadFile' starts overlapped I/O on 'c->pipe' that may still be pending
      // CHECK-NEXT: state-machines.c:[[@LINE-3]]:9: note: '!c->connected' is true here
      // CHECK-NEXT: state-machines.c:[[@LINE-24]]:3: note: in call to 'conn_close': 'CancelIo' requests cancellation here, but the cancelled I/O still completes later
      // CHECK-NEXT: state-machines.c:[[@LINE+1]]:7: warning: 'CloseHandle' closes 'c->pipe' after 'CancelIo' without waiting for the cancelled I/O to complete; wait for its completion first (GetOverlappedResult(..., TRUE), or its packet from the completion port) [iodrain-cancel-without-drain]
      conn_close(c);
      return;
    }
    c->state = CLOSING;
    return;
  case CLOSING:
    conn_close(c);
    return;
  }
}

void conn_advance_fixed(struct conn *c) {
  switch (c->state) {
  case STARTING:
    conn_try_read(c);
    if (!c->connected) {
      conn_drain(c);
      conn_close(c);
      return;
    }
    c->state = CLOSING;
    return;
  case CLOSING:
    conn_drain(c);
    conn_close(c);
    return;
  }
}

/* Called once the read completed. */
void conn_read_done(struct conn *c) {
  c->reading = FALSE;
  if (c->state == CLOSING)
    conn_advance(c);
  else
    conn_try_read(c);
}

/* The same handler written as a switch: its case tells the callee too. */
void conn_read_done_switch(struct conn *c) {
  c->reading = FALSE;
  switch (c->state) {
  case CLOSING:
    conn_advance(c);
    break;
  default:
    conn_try_read(c);
  }
}
// CHECK-NOT: warning:

#ifdef IODRAIN_RUNTIME
/* Runtime twins: a pipe whose server end a child also holds; the peer
 * answers after ten seconds, and the pipe's cancellations complete a moment
 * after CancelIo returns. */
#include "shim_twins.h"

static struct conn *twin_conn(BOOL connected) {
  struct conn *c = calloc(1, sizeof *c);
  twin_shared_pipe();
  twin_peer_answers_late();
  ShimDeferCancellation(twin_server);
  c->pipe = twin_server;
  c->connected = connected;
  return c;
}
static void twin_advance(void (*advance)(struct conn *)) {
  struct conn *c = twin_conn(FALSE);
  advance(c);
  free(c);
  Sleep(20000);
}
static void twin_conn_advance(void) { twin_advance(conn_advance); }
static void twin_conn_advance_fixed(void) { twin_advance(conn_advance_fixed); }
/* The read completes (its answer comes) before the handler runs. */
static void twin_conn_read_done(void) {
  struct conn *c = twin_conn(TRUE);
  conn_advance(c);
  Sleep(20000);
  conn_read_done(c);
  free(c);
}
static void twin_conn_read_done_switch(void) {
  struct conn *c = twin_conn(TRUE);
  conn_advance(c);
  Sleep(20000);
  conn_read_done_switch(c);
  free(c);
}

TWIN_MAIN(TWIN(conn_advance), TWIN(conn_advance_fixed), TWIN(conn_read_done),
          TWIN(conn_read_done_switch))
#endif
