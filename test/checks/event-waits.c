// Event-based completion: waits with a timeout leave the I/O pending on
// the timeout path; INFINITE waits and checked results drain it.
// RUN: %check_iodrain %s -- -x c %win32 | %filecheck %s
// RUN: %check_iodrain %s -- -x c++ %win32 | %filecheck %s
// RUN: %if shim %{ %check_twins %s -- -x c %win32 %}
#include <windows.h>
#include <stdlib.h> // _countof

static char buffer[512];

void wait_times_out_bug(HANDLE h) {
  OVERLAPPED ov = {0};
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  // CHECK: event-waits.c:[[@LINE+1]]:3: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
  ReadFile(h, buffer, sizeof buffer, NULL, &ov);
  // CHECK-NEXT: event-waits.c:[[@LINE+1]]:3: note: 'WaitForSingleObject' may time out here, leaving the I/O pending
  WaitForSingleObject(ov.hEvent, 5000);
  // CHECK-NEXT: event-waits.c:[[@LINE+2]]:3: note: cancel the pending I/O and wait for it before closing the handle
  // CHECK-NEXT: event-waits.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'h' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(h);
  CloseHandle(ov.hEvent);
}

void wait_infinite_fixed(HANDLE h) {
  OVERLAPPED ov = {0};
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  ReadFile(h, buffer, sizeof buffer, NULL, &ov);
  WaitForSingleObject(ov.hEvent, INFINITE);
  CloseHandle(h);
  CloseHandle(ov.hEvent);
}

// The result of the timed wait decides: on timeout, cancel and drain.
void wait_checked_fixed(HANDLE h) {
  OVERLAPPED ov = {0};
  DWORD n;
  HANDLE ev = CreateEventW(NULL, TRUE, FALSE, NULL);
  ov.hEvent = ev;
  ReadFile(h, buffer, sizeof buffer, NULL, &ov);
  if (WaitForSingleObject(ev, 5000) == WAIT_TIMEOUT) {
    CancelIoEx(h, &ov);
    GetOverlappedResult(h, &ov, &n, TRUE);
  }
  CloseHandle(h);
  CloseHandle(ev);
}

// Waiting on an unrelated event does not complete the read.
void wait_wrong_event_bug(HANDLE h, HANDLE stop) {
  OVERLAPPED ov = {0};
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  // CHECK: event-waits.c:[[@LINE+1]]:3: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
  ReadFile(h, buffer, sizeof buffer, NULL, &ov);
  WaitForSingleObject(stop, INFINITE);
  // CHECK-NEXT: event-waits.c:[[@LINE+2]]:3: note: cancel the pending I/O and wait for it before closing the handle
  // CHECK-NEXT: event-waits.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'h' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(h);
}

void wait_both_events_fixed(HANDLE h, HANDLE stop) {
  OVERLAPPED ov = {0};
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  ReadFile(h, buffer, sizeof buffer, NULL, &ov);
  HANDLE both[2] = {stop, ov.hEvent};
  WaitForMultipleObjects(2, both, TRUE, INFINITE);
  CloseHandle(h);
}

// Waking for either event may be the stop event: the read stays pending.
// The count is `_countof(either)`: `sizeof(a) / sizeof(a[0])` in C, a
// template's size in C++.
void wait_any_bug(HANDLE h, HANDLE stop) {
  OVERLAPPED ov = {0};
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  // CHECK: event-waits.c:[[@LINE+1]]:3: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
  ReadFile(h, buffer, sizeof buffer, NULL, &ov);
  HANDLE either[2] = {stop, ov.hEvent};
  // CHECK-NEXT: event-waits.c:[[@LINE+1]]:3: note: 'WaitForMultipleObjects' may return here for another object, leaving the I/O pending
  WaitForMultipleObjects(_countof(either), either, FALSE, INFINITE);
  // CHECK-NEXT: event-waits.c:[[@LINE+2]]:3: note: cancel the pending I/O and wait for it before closing the handle
  // CHECK-NEXT: event-waits.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'h' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(h);
}

