// A resumable state machine: `Advance` switches on the member `state_` and
// resumes where the last request left it, and a completion handler calls it
// only in the state that closes. What the handler's test learns about
// `state_` reaches the switch of the method it calls: only the case it
// tested runs there, not the case that starts a read and closes on failure.
// RUN: %check_iodrain %s -- -x c++ -std=c++17 %win32 | %filecheck %s
// RUN: %if shim %{ %check_twins %s -- -x c++ -std=c++17 %win32 %}
#include <windows.h>

enum State { kStarting, kClosing };

class Conn {
public:
  explicit Conn(HANDLE h) : pipe_(h) {}
  void Advance();
  void AdvanceFixed();
  void HandleReadComplete();
  bool connected_ = false;
  int state_ = kStarting;

private:
  void TryRead();
  void Close();
  void Drain();
  HANDLE pipe_;
  OVERLAPPED read_ov_ = {};
  bool read_active_ = false;
  char buf_[64];
};

// RUNTIME-TWIN: none, the issuer: the twins of Advance run it
void Conn::TryRead() {
  if (read_active_)
    return;
  if (ReadFile(pipe_, buf_, sizeof buf_, nullptr, &read_ov_) ||
      GetLastError() == ERROR_IO_PENDING)
    read_active_ = true;
}

// RUNTIME-TWIN: none, a helper: the twins of Advance run it
void Conn::Close() {
  CancelIo(pipe_);
  CloseHandle(pipe_);
  pipe_ = INVALID_HANDLE_VALUE;
  state_ = kClosing;
}

// RUNTIME-TWIN: none, a helper: AdvanceFixed's twin runs it
void Conn::Drain() {
  DWORD n;
  if (read_active_) {
    CancelIo(pipe_);
    GetOverlappedResult(pipe_, &read_ov_, &n, TRUE);
    read_active_ = false;
  }
}

void Conn::Advance() {
  switch (state_) {
  case kStarting:
    TryRead();
    if (!connected_) {
      // CHECK: state-machines.cpp:[[@LINE-20]]:3: note: in call to 'Conn::Close': 'CloseHandle' closes 'pipe_' here
      // CHECK-NEXT: state-machines.cpp:[[@LINE-29]]:7: note: in call to 'Conn::TryRead': 'ReadFile' starts overlapped I/O on 'pipe_' that may still be pending
      // CHECK-NEXT: state-machines.cpp:[[@LINE-3]]:9: note: '!connected_' is true here
      // CHECK-NEXT: state-machines.cpp:[[@LINE-24]]:3: note: in call to 'Conn::Close': 'CancelIo' requests cancellation here, but the cancelled I/O still completes later
      // CHECK-NEXT: state-machines.cpp:[[@LINE+1]]:7: warning: 'CloseHandle' closes 'pipe_' after 'CancelIo' without waiting for the cancelled I/O to complete; wait for its completion first (GetOverlappedResult(..., TRUE), or its packet from the completion port) [iodrain-cancel-without-drain]
      Close();
      return;
    }
    state_ = kClosing;
    return;
  case kClosing:
    Close();
    return;
  }
}

void Conn::AdvanceFixed() {
  switch (state_) {
  case kStarting:
    TryRead();
    if (!connected_) {
      Drain();
      Close();
      return;
    }
    state_ = kClosing;
    return;
  case kClosing:
    Drain();
    Close();
    return;
  }
}

// Called once the read completed: `state_` is `kClosing` when it calls
// Advance, whose `kClosing` case has nothing pending to close on.
void Conn::HandleReadComplete() {
  read_active_ = false;
  if (state_ == kClosing)
    Advance();
  else
    TryRead();
}
// CHECK-NOT: warning:

#ifdef IODRAIN_RUNTIME
// Runtime twins: a pipe whose server end a child also holds; the peer
// answers after ten seconds, and the pipe's cancellations complete a moment
// after CancelIo returns.
#include "shim_twins.h"

static Conn *twin_conn(bool connected, int state) {
  twin_shared_pipe();
  twin_peer_answers_late();
  ShimDeferCancellation(twin_server);
  Conn *c = new Conn(twin_server);
  c->connected_ = connected;
  c->state_ = state;
  return c;
}
static void twin_advance(void (Conn::*advance)()) {
  Conn *c = twin_conn(false, kStarting);
  (c->*advance)();
  delete c;
  Sleep(20000);
}
static void twin_advance_bug(void) { twin_advance(&Conn::Advance); }
static void twin_advance_fixed(void) { twin_advance(&Conn::AdvanceFixed); }
// The read completed (its answer came) before the handler runs.
static void twin_handle_read_complete(void) {
  Conn *c = twin_conn(true, kStarting);
  c->Advance();
  Sleep(20000);
  c->HandleReadComplete();
  delete c;
}

TWIN_MAIN({"Conn::Advance", twin_advance_bug},
          {"Conn::AdvanceFixed", twin_advance_fixed},
          {"Conn::HandleReadComplete", twin_handle_read_complete})
#endif
