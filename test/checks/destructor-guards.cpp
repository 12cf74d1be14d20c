// Destructors that finish what they guard: a class whose destructor
// cancels its pending read and waits for it, a guard object over the
// caller's OVERLAPPED, a scope guard running a lambda, a lambda called
// directly. With calls followed, such a destructor runs where the object
// dies (at the end of its scope, at `delete`, when a smart pointer lets it
// go, as a member of a dying object), and what it waits for is finished;
// one that only cancels leaves the cancelled I/O running into storage
// that dies next.
// RUN: %check_iodrain %s -- -x c++ -std=c++17 %win32 | %filecheck %s
// RUN: %if shim %{ %check_twins %s -- -x c++ -std=c++17 %win32 %}
#include <windows.h>
#include <memory>
#include <utility>

// Reads into its own members; the destructor drains a pending read.
class Reader {
public:
  explicit Reader(HANDLE h) : h_(h) {}
  ~Reader() {
    if (pending_) {
      DWORD n;
      CancelIoEx(h_, &ov_);
      GetOverlappedResult(h_, &ov_, &n, TRUE);
    }
  }
  bool Start() {
    if (ReadFile(h_, buf_, sizeof buf_, nullptr, &ov_))
      return true;
    if (GetLastError() != ERROR_IO_PENDING)
      return false;
    pending_ = true;
    return true;
  }

private:
  HANDLE h_;
  OVERLAPPED ov_ = {};
  char buf_[64];
  bool pending_ = false;
};

// The same, but its destructor only cancels.
class HastyReader {
public:
  explicit HastyReader(HANDLE h) : h_(h) {}
  ~HastyReader() {
    if (pending_)
      CancelIoEx(h_, &ov_);
  }
  bool Start() {
    if (ReadFile(h_, buf_, sizeof buf_, nullptr, &ov_))
      return true;
    if (GetLastError() != ERROR_IO_PENDING)
      return false;
    pending_ = true;
    return true;
  }

private:
  HANDLE h_;
  OVERLAPPED ov_ = {};
  char buf_[64];
  bool pending_ = false;
};

void local_reader_fixed(HANDLE h) {
  Reader r(h);
  r.Start();
}

void local_reader_bug(HANDLE h) {
  HastyReader r(h);
  r.Start();
// CHECK: destructor-guards.cpp:51:9: note: in call to 'HastyReader::Start': 'ReadFile' starts overlapped I/O on 'h_' that may still be pending
// CHECK-NEXT: destructor-guards.cpp:48:7: note: in call to 'HastyReader::~HastyReader': 'CancelIoEx' requests cancellation here, but the cancelled I/O still completes later
// CHECK-NEXT: destructor-guards.cpp:[[@LINE+1]]:1: warning: 'r' goes out of scope after 'CancelIoEx' without waiting for the cancelled I/O to complete; wait for its completion first (GetOverlappedResult(..., TRUE), or its packet from the completion port) [iodrain-cancel-without-drain]
}

void deleted_reader_fixed(HANDLE h) {
  Reader *r = new Reader(h);
  r->Start();
  delete r;
}

void deleted_reader_bug(HANDLE h) {
  HastyReader *r = new HastyReader(h);
  r->Start();
  // CHECK: destructor-guards.cpp:51:9: note: in call to 'HastyReader::Start': 'ReadFile' starts overlapped I/O on 'h_' that may still be pending
  // CHECK-NEXT: destructor-guards.cpp:48:7: note: in call to 'HastyReader::~HastyReader': 'CancelIoEx' requests cancellation here, but the cancelled I/O still completes later
  // CHECK-NEXT: destructor-guards.cpp:[[@LINE+1]]:3: warning: 'delete' frees 'r' after 'CancelIoEx' without waiting for the cancelled I/O to complete; wait for its completion first (GetOverlappedResult(..., TRUE), or its packet from the completion port) [iodrain-cancel-without-drain]
  delete r;
}

void owned_reader_fixed(HANDLE h) {
  std::unique_ptr<Reader> r(new Reader(h));
  r->Start();
}

void owned_reader_bug(HANDLE h) {
  std::unique_ptr<HastyReader> r(new HastyReader(h));
  r->Start();
// CHECK: destructor-guards.cpp:51:9: note: in call to 'HastyReader::Start': 'ReadFile' starts overlapped I/O on 'h_' that may still be pending
// CHECK-NEXT: destructor-guards.cpp:48:7: note: in call to 'HastyReader::~HastyReader': 'CancelIoEx' requests cancellation here, but the cancelled I/O still completes later
// CHECK-NEXT: destructor-guards.cpp:[[@LINE+1]]:1: warning: the destructor of 'r' releases '*r' after 'CancelIoEx' without waiting for the cancelled I/O to complete; wait for its completion first (GetOverlappedResult(..., TRUE), or its packet from the completion port) [iodrain-cancel-without-drain]
}