void wait_any_checked_fixed(HANDLE h, HANDLE stop) {
  OVERLAPPED ov = {0};
  DWORD n;
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  ReadFile(h, buffer, sizeof buffer, NULL, &ov);
  HANDLE either[2] = {stop, ov.hEvent};
  if (WaitForMultipleObjects(_countof(either), either, FALSE, INFINITE) ==
      WAIT_OBJECT_0) {
    CancelIoEx(h, &ov);
    GetOverlappedResult(h, &ov, &n, TRUE);
  }
  CloseHandle(h);
}

// GetOverlappedResult without waiting may find the read still incomplete.
void poll_result_bug(HANDLE h) {
  OVERLAPPED ov = {0};
  DWORD n;
  // CHECK: event-waits.c:[[@LINE+1]]:3: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
  ReadFile(h, buffer, sizeof buffer, NULL, &ov);
  // CHECK-NEXT: event-waits.c:[[@LINE+1]]:3: note: 'GetOverlappedResult' may return here before the I/O completes
  GetOverlappedResult(h, &ov, &n, FALSE);
  // CHECK-NEXT: event-waits.c:[[@LINE+2]]:3: note: cancel the pending I/O and wait for it before closing the handle
  // CHECK-NEXT: event-waits.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'h' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(h);
}

void poll_result_fixed(HANDLE h) {
  OVERLAPPED ov = {0};
  DWORD n;
  ReadFile(h, buffer, sizeof buffer, NULL, &ov);
  if (!GetOverlappedResult(h, &ov, &n, FALSE) &&
      GetLastError() == ERROR_IO_INCOMPLETE) {
    CancelIoEx(h, &ov);
    GetOverlappedResult(h, &ov, &n, TRUE);
  }
  CloseHandle(h);
}

// Only an INFINITE GetOverlappedResultEx drains.
void result_ex_timeout_bug(HANDLE h) {
  OVERLAPPED ov = {0};
  DWORD n;
  // CHECK: event-waits.c:[[@LINE+1]]:3: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
  ReadFile(h, buffer, sizeof buffer, NULL, &ov);
  // CHECK-NEXT: event-waits.c:[[@LINE+1]]:3: note: 'GetOverlappedResultEx' may return here before the I/O completes
  GetOverlappedResultEx(h, &ov, &n, 100, FALSE);
  // CHECK-NEXT: event-waits.c:[[@LINE+2]]:3: note: cancel the pending I/O and wait for it before closing the handle
  // CHECK-NEXT: event-waits.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'h' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(h);
}

void result_ex_infinite_fixed(HANDLE h) {
  OVERLAPPED ov = {0};
  DWORD n;
  ReadFile(h, buffer, sizeof buffer, NULL, &ov);
  GetOverlappedResultEx(h, &ov, &n, INFINITE, FALSE);
  CloseHandle(h);
}

// Polling HasOverlappedIoCompleted until it is true drains.
void has_completed_loop_fixed(HANDLE h) {
  OVERLAPPED ov = {0};
  ReadFile(h, buffer, sizeof buffer, NULL, &ov);
  CancelIo(h);
  while (!HasOverlappedIoCompleted(&ov))
    SleepEx(1, FALSE);
  CloseHandle(h);
}

void has_completed_once_bug(HANDLE h) {
  OVERLAPPED ov = {0};
  // CHECK: event-waits.c:[[@LINE+1]]:3: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
  ReadFile(h, buffer, sizeof buffer, NULL, &ov);
  // CHECK-NEXT: event-waits.c:[[@LINE+1]]:7: note: '!HasOverlappedIoCompleted(&ov)' is true here
  if (!HasOverlappedIoCompleted(&ov))
    SleepEx(1, FALSE);
  // CHECK-NEXT: event-waits.c:[[@LINE+2]]:3: note: cancel the pending I/O and wait for it before closing the handle
  // CHECK-NEXT: event-waits.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'h' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(h);
}

// A flag that says whether the read is still pending decides the wait
// (sheredom's subprocess.h): it blocks exactly when it must.
void pending_flag_wait_fixed(HANDLE h) {
  OVERLAPPED ov = {0};
  DWORD n;
  BOOL wait;
  ReadFile(h, buffer, sizeof buffer, NULL, &ov);
  wait = ov.Internal == STATUS_PENDING;
  GetOverlappedResult(h, &ov, &n, wait);
  CloseHandle(h);
}

