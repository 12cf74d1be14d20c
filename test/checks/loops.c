// Reads re-armed in a loop, and loops left with a read in flight.
// RUN: %check_iodrain %s -- -x c %win32 | %filecheck %s
// RUN: %check_iodrain %s -- -x c++ %win32 | %filecheck %s
// RUN: %if shim %{ %check_twins %s -- -x c %win32 %}
#include <windows.h>
#include <stdlib.h>

static char buffer[512];
void consume(const char *data, DWORD size);

void rearmed_fixed(HANDLE h) {
  OVERLAPPED ov = {0};
  DWORD n;
  for (;;) {
    if (!ReadFile(h, buffer, sizeof buffer, NULL, &ov) &&
        GetLastError() != ERROR_IO_PENDING)
      break;
    if (!GetOverlappedResult(h, &ov, &n, TRUE) || n == 0)
      break;
    consume(buffer, n);
  }
  CloseHandle(h);
}

// Leaving the loop on a stop request abandons the read in flight.
void break_in_flight_bug(HANDLE h, volatile LONG *stop) {
  OVERLAPPED ov = {0};
  DWORD n;
  while (!*stop) {
    // CHECK: loops.c:[[@LINE+1]]:5: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
    ReadFile(h, buffer, sizeof buffer, NULL, &ov);
    // CHECK-NEXT: loops.c:[[@LINE+1]]:9: note: '*stop' is true here
    if (*stop)
      break;
    GetOverlappedResult(h, &ov, &n, TRUE);
    consume(buffer, n);
  }
  // CHECK-NEXT: loops.c:[[@LINE+2]]:3: note: cancel the pending I/O and wait for it before closing the handle
  // CHECK-NEXT: loops.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'h' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(h);
}

void break_in_flight_fixed(HANDLE h, volatile LONG *stop) {
  OVERLAPPED ov = {0};
  DWORD n;
  while (!*stop) {
    ReadFile(h, buffer, sizeof buffer, NULL, &ov);
    if (*stop) {
      CancelIoEx(h, &ov);
      GetOverlappedResult(h, &ov, &n, TRUE);
      break;
    }
    GetOverlappedResult(h, &ov, &n, TRUE);
    consume(buffer, n);
  }
  CloseHandle(h);
}

// A counter of outstanding requests, drained by INFINITE dequeues.
void counted_drain_fixed(HANDLE h, HANDLE port) {
  OVERLAPPED ov = {0};
  DWORD n;
  ULONG_PTR key;
  LPOVERLAPPED done;
  int outstanding = 0;
  if (ReadFile(h, buffer, sizeof buffer, NULL, &ov) ||
      GetLastError() == ERROR_IO_PENDING)
    outstanding++;
  CancelIoEx(h, &ov);
  while (outstanding > 0) {
    GetQueuedCompletionStatus(port, &n, &key, &done, INFINITE);
    outstanding--;
  }
  CloseHandle(h);
}

// The counter is never incremented: the drain loop does not run.
void counted_drain_bug(HANDLE h, HANDLE port) {
  OVERLAPPED ov = {0};
  DWORD n;
  ULONG_PTR key;
  LPOVERLAPPED done;
  int outstanding = 0;
  // CHECK: loops.c:[[@LINE+1]]:3: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
  ReadFile(h, buffer, sizeof buffer, NULL, &ov);
  // CHECK-NEXT: loops.c:[[@LINE+1]]:3: note: 'CancelIoEx' requests cancellation here, but the cancelled I/O still completes later
  CancelIoEx(h, &ov);
  while (outstanding > 0) {
    GetQueuedCompletionStatus(port, &n, &key, &done, INFINITE);
    outstanding--;
  }
  // CHECK-NEXT: loops.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'h' after 'CancelIoEx' without waiting for the cancelled I/O to complete; wait for its completion first (GetOverlappedResult(..., TRUE), or its packet from the completion port) [iodrain-cancel-without-drain]
  CloseHandle(h);
}

// A bounded polling loop can give up while the read is pending.
void bounded_poll_bug(HANDLE h) {
  OVERLAPPED ov = {0};
  DWORD n;
  int tries = 0;
  // CHECK: loops.c:[[@LINE+1]]:3: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
  ReadFile(h, buffer, sizeof buffer, NULL, &ov);
  do {
    // CHECK-NEXT: loops.c:[[@LINE+1]]:9: note: 'GetOverlappedResult' may return here before the I/O completes
    if (GetOverlappedResult(h, &ov, &n, FALSE))
      break;
  // CHECK-NEXT: loops.c:[[@LINE+1]]:12: note: '++tries < 10' is false here
  } while (++tries < 10);
  // CHECK-NEXT: loops.c:[[@LINE+2]]:3: note: cancel the pending I/O and wait for it before closing the handle
  // CHECK-NEXT: loops.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'h' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(h);
}

void bounded_poll_fixed(HANDLE h) {
  OVERLAPPED ov = {0};
  DWORD n;
  int tries = 0;
  ReadFile(h, buffer, sizeof buffer, NULL, &ov);
  do {
    if (GetOverlappedResult(h, &ov, &n, FALSE))
      break;
  } while (++tries < 10);
  CancelIoEx(h, &ov);
  GetOverlappedResult(h, &ov, &n, TRUE);
  CloseHandle(h);
}

