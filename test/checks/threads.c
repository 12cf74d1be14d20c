// CancelIo cancels only the calling thread's requests. A request issued by
// a thread procedure (or a function it calls) is out of reach of a CancelIo
// on any other thread, and so is a request issued by another entry point
// when the cancelling function is itself a thread procedure: the wait that
// follows never returns. CancelIoEx reaches every thread's requests.
// RUN: %check_iodrain %s -- -x c %win32 | %filecheck %s
// RUN: %check_iodrain %s -- -x c++ %win32 | %filecheck %s
// RUN: %check_iodrain --config="{CheckOptions: {iodrain.FollowCalls: true}}" %s -- -x c %win32 | %filecheck %s
// RUN: %if shim %{ %check_twins %s -- -x c %win32 %}
#include <windows.h>

static HANDLE pipe_handle;
static OVERLAPPED pipe_ov;
static char pipe_buf[64];

// The reader thread: it waits for its own read until it completes or is
// cancelled.
// RUNTIME-TWIN: none, a thread procedure: the stop functions' twins run it
static DWORD WINAPI reader_thread(LPVOID arg) {
  DWORD n;
  // CHECK: threads.c:[[@LINE+1]]:3: note: 'ReadFile' in 'reader_thread' issues it, on the thread that runs 'reader_thread'
  ReadFile(pipe_handle, pipe_buf, sizeof pipe_buf, NULL, &pipe_ov);
  GetOverlappedResult(pipe_handle, &pipe_ov, &n, TRUE);
  return 0;
}

// RUNTIME-TWIN: none, it starts the thread: the stop functions' twins run it
HANDLE start_reader(void) {
  return CreateThread(NULL, 0, reader_thread, NULL, 0, NULL);
}

void stop_reader_bug(HANDLE thread) {
  // CHECK-NEXT: threads.c:[[@LINE+2]]:3: note: cancel the I/O of every thread on the handle with 'CancelIoEx(h, NULL)'
  // CHECK-NEXT: threads.c:[[@LINE+1]]:3: warning: 'CancelIo' cancels only the I/O that the calling thread issued, but overlapped I/O on 'pipe_handle' is issued by another thread and stays pending; cancel it with 'CancelIoEx' [iodrain-cancelio-thread]
  CancelIo(pipe_handle);
  WaitForSingleObject(thread, INFINITE);
  CloseHandle(thread);
}

void stop_reader_fixed(HANDLE thread) {
  CancelIoEx(pipe_handle, NULL);
  WaitForSingleObject(thread, INFINITE);
  CloseHandle(thread);
}

// A thread that cancels its own read: CancelIo is right there.
// RUNTIME-TWIN: none, a thread procedure: own_cancel_fixed's twin runs it
static DWORD WINAPI self_cancelling_thread(LPVOID arg) {
  DWORD n;
  HANDLE h = (HANDLE)arg;
  OVERLAPPED ov = {0};
  char buf[16];
  if (!ReadFile(h, buf, sizeof buf, NULL, &ov) &&
      GetLastError() == ERROR_IO_PENDING) {
    CancelIo(h);
    GetOverlappedResult(h, &ov, &n, TRUE);
  }
  return 0;
}

void own_cancel_fixed(HANDLE h) {
  HANDLE thread = CreateThread(NULL, 0, self_cancelling_thread, h, 0, NULL);
  WaitForSingleObject(thread, INFINITE);
  CloseHandle(thread);
}

// A connection read by its owner; a watchdog thread gives up on it.
struct connection {
  HANDLE handle;
  OVERLAPPED ov;
  char buf[64];
};

// RUNTIME-TWIN: none, the issuer: the watchdogs' twins run it
BOOL connection_read(struct connection *c) {
  // CHECK: threads.c:[[@LINE+1]]:10: note: 'ReadFile' in 'connection_read' issues it, on a thread other than the one that runs 'watchdog_bug'
  return ReadFile(c->handle, c->buf, sizeof c->buf, NULL, &c->ov) ||
         GetLastError() == ERROR_IO_PENDING;
}

