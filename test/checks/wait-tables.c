// Tables of handles for WaitForMultipleObjects, filled through a counter
// and dispatched by comparing `table[dw - WAIT_OBJECT_0]` with each event.
// An event the function created differs from every other handle, and one
// created non-signalled (or reset) that no request and no SetEvent can
// have signalled does not end the wait.
// RUN: %check_iodrain %s -- -x c %win32 | %filecheck %s
// RUN: %check_iodrain %s -- -x c++ %win32 | %filecheck %s
// RUN: %if shim %{ %check_twins %s -- -x c %win32 %}
#include <windows.h>

static char buffer[512];

// The read's event comes first: the wait returns for it when the read is
// done, and for the stop event while the read may still be pending.
void dispatch_fixed(HANDLE h, HANDLE stop) {
  OVERLAPPED ov = {0};
  HANDLE table[2];
  int count = 0;
  DWORD got;
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  table[count] = ov.hEvent;
  count++;
  table[count] = stop;
  count++;
  ReadFile(h, buffer, sizeof buffer, NULL, &ov);
  DWORD dw = WaitForMultipleObjects(count, table, FALSE, INFINITE);
  int i = dw - WAIT_OBJECT_0;
  if (table[i] == stop) {
    CancelIoEx(h, &ov);
    GetOverlappedResult(h, &ov, &got, TRUE);
  }
  CloseHandle(h);
  CloseHandle(ov.hEvent);
}

void dispatch_bug(HANDLE h, HANDLE stop) {
  OVERLAPPED ov = {0};
  HANDLE table[2];
  int count = 0;
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  table[count] = ov.hEvent;
  count++;
  table[count] = stop;
  count++;
  // CHECK: wait-tables.c:[[@LINE+1]]:3: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
  ReadFile(h, buffer, sizeof buffer, NULL, &ov);
  // CHECK-NEXT: wait-tables.c:[[@LINE+1]]:14: note: 'WaitForMultipleObjects' may return here for another object, leaving the I/O pending
  DWORD dw = WaitForMultipleObjects(count, table, FALSE, INFINITE);
  int i = dw - WAIT_OBJECT_0;
  // The index is known on each path: no condition needs a note.
  if (table[i] == stop) {
    // CHECK-NEXT: wait-tables.c:[[@LINE+2]]:5: note: cancel the pending I/O and wait for it before closing the handle
    // CHECK-NEXT: wait-tables.c:[[@LINE+1]]:5: warning: 'CloseHandle' closes 'h' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
    CloseHandle(h);
    return;
  }
  CloseHandle(h);
  CloseHandle(ov.hEvent);
}

// A kick event starts the read. Resetting it keeps the next wait from
// returning for it again while the read is pending.
void kick_then_read_fixed(HANDLE h) {
  OVERLAPPED ov = {0};
  HANDLE kick = CreateEventW(NULL, TRUE, FALSE, NULL);
  HANDLE table[2];
  int count = 0, round, done = 0;
  DWORD got;
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  table[count] = kick;
  count++;
  table[count] = ov.hEvent;
  count++;
  SetEvent(kick);
  for (round = 0; round < 2 && !done; round++) {
    DWORD dw = WaitForMultipleObjects(count, table, FALSE, INFINITE);
    int i = dw - WAIT_OBJECT_0;
    if (table[i] == kick) {
      ResetEvent(kick);
      ReadFile(h, buffer, sizeof buffer, NULL, &ov);
    } else if (table[i] == ov.hEvent) {
      GetOverlappedResult(h, &ov, &got, TRUE);
      done = 1;
    }
  }
  if (!done)
    GetOverlappedResult(h, &ov, &got, TRUE);
  CloseHandle(ov.hEvent);
  CloseHandle(kick);
}

