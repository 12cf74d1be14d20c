// A local std::unique_ptr that owns an OVERLAPPED or a buffer deletes it
// when it dies or is reset, like a `delete`: with the request still
// pending, the kernel then writes into freed memory. `p.get()` names the
// owned object even when iodrain did not see it made (std::make_unique).
// A unique_ptr that gives its object up (`release()`, a move) is not
// taken to delete it.
// RUN: %check_iodrain %s -- -x c++ -std=c++17 %win32 | %filecheck %s
// RUN: %check_iodrain --config="{CheckOptions: {iodrain.FollowCalls: true}}" %s -- -x c++ -std=c++17 %win32 | %filecheck %s
// RUN: %if shim %{ %check_twins %s -- -x c++ -std=c++17 %win32 %}
#include <windows.h>
#include <memory>

static char reply[64];

void scope_end_bug(HANDLE h) {
  auto ov = std::make_unique<OVERLAPPED>();
  ov->hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  // CHECK: smart-pointers.cpp:[[@LINE+1]]:8: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
  if (!ReadFile(h, reply, sizeof reply, NULL, ov.get()) &&
      GetLastError() != ERROR_IO_PENDING)
    return;
  // CHECK-NEXT: smart-pointers.cpp:[[@LINE+1]]:3: note: 'WaitForSingleObject' may time out here, leaving the I/O pending
  WaitForSingleObject(ov->hEvent, 100);
  // CHECK-NEXT: smart-pointers.cpp:[[@LINE+1]]:1: warning: the destructor of 'ov' frees '*ov' while overlapped I/O that uses it may still be pending; cancel the I/O and wait for it to complete first [iodrain-overlapped-lifetime]
}

void scope_end_fixed(HANDLE h) {
  auto ov = std::make_unique<OVERLAPPED>();
  DWORD n;
  ov->hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (!ReadFile(h, reply, sizeof reply, NULL, ov.get()) &&
      GetLastError() != ERROR_IO_PENDING)
    return;
  if (WaitForSingleObject(ov->hEvent, 100) != WAIT_OBJECT_0) {
    CancelIoEx(h, ov.get());
    GetOverlappedResult(h, ov.get(), &n, TRUE);
  }
}

void reset_bug(HANDLE h) {
  std::unique_ptr<OVERLAPPED> ov(new OVERLAPPED());
  ov->hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  // CHECK: smart-pointers.cpp:[[@LINE+1]]:8: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
  if (!ReadFile(h, reply, sizeof reply, NULL, ov.get()) &&
      GetLastError() != ERROR_IO_PENDING)
    return;
  // CHECK-NEXT: smart-pointers.cpp:[[@LINE+1]]:3: note: 'WaitForSingleObject' may time out here, leaving the I/O pending
  WaitForSingleObject(ov->hEvent, 100);
  // CHECK-NEXT: smart-pointers.cpp:[[@LINE+1]]:3: warning: 'std::unique_ptr::reset' frees 'ov' while overlapped I/O that uses it may still be pending; cancel the I/O and wait for it to complete first [iodrain-overlapped-lifetime]
  ov.reset();
}

void reset_fixed(HANDLE h) {
  std::unique_ptr<OVERLAPPED> ov(new OVERLAPPED());
  DWORD n;
  ov->hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (!ReadFile(h, reply, sizeof reply, NULL, ov.get()) &&
      GetLastError() != ERROR_IO_PENDING)
    return;
  if (WaitForSingleObject(ov->hEvent, 100) != WAIT_OBJECT_0) {
    CancelIoEx(h, ov.get());
    GetOverlappedResult(h, ov.get(), &n, TRUE);
  }
  ov.reset();
}

void buffer_bug(HANDLE h, OVERLAPPED *o) {
  std::unique_ptr<char[]> buf(new char[64]);
  // CHECK: smart-pointers.cpp:[[@LINE+1]]:8: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
  if (!ReadFile(h, buf.get(), 64, NULL, o) && GetLastError() != ERROR_IO_PENDING)
    return;
  // CHECK-NEXT: smart-pointers.cpp:[[@LINE+1]]:3: note: 'WaitForSingleObject' may time out here, leaving the I/O pending
  WaitForSingleObject(o->hEvent, 100);
  // CHECK-NEXT: smart-pointers.cpp:[[@LINE+1]]:1: warning: the destructor of 'buf' frees '*buf' while overlapped I/O that uses it may still be pending (it is the I/O's buffer); cancel the I/O and wait for it to complete first [iodrain-overlapped-lifetime]
}

void buffer_fixed(HANDLE h, OVERLAPPED *o) {
  std::unique_ptr<char[]> buf(new char[64]);
  DWORD n;
  if (!ReadFile(h, buf.get(), 64, NULL, o) && GetLastError() != ERROR_IO_PENDING)
    return;
  if (WaitForSingleObject(o->hEvent, 100) != WAIT_OBJECT_0) {
    CancelIoEx(h, o);
    GetOverlappedResult(h, o, &n, TRUE);
  }
}

// The request's OVERLAPPED is handed over with release(): the program
// keeps it (here: for ever) instead of deleting it at scope end.
static OVERLAPPED *abandoned;

void released_fixed(HANDLE h) {
  auto ov = std::make_unique<OVERLAPPED>();
  if (!ReadFile(h, reply, sizeof reply, NULL, ov.get()) &&
      GetLastError() != ERROR_IO_PENDING)
    return;
  abandoned = ov.release();
}

// CHECK-NOT: warning:

#ifdef IODRAIN_RUNTIME
// Runtime twins: a pipe whose server end a child also holds; the peer
// answers after ten seconds, long after the 100 ms waits, and the program
// lives on past that.
#include "shim_twins.h"

static void twin_run(void (*fn)(HANDLE)) {
  twin_shared_pipe();
  twin_peer_answers_late();
  fn(twin_server);
  Sleep(20000);
}
static void twin_run_with(void (*fn)(HANDLE, OVERLAPPED *)) {
  static OVERLAPPED o;
  twin_shared_pipe();
  twin_peer_answers_late();
  o.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  fn(twin_server, &o);
  Sleep(20000);
}
static void twin_scope_end_bug(void) { twin_run(scope_end_bug); }
static void twin_scope_end_fixed(void) { twin_run(scope_end_fixed); }
static void twin_reset_bug(void) { twin_run(reset_bug); }
static void twin_reset_fixed(void) { twin_run(reset_fixed); }
static void twin_buffer_bug(void) { twin_run_with(buffer_bug); }
static void twin_buffer_fixed(void) { twin_run_with(buffer_fixed); }
static void twin_released_fixed(void) { twin_run(released_fixed); }

TWIN_MAIN(TWIN(scope_end_bug), TWIN(scope_end_fixed), TWIN(reset_bug),
          TWIN(reset_fixed), TWIN(buffer_bug), TWIN(buffer_fixed),
          TWIN(released_fixed))
#endif
