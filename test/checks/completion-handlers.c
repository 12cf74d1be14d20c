// A function handed over in one call with the storage that holds a
// request's OVERLAPPED (an event loop's `slot_wait(&c->rd, read_done)`) is
// that request's completion handler: the loop calls it once the request
// has completed, so it does not start with the request pending. Other
// entry points still do.
// RUN: %check_iodrain %s -- -x c %win32 | %filecheck %s
// RUN: %if shim %{ %check_twins %s -- -x c %win32 %}
#include <windows.h>

struct io_slot {
  OVERLAPPED ov;
  void (*done)(struct io_slot *);
};

struct conn {
  HANDLE h;
  struct io_slot rd;
  char buf[64];
  int failed;
};

// The loop, in another unit, calls `done` when the slot's request ends.
void slot_wait(struct io_slot *slot, void (*done)(struct io_slot *));

static void read_done(struct io_slot *slot) {
  struct conn *c = CONTAINING_RECORD(slot, struct conn, rd);
  CloseHandle(c->h);
}

// RUNTIME-TWIN: none, the issuer: the twins below run it
void conn_read(struct conn *c) {
  slot_wait(&c->rd, read_done);
  // CHECK: completion-handlers.c:[[@LINE+1]]:8: note: 'ReadFile' in 'conn_read' starts overlapped I/O on 'c->h' and may return with it pending
  if (!ReadFile(c->h, c->buf, sizeof c->buf, NULL, &c->rd.ov) &&
      GetLastError() != ERROR_IO_PENDING)
    c->failed = 1;
}

// CHECK-NEXT: completion-handlers.c:[[@LINE+2]]:37: note: 'conn_close_bug' may be called with that I/O on 'c' still pending
// CHECK-NEXT: completion-handlers.c:[[@LINE+1]]:39: warning: 'CloseHandle' closes 'c->h' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
void conn_close_bug(struct conn *c) { CloseHandle(c->h); }

#ifdef IODRAIN_RUNTIME
// Runtime twins: a pipe whose server end a child also holds. The loop is
// the twin: it waits for the read, which the peer answers after ten
// seconds, and then calls the handler. For the close, the peer stays
// idle: the read outlives the close and the wait for it never returns.
#include "shim_twins.h"

void slot_wait(struct io_slot *slot, void (*done)(struct io_slot *)) {
  slot->done = done;
}

static struct conn twin_conn;

static void twin_start(int peer_answers) {
  twin_shared_pipe();
  if (peer_answers)
    twin_peer_answers_late();
  twin_conn.h = twin_server;
  twin_conn.rd.ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  conn_read(&twin_conn);
}
static void twin_read_done_fixed(void) {
  DWORD n;
  twin_start(1);
  GetOverlappedResult(twin_conn.h, &twin_conn.rd.ov, &n, TRUE);
  twin_conn.rd.done(&twin_conn.rd);
}
static void twin_conn_close_bug(void) {
  twin_start(0);
  conn_close_bug(&twin_conn);
  WaitForSingleObject(twin_conn.rd.ov.hEvent, INFINITE);
}

TWIN_MAIN({"read_done", twin_read_done_fixed}, TWIN(conn_close_bug))
#endif