void reset_reader_fixed(HANDLE h) {
  auto r = std::make_unique<Reader>(h);
  r->Start();
  r.reset();
}

void reset_reader_bug(HANDLE h) {
  auto r = std::make_unique<HastyReader>(h);
  r->Start();
  // CHECK: destructor-guards.cpp:51:9: note: in call to 'HastyReader::Start': 'ReadFile' starts overlapped I/O on 'h_' that may still be pending
  // CHECK-NEXT: destructor-guards.cpp:48:7: note: in call to 'HastyReader::~HastyReader': 'CancelIoEx' requests cancellation here, but the cancelled I/O still completes later
  // CHECK-NEXT: destructor-guards.cpp:[[@LINE+1]]:3: warning: 'std::unique_ptr::reset' frees 'r' after 'CancelIoEx' without waiting for the cancelled I/O to complete; wait for its completion first (GetOverlappedResult(..., TRUE), or its packet from the completion port) [iodrain-cancel-without-drain]
  r.reset();
}

// Objects holding a reader: its destructor runs after theirs.
struct Session {
  explicit Session(HANDLE h) : reader(h) {}
  ~Session() {}
  Reader reader;
};
struct HastySession {
  explicit HastySession(HANDLE h) : reader(h) {}
  ~HastySession() {}
  HastyReader reader;
};

void session_fixed(HANDLE h) {
  Session s(h);
  s.reader.Start();
}

void session_bug(HANDLE h) {
  HastySession s(h);
  s.reader.Start();
// CHECK: destructor-guards.cpp:51:9: note: in call to 'HastyReader::Start': 'ReadFile' starts overlapped I/O on 'h_' that may still be pending
// CHECK-NEXT: destructor-guards.cpp:48:7: note: in call to 'HastyReader::~HastyReader': 'CancelIoEx' requests cancellation here, but the cancelled I/O still completes later
// CHECK-NEXT: destructor-guards.cpp:[[@LINE+1]]:1: warning: 's' goes out of scope after 'CancelIoEx' without waiting for the cancelled I/O to complete; wait for its completion first (GetOverlappedResult(..., TRUE), or its packet from the completion port) [iodrain-cancel-without-drain]
}

// Guards over the caller's OVERLAPPED, built after the read started.
struct Drain {
  HANDLE h;
  OVERLAPPED *ov;
  ~Drain() {
    DWORD n;
    CancelIoEx(h, ov);
    GetOverlappedResult(h, ov, &n, TRUE);
  }
};
struct CancelOnly {
  HANDLE h;
  OVERLAPPED *ov;
  ~CancelOnly() { CancelIoEx(h, ov); }
};

void drain_guard_fixed(HANDLE h) {
  OVERLAPPED ov = {};
  char buf[64];
  if (!ReadFile(h, buf, sizeof buf, nullptr, &ov) &&
      GetLastError() != ERROR_IO_PENDING)
    return;
  Drain guard{h, &ov};
}

void cancel_guard_bug(HANDLE h) {
  OVERLAPPED ov = {};
  char buf[64];
  if (!ReadFile(h, buf, sizeof buf, nullptr, &ov) &&
      GetLastError() != ERROR_IO_PENDING)
    return;
  CancelOnly guard{h, &ov};
// CHECK: destructor-guards.cpp:[[@LINE-4]]:8: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
// CHECK-NEXT: destructor-guards.cpp:[[@LINE-20]]:19: note: in call to 'CancelOnly::~CancelOnly': 'CancelIoEx' requests cancellation here, but the cancelled I/O still completes later
// CHECK-NEXT: destructor-guards.cpp:[[@LINE+1]]:1: warning: 'buf' goes out of scope after 'CancelIoEx' without waiting for the cancelled I/O to complete; wait for its completion first (GetOverlappedResult(..., TRUE), or its packet from the completion port) [iodrain-cancel-without-drain]
}

// A scope guard that runs a lambda when it dies.
template <typename F> class ScopeExit {
public:
  explicit ScopeExit(F f) : f_(std::move(f)) {}
  ~ScopeExit() { f_(); }

private:
  F f_;
};
// RUNTIME-TWIN: none, a factory: the scope_exit twins run it
template <typename F> ScopeExit<F> on_scope_exit(F f) {
  return ScopeExit<F>(std::move(f));
}