// CancelIo on the watchdog's thread reaches none of the owner's requests.
// RUNTIME-TWIN: none, a thread procedure: watchdog_bug's twin runs it
static DWORD WINAPI watchdog_bug(LPVOID arg) {
  struct connection *c = (struct connection *)arg;
  Sleep(1000);
  // CHECK-NEXT: threads.c:[[@LINE+2]]:3: note: cancel the I/O of every thread on the handle with 'CancelIoEx(h, NULL)'
  // CHECK-NEXT: threads.c:[[@LINE+1]]:3: warning: 'CancelIo' cancels only the I/O that the calling thread issued, but overlapped I/O on 'c->handle' is issued by another thread and stays pending; cancel it with 'CancelIoEx' [iodrain-cancelio-thread]
  CancelIo(c->handle);
  return 0;
}

// RUNTIME-TWIN: none, a thread procedure: watchdog_fixed's twin runs it
static DWORD WINAPI watchdog_fixed(LPVOID arg) {
  struct connection *c = (struct connection *)arg;
  Sleep(1000);
  CancelIoEx(c->handle, &c->ov);
  return 0;
}

// RUNTIME-TWIN: none, it starts the watchdogs: their twins run it
HANDLE start_watchdog(struct connection *c, BOOL fixed) {
  return CreateThread(NULL, 0, fixed ? watchdog_fixed : watchdog_bug, c, 0,
                      NULL);
}

// A session whose read runs on a pump thread. Closed from another thread
// with CancelIo, nothing is cancelled: the read is still pending (not just
// unwaited) when the handle is closed, and the pump waits for it forever.
struct session {
  HANDLE handle;
  OVERLAPPED ov;
  char buf[64];
};

// RUNTIME-TWIN: none, the issuer: the session twins run it
static BOOL session_read(struct session *s) {
  // CHECK: threads.c:[[#SESSION:@LINE+1]]:10: note: 'ReadFile' in 'session_read' issues it, on the thread that runs 'session_pump'
  return ReadFile(s->handle, s->buf, sizeof s->buf, NULL, &s->ov) ||
         GetLastError() == ERROR_IO_PENDING;
}

// RUNTIME-TWIN: none, a thread procedure: the session twins run it
static DWORD WINAPI session_pump(LPVOID arg) {
  struct session *s = (struct session *)arg;
  if (session_read(s))
    WaitForSingleObject(s->ov.hEvent, INFINITE);
  return 0;
}

// RUNTIME-TWIN: none, it starts the pump: the session twins run it
HANDLE session_start(struct session *s) {
  return CreateThread(NULL, 0, session_pump, s, 0, NULL);
}

void session_close_bug(struct session *s) {
  // CHECK-NEXT: threads.c:[[@LINE+2]]:3: note: cancel the I/O of every thread on the handle with 'CancelIoEx(h, NULL)'
  // CHECK-NEXT: threads.c:[[@LINE+1]]:3: warning: 'CancelIo' cancels only the I/O that the calling thread issued, but overlapped I/O on 's->handle' is issued by another thread and stays pending; cancel it with 'CancelIoEx' [iodrain-cancelio-thread]
  CancelIo(s->handle);
  // CHECK-NEXT: threads.c:[[#SESSION]]:10: note: 'ReadFile' in 'session_read' starts overlapped I/O on 's->handle' and may return with it pending
  // CHECK-NEXT: threads.c:[[@LINE-5]]:43: note: 'session_close_bug' may be called with that I/O on 's' still pending
  // CHECK-NEXT: threads.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 's->handle' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(s->handle);
}

void session_close_fixed(struct session *s) {
  DWORD n;
  CancelIoEx(s->handle, &s->ov);
  GetOverlappedResult(s->handle, &s->ov, &n, TRUE);
  CloseHandle(s->handle);
}

// A watch re-armed by its worker thread after each change: the first read
// is the caller's, every later one the worker's, so a CancelIo on the
// caller's thread may find nothing of its own to cancel.
static HANDLE watch_handle;
static OVERLAPPED watch_ov;
static char watch_buf[16];
static volatile LONG watch_stopping;

// RUNTIME-TWIN: none, the issuer: the watch twins run it
static BOOL watch_arm(void) {
  // CHECK: threads.c:[[#WATCH:@LINE+1]]:10: note: 'ReadFile' in 'watch_arm' issues it, on the thread that runs 'watch_thread'
  return ReadFile(watch_handle, watch_buf, sizeof watch_buf, NULL,
                  &watch_ov) ||
         GetLastError() == ERROR_IO_PENDING;
}

