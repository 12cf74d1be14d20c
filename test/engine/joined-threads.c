// A wait without a timeout for a thread's handle joins the thread: its
// requests no longer count at a later CancelIo (State::Joined). Only a
// procedure whose every start stores its handle where the wait reads it
// is joined; starting it again, also inside a function of the unit that
// the path does not follow, undoes the join; and in a unit that uses
// completion ports nothing is joined: a port-bound request without an
// event outlives its thread (semantics 2.4). (threads.c has runtime
// twins for the plain join.)
// RUN: %iodrain_tidy --checks=-*,iodrain-cancelio-thread %s -- -x c %win32 -DPORTS=0 2>&1 | FileCheck %s --check-prefixes=CHECK --implicit-check-not=warning:
// RUN: %iodrain_tidy --checks=-*,iodrain-cancelio-thread %s -- -x c %win32 -DPORTS=1 2>&1 | FileCheck %s --check-prefixes=CHECK,PORT --implicit-check-not=warning:
#include <windows.h>

static HANDLE pipe_handle, pool_pipe, port;
static OVERLAPPED pipe_ov;
static char pipe_buf[64];
static HANDLE worker, worker_a, worker_b;

static DWORD WINAPI reader(LPVOID arg) {
  DWORD n;
  ReadFile(pipe_handle, pipe_buf, sizeof pipe_buf, NULL, &pipe_ov);
  GetOverlappedResult(pipe_handle, &pipe_ov, &n, TRUE);
  return 0;
}

static DWORD WINAPI pooled_reader(LPVOID arg) {
  DWORD n;
  OVERLAPPED ov = {0};
  char buf[64];
  ReadFile(pool_pipe, buf, sizeof buf, NULL, &ov);
  GetOverlappedResult(pool_pipe, &ov, &n, TRUE);
  return 0;
}

void start(void) {
#if PORTS
  port = CreateIoCompletionPort(pipe_handle, NULL, 1, 0);
#endif
  worker = CreateThread(NULL, 0, reader, NULL, 0, NULL);
}

void start_pool(void) {
  worker_a = CreateThread(NULL, 0, pooled_reader, NULL, 0, NULL);
  worker_b = CreateThread(NULL, 0, pooled_reader, NULL, 0, NULL);
}

void stop_joined(void) {
  WaitForSingleObject(worker, INFINITE);
  // PORT: joined-threads.c:[[@LINE+1]]:3: warning: 'CancelIo' cancels only
  CancelIo(pipe_handle);
}

// The join waits for one of two threads that run the same procedure.
void stop_one_of_two(void) {
  WaitForSingleObject(worker_a, INFINITE);
  // CHECK: joined-threads.c:[[@LINE+1]]:3: warning: 'CancelIo' cancels only
  CancelIo(pool_pipe);
}

// `start` runs `reader` on a new thread.
void restart(void) {
  WaitForSingleObject(worker, INFINITE);
  CloseHandle(worker);
  start();
  // CHECK: joined-threads.c:[[@LINE+1]]:3: warning: 'CancelIo' cancels only
  CancelIo(pipe_handle);
}
