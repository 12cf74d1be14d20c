// A constructor that keeps the handle it is given in a member and starts
// a read on it leaves the object with that read pending: the destructor
// (which code outside this unit runs) starts with it, on the member. Where
// the unit builds such an object itself (a local, `new`), the constructor
// is followed there, and the object's end meets the read. So it is where
// the object is made by `std::make_unique`, copy-initialised from a
// temporary (`Listener l = Listener(pipe);`), or built as a member by a
// constructor's initializer list.
// RUN: %check_iodrain %s -- -x c++ -std=c++17 %win32 | %filecheck %s
// RUN: %check_iodrain %s -- -x c++ -std=c++14 %win32 | %filecheck %s
// RUN: %if shim %{ %check_twins %s -- -x c++ -std=c++17 %win32 %}
#include <windows.h>
#include <memory>

class PipeWatcher {
public:
  explicit PipeWatcher(HANDLE pipe);
  ~PipeWatcher();

private:
  HANDLE pipe_;
  OVERLAPPED ov_ = {};
  char buf_[64];
  bool failed_ = false;
};

// RUNTIME-TWIN: none, the issuer: the destructor's twin runs it
PipeWatcher::PipeWatcher(HANDLE pipe) {
  pipe_ = pipe;
  // CHECK: constructor-issues.cpp:[[@LINE+1]]:8: note: 'ReadFile' in 'PipeWatcher::PipeWatcher' starts overlapped I/O on 'pipe_' and may return with it pending
  if (!ReadFile(pipe_, buf_, sizeof buf_, nullptr, &ov_) &&
      GetLastError() != ERROR_IO_PENDING)
    failed_ = true;
}

// CHECK-NEXT: constructor-issues.cpp:[[@LINE+2]]:29: note: 'PipeWatcher::~PipeWatcher' may be called with that I/O on 'this' still pending
// CHECK-NEXT: constructor-issues.cpp:[[@LINE+2]]:3: warning: 'CloseHandle' closes 'pipe_' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
PipeWatcher::~PipeWatcher() {
  CloseHandle(pipe_);
}

class SafePipeWatcher {
public:
  explicit SafePipeWatcher(HANDLE pipe);
  ~SafePipeWatcher();

private:
  HANDLE pipe_;
  OVERLAPPED ov_ = {};
  char buf_[64];
  bool failed_ = false;
};

// RUNTIME-TWIN: none, the issuer: the destructor's twin runs it
SafePipeWatcher::SafePipeWatcher(HANDLE pipe) {
  pipe_ = pipe;
  if (!ReadFile(pipe_, buf_, sizeof buf_, nullptr, &ov_) &&
      GetLastError() != ERROR_IO_PENDING)
    failed_ = true;
}

SafePipeWatcher::~SafePipeWatcher() {
  DWORD n;
  if (!failed_) {
    CancelIoEx(pipe_, &ov_);
    GetOverlappedResult(pipe_, &ov_, &n, TRUE);
  }
  CloseHandle(pipe_);
}

// Starts its read in the constructor; Stop() drains it.
class Listener {
public:
  explicit Listener(HANDLE pipe) : pipe_(pipe) {
    if (!ReadFile(pipe_, buf_, sizeof buf_, nullptr, &ov_) &&
        GetLastError() != ERROR_IO_PENDING)
      failed_ = true;
  }
  void Stop() {
    DWORD n;
    if (!failed_) {
      CancelIoEx(pipe_, &ov_);
      GetOverlappedResult(pipe_, &ov_, &n, TRUE);
    }
  }

private:
  HANDLE pipe_;
  OVERLAPPED ov_ = {};
  char buf_[64];
  bool failed_ = false;
};

void local_listener_bug(HANDLE pipe) {
  Listener listener(pipe);
  // CHECK: constructor-issues.cpp:75:10: note: in call to 'Listener::Listener': 'ReadFile' starts overlapped I/O on 'pipe_' that may still be pending
  // CHECK-NEXT: constructor-issues.cpp:[[@LINE+1]]:1: warning: 'listener' goes out of scope while overlapped I/O that uses it may still be pending; cancel the I/O and wait for it to complete first [iodrain-overlapped-lifetime]
}