// RUNTIME-TWIN: none, a thread procedure: the watch twins run it
static DWORD WINAPI watch_thread(LPVOID arg) {
  DWORD n;
  while (!watch_stopping &&
         GetOverlappedResult(watch_handle, &watch_ov, &n, TRUE))
    watch_arm();
  return 0;
}

// RUNTIME-TWIN: none, it starts the watch: the watch twins run it
HANDLE watch_start(void) {
  if (!watch_arm())
    return NULL;
  return CreateThread(NULL, 0, watch_thread, NULL, 0, NULL);
}

void watch_stop_bug(HANDLE thread) {
  watch_stopping = 1;
  // CHECK-NEXT: threads.c:[[@LINE+2]]:3: note: cancel the I/O of every thread on the handle with 'CancelIoEx(h, NULL)'
  // CHECK-NEXT: threads.c:[[@LINE+1]]:3: warning: 'CancelIo' cancels only the I/O that the calling thread issued, but overlapped I/O on 'watch_handle' is issued by another thread and stays pending; cancel it with 'CancelIoEx' [iodrain-cancelio-thread]
  CancelIo(watch_handle);
  WaitForSingleObject(thread, INFINITE);
  CloseHandle(thread);
}

// The same cancel in a helper: reported once, in the helper, not again at
// each call of it.
static void watch_cancel_bug(void) {
  // CHECK-NEXT: threads.c:[[#WATCH]]:10: note: 'ReadFile' in 'watch_arm' issues it, on the thread that runs 'watch_thread'
  // CHECK-NEXT: threads.c:[[@LINE+2]]:3: note: cancel the I/O of every thread on the handle with 'CancelIoEx(h, NULL)'
  // CHECK-NEXT: threads.c:[[@LINE+1]]:3: warning: 'CancelIo' cancels only the I/O that the calling thread issued, but overlapped I/O on 'watch_handle' is issued by another thread and stays pending; cancel it with 'CancelIoEx' [iodrain-cancelio-thread]
  CancelIo(watch_handle);
}

// RUNTIME-TWIN: none, it runs watch_cancel_bug, whose twin stops the same watch
void watch_stop_through_helper(HANDLE thread) {
  watch_stopping = 1;
  watch_cancel_bug();
  WaitForSingleObject(thread, INFINITE);
  CloseHandle(thread);
}

void watch_stop_fixed(HANDLE thread) {
  watch_stopping = 1;
  CancelIoEx(watch_handle, NULL);
  WaitForSingleObject(thread, INFINITE);
  CloseHandle(thread);
}

// The system runs a console control handler on a thread it starts for the
// signal: a CancelIo there reaches none of the notifier thread's requests,
// and the notifier's wait never ends.
static HANDLE notify_handle;
static OVERLAPPED notify_ov;
static char notify_buf[16];

// RUNTIME-TWIN: none, a thread procedure: the console handlers' twins run it
static DWORD WINAPI notifier_thread(LPVOID arg) {
  DWORD n;
  // CHECK: threads.c:[[@LINE+1]]:3: note: 'ReadFile' in 'notifier_thread' issues it, on the thread that runs 'notifier_thread'
  ReadFile(notify_handle, notify_buf, sizeof notify_buf, NULL, &notify_ov);
  GetOverlappedResult(notify_handle, &notify_ov, &n, TRUE);
  return 0;
}

BOOL WINAPI on_console_signal_bug(DWORD signal) {
  // CHECK-NEXT: threads.c:[[@LINE+2]]:3: note: cancel the I/O of every thread on the handle with 'CancelIoEx(h, NULL)'
  // CHECK-NEXT: threads.c:[[@LINE+1]]:3: warning: 'CancelIo' cancels only the I/O that the calling thread issued, but overlapped I/O on 'notify_handle' is issued by another thread and stays pending; cancel it with 'CancelIoEx' [iodrain-cancelio-thread]
  CancelIo(notify_handle);
  return TRUE;
}

BOOL WINAPI on_console_signal_fixed(DWORD signal) {
  CancelIoEx(notify_handle, NULL);
  return TRUE;
}