// Without the reset the kick event stays signalled: the next wait returns
// for it again and the read is started a second time on its OVERLAPPED.
void kick_then_read_bug(HANDLE h) {
  OVERLAPPED ov = {0};
  HANDLE kick = CreateEventW(NULL, TRUE, FALSE, NULL);
  HANDLE table[2];
  int count = 0, round, done = 0;
  DWORD got;
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  table[count] = kick;
  count++;
  table[count] = ov.hEvent;
  count++;
  SetEvent(kick);
  // CHECK: wait-tables.c:[[@LINE+7]]:7: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
  for (round = 0; round < 2 && !done; round++) {
    // CHECK-NEXT: wait-tables.c:[[@LINE+1]]:16: note: 'WaitForMultipleObjects' may return here for another object, leaving the I/O pending
    DWORD dw = WaitForMultipleObjects(count, table, FALSE, INFINITE);
    int i = dw - WAIT_OBJECT_0;
    if (table[i] == kick) {
      // CHECK-NEXT: wait-tables.c:[[@LINE+1]]:7: warning: 'ReadFile' reuses the OVERLAPPED 'ov' while the request that last used it may still be pending; wait for that request to complete first [iodrain-overlapped-lifetime]
      ReadFile(h, buffer, sizeof buffer, NULL, &ov);
    } else if (table[i] == ov.hEvent) {
      GetOverlappedResult(h, &ov, &got, TRUE);
      done = 1;
    }
  }
  if (!done)
    GetOverlappedResult(h, &ov, &got, TRUE);
  CloseHandle(ov.hEvent);
  CloseHandle(kick);
}

// A named stop event may be another process's (creating it opens it as
// it is), and one whose handle a call iodrain does not model can reach
// may be signalled there: the wait may return for either while the read
// is pending.
void named_stop_bug(HANDLE h) {
  OVERLAPPED ov = {0};
  HANDLE table[2];
  table[0] = CreateEventW(NULL, TRUE, FALSE, L"svc-stop");
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  table[1] = ov.hEvent;
  // CHECK: wait-tables.c:[[@LINE+1]]:3: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
  ReadFile(h, buffer, sizeof buffer, NULL, &ov);
  // CHECK-NEXT: wait-tables.c:[[@LINE+1]]:7: note: 'WaitForMultipleObjects' may return here for another object, leaving the I/O pending
  if (WaitForMultipleObjects(2, table, FALSE, INFINITE) == WAIT_OBJECT_0) {
    // CHECK-NEXT: wait-tables.c:[[@LINE+2]]:5: note: cancel the pending I/O and wait for it before closing the handle
    // CHECK-NEXT: wait-tables.c:[[@LINE+1]]:5: warning: 'CloseHandle' closes 'h' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
    CloseHandle(h);
    return;
  }
  CloseHandle(h);
}

void named_stop_fixed(HANDLE h) {
  OVERLAPPED ov = {0};
  HANDLE table[2];
  DWORD got;
  table[0] = CreateEventW(NULL, TRUE, FALSE, L"svc-stop");
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  table[1] = ov.hEvent;
  ReadFile(h, buffer, sizeof buffer, NULL, &ov);
  if (WaitForMultipleObjects(2, table, FALSE, INFINITE) == WAIT_OBJECT_0) {
    CancelIoEx(h, &ov);
    GetOverlappedResult(h, &ov, &got, TRUE);
  }
  CloseHandle(h);
}

struct stop_request {
  HANDLE stop;
  int reason;
};
// Defined elsewhere: keeps the request and sets its event later.
void register_stop(struct stop_request *r);