void local_listener_fixed(HANDLE pipe) {
  Listener listener(pipe);
  listener.Stop();
}

void new_listener_bug(HANDLE pipe) {
  Listener *listener = new Listener(pipe);
  // CHECK: constructor-issues.cpp:75:10: note: in call to 'Listener::Listener': 'ReadFile' starts overlapped I/O on 'pipe_' that may still be pending
  // CHECK-NEXT: constructor-issues.cpp:[[@LINE+1]]:3: warning: 'delete' frees 'listener' while overlapped I/O that uses it may still be pending; cancel the I/O and wait for it to complete first [iodrain-overlapped-lifetime]
  delete listener;
}

void new_listener_fixed(HANDLE pipe) {
  Listener *listener = new Listener(pipe);
  listener->Stop();
  delete listener;
}

void unique_listener_bug(HANDLE pipe) {
  auto listener = std::make_unique<Listener>(pipe);
  // CHECK: constructor-issues.cpp:75:10: note: in call to 'Listener::Listener': 'ReadFile' starts overlapped I/O on 'pipe_' that may still be pending
  // CHECK-NEXT: constructor-issues.cpp:[[@LINE+1]]:1: warning: the destructor of 'listener' frees '*listener' while overlapped I/O that uses it may still be pending; cancel the I/O and wait for it to complete first [iodrain-overlapped-lifetime]
}

void unique_listener_fixed(HANDLE pipe) {
  auto listener = std::make_unique<Listener>(pipe);
  listener->Stop();
}

void copied_listener_bug(HANDLE pipe) {
  Listener listener = Listener(pipe);
  // CHECK: constructor-issues.cpp:75:10: note: in call to 'Listener::Listener': 'ReadFile' starts overlapped I/O on 'pipe_' that may still be pending
  // CHECK-NEXT: constructor-issues.cpp:[[@LINE+1]]:1: warning: 'listener' goes out of scope while overlapped I/O that uses it may still be pending; cancel the I/O and wait for it to complete first [iodrain-overlapped-lifetime]
}

void copied_listener_fixed(HANDLE pipe) {
  Listener listener = Listener(pipe);
  listener.Stop();
}

// Owns a listener built by its initializer list.
class Session {
public:
  explicit Session(HANDLE pipe) : listener_(pipe) {}
  void Stop() { listener_.Stop(); }

private:
  Listener listener_;
};

void session_bug(HANDLE pipe) {
  Session session(pipe);
  // CHECK: constructor-issues.cpp:75:10: note: in call to 'Listener::Listener': 'ReadFile' starts overlapped I/O on 'pipe_' that may still be pending
  // CHECK-NEXT: constructor-issues.cpp:[[@LINE+1]]:1: warning: 'session' goes out of scope while overlapped I/O that uses it may still be pending; cancel the I/O and wait for it to complete first [iodrain-overlapped-lifetime]
}

void session_fixed(HANDLE pipe) {
  Session session(pipe);
  session.Stop();
}

// Closes its pipe when destroyed, without waiting for its read.
class ClosingListener {
public:
  explicit ClosingListener(HANDLE pipe) : pipe_(pipe) {
    if (!ReadFile(pipe_, buf_, sizeof buf_, nullptr, &ov_) &&
        GetLastError() != ERROR_IO_PENDING)
      failed_ = true;
  }
  ~ClosingListener() { CloseHandle(pipe_); }
  void Stop() {
    DWORD n;
    if (!failed_) {
      CancelIoEx(pipe_, &ov_);
      GetOverlappedResult(pipe_, &ov_, &n, TRUE);
    }
  }

private:
  HANDLE pipe_;
  OVERLAPPED ov_ = {};
  char buf_[64];
  bool failed_ = false;
};

void closing_listener_bug(HANDLE pipe) {
  auto listener = std::make_unique<ClosingListener>(pipe);
  // CHECK: constructor-issues.cpp:165:10: note: in call to 'ClosingListener::ClosingListener': 'ReadFile' starts overlapped I/O on 'pipe_' that may still be pending
  // CHECK-NEXT: constructor-issues.cpp:[[@LINE+1]]:3: warning: the destructor of '*listener' closes 'listener->pipe_' while overlapped I/O on it may still be pending; cancel the I/O and wait for it to complete before '*listener' is destroyed [iodrain-close-pending-io]
  listener.reset();
}