// RUNTIME-TWIN: none, it installs a handler: the handlers' twins run it
HANDLE start_notifier(BOOL fixed) {
  SetConsoleCtrlHandler(fixed ? on_console_signal_fixed : on_console_signal_bug,
                        TRUE);
  return CreateThread(NULL, 0, notifier_thread, NULL, 0, NULL);
}

// A logger thread whose handle is kept in a global. Once the thread has
// exited, nothing it issued is pending: a CancelIo after the join (of
// the stopping thread's own requests) misses nothing.
static HANDLE log_pipe, log_thread;
static OVERLAPPED log_ov;
static char log_buf[64];

// RUNTIME-TWIN: none, a thread procedure: the log stoppers' twins run it
static DWORD WINAPI log_reader(LPVOID arg) {
  DWORD n;
  // CHECK: threads.c:[[@LINE+1]]:3: note: 'ReadFile' in 'log_reader' issues it, on the thread that runs 'log_reader'
  ReadFile(log_pipe, log_buf, sizeof log_buf, NULL, &log_ov);
  GetOverlappedResult(log_pipe, &log_ov, &n, TRUE);
  return 0;
}

// RUNTIME-TWIN: none, it starts the thread: the log stoppers' twins run it
void log_start(void) {
  log_thread = CreateThread(NULL, 0, log_reader, NULL, 0, NULL);
}

// The join may time out with the thread's read still pending.
void log_stop_bug(void) {
  WaitForSingleObject(log_thread, 1000);
  // CHECK-NEXT: threads.c:[[@LINE+2]]:3: note: cancel the I/O of every thread on the handle with 'CancelIoEx(h, NULL)'
  // CHECK-NEXT: threads.c:[[@LINE+1]]:3: warning: 'CancelIo' cancels only the I/O that the calling thread issued, but overlapped I/O on 'log_pipe' is issued by another thread and stays pending; cancel it with 'CancelIoEx' [iodrain-cancelio-thread]
  CancelIo(log_pipe);
  WaitForSingleObject(log_thread, INFINITE);
  CloseHandle(log_thread);
}

void log_stop_fixed(void) {
  WaitForSingleObject(log_thread, INFINITE);
  CloseHandle(log_thread);
  CancelIo(log_pipe);
}

// The same join inside helpers: followed, though no request of this
// path is pending, since it tells which threads are over.
// RUNTIME-TWIN: none, a helper: log_stop_helper_fixed's twin runs it
static void log_join(void) {
  WaitForSingleObject(log_thread, INFINITE);
  CloseHandle(log_thread);
}

// RUNTIME-TWIN: none, a helper: log_stop_helper_bug's twin runs it
static BOOL log_join_for(DWORD ms) {
  return WaitForSingleObject(log_thread, ms) == WAIT_OBJECT_0;
}

void log_stop_helper_bug(void) {
  log_join_for(1000);
  // CHECK: threads.c:[[@LINE-41]]:3: note: 'ReadFile' in 'log_reader' issues it, on the thread that runs 'log_reader'
  // CHECK-NEXT: threads.c:[[@LINE+2]]:3: note: cancel the I/O of every thread on the handle with 'CancelIoEx(h, NULL)'
  // CHECK-NEXT: threads.c:[[@LINE+1]]:3: warning: 'CancelIo' cancels only the I/O that the calling thread issued, but overlapped I/O on 'log_pipe' is issued by another thread and stays pending; cancel it with 'CancelIoEx' [iodrain-cancelio-thread]
  CancelIo(log_pipe);
  log_join();
}

void log_stop_helper_fixed(void) {
  log_join();
  CancelIo(log_pipe);
}

#ifdef IODRAIN_RUNTIME
// Runtime twins: a pipe whose peer never answers; only a cancel that
// reaches the read ends it.
#include "shim_twins.h"

