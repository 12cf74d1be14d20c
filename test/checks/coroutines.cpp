// C++20 coroutines: a coroutine's body is analysed across its suspension
// points like any function, with its locals living in the frame. Overlapped
// I/O that the body starts stays pending across a co_await that does not
// drain it; a co_return or the end of the body then ends the frame's
// locals. An awaiter that starts the I/O in await_suspend and is resumed by
// the completion packet hands the request to the completion, which is
// silent.
// RUN: %check_iodrain %s -- -x c++ -std=c++20 -I %S/Inputs/coroutines %win32 | %filecheck %s
// RUN: %check_iodrain --config="{CheckOptions: {iodrain.FollowCalls: true}}" %s -- -x c++ -std=c++20 -I %S/Inputs/coroutines %win32 | %filecheck %s
// RUN: %if shim %{ %check_twins %s -- -x c++ -std=c++20 -I %S/Inputs/coroutines %win32 %}
#include <windows.h>
#include <coroutine>

// An eager coroutine whose frame is freed when it finishes.
struct task {
  struct promise_type {
    task get_return_object() { return {}; }
    std::suspend_never initial_suspend() { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() {}
    void unhandled_exception() {}
  };
};

// Resumes when the event is signalled or the timeout passes, and says
// which (like C++/WinRT's resume_on_signal).
struct resume_on_signal {
  HANDLE event;
  DWORD timeout_ms;
  bool signalled;
  bool await_ready();
  void await_suspend(std::coroutine_handle<>);
  bool await_resume() { return signalled; }
};

// Starts a read into the caller's buffer and resumes the coroutine from the
// completion packet, found back from its OVERLAPPED.
struct read_op {
  HANDLE handle;
  char *buffer;
  DWORD size;
  OVERLAPPED ov = {};
  std::coroutine_handle<> waiter;
  DWORD error = 0;
  bool await_ready() { return false; }
  bool await_suspend(std::coroutine_handle<> c) {
    waiter = c;
    if (ReadFile(handle, buffer, size, NULL, &ov) ||
        GetLastError() == ERROR_IO_PENDING)
      return true;
    error = GetLastError();
    return false;
  }
  DWORD await_resume() { return error; }
};

// On timeout the coroutine returns, and its frame with the buffer goes,
// while the read still runs.
task timed_read_bug(HANDLE h) {
  OVERLAPPED ov = {};
  char buf[64];
  DWORD n;
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  // CHECK: coroutines.cpp:[[@LINE+1]]:8: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
  if (!ReadFile(h, buf, sizeof buf, NULL, &ov) &&
      GetLastError() != ERROR_IO_PENDING) {
    CloseHandle(ov.hEvent);
    co_return;
  }
  bool signalled = co_await resume_on_signal{ov.hEvent, 100};
  // CHECK-NEXT: coroutines.cpp:[[@LINE+1]]:7: note: '!signalled' is true here
  if (!signalled)
    // CHECK: coroutines.cpp:[[@LINE+1]]:5: warning: 'buf' goes out of scope while overlapped I/O that uses it may still be pending (it is the I/O's buffer); cancel the I/O and wait for it to complete first [iodrain-overlapped-lifetime]
    co_return;
  GetOverlappedResult(h, &ov, &n, TRUE);
  CloseHandle(ov.hEvent);
}

// On timeout the read is cancelled and its completion awaited.
task timed_read_fixed(HANDLE h) {
  OVERLAPPED ov = {};
  char buf[64];
  DWORD n;
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (!ReadFile(h, buf, sizeof buf, NULL, &ov) &&
      GetLastError() != ERROR_IO_PENDING) {
    CloseHandle(ov.hEvent);
    co_return;
  }
  bool signalled = co_await resume_on_signal{ov.hEvent, 100};
  if (!signalled)
    CancelIoEx(h, &ov);
  GetOverlappedResult(h, &ov, &n, TRUE);
  CloseHandle(ov.hEvent);
}

// The awaiter's request lives in the frame until the completion resumes
// the coroutine: nothing is pending when the body goes on.
task port_reader_fixed(HANDLE h) {
  char buf[64];
  DWORD error = co_await read_op{h, buf, sizeof buf};
  if (error)
    co_return;
  buf[0] = 0;
}

// The completion port's loop: each packet resumes the coroutine waiting on
// it.
void resume_completed(HANDLE port) {
  DWORD n;
  ULONG_PTR key;
  OVERLAPPED *o;
  if (GetQueuedCompletionStatus(port, &n, &key, &o, INFINITE))
    CONTAINING_RECORD(o, read_op, ov)->waiter.resume();
}

// CHECK-NOT: warning:

#ifdef IODRAIN_RUNTIME
// Runtime twins: a pipe whose server end a child also holds; the peer
// answers after ten seconds, long after the 100 ms timeout.
#include "shim_twins.h"

// The shim has no asynchronous wait registration: the awaiter waits in
// await_ready and never suspends, which gives the body the same outcomes.
bool resume_on_signal::await_ready() {
  signalled = WaitForSingleObject(event, timeout_ms) == WAIT_OBJECT_0;
  return true;
}
void resume_on_signal::await_suspend(std::coroutine_handle<>) {}

static void twin_timed_read_bug(void) {
  twin_shared_pipe();
  twin_peer_answers_late();
  timed_read_bug(twin_server);
}
static void twin_timed_read_fixed(void) {
  twin_shared_pipe();
  twin_peer_answers_late();
  timed_read_fixed(twin_server);
}
static void twin_port_reader_fixed(void) {
  twin_shared_pipe();
  HANDLE port = CreateIoCompletionPort(twin_server, NULL, 1, 0);
  twin_peer_answers_late();
  port_reader_fixed(twin_server);
  resume_completed(port);
}
static void twin_resume_completed(void) { twin_port_reader_fixed(); }

TWIN_MAIN(TWIN(timed_read_bug), TWIN(timed_read_fixed),
          TWIN(port_reader_fixed), TWIN(resume_completed))
#endif
