// C++20 coroutines that suspend with a request pending in their frame: an
// awaiter that starts overlapped I/O in await_suspend on its own
// OVERLAPPED lives in the coroutine's frame until the completion resumes
// it. An eager coroutine (initial_suspend never suspends) has started the
// I/O when the call returns, and the task that holds its handle owns the
// request's storage: destroying the frame, by coroutine_handle::destroy()
// or by the task's destructor, before the completion frees the OVERLAPPED
// and the buffer under the kernel.
// RUN: %check_iodrain %s -- -x c++ -std=c++20 -I %S/Inputs/coroutines %win32 | %filecheck %s
// RUN: %check_iodrain --config="{CheckOptions: {iodrain.FollowCalls: true}}" %s -- -x c++ -std=c++20 -I %S/Inputs/coroutines %win32 | %filecheck %s
// RUN: %check_iodrain --config="{CheckOptions: {iodrain.RulesFiles: '%S/Inputs/inert-coroutines.yaml'}}" %s -- -x c++ -std=c++20 -I %S/Inputs/coroutines %win32 | %filecheck %s
// RUN: %if shim %{ %check_twins %s -- -x c++ -std=c++20 -I %S/Inputs/coroutines %win32 %}
#include <windows.h>
#include <coroutine>

// Starts eagerly, stays suspended at its end, and leaves destroying the
// frame to whoever holds the task.
struct owned_task {
  struct promise_type {
    owned_task get_return_object() {
      return {std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_never initial_suspend() { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    void return_void() {}
    void unhandled_exception() {}
  };
  std::coroutine_handle<promise_type> frame;
};

// The same, with a destructor that destroys the frame.
struct scoped_task {
  struct promise_type {
    scoped_task get_return_object() {
      return {std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_never initial_suspend() { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    void return_void() {}
    void unhandled_exception() {}
  };
  std::coroutine_handle<promise_type> frame;
  ~scoped_task() {
    if (frame)
      frame.destroy();
  }
};

// A lazy task: the body runs only when it is resumed.
struct lazy_task {
  struct promise_type {
    lazy_task get_return_object() {
      return {std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_always initial_suspend() { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    void return_void() {}
    void unhandled_exception() {}
  };
  std::coroutine_handle<promise_type> frame;
};

// Starts a read on its own OVERLAPPED and resumes the coroutine from the
// completion packet, found back from that OVERLAPPED.
struct read_op {
  HANDLE handle;
  char *buffer;
  DWORD size;
  OVERLAPPED ov = {};
  std::coroutine_handle<> waiter;
  bool await_ready() { return false; }
  bool await_suspend(std::coroutine_handle<> c) {
    waiter = c;
    return ReadFile(handle, buffer, size, NULL, &ov) ||
           GetLastError() == ERROR_IO_PENDING;
  }
  void await_resume() {}
};

owned_task owned_reader(HANDLE h) {
  char buf[64];
  co_await read_op{h, buf, sizeof buf};
  buf[0] = 0;
}

scoped_task scoped_reader(HANDLE h) {
  char buf[64];
  co_await read_op{h, buf, sizeof buf};
  buf[0] = 0;
}

lazy_task lazy_reader(HANDLE h) {
  char buf[64];
  co_await read_op{h, buf, sizeof buf};
  buf[0] = 0;
}

// Takes the next packet from the port and resumes the coroutine it
// completes.
static void resume_next(HANDLE port) {
  DWORD n;
  ULONG_PTR key;
  OVERLAPPED *o;
  if (GetQueuedCompletionStatus(port, &n, &key, &o, INFINITE) || o)
    CONTAINING_RECORD(o, read_op, ov)->waiter.resume();
}

// Gives up on the reader: its frame, with the read's OVERLAPPED and
// buffer, is freed while the read runs.
void abandon_reader_bug(HANDLE h) {
  // CHECK: coroutine-destroy.cpp:[[@LINE+1]]:23: note: 'owned_reader' suspends with overlapped I/O on 'h' pending in its frame ('ReadFile' in 'await_suspend')
  owned_task reader = owned_reader(h);
  // CHECK-NEXT: coroutine-destroy.cpp:[[@LINE+1]]:3: warning: 'std::coroutine_handle::destroy' frees 'reader.frame' while overlapped I/O that uses it may still be pending; cancel the I/O and wait for it to complete first [iodrain-overlapped-lifetime]
  reader.frame.destroy();
}

// Cancels the read and takes its packet, which resumes the reader to its
// end; only then is the frame destroyed.
void abandon_reader_fixed(HANDLE h, HANDLE port) {
  owned_task reader = owned_reader(h);
  CancelIoEx(h, NULL);
  resume_next(port);
  reader.frame.destroy();
}

// The task's destructor destroys the frame right after the cancel, before
// the cancelled read completes.
void scoped_reader_bug(HANDLE h) {
  // CHECK-NEXT: coroutine-destroy.cpp:[[@LINE+1]]:24: note: 'scoped_reader' suspends with overlapped I/O on 'h' pending in its frame ('ReadFile' in 'await_suspend')
  scoped_task reader = scoped_reader(h);
  // CHECK-NEXT: coroutine-destroy.cpp:[[@LINE+1]]:3: note: 'CancelIoEx' requests cancellation here, but the cancelled I/O still completes later
  CancelIoEx(h, NULL);
  // CHECK-NEXT: coroutine-destroy.cpp:[[@LINE+1]]:1: warning: the destructor of 'reader' releases 'reader.frame' after 'CancelIoEx' without waiting for the cancelled I/O to complete; wait for its completion first (GetOverlappedResult(..., TRUE), or its packet from the completion port) [iodrain-cancel-without-drain]
}

// The cancelled read's packet is taken before the task dies.
void scoped_reader_fixed(HANDLE h, HANDLE port) {
  scoped_task reader = scoped_reader(h);
  CancelIoEx(h, NULL);
  DWORD n;
  ULONG_PTR key;
  OVERLAPPED *o;
  if (GetQueuedCompletionStatus(port, &n, &key, &o, INFINITE) || o)
    CONTAINING_RECORD(o, read_op, ov)->waiter.resume();
}

// A lazy reader that was never resumed has started nothing: destroying it
// is safe.
void lazy_reader_fixed(HANDLE h) {
  lazy_task reader = lazy_reader(h);
  reader.frame.destroy();
}

// CHECK-NOT: warning:

#ifdef IODRAIN_RUNTIME
// Runtime twins: a pipe whose server end a child also holds; the peer
// answers after ten seconds, into whatever the read's frame has become.
#include "shim_twins.h"

static void twin_abandon_reader_bug(void) {
  twin_shared_pipe();
  twin_peer_answers_late();
  abandon_reader_bug(twin_server);
}
static void twin_abandon_reader_fixed(void) {
  twin_shared_pipe();
  HANDLE port = CreateIoCompletionPort(twin_server, NULL, 1, 0);
  twin_peer_answers_late();
  abandon_reader_fixed(twin_server, port);
}
// The driver completes the cancelled read only later.
static void twin_scoped_reader_bug(void) {
  twin_shared_pipe();
  ShimDeferCancellation(twin_server);
  twin_peer_answers_late();
  scoped_reader_bug(twin_server);
}
static void twin_scoped_reader_fixed(void) {
  twin_shared_pipe();
  ShimDeferCancellation(twin_server);
  HANDLE port = CreateIoCompletionPort(twin_server, NULL, 1, 0);
  twin_peer_answers_late();
  scoped_reader_fixed(twin_server, port);
}
static void twin_lazy_reader_fixed(void) {
  twin_shared_pipe();
  twin_peer_answers_late();
  lazy_reader_fixed(twin_server);
}
// The coroutines and the port's loop, each as its correct caller uses it.
static void twin_owned_reader(void) { twin_abandon_reader_fixed(); }
static void twin_scoped_reader(void) { twin_scoped_reader_fixed(); }
static void twin_lazy_reader(void) { twin_lazy_reader_fixed(); }
static void twin_resume_next(void) { twin_abandon_reader_fixed(); }

TWIN_MAIN(TWIN(owned_reader), TWIN(scoped_reader), TWIN(lazy_reader),
          TWIN(resume_next), TWIN(abandon_reader_bug), TWIN(abandon_reader_fixed),
          TWIN(scoped_reader_bug), TWIN(scoped_reader_fixed),
          TWIN(lazy_reader_fixed))
#endif
