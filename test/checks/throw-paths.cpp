// Leaving a function by `throw` ends its locals as a return does: their
// destructors run, and an OVERLAPPED or buffer they free, or that lives on
// the stack, dies with the request still pending.
// clang's CFG has no exception edges, so iodrain ends the locals in scope
// at a throw that no try block of the function encloses.
// RUN: %check_iodrain %s -- -x c++ %win32 | %filecheck %s
// RUN: %check_iodrain --config="{CheckOptions: {iodrain.FollowCalls: true}}" %s -- -x c++ %win32 | %filecheck %s
// RUN: %if shim %{ %check_twins %s -- -x c++ %win32 %}
#include <windows.h>
#include <stdlib.h>

struct timeout_error {};

static char reply[64];

// Owns a heap OVERLAPPED, freed when the owner dies.
struct owned_overlapped {
  OVERLAPPED *ov = static_cast<OVERLAPPED *>(calloc(1, sizeof(OVERLAPPED)));
  ~owned_overlapped() { free(ov); }
};

DWORD read_or_throw_bug(HANDLE h) {
  owned_overlapped req;
  DWORD n = 0;
  req.ov->hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  // CHECK: throw-paths.cpp:[[@LINE+1]]:8: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
  if (!ReadFile(h, reply, sizeof reply, &n, req.ov) &&
      GetLastError() == ERROR_IO_PENDING) {
    // CHECK-NEXT: throw-paths.cpp:[[@LINE+1]]:9: note: 'WaitForSingleObject' may time out here, leaving the I/O pending
    if (WaitForSingleObject(req.ov->hEvent, 100) != WAIT_OBJECT_0) {
      // CHECK-NEXT: throw-paths.cpp:[[@LINE+1]]:7: note: 'CancelIo' requests cancellation here, but the cancelled I/O still completes later
      CancelIo(h);
      // CHECK-NEXT: throw-paths.cpp:[[@LINE+1]]:7: warning: the destructor of 'req' releases 'req.ov' after 'CancelIo' without waiting for the cancelled I/O to complete; wait for its completion first (GetOverlappedResult(..., TRUE), or its packet from the completion port) [iodrain-cancel-without-drain]
      throw timeout_error();
    }
    GetOverlappedResult(h, req.ov, &n, TRUE);
  }
  CloseHandle(req.ov->hEvent);
  return n;
}

DWORD read_or_throw_fixed(HANDLE h) {
  owned_overlapped req;
  DWORD n = 0;
  req.ov->hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (!ReadFile(h, reply, sizeof reply, &n, req.ov) &&
      GetLastError() == ERROR_IO_PENDING) {
    if (WaitForSingleObject(req.ov->hEvent, 100) != WAIT_OBJECT_0) {
      CancelIo(h);
      GetOverlappedResult(h, req.ov, &n, TRUE);
      CloseHandle(req.ov->hEvent);
      throw timeout_error();
    }
    GetOverlappedResult(h, req.ov, &n, TRUE);
  }
  CloseHandle(req.ov->hEvent);
  return n;
}

// The throw is caught in the function, whose handler drains the read.
DWORD read_or_catch_fixed(HANDLE h) {
  OVERLAPPED ov = {};
  char buf[64];
  DWORD n = 0;
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (!ReadFile(h, buf, sizeof buf, &n, &ov) &&
      GetLastError() != ERROR_IO_PENDING)
    return 0;
  try {
    if (WaitForSingleObject(ov.hEvent, 100) != WAIT_OBJECT_0)
      throw timeout_error();
  } catch (const timeout_error &) {
    CancelIo(h);
  }
  GetOverlappedResult(h, &ov, &n, TRUE);
  CloseHandle(ov.hEvent);
  return n;
}

// The caller lent the OVERLAPPED and the buffer: the throw hands them back
// with the cancelled read still to complete.
DWORD lent_read_or_throw_bug(HANDLE h, OVERLAPPED *ov, char *buf) {
  DWORD n = 0;
  // CHECK: throw-paths.cpp:[[@LINE+1]]:8: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
  if (!ReadFile(h, buf, 64, &n, ov) && GetLastError() == ERROR_IO_PENDING) {
    // CHECK-NEXT: throw-paths.cpp:[[@LINE+1]]:9: note: 'WaitForSingleObject' may time out here, leaving the I/O pending
    if (WaitForSingleObject(ov->hEvent, 100) != WAIT_OBJECT_0) {
      // CHECK-NEXT: throw-paths.cpp:[[@LINE+1]]:7: note: 'CancelIo' requests cancellation here, but the cancelled I/O still completes later
      CancelIo(h);
      // CHECK-NEXT: throw-paths.cpp:[[@LINE+1]]:7: warning: throwing hands 'ov' back to the caller after 'CancelIo' without waiting for the cancelled I/O to complete; wait for its completion first (GetOverlappedResult(..., TRUE), or its packet from the completion port) [iodrain-cancel-without-drain]
      throw timeout_error();
    }
    GetOverlappedResult(h, ov, &n, TRUE);
  }
  return n;
}

DWORD lent_read_or_throw_fixed(HANDLE h, OVERLAPPED *ov, char *buf) {
  DWORD n = 0;
  if (!ReadFile(h, buf, 64, &n, ov) && GetLastError() == ERROR_IO_PENDING) {
    if (WaitForSingleObject(ov->hEvent, 100) != WAIT_OBJECT_0) {
      CancelIo(h);
      GetOverlappedResult(h, ov, &n, TRUE);
      throw timeout_error();
    }
    GetOverlappedResult(h, ov, &n, TRUE);
  }
  return n;
}

// CHECK-NOT: warning:

#ifdef IODRAIN_RUNTIME
// Runtime twins: a pipe whose server end a child also holds; the peer
// answers after ten seconds, long after the timeout. The cancel completes
// a moment later, not inside CancelIo.
#include "shim_twins.h"

static void twin_run(DWORD (*fn)(HANDLE)) {
  twin_shared_pipe();
  twin_peer_answers_late();
  ShimDeferCancellation(twin_server);
  try {
    fn(twin_server);
  } catch (const timeout_error &) {
  }
  Sleep(20000); // the cancelled read completes meanwhile
}
static void twin_read_or_throw_bug(void) { twin_run(read_or_throw_bug); }
static void twin_read_or_throw_fixed(void) { twin_run(read_or_throw_fixed); }
static void twin_read_or_catch_fixed(void) { twin_run(read_or_catch_fixed); }

// The caller frees what it lent once the call is over.
static void twin_lent(DWORD (*fn)(HANDLE, OVERLAPPED *, char *)) {
  OVERLAPPED *ov = static_cast<OVERLAPPED *>(calloc(1, sizeof(OVERLAPPED)));
  char *buf = static_cast<char *>(malloc(64));
  ov->hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  twin_shared_pipe();
  twin_peer_answers_late();
  ShimDeferCancellation(twin_server);
  try {
    fn(twin_server, ov, buf);
  } catch (const timeout_error &) {
  }
  free(ov);
  free(buf);
  Sleep(20000);
}
static void twin_lent_read_or_throw_bug(void) {
  twin_lent(lent_read_or_throw_bug);
}
static void twin_lent_read_or_throw_fixed(void) {
  twin_lent(lent_read_or_throw_fixed);
}

TWIN_MAIN(TWIN(read_or_throw_bug), TWIN(read_or_throw_fixed),
          TWIN(read_or_catch_fixed), TWIN(lent_read_or_throw_bug),
          TWIN(lent_read_or_throw_fixed))
#endif