void registered_stop_bug(HANDLE h) {
  OVERLAPPED ov = {0};
  HANDLE table[2];
  struct stop_request r;
  r.stop = CreateEventW(NULL, TRUE, FALSE, NULL);
  r.reason = 0;
  register_stop(&r);
  table[0] = r.stop;
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  table[1] = ov.hEvent;
  // CHECK: wait-tables.c:[[@LINE+1]]:3: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
  ReadFile(h, buffer, sizeof buffer, NULL, &ov);
  // CHECK-NEXT: wait-tables.c:[[@LINE+1]]:7: note: 'WaitForMultipleObjects' may return here for another object, leaving the I/O pending
  if (WaitForMultipleObjects(2, table, FALSE, INFINITE) == WAIT_OBJECT_0) {
    // CHECK-NEXT: wait-tables.c:[[@LINE+2]]:5: note: cancel the pending I/O and wait for it before closing the handle
    // CHECK-NEXT: wait-tables.c:[[@LINE+1]]:5: warning: 'CloseHandle' closes 'h' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
    CloseHandle(h);
    return;
  }
  CloseHandle(h);
}

void registered_stop_fixed(HANDLE h) {
  OVERLAPPED ov = {0};
  HANDLE table[2];
  struct stop_request r;
  DWORD got;
  r.stop = CreateEventW(NULL, TRUE, FALSE, NULL);
  r.reason = 0;
  register_stop(&r);
  table[0] = r.stop;
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  table[1] = ov.hEvent;
  ReadFile(h, buffer, sizeof buffer, NULL, &ov);
  if (WaitForMultipleObjects(2, table, FALSE, INFINITE) == WAIT_OBJECT_0) {
    CancelIoEx(h, &ov);
    GetOverlappedResult(h, &ov, &got, TRUE);
  }
  CloseHandle(h);
}

// Defined elsewhere: waits for the handles and returns the one that was
// signalled. It may be the event this function created: the handle it
// returns is not known to differ from it.
HANDLE wait_any(HANDLE *handles, int count);

void wrapped_wait_bug(HANDLE h, HANDLE stop) {
  OVERLAPPED ov = {0};
  HANDLE table[2];
  DWORD got;
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  table[0] = stop;
  table[1] = ov.hEvent;
  // CHECK: wait-tables.c:[[@LINE+1]]:3: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
  ReadFile(h, buffer, sizeof buffer, NULL, &ov);
  HANDLE woke = wait_any(table, 2);
  // CHECK-NEXT: wait-tables.c:[[@LINE+1]]:7: note: 'woke == ov.hEvent' is false here
  if (woke == ov.hEvent) {
    GetOverlappedResult(h, &ov, &got, TRUE);
    CloseHandle(h);
    return;
  }
  // CHECK-NEXT: wait-tables.c:[[@LINE+2]]:3: note: cancel the pending I/O and wait for it before closing the handle
  // CHECK-NEXT: wait-tables.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'h' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(h);
}

void wrapped_wait_fixed(HANDLE h, HANDLE stop) {
  OVERLAPPED ov = {0};
  HANDLE table[2];
  DWORD got;
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  table[0] = stop;
  table[1] = ov.hEvent;
  ReadFile(h, buffer, sizeof buffer, NULL, &ov);
  if (wait_any(table, 2) != ov.hEvent)
    CancelIoEx(h, &ov);
  GetOverlappedResult(h, &ov, &got, TRUE);
  CloseHandle(h);
}

// Defined elsewhere: sets up a write with the OVERLAPPED it is given (it
// may change the event in it).
void prepare_write(OVERLAPPED *ov);

// The write's event is given away and unknown from then on; the kick event
// never is, so no handle code iodrain cannot see produced is the kick
// event: the wait returning for the write's event is not the kick.
void kick_beside_unknown_fixed(HANDLE h) {
  OVERLAPPED ov = {0}, wov = {0};
  HANDLE kick = CreateEventW(NULL, TRUE, FALSE, NULL);
  HANDLE table[3];
  int count = 0, round, done = 0;
  DWORD got;
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  prepare_write(&wov);
  table[count] = kick;
  count++;
  table[count] = ov.hEvent;
  count++;
  table[count] = wov.hEvent;
  count++;
  SetEvent(kick);
  for (round = 0; round < 3 && !done; round++) {
    DWORD dw = WaitForMultipleObjects(count, table, FALSE, INFINITE);
    int i = dw - WAIT_OBJECT_0;
    if (table[i] == kick) {
      ResetEvent(kick);
      ReadFile(h, buffer, sizeof buffer, NULL, &ov);
    } else if (table[i] == ov.hEvent) {
      GetOverlappedResult(h, &ov, &got, TRUE);
      done = 1;
    }
  }
  if (!done)
    GetOverlappedResult(h, &ov, &got, TRUE);
  CloseHandle(ov.hEvent);
  CloseHandle(kick);
}

