// An OVERLAPPED reached through an accessor (`ov.get()`, `r.overlapped()`)
// is the storage the accessor returns: the request started on it is the
// one a later wait through the same accessor finishes, and the buffer or
// object it uses dies with it still pending when nothing waits.
// RUN: %check_iodrain %s -- -x c++ -std=c++17 %win32 | %filecheck %s
// RUN: %if shim %{ %check_twins %s -- -x c++ -std=c++17 %win32 %}
#include <windows.h>
#include <stdlib.h>

// Owns a heap OVERLAPPED.
struct OverlappedBox {
  OVERLAPPED *ov;
  OVERLAPPED *get() { return ov; }
};

// A request whose OVERLAPPED is a member.
struct Request {
  OVERLAPPED ov_ = {};
  char buf_[64];
  OVERLAPPED *overlapped() { return &ov_; }
};

bool boxed_read_bug(HANDLE pipe, OverlappedBox &box) {
  char buf[64];
  // CHECK: accessors.cpp:[[@LINE+1]]:8: note: 'ReadFile' starts overlapped I/O on 'pipe' that may still be pending
  if (!ReadFile(pipe, buf, sizeof buf, nullptr, box.get()) &&
      GetLastError() == ERROR_IO_PENDING)
    // CHECK-NEXT: accessors.cpp:[[@LINE+1]]:5: warning: 'buf' goes out of scope while overlapped I/O that uses it may still be pending (it is the I/O's buffer); cancel the I/O and wait for it to complete first [iodrain-overlapped-lifetime]
    return false;
  return true;
}

bool boxed_read_fixed(HANDLE pipe, OverlappedBox &box) {
  char buf[64];
  DWORD n;
  if (!ReadFile(pipe, buf, sizeof buf, nullptr, box.get()) &&
      GetLastError() == ERROR_IO_PENDING) {
    CancelIoEx(pipe, box.get());
    GetOverlappedResult(pipe, box.get(), &n, TRUE);
    return false;
  }
  return true;
}

void member_read_bug(HANDLE pipe) {
  Request r;
  // CHECK: accessors.cpp:[[@LINE+1]]:7: note: 'ReadFile' starts overlapped I/O on 'pipe' that may still be pending
  if (ReadFile(pipe, r.buf_, sizeof r.buf_, nullptr, r.overlapped()) ||
      GetLastError() != ERROR_IO_PENDING)
    return;
  // CHECK-NEXT: accessors.cpp:[[@LINE+1]]:1: warning: 'r' goes out of scope while overlapped I/O that uses it may still be pending; cancel the I/O and wait for it to complete first [iodrain-overlapped-lifetime]
}

void member_read_fixed(HANDLE pipe) {
  Request r;
  DWORD n;
  if (ReadFile(pipe, r.buf_, sizeof r.buf_, nullptr, r.overlapped()) ||
      GetLastError() != ERROR_IO_PENDING)
    return;
  GetOverlappedResult(pipe, r.overlapped(), &n, TRUE);
}

#ifdef IODRAIN_RUNTIME
// Runtime twins: the peer answers after ten seconds; the pipe's
// cancellation completes only later.
#include "shim_twins.h"

static void twin_box(bool (*fn)(HANDLE, OverlappedBox &)) {
  OverlappedBox box = {(OVERLAPPED *)calloc(1, sizeof(OVERLAPPED))};
  twin_shared_pipe();
  twin_peer_answers_late();
  ShimDeferCancellation(twin_server);
  fn(twin_server, box);
}
static void twin_boxed_read_bug(void) { twin_box(boxed_read_bug); }
static void twin_boxed_read_fixed(void) { twin_box(boxed_read_fixed); }

static void twin_member(void (*fn)(HANDLE)) {
  twin_shared_pipe();
  twin_peer_answers_late();
  fn(twin_server);
}
static void twin_member_read_bug(void) { twin_member(member_read_bug); }
static void twin_member_read_fixed(void) { twin_member(member_read_fixed); }

TWIN_MAIN(TWIN(boxed_read_bug), TWIN(boxed_read_fixed),
          TWIN(member_read_bug), TWIN(member_read_fixed))
#endif
