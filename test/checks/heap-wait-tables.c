// A wait on a table behind a pointer: `handles = malloc(...)`, the read's
// event at index 0, the caller's events after it (`handles[i + 1]`, with
// an unsigned `i`, never overwrites index 0). Only index 0 ends the read;
// a timeout or another event leaves it pending (OpenVPN's AsyncPipeOp).
// RUN: %check_iodrain %s -- -x c %win32 | %filecheck %s
// RUN: %if shim %{ %check_twins %s -- -x c %win32 %}
#include <windows.h>
#include <stdlib.h>

DWORD pipe_op_bug(HANDLE pipe, char *buf, DWORD size, DWORD count,
                  HANDLE *events) {
  DWORD i, res, bytes = 0;
  OVERLAPPED ov = {0};
  HANDLE *handles = NULL;
  HANDLE io_event = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (!io_event)
    return 0;
  ov.hEvent = io_event;
  handles = malloc((count + 1) * sizeof(HANDLE));
  if (!handles)
    goto out;
  // CHECK: heap-wait-tables.c:[[@LINE+1]]:8: note: 'ReadFile' starts overlapped I/O on 'pipe' that may still be pending
  if (!ReadFile(pipe, buf, size, NULL, &ov) &&
      GetLastError() != ERROR_IO_PENDING)
    goto out;
  handles[0] = io_event;
  for (i = 0; i < count; i++)
    handles[i + 1] = events[i];
  // CHECK-NEXT: heap-wait-tables.c:[[@LINE-2]]:15: note: 'i < count' is false here
  // CHECK-NEXT: heap-wait-tables.c:[[@LINE+1]]:9: note: 'WaitForMultipleObjects' may time out here, leaving the I/O pending
  res = WaitForMultipleObjects(count + 1, handles, FALSE, 1000);
  if (res != WAIT_OBJECT_0) {
    // CHECK-NEXT: heap-wait-tables.c:[[@LINE+1]]:5: note: 'CancelIo' requests cancellation here, but the cancelled I/O still completes later
    CancelIo(pipe);
    goto out;
  }
  GetOverlappedResult(pipe, &ov, &bytes, TRUE);
out:
  CloseHandle(io_event);
  free(handles);
  // CHECK-NEXT: heap-wait-tables.c:[[@LINE+1]]:3: warning: 'ov' goes out of scope after 'CancelIo' without waiting for the cancelled I/O to complete; wait for its completion first (GetOverlappedResult(..., TRUE), or its packet from the completion port) [iodrain-cancel-without-drain]
  return bytes;
}

DWORD pipe_op_fixed(HANDLE pipe, char *buf, DWORD size, DWORD count,
                    HANDLE *events) {
  DWORD i, res, bytes = 0;
  OVERLAPPED ov = {0};
  HANDLE *handles = NULL;
  HANDLE io_event = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (!io_event)
    return 0;
  ov.hEvent = io_event;
  handles = malloc((count + 1) * sizeof(HANDLE));
  if (!handles)
    goto out;
  if (!ReadFile(pipe, buf, size, NULL, &ov) &&
      GetLastError() != ERROR_IO_PENDING)
    goto out;
  handles[0] = io_event;
  for (i = 0; i < count; i++)
    handles[i + 1] = events[i];
  res = WaitForMultipleObjects(count + 1, handles, FALSE, 1000);
  if (res == WAIT_OBJECT_0) {
    // Index 0 is the read's event: the read is complete.
    GetOverlappedResult(pipe, &ov, &bytes, FALSE);
    goto out;
  }
  CancelIo(pipe);
  GetOverlappedResult(pipe, &ov, &bytes, TRUE);
out:
  CloseHandle(io_event);
  free(handles);
  return bytes;
}
// CHECK-NOT: warning:

#ifdef IODRAIN_RUNTIME
// Runtime twins: a pipe whose server end a child also holds; the peer
// answers after ten seconds, the caller's stop event is never set, and
// cancellations complete a moment after CancelIo returns.
#include "shim_twins.h"

static void twin_run(DWORD (*fn)(HANDLE, char *, DWORD, DWORD, HANDLE *)) {
  static char buf[16];
  HANDLE stop = CreateEventW(NULL, TRUE, FALSE, NULL);
  twin_shared_pipe();
  twin_peer_answers_late();
  ShimDeferCancellation(twin_server);
  fn(twin_server, buf, sizeof buf, 1, &stop);
  Sleep(20000);
}
static void twin_pipe_op_bug(void) { twin_run(pipe_op_bug); }
static void twin_pipe_op_fixed(void) { twin_run(pipe_op_fixed); }

TWIN_MAIN(TWIN(pipe_op_bug), TWIN(pipe_op_fixed))
#endif
