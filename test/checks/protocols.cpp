// Object protocols in C++ classes: `Start()` issues on the members and
// returns with the read pending; another method, the destructor, or a
// member wrapper's destructor must not close or free what the read uses
// while it may still be pending. A `pending_` flag set on the pending path
// makes the correct versions correct.
// RUN: %check_iodrain %s -- -x c++ %win32 | %filecheck %s
// RUN: %check_iodrain --config="{CheckOptions: {iodrain.FollowCalls: true}}" %s -- -x c++ %win32 | %filecheck %s
// RUN: %if shim %{ %check_twins --config="{CheckOptions: {iodrain.FollowCalls: true}}" %s -- -x c++ %win32 %}
#include <windows.h>

class Reader {
public:
  explicit Reader(HANDLE h) : h_(h) {}
  bool Start();
  void CloseBug();
  void CloseFixed();
  ~Reader();

private:
  HANDLE h_;
  OVERLAPPED ov_ = {};
  char buf_[64];
  bool pending_ = false;
};

// RUNTIME-TWIN: none, the issuer: the twins of the methods after it run it
bool Reader::Start() {
  // CHECK: protocols.cpp:[[@LINE+1]]:8: note: 'ReadFile' in 'Reader::Start' starts overlapped I/O on 'h_' and may return with it pending
  if (!ReadFile(h_, buf_, sizeof buf_, nullptr, &ov_)) {
    if (GetLastError() != ERROR_IO_PENDING)
      return false;
    pending_ = true;
  }
  return true;
}

// CHECK-NEXT: protocols.cpp:[[@LINE+1]]:25: note: 'Reader::CloseBug' may be called with that I/O on 'this' still pending
void Reader::CloseBug() {
  // CHECK-NEXT: protocols.cpp:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'h_' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(h_);
  h_ = nullptr;
}

void Reader::CloseFixed() {
  if (pending_) {
    DWORD n;
    CancelIoEx(h_, &ov_);
    GetOverlappedResult(h_, &ov_, &n, TRUE);
    pending_ = false;
  }
  CloseHandle(h_);
  h_ = nullptr;
}

// The object's OVERLAPPED dies with it: drain first.
Reader::~Reader() {
  if (pending_) {
    DWORD n;
    CancelIoEx(h_, &ov_);
    GetOverlappedResult(h_, &ov_, &n, TRUE);
  }
}

// A destructor that forgets the read: the object's storage ends under it.
class Watcher {
public:
  explicit Watcher(HANDLE h) : h_(h) {}
  bool Start();
  ~Watcher();

private:
  HANDLE h_;
  OVERLAPPED ov_ = {};
  char buf_[64];
};

// RUNTIME-TWIN: none, the issuer: the twins of the methods after it run it
bool Watcher::Start() {
  // CHECK: protocols.cpp:[[@LINE+1]]:10: note: 'ReadFile' in 'Watcher::Start' starts overlapped I/O on 'h_' and may return with it pending
  return ReadFile(h_, buf_, sizeof buf_, nullptr, &ov_) ||
         GetLastError() == ERROR_IO_PENDING;
}

// CHECK-NEXT: protocols.cpp:[[@LINE+2]]:21: note: 'Watcher::~Watcher' may be called with that I/O on 'this' still pending
// CHECK-NEXT: protocols.cpp:[[@LINE+1]]:22: warning: the destructor of 'Watcher' frees '*this' while overlapped I/O that uses it may still be pending; cancel the I/O and wait for it to complete first [iodrain-overlapped-lifetime]
Watcher::~Watcher() {}

// A member wrapper closes the handle when the object dies.
struct OwnedHandle {
  HANDLE h = nullptr;
  ~OwnedHandle() { CloseHandle(h); }
};

class Session {
public:
  explicit Session(HANDLE h) { file_.h = h; }
  bool Start();
  ~Session();

private:
  OwnedHandle file_;
  OVERLAPPED ov_ = {};
  char buf_[64];
  bool pending_ = false;
};