void scope_exit_fixed(HANDLE h) {
  OVERLAPPED ov = {};
  char buf[64];
  if (!ReadFile(h, buf, sizeof buf, nullptr, &ov) &&
      GetLastError() != ERROR_IO_PENDING)
    return;
  auto guard = on_scope_exit([&] {
    DWORD n;
    CancelIoEx(h, &ov);
    GetOverlappedResult(h, &ov, &n, TRUE);
  });
}

void scope_exit_bug(HANDLE h) {
  OVERLAPPED ov = {};
  char buf[64];
  if (!ReadFile(h, buf, sizeof buf, nullptr, &ov) &&
      GetLastError() != ERROR_IO_PENDING)
    return;
  auto guard = on_scope_exit([&] { CancelIoEx(h, &ov); });
// CHECK: destructor-guards.cpp:[[@LINE-4]]:8: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
// CHECK-NEXT: destructor-guards.cpp:[[@LINE-2]]:36: note: 'CancelIoEx' requests cancellation here, but the cancelled I/O still completes later
// CHECK-NEXT: destructor-guards.cpp:[[@LINE+1]]:1: warning: 'buf' goes out of scope after 'CancelIoEx' without waiting for the cancelled I/O to complete; wait for its completion first (GetOverlappedResult(..., TRUE), or its packet from the completion port) [iodrain-cancel-without-drain]
}

// A lambda called directly works on the variables it captured.
void lambda_call_fixed(HANDLE h) {
  OVERLAPPED ov = {};
  char buf[64];
  auto drain = [&] {
    DWORD n;
    CancelIoEx(h, &ov);
    GetOverlappedResult(h, &ov, &n, TRUE);
  };
  if (!ReadFile(h, buf, sizeof buf, nullptr, &ov) &&
      GetLastError() != ERROR_IO_PENDING)
    return;
  drain();
}

void lambda_call_bug(HANDLE h) {
  OVERLAPPED ov = {};
  char buf[64];
  auto cancel = [&] { CancelIoEx(h, &ov); };
  if (!ReadFile(h, buf, sizeof buf, nullptr, &ov) &&
      GetLastError() != ERROR_IO_PENDING)
    return;
  cancel();
// CHECK: destructor-guards.cpp:[[@LINE-4]]:8: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
// CHECK-NEXT: destructor-guards.cpp:[[@LINE-6]]:23: note: 'CancelIoEx' requests cancellation here, but the cancelled I/O still completes later
// CHECK-NEXT: destructor-guards.cpp:[[@LINE+1]]:1: warning: 'buf' goes out of scope after 'CancelIoEx' without waiting for the cancelled I/O to complete; wait for its completion first (GetOverlappedResult(..., TRUE), or its packet from the completion port) [iodrain-cancel-without-drain]
}

// A guard bound to the caller's OVERLAPPED by reference that waits
// through two forwarding methods (deeper than calls are followed): the
// wait is not taken for a request left pending.
class PendingIo {
public:
  PendingIo(HANDLE file, OVERLAPPED &over) : file_(file), over_(over) {}
  ~PendingIo() {
    if (!finished_) {
      CancelIo(file_);
      WaitForCompletion();
    }
  }
  BOOL WaitForCompletion(DWORD &actual) {
    finished_ = true;
    return GetOverlappedResult(file_, &over_, &actual, TRUE);
  }
  BOOL WaitForCompletion() {
    DWORD actual = 0;
    return WaitForCompletion(actual);
  }

private:
  HANDLE file_;
  OVERLAPPED &over_;
  bool finished_ = false;
};

// RUNTIME-TWIN: none, a helper: reference_guard_fixed's twin runs it
static BOOL finish_within(HANDLE h, OVERLAPPED &over, DWORD &actual) {
  PendingIo io(h, over);
  if (WaitForSingleObject(over.hEvent, 500) != WAIT_OBJECT_0)
    return FALSE;
  return io.WaitForCompletion(actual);
}

DWORD reference_guard_fixed(HANDLE h) {
  char buf[64];
  DWORD actual = 0;
  OVERLAPPED over = {};
  over.hEvent = CreateEventW(nullptr, TRUE, FALSE, nullptr);
  if (!ReadFile(h, buf, sizeof buf, &actual, &over) &&
      GetLastError() == ERROR_IO_PENDING)
    finish_within(h, over, actual);
  CloseHandle(over.hEvent);
  return actual;
}

// Its destructor only cancels; the wait is a method the path skips.
class CancellingIo {
public:
  CancellingIo(HANDLE file, OVERLAPPED &over) : file_(file), over_(over) {}
  ~CancellingIo() {
    if (!finished_)
      CancelIo(file_);
  }
  BOOL Finish(DWORD &actual) {
    finished_ = true;
    return GetOverlappedResult(file_, &over_, &actual, TRUE);
  }

private:
  HANDLE file_;
  OVERLAPPED &over_;
  bool finished_ = false;
};

