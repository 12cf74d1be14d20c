// C++ form of value-helpers.c: a method of the class that only reads and
// writes members (a state setter) called on the object after a read
// starts neither keeps the object nor finishes the read. The read stays
// pending when the method returns, so the object's protocol seeds the
// destructor with it; the members the setter does not write (the read
// flag) keep their values.
// RUN: %check_iodrain %s -- -x c++ %win32 | %filecheck %s
// RUN: %check_iodrain --config="{CheckOptions: {iodrain.FollowCalls: true}}" %s -- -x c++ %win32 | %filecheck %s
// RUN: %if shim %{ %check_twins %s -- -x c++ %win32 %}
#include <windows.h>

class Server {
public:
  Server(HANDLE pipe, HANDLE done) : pipe_(pipe) { ov_.hEvent = done; }
  void StartRead();
  ~Server();

private:
  void EnterState(int state) { state_ = state; }
  HANDLE pipe_;
  OVERLAPPED ov_ = {};
  char buf_[64];
  int state_ = 0;
};

// RUNTIME-TWIN: none, the issuer: the destructor's twin runs it
void Server::StartRead() {
  // CHECK: value-helpers.cpp:[[@LINE+1]]:8: note: 'ReadFile' in 'Server::StartRead' starts overlapped I/O on 'pipe_' and may return with it pending
  if (!ReadFile(pipe_, buf_, sizeof buf_, NULL, &ov_) &&
      GetLastError() != ERROR_IO_PENDING)
    return;
  EnterState(2);
}

// CHECK-NEXT: value-helpers.cpp:[[@LINE+1]]:19: note: 'Server::~Server' may be called with that I/O on 'this' still pending
Server::~Server() {
  // CHECK-NEXT: value-helpers.cpp:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'pipe_' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(pipe_);
}

class FlaggedServer {
public:
  FlaggedServer(HANDLE pipe, HANDLE done) : pipe_(pipe) { ov_.hEvent = done; }
  void StartRead();
  ~FlaggedServer();

private:
  void EnterState(int state) { state_ = state; }
  HANDLE pipe_;
  OVERLAPPED ov_ = {};
  char buf_[64];
  int state_ = 0;
  bool reading_ = false;
};

// RUNTIME-TWIN: none, the issuer: the destructor's twin runs it
void FlaggedServer::StartRead() {
  if (!ReadFile(pipe_, buf_, sizeof buf_, NULL, &ov_) &&
      GetLastError() != ERROR_IO_PENDING)
    return;
  reading_ = true;
  EnterState(2);
}

FlaggedServer::~FlaggedServer() {
  DWORD n;
  if (reading_) {
    CancelIoEx(pipe_, &ov_);
    GetOverlappedResult(pipe_, &ov_, &n, TRUE);
  }
  CloseHandle(pipe_);
}

// A virtual setter may be overridden by one that finishes the read: its
// call hands the object over, as an unknown call does.
class VirtualServer {
public:
  VirtualServer(HANDLE pipe, HANDLE done) : pipe_(pipe) { ov_.hEvent = done; }
  void StartRead();
  virtual ~VirtualServer();

protected:
  virtual void EnterState(int state) { state_ = state; }
  HANDLE pipe_;
  OVERLAPPED ov_ = {};
  char buf_[64];
  int state_ = 0;
};

// RUNTIME-TWIN: none, the issuer: the destructor's twin runs it
void VirtualServer::StartRead() {
  if (!ReadFile(pipe_, buf_, sizeof buf_, NULL, &ov_) &&
      GetLastError() != ERROR_IO_PENDING)
    return;
  EnterState(2);
}

// This class's own setter finishes the read before the destructor runs.
VirtualServer::~VirtualServer() { CloseHandle(pipe_); }

class DrainingServer : public VirtualServer {
public:
  using VirtualServer::VirtualServer;

protected:
  void EnterState(int state) override {
    DWORD n;
    CancelIoEx(pipe_, &ov_);
    GetOverlappedResult(pipe_, &ov_, &n, TRUE);
    state_ = state;
  }
};

// CHECK-NOT: warning:

#ifdef IODRAIN_RUNTIME
// Runtime twins: a pipe whose server end a child also holds, and a peer
// that never answers. The program then waits for the read's event, which
// only a completed read sets.
#include "shim_twins.h"

template <class T> static void twin_read_and_destroy(void) {
  twin_shared_pipe();
  HANDLE done = CreateEventW(NULL, TRUE, FALSE, NULL);
  {
    T server(twin_server, done);
    server.StartRead();
  }
  WaitForSingleObject(done, INFINITE);
}
static void twin_server_destructor(void) { twin_read_and_destroy<Server>(); }
static void twin_flagged_server_destructor(void) {
  twin_read_and_destroy<FlaggedServer>();
}

static void twin_virtual_server_destructor(void) {
  twin_read_and_destroy<DrainingServer>();
}

TWIN_MAIN({"Server::~Server", twin_server_destructor},
          {"VirtualServer::~VirtualServer", twin_virtual_server_destructor},
          {"FlaggedServer::~FlaggedServer", twin_flagged_server_destructor})
#endif
