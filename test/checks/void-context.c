// Callbacks get their object as a `void *` context and cast it. The cast
// says which record the context is, so a closer that receives its object
// that way starts with what the record's protocol may have left pending,
// as one that receives a typed pointer does.
// RUN: %check_iodrain %s -- -x c %win32 | %filecheck %s
// RUN: %check_iodrain %s -- -x c++ %win32 | %filecheck %s
// RUN: %check_iodrain --config="{CheckOptions: {iodrain.FollowCalls: true}}" %s -- -x c %win32 | %filecheck %s
// RUN: %if shim %{ %check_twins %s -- -x c %win32 %}
#include <windows.h>
#include <stdlib.h>

struct pipe {
  HANDLE h;
  OVERLAPPED ov;
  char buf[64];
  BOOL reading;
};

struct timer {
  HANDLE h;
  int ticks;
};

typedef BOOL (*wait_callback)(void *user);
// Calls `cb(user)` whenever `event` is signalled (another unit).
void add_wait(HANDLE event, wait_callback cb, void *user);

// Called when the read's event fires; issues the next read.
// RUNTIME-TWIN: none, the issuer: the closers' twins run it
BOOL pipe_on_readable(void *user) {
  struct pipe *p = (struct pipe *)user;
  p->reading = FALSE;
  // CHECK: void-context.c:[[#ISSUE:@LINE+1]]:7: note: 'ReadFile' in 'pipe_on_readable' starts overlapped I/O on 'p->h' and may return with it pending
  if (ReadFile(p->h, p->buf, sizeof p->buf, NULL, &p->ov) ||
      GetLastError() == ERROR_IO_PENDING)
    p->reading = TRUE;
  return p->reading;
}

// RUNTIME-TWIN: none, registers a callback: the closers' twins call it
void pipe_start(struct pipe *p) { add_wait(p->ov.hEvent, pipe_on_readable, p); }

// CHECK-NEXT: void-context.c:[[@LINE+1]]:34: note: 'pipe_on_exit_bug' may be called with that I/O on 'ctx' still pending
void pipe_on_exit_bug(void *ctx) {
  struct pipe *p = (struct pipe *)ctx;
  // CHECK-NEXT: void-context.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'p->h' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(p->h);
  free(p);
}

// CHECK: void-context.c:[[#ISSUE]]:7: note: 'ReadFile' in 'pipe_on_readable' starts overlapped I/O on 'p->h' and may return with it pending
// CHECK-NEXT: void-context.c:[[@LINE+1]]:37: note: 'pipe_on_release_bug' may be called with that I/O on 'ctx' still pending
void pipe_on_release_bug(void *ctx) {
  // CHECK-NEXT: void-context.c:[[@LINE+1]]:3: warning: 'free' frees '(struct pipe *)ctx' while overlapped I/O that uses it may still be pending; cancel the I/O and wait for it to complete first [iodrain-overlapped-lifetime]
  free((struct pipe *)ctx);
}

void pipe_on_exit_fixed(void *ctx) {
  struct pipe *p = (struct pipe *)ctx;
  DWORD n;
  if (p->reading) {
    CancelIoEx(p->h, &p->ov);
    GetOverlappedResult(p->h, &p->ov, &n, TRUE);
  }
  CloseHandle(p->h);
  free(p);
}

// A context of another record, which no function leaves I/O pending in.
void timer_on_exit_fixed(void *ctx) {
  struct timer *t = (struct timer *)ctx;
  CloseHandle(t->h);
  free(t);
}

// A thread that issues and waits for its own reads: it starts knowing its
// own protocol, so nothing is pending when it begins.
DWORD WINAPI pipe_thread_fixed(LPVOID arg) {
  struct pipe *p = (struct pipe *)arg;
  DWORD n;
  while (pipe_on_readable(p))
    if (!GetOverlappedResult(p->h, &p->ov, &n, TRUE))
      break;
  CloseHandle(p->h);
  return 0;
}

// A thread-pool I/O callback gets the OVERLAPPED as a `void *`, and the
// request's record begins with it: the callback runs because the request
// completed.
struct io {
  OVERLAPPED ov;
  struct pipe *p;
};

// RUNTIME-TWIN: none, the issuer: io_done_fixed's callers run it
void io_read(struct io *io) {
  ReadFile(io->p->h, io->p->buf, sizeof io->p->buf, NULL, &io->ov);
}

// RUNTIME-TWIN: none, a thread-pool callback (the shim's thread pool is covered by test/shim)
VOID CALLBACK io_done_fixed(PTP_CALLBACK_INSTANCE instance, PVOID context,
                            PVOID overlapped, ULONG result, ULONG_PTR n,
                            PTP_IO tp) {
  struct io *io = (struct io *)overlapped;
  free(io);
}

// A static closer nothing in this unit calls (a header's `static inline`
// helper this file does not use) is dead here: no caller can pass it a
// pipe with a read pending.
// RUNTIME-TWIN: none, never called in this unit
static void pipe_close_unused(void *ctx) {
  struct pipe *p = (struct pipe *)ctx;
  CloseHandle(p->h);
  free(p);
}

// CHECK-NOT: warning:

#ifdef IODRAIN_RUNTIME
// Runtime twins: a pipe whose server end a child also holds, a peer that
// answers after ten seconds: after a close alone the read stays pending
// until the peer answers, and the kernel then writes into the freed pipe.
#include "shim_twins.h"

void add_wait(HANDLE event, wait_callback cb, void *user) {}

static struct pipe *twin_pipe_reading(void) {
  struct pipe *p = (struct pipe *)calloc(1, sizeof *p);
  twin_shared_pipe();
  twin_peer_answers_late();
  p->h = twin_server;
  pipe_on_readable(p);
  return p;
}
static void twin_pipe_on_exit_bug(void) {
  pipe_on_exit_bug(twin_pipe_reading());
  Sleep(20000);
}
static void twin_pipe_on_release_bug(void) {
  pipe_on_release_bug(twin_pipe_reading());
  CloseHandle(twin_server);
  Sleep(20000);
}
static void twin_pipe_on_exit_fixed(void) {
  pipe_on_exit_fixed(twin_pipe_reading());
  Sleep(20000);
}
static void twin_timer_on_exit_fixed(void) {
  struct timer *t = (struct timer *)calloc(1, sizeof *t);
  t->h = CreateEventW(NULL, TRUE, FALSE, NULL);
  timer_on_exit_fixed(t);
}
static void twin_pipe_thread_fixed(void) {
  struct pipe *p = (struct pipe *)calloc(1, sizeof *p);
  twin_shared_pipe();
  twin_peer_answers_late();
  p->h = twin_server;
  p->ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  ShimPeerCloseAt(twin_client, 15000);
  pipe_thread_fixed(p);
}

TWIN_MAIN(TWIN(pipe_on_exit_bug), TWIN(pipe_on_release_bug),
          TWIN(pipe_on_exit_fixed), TWIN(timer_on_exit_fixed),
          TWIN(pipe_thread_fixed))
#endif