// A do-while on `a && b` ends when `a` is false, whatever `b` would say:
// a read that timed out is not read again.
void timed_retry_fixed(HANDLE h, OVERLAPPED *ov) {
  DWORD n;
  int more, rounds = 0;
  ov->hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  do {
    more = 0;
    if (ReadFile(h, buffer, sizeof buffer, NULL, ov) ||
        (GetLastError() == ERROR_IO_PENDING &&
         WaitForSingleObject(ov->hEvent, 1000) == WAIT_OBJECT_0))
      more = 1;
  } while (more && ++rounds < 8);
  GetOverlappedResult(h, ov, &n, TRUE);
}

// Retrying after the timeout reads into the OVERLAPPED still in use.
void timed_retry_bug(HANDLE h, OVERLAPPED *ov) {
  DWORD n;
  int done, rounds = 0;
  ov->hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  do {
    done = 0;
    // CHECK: loops.c:[[#RETRY:@LINE+3]]:9: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
    // CHECK-NEXT: loops.c:[[@LINE+4]]:10: note: 'WaitForSingleObject' may time out here, leaving the I/O pending
    // CHECK-NEXT: loops.c:[[#RETRY]]:9: warning: 'ReadFile' reuses the OVERLAPPED 'ov' while the request that last used it may still be pending; wait for that request to complete first [iodrain-overlapped-lifetime]
    if (ReadFile(h, buffer, sizeof buffer, NULL, ov) ||
        (GetLastError() == ERROR_IO_PENDING &&
         WaitForSingleObject(ov->hEvent, 1000) == WAIT_OBJECT_0))
      done = 1;
  } while (!done && ++rounds < 8);
  GetOverlappedResult(h, ov, &n, TRUE);
}

#ifdef IODRAIN_RUNTIME
// Runtime twins: a pipe whose server end is also held elsewhere; the peer
// answers after ten seconds and hangs up after twenty.
#include "shim_twins.h"

// Another thread asks the reader to stop once it has consumed a message.
static HANDLE twin_consumed;
static volatile LONG twin_stop;
void consume(const char *data, DWORD size) {
  if (twin_consumed)
    SetEvent(twin_consumed);
}
static DWORD WINAPI twin_stopper(LPVOID unused) {
  WaitForSingleObject(twin_consumed, INFINITE);
  twin_stop = 1;
  return 0;
}

static void twin_run(void (*fn)(HANDLE)) {
  twin_shared_pipe();
  twin_peer_answers_late();
  ShimPeerCloseAt(twin_client, 20000);
  fn(twin_server);
}
// With a port: the program's worker loop dequeues for a minute afterwards.
static void twin_run_port(void (*fn)(HANDLE, HANDLE)) {
  DWORD n;
  ULONG_PTR key;
  LPOVERLAPPED done;
  twin_shared_pipe_held_by(TWIN_SAME_PROCESS);
  HANDLE port = CreateIoCompletionPort(twin_server, NULL, 1, 0);
  fn(twin_server, port);
  GetQueuedCompletionStatus(port, &n, &key, &done, 60000);
}
// The stop request lands between the second read and its test; the peer
// sends again after twenty seconds.
static void twin_run_stop(void (*fn)(HANDLE, volatile LONG *)) {
  twin_shared_pipe();
  twin_peer_answers_late();
  ShimPeerWriteAt(twin_client, "second", 6, 20000);
  twin_consumed = CreateEventW(NULL, TRUE, FALSE, NULL);
  CreateThread(NULL, 0, twin_stopper, NULL, 0, NULL);
  fn(twin_server, &twin_stop);
}
static void twin_break_in_flight_bug(void) {
  twin_run_stop(break_in_flight_bug);
}
static void twin_break_in_flight_fixed(void) {
  twin_run_stop(break_in_flight_fixed);
}
static void twin_rearmed_fixed(void) { twin_run(rearmed_fixed); }
static void twin_counted_drain_fixed(void) {
  twin_run_port(counted_drain_fixed);
}
static void twin_counted_drain_bug(void) { twin_run_port(counted_drain_bug); }
static void twin_bounded_poll_bug(void) { twin_run(bounded_poll_bug); }
static void twin_bounded_poll_fixed(void) { twin_run(bounded_poll_fixed); }
// The caller frees the OVERLAPPED once the function is done with it.
static void twin_run_ov(void (*fn)(HANDLE, OVERLAPPED *)) {
  OVERLAPPED *ov = (OVERLAPPED *)calloc(1, sizeof *ov);
  twin_shared_pipe();
  twin_peer_answers_late();
  ShimPeerCloseAt(twin_client, 20000);
  fn(twin_server, ov);
  free(ov);
}
static void twin_timed_retry_fixed(void) { twin_run_ov(timed_retry_fixed); }
static void twin_timed_retry_bug(void) { twin_run_ov(timed_retry_bug); }

TWIN_MAIN(TWIN(rearmed_fixed), TWIN(break_in_flight_bug),
          TWIN(break_in_flight_fixed), TWIN(counted_drain_fixed),
          TWIN(counted_drain_bug), TWIN(bounded_poll_bug),
          TWIN(bounded_poll_fixed), TWIN(timed_retry_fixed),
          TWIN(timed_retry_bug))
#endif
