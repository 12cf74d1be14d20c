// With FollowCalls, methods called on another object than `this` are
// followed with that object as their `this`: `r.Start()` starts a read on
// `r.ov_`, `r.Close()` closes `r.h_` under it. Without following calls the
// methods are unknown calls, except a small one that closes, frees, cancels
// or waits on what a pending request uses.
// RUN: %check_iodrain --config="{CheckOptions: {iodrain.FollowCalls: true}}" %s -- -x c++ %win32 | %filecheck %s --check-prefixes=CHECK,BOTH
// RUN: %check_iodrain --config="{CheckOptions: {iodrain.FollowCalls: false}}" %s -- -x c++ %win32 | %filecheck %s --check-prefix=BOTH
// RUN: %if shim %{ %check_twins --config="{CheckOptions: {iodrain.FollowCalls: true}}" %s -- -x c++ %win32 %}
#include <windows.h>

class Reader {
public:
  explicit Reader(HANDLE h) : h_(h) {}
  bool Start();
  void Drain();
  void Close();

private:
  HANDLE h_;
  OVERLAPPED ov_ = {};
  char buf_[64];
};

// RUNTIME-TWIN: none, the issuer: the twins of the functions below run it
bool Reader::Start() {
  return ReadFile(h_, buf_, sizeof buf_, nullptr, &ov_) ||
         GetLastError() == ERROR_IO_PENDING;
}

// RUNTIME-TWIN: none, a helper: use_reader_fixed's twin runs it
void Reader::Drain() {
  DWORD n;
  CancelIoEx(h_, &ov_);
  GetOverlappedResult(h_, &ov_, &n, TRUE);
}

// RUNTIME-TWIN: none, a helper: the twins below run it
void Reader::Close() { CloseHandle(h_); }

// The read is pending when the object closes its handle.
void use_reader_bug(HANDLE h) {
  Reader r(h);
  r.Start();
  // CHECK: method-calls.cpp:38:24: note: in call to 'Reader::Close': 'CloseHandle' closes 'h_' here
  // CHECK-NEXT: method-calls.cpp:26:10: note: in call to 'Reader::Start': 'ReadFile' starts overlapped I/O on 'h_' that may still be pending
  // CHECK-NEXT: method-calls.cpp:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'h_' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  r.Close();
}

// Drained first, through another method of the same object.
void use_reader_fixed(HANDLE h) {
  Reader r(h);
  if (r.Start())
    r.Drain();
  r.Close();
}

// Through a pointer, and two objects: draining one does not drain the
// other.
void two_readers_bug(HANDLE a, HANDLE b) {
  Reader *first = new Reader(a);
  Reader *second = new Reader(b);
  first->Start();
  second->Start();
  first->Drain();
  first->Close();
  // CHECK: method-calls.cpp:38:24: note: in call to 'Reader::Close': 'CloseHandle' closes 'h_' here
  // CHECK-NEXT: method-calls.cpp:26:10: note: in call to 'Reader::Start': 'ReadFile' starts overlapped I/O on 'h_' that may still be pending
  // CHECK-NEXT: method-calls.cpp:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'h_' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  second->Close();
  delete first;
  delete second;
}

// A virtual method is followed where the object's type is known (a local
// object): into the override that runs.
class Port {
public:
  explicit Port(HANDLE h) : h_(h) {}
  virtual ~Port() {}
  virtual void Shutdown() {}
  HANDLE h_;
};

class ClosingPort : public Port {
public:
  explicit ClosingPort(HANDLE h) : Port(h) {}
  void Shutdown() override;
};

// RUNTIME-TWIN: none, a helper: port_read_bug's twin runs it
void ClosingPort::Shutdown() { CloseHandle(h_); }

void port_read_bug(HANDLE h) {
  OVERLAPPED ov = {};
  char buf[64];
  ClosingPort port(h);
  // A small helper that closes what a pending request uses runs in every
  // mode.
  // BOTH: method-calls.cpp:[[@LINE-8]]:32: note: in call to 'ClosingPort::Shutdown': 'CloseHandle' closes 'h_' here
  // BOTH-NEXT: method-calls.cpp:[[@LINE+2]]:8: note: 'ReadFile' starts overlapped I/O on 'port.h_' that may still be pending
  // BOTH-NEXT: method-calls.cpp:[[@LINE+3]]:5: warning: 'CloseHandle' closes 'h_' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  if (!ReadFile(port.h_, buf, sizeof buf, nullptr, &ov) &&
      GetLastError() == ERROR_IO_PENDING)
    port.Shutdown();
}

#ifdef IODRAIN_RUNTIME
// Runtime twins: pipes whose server ends a child also holds; the peer
// answers after ten seconds.
#include "shim_twins.h"

static void twin_use_reader_bug(void) {
  twin_shared_pipe();
  twin_peer_answers_late();
  use_reader_bug(twin_server);
}
static void twin_use_reader_fixed(void) {
  twin_shared_pipe();
  twin_peer_answers_late();
  use_reader_fixed(twin_server);
}
static void twin_two_readers_bug(void) {
  twin_shared_pipe();
  HANDLE first = twin_server;
  twin_shared_pipe();
  twin_peer_answers_late();
  two_readers_bug(first, twin_server);
}

static void twin_port_read_bug(void) {
  twin_shared_pipe();
  twin_peer_answers_late();
  port_read_bug(twin_server);
}

TWIN_MAIN(TWIN(use_reader_bug), TWIN(use_reader_fixed),
          TWIN(two_readers_bug), TWIN(port_read_bug))
#endif