#ifdef IODRAIN_RUNTIME
// Runtime twins: a pipe whose server end a child also holds. The peer
// answers after ten seconds (and again after twenty for the kick cases);
// the stop event is already set.
#include "shim_twins.h"

static void twin_run_stop(void (*fn)(HANDLE, HANDLE)) {
  HANDLE stop = CreateEventW(NULL, TRUE, TRUE, NULL);
  twin_shared_pipe();
  twin_peer_answers_late();
  fn(twin_server, stop);
}
static void twin_run_two_answers(void (*fn)(HANDLE)) {
  twin_shared_pipe();
  ShimPeerWriteAt(twin_client, "first answer", 12, 10000);
  ShimPeerWriteAt(twin_client, "second answer", 13, 20000);
  fn(twin_server);
}
static void twin_dispatch_fixed(void) { twin_run_stop(dispatch_fixed); }
static void twin_dispatch_bug(void) { twin_run_stop(dispatch_bug); }
static void twin_kick_then_read_fixed(void) {
  twin_run_two_answers(kick_then_read_fixed);
}
static void twin_kick_then_read_bug(void) {
  twin_run_two_answers(kick_then_read_bug);
}

// The stop event is already set: by another process for the named one,
// by the registration for the other.
static void twin_run_pipe(void (*fn)(HANDLE)) {
  twin_shared_pipe();
  twin_peer_answers_late();
  fn(twin_server);
}
static void twin_named_stop_bug(void) {
  CreateEventW(NULL, TRUE, TRUE, L"svc-stop");
  twin_run_pipe(named_stop_bug);
}
static void twin_named_stop_fixed(void) {
  CreateEventW(NULL, TRUE, TRUE, L"svc-stop");
  twin_run_pipe(named_stop_fixed);
}
void register_stop(struct stop_request *r) { SetEvent(r->stop); }
static void twin_registered_stop_bug(void) {
  twin_run_pipe(registered_stop_bug);
}
static void twin_registered_stop_fixed(void) {
  twin_run_pipe(registered_stop_fixed);
}
HANDLE wait_any(HANDLE *handles, int count) {
  DWORD dw = WaitForMultipleObjects((DWORD)count, handles, FALSE, INFINITE);
  return handles[dw - WAIT_OBJECT_0];
}
static void twin_wrapped_wait_bug(void) {
  HANDLE stop = CreateEventW(NULL, TRUE, TRUE, NULL);
  twin_shared_pipe();
  twin_peer_answers_late();
  wrapped_wait_bug(twin_server, stop);
}
static void twin_wrapped_wait_fixed(void) {
  HANDLE stop = CreateEventW(NULL, TRUE, TRUE, NULL);
  twin_shared_pipe();
  twin_peer_answers_late();
  wrapped_wait_fixed(twin_server, stop);
}

void prepare_write(OVERLAPPED *ov) {
  ov->hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
}
static void twin_kick_beside_unknown_fixed(void) {
  twin_run_pipe(kick_beside_unknown_fixed);
}

TWIN_MAIN(TWIN(kick_beside_unknown_fixed), TWIN(dispatch_fixed),
          TWIN(dispatch_bug),
          TWIN(kick_then_read_fixed), TWIN(kick_then_read_bug),
          TWIN(named_stop_bug), TWIN(named_stop_fixed),
          TWIN(registered_stop_bug), TWIN(registered_stop_fixed),
          TWIN(wrapped_wait_bug), TWIN(wrapped_wait_fixed))
#endif