static void twin_stop_reader(void (*stop)(HANDLE)) {
  HANDLE thread;
  twin_shared_pipe();
  pipe_handle = twin_server;
  pipe_ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  thread = start_reader();
  Sleep(100); // The reader's read is pending.
  stop(thread);
}
static void twin_stop_reader_bug(void) { twin_stop_reader(stop_reader_bug); }
static void twin_stop_reader_fixed(void) {
  twin_stop_reader(stop_reader_fixed);
}
static void twin_own_cancel_fixed(void) {
  twin_shared_pipe();
  own_cancel_fixed(twin_server);
}
// The owner waits for its read; the watchdog is meant to end the wait.
static void twin_watchdog(BOOL fixed) {
  static struct connection c;
  DWORD n;
  HANDLE thread;
  twin_shared_pipe();
  c.handle = twin_server;
  c.ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  connection_read(&c);
  thread = start_watchdog(&c, fixed);
  GetOverlappedResult(c.handle, &c.ov, &n, TRUE);
  WaitForSingleObject(thread, INFINITE);
}
static void twin_watchdog_bug(void) { twin_watchdog(FALSE); }
static void twin_watchdog_fixed(void) { twin_watchdog(TRUE); }

// The pump's read is pending when the session is closed; the owner then
// waits for the pump to end.
static void twin_session(void (*close)(struct session *)) {
  static struct session s;
  HANDLE pump;
  twin_shared_pipe();
  s.handle = twin_server;
  s.ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  pump = session_start(&s);
  Sleep(100);
  close(&s);
  WaitForSingleObject(pump, INFINITE);
}
static void twin_session_close_bug(void) { twin_session(session_close_bug); }
static void twin_session_close_fixed(void) {
  twin_session(session_close_fixed);
}

// The notifier's read is pending when CTRL+C arrives; the owner then waits
// for the notifier to end.
static void twin_console_signal(BOOL fixed) {
  HANDLE notifier;
  twin_shared_pipe();
  notify_handle = twin_server;
  notify_ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  notifier = start_notifier(fixed);
  Sleep(100);
  GenerateConsoleCtrlEvent(CTRL_C_EVENT, 0);
  WaitForSingleObject(notifier, INFINITE);
}
// The peer answers once at 50 ms: the worker re-arms the watch, and the
// owner stops it at 100 ms.
static void twin_watch(void (*stop)(HANDLE)) {
  HANDLE worker;
  twin_shared_pipe();
  watch_handle = twin_server;
  ShimPeerWriteAt(twin_client, "change", 6, 50);
  worker = watch_start();
  Sleep(100);
  stop(worker);
}
static void twin_watch_stop_bug(void) { twin_watch(watch_stop_bug); }
static void twin_watch_stop_fixed(void) { twin_watch(watch_stop_fixed); }
static void stop_through_cancel(HANDLE worker) {
  watch_stopping = 1;
  watch_cancel_bug();
  WaitForSingleObject(worker, INFINITE);
}
static void twin_watch_cancel_bug(void) { twin_watch(stop_through_cancel); }
static void twin_on_console_signal_bug(void) { twin_console_signal(FALSE); }
static void twin_on_console_signal_fixed(void) { twin_console_signal(TRUE); }

// The fixed stop relies on the logger ending by itself: its peer answers
// at two seconds. The bug's cancel is meant to end a read that nothing
// else ends: there the peer never answers (CancelIoEx would end it).
static void twin_log_stop(void (*stop)(void), BOOL answers) {
  twin_shared_pipe();
  log_pipe = twin_server;
  log_ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (answers)
    ShimPeerWriteAt(twin_client, "log line", 8, 2000);
  log_start();
  Sleep(100); // The logger's read is pending.
  stop();
}
static void twin_log_stop_bug(void) { twin_log_stop(log_stop_bug, FALSE); }
static void twin_log_stop_fixed(void) { twin_log_stop(log_stop_fixed, TRUE); }
static void twin_log_stop_helper_bug(void) {
  twin_log_stop(log_stop_helper_bug, FALSE);
}
static void twin_log_stop_helper_fixed(void) {
  twin_log_stop(log_stop_helper_fixed, TRUE);
}

TWIN_MAIN(TWIN(stop_reader_bug), TWIN(stop_reader_fixed),
          TWIN(own_cancel_fixed), TWIN(watchdog_bug), TWIN(watchdog_fixed),
          TWIN(session_close_bug), TWIN(session_close_fixed),
          TWIN(on_console_signal_bug), TWIN(on_console_signal_fixed),
          TWIN(watch_stop_bug), TWIN(watch_stop_fixed),
          TWIN(watch_cancel_bug), TWIN(log_stop_bug), TWIN(log_stop_fixed),
          TWIN(log_stop_helper_bug), TWIN(log_stop_helper_fixed))
#endif
