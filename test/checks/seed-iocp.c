// The seed scenario: a pending overlapped read on an IOCP-bound pipe, a
// CloseHandle at shutdown, then a wait on the port. Fixed twins cancel and
// dequeue the completion first.
// RUN: %check_iodrain %s -- -x c %win32 | %filecheck %s
// RUN: %check_iodrain %s -- -x c++ %win32 | %filecheck %s
// RUN: %if shim %{ %check_twins %s -- -x c %win32 %}
#include <windows.h>

static char buffer[4096];

void seed_bug(HANDLE pipe, HANDLE port) {
  OVERLAPPED ov = {0};
  DWORD bytes;
  ULONG_PTR key;
  LPOVERLAPPED done;
  // CHECK: seed-iocp.c:[[@LINE+1]]:8: note: 'ReadFile' starts overlapped I/O on 'pipe' that may still be pending
  if (!ReadFile(pipe, buffer, sizeof buffer, NULL, &ov) &&
      GetLastError() != ERROR_IO_PENDING)
    return;
  // CHECK-NEXT: seed-iocp.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'pipe' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(pipe);
  GetQueuedCompletionStatus(port, &bytes, &key, &done, INFINITE);
}

void seed_fixed(HANDLE pipe, HANDLE port) {
  OVERLAPPED ov = {0};
  DWORD bytes;
  ULONG_PTR key;
  LPOVERLAPPED done;
  if (!ReadFile(pipe, buffer, sizeof buffer, NULL, &ov) &&
      GetLastError() != ERROR_IO_PENDING)
    return;
  CancelIoEx(pipe, &ov);
  GetQueuedCompletionStatus(port, &bytes, &key, &done, INFINITE);
  CloseHandle(pipe);
}

// A dequeue that may time out leaves the read pending.
void dequeue_timeout_bug(HANDLE pipe, HANDLE port) {
  OVERLAPPED ov = {0};
  DWORD bytes;
  ULONG_PTR key;
  LPOVERLAPPED done;
  // CHECK: seed-iocp.c:[[@LINE+1]]:3: note: 'ReadFile' starts overlapped I/O on 'pipe' that may still be pending
  ReadFile(pipe, buffer, sizeof buffer, NULL, &ov);
  // CHECK-NEXT: seed-iocp.c:[[@LINE+1]]:3: note: 'CancelIoEx' requests cancellation here, but the cancelled I/O still completes later
  CancelIoEx(pipe, &ov);
  // CHECK-NEXT: seed-iocp.c:[[@LINE+1]]:3: note: 'GetQueuedCompletionStatus' may time out here, leaving the I/O pending
  GetQueuedCompletionStatus(port, &bytes, &key, &done, 100);
  // CHECK-NEXT: seed-iocp.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'pipe' after 'CancelIoEx' without waiting for the cancelled I/O to complete; wait for its completion first (GetOverlappedResult(..., TRUE), or its packet from the completion port) [iodrain-cancel-without-drain]
  CloseHandle(pipe);
}

// A timed dequeue whose timeout branch waits again without a limit.
void dequeue_timeout_fixed(HANDLE pipe, HANDLE port) {
  OVERLAPPED ov = {0};
  DWORD bytes;
  ULONG_PTR key;
  LPOVERLAPPED done;
  ReadFile(pipe, buffer, sizeof buffer, NULL, &ov);
  CancelIoEx(pipe, &ov);
  if (!GetQueuedCompletionStatus(port, &bytes, &key, &done, 100) &&
      GetLastError() == WAIT_TIMEOUT)
    GetQueuedCompletionStatus(port, &bytes, &key, &done, INFINITE);
  CloseHandle(pipe);
}

#ifdef IODRAIN_RUNTIME
// Runtime twins: a pipe whose server end is also held by a duplicate in
// this process, bound to a completion port; the peer is idle at shutdown.
#include "shim_twins.h"

static HANDLE twin_port(void) {
  twin_shared_pipe_held_by(TWIN_SAME_PROCESS);
  return CreateIoCompletionPort(twin_server, NULL, 1, 0);
}
static void twin_seed_bug(void) {
  HANDLE port = twin_port();
  seed_bug(twin_server, port);
}
static void twin_seed_fixed(void) {
  HANDLE port = twin_port();
  seed_fixed(twin_server, port);
}

// A device that ignores cancellation and completes after ten seconds; the
// program's worker loop goes on dequeuing for a minute after the function.
static void twin_slow_device(void (*fn)(HANDLE, HANDLE)) {
  HANDLE dev = ShimOpenNoCancelDevice();
  HANDLE port = CreateIoCompletionPort(dev, NULL, 1, 0);
  DWORD n;
  ULONG_PTR key;
  LPOVERLAPPED done;
  ShimDeviceCompleteAt(dev, 10000);
  fn(dev, port);
  GetQueuedCompletionStatus(port, &n, &key, &done, 60000);
}
static void twin_dequeue_timeout_bug(void) {
  twin_slow_device(dequeue_timeout_bug);
}
static void twin_dequeue_timeout_fixed(void) {
  twin_slow_device(dequeue_timeout_fixed);
}

TWIN_MAIN(TWIN(seed_bug), TWIN(seed_fixed), TWIN(dequeue_timeout_bug),
          TWIN(dequeue_timeout_fixed))
#endif