// RUNTIME-TWIN: none, the issuer: the twins of the methods after it run it
bool Session::Start() {
  // CHECK: protocols.cpp:[[@LINE+1]]:8: note: 'ReadFile' in 'Session::Start' starts overlapped I/O on 'file_.h' and may return with it pending
  if (!ReadFile(file_.h, buf_, sizeof buf_, nullptr, &ov_)) {
    if (GetLastError() != ERROR_IO_PENDING)
      return false;
    pending_ = true;
  }
  return true;
}

// CHECK-NEXT: protocols.cpp:[[@LINE+2]]:21: note: 'Session::~Session' may be called with that I/O on 'this' still pending
// CHECK-NEXT: protocols.cpp:[[@LINE+1]]:22: warning: the destructor of 'file_' closes 'file_.h' while overlapped I/O on it may still be pending; cancel the I/O and wait for it to complete before 'file_' is destroyed [iodrain-close-pending-io]
Session::~Session() {}

// The same wrapper, drained in the destructor's body, before the members
// are destroyed.
class SafeSession {
public:
  explicit SafeSession(HANDLE h) { file_.h = h; }
  bool Start();
  ~SafeSession();

private:
  OwnedHandle file_;
  OVERLAPPED ov_ = {};
  char buf_[64];
  bool pending_ = false;
};

// RUNTIME-TWIN: none, the issuer: the twins of the methods after it run it
bool SafeSession::Start() {
  if (!ReadFile(file_.h, buf_, sizeof buf_, nullptr, &ov_)) {
    if (GetLastError() != ERROR_IO_PENDING)
      return false;
    pending_ = true;
  }
  return true;
}

SafeSession::~SafeSession() {
  if (pending_) {
    DWORD n;
    CancelIoEx(file_.h, &ov_);
    GetOverlappedResult(file_.h, &ov_, &n, TRUE);
  }
}

// A close through a private helper method: seen when iodrain follows calls,
// the helper running with the caller's `this`. The helper itself is not an
// entry point (the class calls it), so it is not reported on its own.
class Channel {
public:
  explicit Channel(HANDLE h) : h_(h) {}
  bool Start();
  void CloseBug();
  void CloseFixed();

private:
  void Release();
  HANDLE h_;
  OVERLAPPED ov_ = {};
  char buf_[64];
  bool pending_ = false;
};

// RUNTIME-TWIN: none, the issuer: the twins of the methods after it run it
bool Channel::Start() {
  if (!ReadFile(h_, buf_, sizeof buf_, nullptr, &ov_)) {
    if (GetLastError() != ERROR_IO_PENDING)
      return false;
    pending_ = true;
  }
  return true;
}

// RUNTIME-TWIN: none, a helper: the Close methods' twins run it
void Channel::Release() {
  CloseHandle(h_);
  h_ = nullptr;
}

void Channel::CloseBug() {
  // CHECK: protocols.cpp:[[@LINE-5]]:3: note: in call to 'Channel::Release': 'CloseHandle' closes 'h_' here
  // CHECK-NEXT: protocols.cpp:[[@LINE-16]]:8: note: 'ReadFile' in 'Channel::Start' starts overlapped I/O on 'h_' and may return with it pending
  // CHECK-NEXT: protocols.cpp:[[@LINE-3]]:26: note: 'Channel::CloseBug' may be called with that I/O on 'this' still pending
  // CHECK-NEXT: protocols.cpp:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'h_' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  Release();
}

void Channel::CloseFixed() {
  if (pending_) {
    DWORD n;
    CancelIoEx(h_, &ov_);
    GetOverlappedResult(h_, &ov_, &n, TRUE);
    pending_ = false;
  }
  Release();
}

// Members from a base class: the flag beside them belongs to a record that
// holds a handle and an OVERLAPPED, so it is no plain number that may be
// forgotten; the helper the shutdown calls is followed with it known. The
// helper is small and closes: the shutdown starts with the port's protocol
// and runs it in every mode.
struct IoBase {
  HANDLE handle;
  OVERLAPPED ov;
  char buf[64];
};
struct Port : IoBase {
  int closing;
};
void PortTrace(const char *what);