// The macro itself kept in a flag (it casts `Internal`).
void completed_flag_fixed(HANDLE h) {
  OVERLAPPED ov = {0};
  DWORD n;
  ReadFile(h, buffer, sizeof buffer, NULL, &ov);
  BOOL done = HasOverlappedIoCompleted(&ov);
  if (!done)
    GetOverlappedResult(h, &ov, &n, TRUE);
  CloseHandle(h);
}

// The flag the other way round: it blocks only when the read is done.
void pending_flag_inverted_bug(HANDLE h) {
  OVERLAPPED ov = {0};
  DWORD n;
  // CHECK: event-waits.c:[[@LINE+1]]:3: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
  ReadFile(h, buffer, sizeof buffer, NULL, &ov);
  BOOL done = HasOverlappedIoCompleted(&ov);
  // CHECK-NEXT: event-waits.c:[[@LINE+1]]:3: note: 'GetOverlappedResult' may return here before the I/O completes
  GetOverlappedResult(h, &ov, &n, done);
  // CHECK-NEXT: event-waits.c:[[@LINE+2]]:3: note: cancel the pending I/O and wait for it before closing the handle
  // CHECK-NEXT: event-waits.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'h' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(h);
}

#ifdef IODRAIN_RUNTIME
// Runtime twins: a pipe whose server end a child also holds; the peer
// answers after ten seconds; the stop event is already set.
#include "shim_twins.h"

static void twin_run(void (*fn)(HANDLE)) {
  twin_shared_pipe();
  twin_peer_answers_late();
  fn(twin_server);
}
static void twin_run_stop(void (*fn)(HANDLE, HANDLE)) {
  HANDLE stop = CreateEventW(NULL, TRUE, TRUE, NULL);
  twin_shared_pipe();
  twin_peer_answers_late();
  fn(twin_server, stop);
}
static void twin_wait_times_out_bug(void) { twin_run(wait_times_out_bug); }
static void twin_wait_infinite_fixed(void) { twin_run(wait_infinite_fixed); }
static void twin_wait_checked_fixed(void) { twin_run(wait_checked_fixed); }
static void twin_wait_wrong_event_bug(void) {
  twin_run_stop(wait_wrong_event_bug);
}
static void twin_wait_both_events_fixed(void) {
  twin_run_stop(wait_both_events_fixed);
}
static void twin_wait_any_bug(void) { twin_run_stop(wait_any_bug); }
static void twin_wait_any_checked_fixed(void) {
  twin_run_stop(wait_any_checked_fixed);
}
static void twin_poll_result_bug(void) { twin_run(poll_result_bug); }
static void twin_completed_flag_fixed(void) { twin_run(completed_flag_fixed); }
static void twin_pending_flag_wait_fixed(void) {
  twin_run(pending_flag_wait_fixed);
}
static void twin_pending_flag_inverted_bug(void) {
  twin_run(pending_flag_inverted_bug);
}
static void twin_poll_result_fixed(void) { twin_run(poll_result_fixed); }
static void twin_result_ex_timeout_bug(void) {
  twin_run(result_ex_timeout_bug);
}
static void twin_result_ex_infinite_fixed(void) {
  twin_run(result_ex_infinite_fixed);
}
static void twin_has_completed_loop_fixed(void) {
  twin_run(has_completed_loop_fixed);
}
static void twin_has_completed_once_bug(void) {
  twin_run(has_completed_once_bug);
}

TWIN_MAIN(TWIN(wait_times_out_bug), TWIN(wait_infinite_fixed),
          TWIN(wait_checked_fixed), TWIN(wait_wrong_event_bug),
          TWIN(wait_both_events_fixed), TWIN(wait_any_bug),
          TWIN(wait_any_checked_fixed), TWIN(poll_result_bug),
          TWIN(poll_result_fixed), TWIN(result_ex_timeout_bug),
          TWIN(result_ex_infinite_fixed), TWIN(has_completed_loop_fixed),
          TWIN(has_completed_once_bug), TWIN(pending_flag_wait_fixed),
          TWIN(completed_flag_fixed),
          TWIN(pending_flag_inverted_bug))
#endif