void closing_listener_fixed(HANDLE pipe) {
  auto listener = std::make_unique<ClosingListener>(pipe);
  listener->Stop();
  listener.reset();
}

// Stops its own read when destroyed: an owner whose destructor is
// implicit, or a class derived from it, waits through it.
class SelfStopping {
public:
  explicit SelfStopping(HANDLE pipe) : pipe_(pipe) {
    if (!ReadFile(pipe_, buf_, sizeof buf_, nullptr, &ov_) &&
        GetLastError() != ERROR_IO_PENDING)
      failed_ = true;
  }
  ~SelfStopping() {
    DWORD n;
    if (!failed_) {
      CancelIoEx(pipe_, &ov_);
      GetOverlappedResult(pipe_, &ov_, &n, TRUE);
    }
  }

private:
  HANDLE pipe_;
  OVERLAPPED ov_ = {};
  char buf_[64];
  bool failed_ = false;
};

class Holder {
public:
  explicit Holder(HANDLE pipe) : stopping_(pipe) {}

private:
  SelfStopping stopping_;
};

class DerivedStopping : public SelfStopping {
public:
  explicit DerivedStopping(HANDLE pipe) : SelfStopping(pipe) {}
};

class WrittenDerivedStopping : public SelfStopping {
public:
  explicit WrittenDerivedStopping(HANDLE pipe) : SelfStopping(pipe) {}
  ~WrittenDerivedStopping() {}
};

void holder_fixed(HANDLE pipe) { Holder holder(pipe); }

void derived_fixed(HANDLE pipe) { DerivedStopping derived(pipe); }

void written_derived_fixed(HANDLE pipe) {
  delete new WrittenDerivedStopping(pipe);
}

#ifdef IODRAIN_RUNTIME
// Runtime twins: a pipe whose server end a child also holds; the peer
// answers after ten seconds.
#include "shim_twins.h"

static void twin_pipe(void) {
  twin_shared_pipe();
  twin_peer_answers_late();
}
static void twin_watcher_destructor(void) {
  twin_pipe();
  delete new PipeWatcher(twin_server);
}
static void twin_safe_watcher_destructor(void) {
  twin_pipe();
  delete new SafePipeWatcher(twin_server);
}

#define TWIN_LISTENER(f)                                                       \
  static void twin_##f(void) {                                                 \
    twin_pipe();                                                               \
    ShimDeferCancellation(twin_server);                                        \
    f(twin_server);                                                            \
  }
TWIN_LISTENER(local_listener_bug)
TWIN_LISTENER(local_listener_fixed)
TWIN_LISTENER(new_listener_bug)
TWIN_LISTENER(new_listener_fixed)
TWIN_LISTENER(unique_listener_bug)
TWIN_LISTENER(unique_listener_fixed)
TWIN_LISTENER(copied_listener_bug)
TWIN_LISTENER(copied_listener_fixed)
TWIN_LISTENER(session_bug)
TWIN_LISTENER(session_fixed)
TWIN_LISTENER(closing_listener_bug)
TWIN_LISTENER(closing_listener_fixed)
TWIN_LISTENER(holder_fixed)
TWIN_LISTENER(derived_fixed)
TWIN_LISTENER(written_derived_fixed)

TWIN_MAIN({"PipeWatcher::~PipeWatcher", twin_watcher_destructor},
          {"SafePipeWatcher::~SafePipeWatcher", twin_safe_watcher_destructor},
          TWIN(local_listener_bug), TWIN(local_listener_fixed),
          TWIN(new_listener_bug), TWIN(new_listener_fixed),
          TWIN(unique_listener_bug), TWIN(unique_listener_fixed),
          TWIN(copied_listener_bug), TWIN(copied_listener_fixed),
          TWIN(session_bug), TWIN(session_fixed),
          TWIN(closing_listener_bug), TWIN(closing_listener_fixed),
          TWIN(holder_fixed), TWIN(derived_fixed),
          TWIN(written_derived_fixed))
#endif