// RUNTIME-TWIN: none, the issuer: PortShutdownBug's twin runs it
BOOL PortStartRead(Port *p) {
  // CHECK: protocols.cpp:[[@LINE+12]]:3: note: in call to 'PortFinish': 'CloseHandle' closes 'p->handle' here
  // CHECK-NEXT: protocols.cpp:[[@LINE+1]]:8: note: 'ReadFile' in 'PortStartRead' starts overlapped I/O on 'p->handle' and may return with it pending
  if (!ReadFile(p->handle, p->buf, sizeof p->buf, NULL, &p->ov) &&
      GetLastError() != ERROR_IO_PENDING)
    return FALSE;
  return TRUE;
}

// RUNTIME-TWIN: none, a helper: PortShutdownBug's twin runs it
static void PortFinish(Port *p) {
  if (p->closing)
    PortTrace("closing");
  CloseHandle(p->handle);
  delete p;
}

// CHECK-NEXT: protocols.cpp:[[@LINE+1]]:44: note: 'PortShutdownBug' may be called with that I/O on 'p' still pending
void PortShutdownBug(Port *p, int verbose) {
  p->closing = 1;
  // CHECK-NEXT: protocols.cpp:[[@LINE+1]]:7: note: 'verbose' is false here
  if (verbose)
    PortTrace("shutdown");
  // CHECK-NEXT: protocols.cpp:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'p->handle' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  PortFinish(p);
}

#ifdef IODRAIN_RUNTIME
// Runtime twins: a pipe whose server end a child also holds; the peer
// answers after ten seconds, into whatever the read was given.
#include "shim_twins.h"

static void twin_pipe(void) {
  twin_shared_pipe();
  twin_peer_answers_late();
}
static void twin_reader_close_bug(void) {
  twin_pipe();
  Reader *r = new Reader(twin_server);
  r->Start();
  r->CloseBug();
  delete r;
}
static void twin_reader_close_fixed(void) {
  twin_pipe();
  Reader *r = new Reader(twin_server);
  r->Start();
  r->CloseFixed();
  delete r;
}
static void twin_reader_destructor(void) {
  twin_pipe();
  Reader *r = new Reader(twin_server);
  r->Start();
  delete r;
  CloseHandle(twin_server);
}
static void twin_watcher_destructor(void) {
  twin_pipe();
  Watcher *w = new Watcher(twin_server);
  w->Start();
  delete w;
}
static void twin_session_destructor(void) {
  twin_pipe();
  Session *s = new Session(twin_server);
  s->Start();
  delete s;
}
static void twin_safe_session_destructor(void) {
  twin_pipe();
  SafeSession *s = new SafeSession(twin_server);
  s->Start();
  delete s;
}

static void twin_channel_close_bug(void) {
  twin_pipe();
  Channel *c = new Channel(twin_server);
  c->Start();
  c->CloseBug();
  delete c;
}
static void twin_channel_close_fixed(void) {
  twin_pipe();
  Channel *c = new Channel(twin_server);
  c->Start();
  c->CloseFixed();
  delete c;
}

void PortTrace(const char *) {}
static void twin_port_shutdown_bug(void) {
  twin_pipe();
  Port *p = new Port();
  p->handle = twin_server;
  PortStartRead(p);
  PortShutdownBug(p, 0);
  Sleep(20000);
}

TWIN_MAIN({"Reader::CloseBug", twin_reader_close_bug},
          {"PortShutdownBug", twin_port_shutdown_bug},
          {"Channel::CloseBug", twin_channel_close_bug},
          {"Channel::CloseFixed", twin_channel_close_fixed},
          {"Reader::CloseFixed", twin_reader_close_fixed},
          {"Reader::~Reader", twin_reader_destructor},
          {"Watcher::~Watcher", twin_watcher_destructor},
          {"Session::~Session", twin_session_destructor},
          {"SafeSession::~SafeSession", twin_safe_session_destructor})
#endif