DWORD reference_guard_bug(HANDLE h) {
  char buf[64];
  DWORD actual = 0;
  OVERLAPPED over = {};
  over.hEvent = CreateEventW(nullptr, TRUE, FALSE, nullptr);
  if (!ReadFile(h, buf, sizeof buf, &actual, &over) &&
      GetLastError() == ERROR_IO_PENDING) {
    CancellingIo io(h, over);
    if (WaitForSingleObject(over.hEvent, 500) != WAIT_OBJECT_0)
      // CHECK: destructor-guards.cpp:[[@LINE-4]]:8: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
      // CHECK-NEXT: destructor-guards.cpp:[[@LINE-2]]:9: note: 'WaitForSingleObject' may time out here, leaving the I/O pending
      // CHECK-NEXT: destructor-guards.cpp:[[@LINE-24]]:7: note: in call to 'CancellingIo::~CancellingIo': 'CancelIo' requests cancellation here, but the cancelled I/O still completes later
      // CHECK-NEXT: destructor-guards.cpp:[[@LINE+1]]:7: warning: 'over' goes out of scope after 'CancelIo' without waiting for the cancelled I/O to complete; wait for its completion first (GetOverlappedResult(..., TRUE), or its packet from the completion port) [iodrain-cancel-without-drain]
      return 0;
    io.Finish(actual);
  }
  CloseHandle(over.hEvent);
  return actual;
}

DWORD reference_guard_waits_fixed(HANDLE h) {
  char buf[64];
  DWORD actual = 0;
  OVERLAPPED over = {};
  over.hEvent = CreateEventW(nullptr, TRUE, FALSE, nullptr);
  if (!ReadFile(h, buf, sizeof buf, &actual, &over) &&
      GetLastError() == ERROR_IO_PENDING) {
    CancellingIo io(h, over);
    if (WaitForSingleObject(over.hEvent, 500) != WAIT_OBJECT_0) {
      io.Finish(actual);
      return 0;
    }
    io.Finish(actual);
  }
  CloseHandle(over.hEvent);
  return actual;
}

#ifdef IODRAIN_RUNTIME
// Runtime twins: the peer answers after ten seconds and the pipe's
// cancellation completes only later, so a cancelled read ends after the
// function returned, into whatever storage died meanwhile.
#include "shim_twins.h"

static void twin_run(void (*fn)(HANDLE)) {
  twin_shared_pipe();
  twin_peer_answers_late();
  ShimDeferCancellation(twin_server);
  fn(twin_server);
}
#define TWIN_RUN(f)                                                            \
  static void twin_##f(void) { twin_run(f); }
TWIN_RUN(local_reader_fixed)
TWIN_RUN(local_reader_bug)
TWIN_RUN(deleted_reader_fixed)
TWIN_RUN(deleted_reader_bug)
TWIN_RUN(owned_reader_fixed)
TWIN_RUN(owned_reader_bug)
TWIN_RUN(reset_reader_fixed)
TWIN_RUN(reset_reader_bug)
TWIN_RUN(session_fixed)
TWIN_RUN(session_bug)
TWIN_RUN(drain_guard_fixed)
TWIN_RUN(cancel_guard_bug)
TWIN_RUN(scope_exit_fixed)
TWIN_RUN(scope_exit_bug)
TWIN_RUN(lambda_call_fixed)
TWIN_RUN(lambda_call_bug)

static void twin_run_read(DWORD (*fn)(HANDLE)) {
  twin_shared_pipe();
  twin_peer_answers_late();
  ShimDeferCancellation(twin_server);
  fn(twin_server);
}
static void twin_reference_guard_fixed(void) {
  twin_run_read(reference_guard_fixed);
}
static void twin_reference_guard_bug(void) {
  twin_run_read(reference_guard_bug);
}
static void twin_reference_guard_waits_fixed(void) {
  twin_run_read(reference_guard_waits_fixed);
}

TWIN_MAIN(TWIN(local_reader_fixed), TWIN(local_reader_bug),
          TWIN(deleted_reader_fixed), TWIN(deleted_reader_bug),
          TWIN(owned_reader_fixed), TWIN(owned_reader_bug),
          TWIN(reset_reader_fixed), TWIN(reset_reader_bug),
          TWIN(session_fixed), TWIN(session_bug), TWIN(drain_guard_fixed),
          TWIN(cancel_guard_bug), TWIN(scope_exit_fixed),
          TWIN(scope_exit_bug), TWIN(lambda_call_fixed),
          TWIN(lambda_call_bug), TWIN(reference_guard_fixed),
          TWIN(reference_guard_bug), TWIN(reference_guard_waits_fixed))
#endif
