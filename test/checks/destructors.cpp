// A destructor runs where the unit destroys its objects: a `delete`, a
// local's scope, a member or a smart pointer's object (`worker_.reset()`),
// and for a virtual destructor, destruction through a base. A class the
// unit destroys is not an entry point: the code that destroys it decides
// what is pending (here, `Pipe::Close` cancels and waits first; `Channel`
// does not, and its `reset()` and destructor free the worker's OVERLAPPED
// under the read). A class the unit never destroys is an entry point, and
// its destructor is reported.
// Calls unknown only: with calls followed, `Endpoint::Close`'s guard
// `if (!h_) return;` is not tied to the worker's request (below), and the
// fixed `Endpoint`'s destructor is reported on that path
// (docs/accuracy.md, fifteenth run).
// RUN: %check_iodrain --config="{CheckOptions: {iodrain.FollowCalls: false}}" %s -- -x c++ -std=c++17 %win32 | %filecheck %s
// RUN: %if shim %{ %check_twins --config="{CheckOptions: {iodrain.FollowCalls: false}}" %s -- -x c++ -std=c++17 %win32 %}
#include <windows.h>
#include <memory>

class Worker {
public:
  explicit Worker(HANDLE h) : h_(h) {}
  virtual ~Worker();
  bool Start();
  void WaitForCanceled();

protected:
  HANDLE h_;
  bool pending_ = false;
  OVERLAPPED ov_ = {};
  char buf_[64];
};

class InputWorker : public Worker {
public:
  explicit InputWorker(HANDLE h) : Worker(h) {}
};

// RUNTIME-TWIN: none, the issuer: pipe_fixed's twin runs it
bool Worker::Start() {
  if (!ReadFile(h_, buf_, sizeof buf_, nullptr, &ov_)) {
    if (GetLastError() != ERROR_IO_PENDING)
      return false;
    pending_ = true;
  }
  return true;
}

// RUNTIME-TWIN: none, a helper: pipe_fixed's twin runs it
void Worker::WaitForCanceled() {
  if (pending_) {
    DWORD n;
    GetOverlappedResult(h_, &ov_, &n, TRUE);
    pending_ = false;
  }
}

// Destroyed only through Pipe's unique_ptr, after the wait.
// RUNTIME-TWIN: none, destroyed by pipe_fixed, whose twin runs it
Worker::~Worker() {}

class Pipe {
public:
  explicit Pipe(HANDLE h) : h_(h) {}
  ~Pipe() { Close(); }
  void Service() {
    if (!worker_)
      worker_.reset(new InputWorker(h_));
    worker_->Start();
  }
  void Close() {
    if (!h_)
      return;
    CancelIo(h_);
    if (worker_) {
      worker_->WaitForCanceled();
      worker_.reset();
    }
    h_ = nullptr;
  }

private:
  HANDLE h_;
  std::unique_ptr<InputWorker> worker_;
};

void pipe_fixed(HANDLE h) {
  Pipe p(h);
  p.Service();
  p.Close();
}

// An owner that destroys its worker mid-read: the worker's protocol
// reaches the object its smart pointer holds.
class Channel {
public:
  explicit Channel(HANDLE h) : h_(h) {}
  ~Channel();
  void Service() {
    if (!worker_)
      worker_.reset(new InputWorker(h_));
    worker_->Start();
  }
  void CloseBug();

private:
  HANDLE h_;
  std::unique_ptr<InputWorker> worker_;
};

// CHECK: destructors.cpp:39:8: note: 'ReadFile' in 'Worker::Start' starts overlapped I/O on 'h_' and may return with it pending
// CHECK-NEXT: destructors.cpp:[[@LINE+2]]:26: note: 'Channel::CloseBug' may be called with that I/O on 'worker_' still pending
// CHECK-NEXT: destructors.cpp:[[@LINE+3]]:3: warning: 'std::unique_ptr::reset' frees 'worker_' while overlapped I/O that uses it may still be pending; cancel the I/O and wait for it to complete first [iodrain-overlapped-lifetime]
void Channel::CloseBug() {
  CloseHandle(h_);
  worker_.reset();
}

// The destructor does not wait either: the worker dies with it.
// CHECK: destructors.cpp:39:8: note: 'ReadFile' in 'Worker::Start' starts overlapped I/O on 'h_' and may return with it pending
// CHECK-NEXT: destructors.cpp:[[@LINE+2]]:21: note: 'Channel::~Channel' may be called with that I/O on 'worker_' still pending
// CHECK-NEXT: destructors.cpp:[[@LINE+1]]:22: warning: the destructor of 'Channel' frees 'worker_' while overlapped I/O that uses it may still be pending; cancel the I/O and wait for it to complete first [iodrain-overlapped-lifetime]
Channel::~Channel() {}

// Destroyed by code outside this unit (winpty's NamedPipe, destroyed by
// its event loop): the destructor is an entry point, and it runs the
// small helper `Close`, which cancels and, through the worker's own
// helper, waits before it frees the worker.
class Endpoint {
public:
  explicit Endpoint(HANDLE h) : h_(h) {}
  ~Endpoint();
  void Service() {
    if (!worker_)
      worker_.reset(new InputWorker(h_));
    worker_->Start();
  }
  void Close() {
    if (!h_)
      return;
    CancelIo(h_);
    if (worker_) {
      worker_->WaitForCanceled();
      worker_.reset();
    }
    h_ = nullptr;
  }

private:
  HANDLE h_;
  std::unique_ptr<InputWorker> worker_;
};

Endpoint::~Endpoint() { Close(); }

// The same without the wait: the cancelled read completes into the freed
// worker. (Not modelled: a guard such as `if (!h_) return;` in `Close`
// is not tied to the worker's request, which was started on the worker's
// copy of the handle; with it, the path where the guard returns would
// also be reported, at the end of the destructor.)
class HastyEndpoint {
public:
  explicit HastyEndpoint(HANDLE h) : h_(h) {}
  ~HastyEndpoint();
  void Service() {
    if (!worker_)
      worker_.reset(new InputWorker(h_));
    worker_->Start();
  }
  void Close() {
    CancelIo(h_);
    worker_.reset();
    h_ = nullptr;
  }

private:
  HANDLE h_;
  std::unique_ptr<InputWorker> worker_;
};

// CHECK: destructors.cpp:[[@LINE-9]]:5: note: in call to 'HastyEndpoint::Close': 'std::unique_ptr::reset' frees 'worker_' here
// CHECK-NEXT: destructors.cpp:39:8: note: 'ReadFile' in 'Worker::Start' starts overlapped I/O on 'h_' and may return with it pending
// CHECK-NEXT: destructors.cpp:[[@LINE+2]]:33: note: 'HastyEndpoint::~HastyEndpoint' may be called with that I/O on 'worker_' still pending
// CHECK-NEXT: destructors.cpp:[[@LINE+1]]:35: warning: 'std::unique_ptr::reset' frees 'worker_' while overlapped I/O that uses it may still be pending; cancel the I/O and wait for it to complete first [iodrain-overlapped-lifetime]
HastyEndpoint::~HastyEndpoint() { Close(); }

// A class nothing here destroys: whoever does may do it mid-read.
class Lone {
public:
  explicit Lone(HANDLE h) : h_(h) {}
  virtual ~Lone();
  bool Start();

private:
  HANDLE h_;
  OVERLAPPED ov_ = {};
  char buf_[64];
};

// RUNTIME-TWIN: none, the issuer: the destructor's twin runs it
bool Lone::Start() {
  // CHECK: destructors.cpp:[[@LINE+1]]:10: note: 'ReadFile' in 'Lone::Start' starts overlapped I/O on 'h_' and may return with it pending
  return ReadFile(h_, buf_, sizeof buf_, nullptr, &ov_) ||
         GetLastError() == ERROR_IO_PENDING;
}

// CHECK-NEXT: destructors.cpp:[[@LINE+2]]:15: note: 'Lone::~Lone' may be called with that I/O on 'this' still pending
// CHECK-NEXT: destructors.cpp:[[@LINE+1]]:16: warning: the destructor of 'Lone' frees '*this' while overlapped I/O that uses it may still be pending; cancel the I/O and wait for it to complete first [iodrain-overlapped-lifetime]
Lone::~Lone() {}

#ifdef IODRAIN_RUNTIME
// Runtime twins: a pipe whose server end a child also holds; the peer
// answers after ten seconds.
#include "shim_twins.h"

static void twin_pipe(void) {
  twin_shared_pipe();
  twin_peer_answers_late();
}
static void twin_pipe_fixed(void) {
  twin_pipe();
  pipe_fixed(twin_server);
}
static void twin_lone_destructor(void) {
  twin_pipe();
  Lone *l = new Lone(twin_server);
  l->Start();
  delete l;
}

static void twin_channel_close_bug(void) {
  twin_pipe();
  Channel *c = new Channel(twin_server);
  c->Service();
  c->CloseBug();
  delete c;
}
static void twin_channel_destructor(void) {
  twin_pipe();
  Channel *c = new Channel(twin_server);
  c->Service();
  delete c;
  CloseHandle(twin_server);
}

static void twin_endpoint_destructor(void) {
  twin_pipe();
  Endpoint *e = new Endpoint(twin_server);
  e->Service();
  delete e;
  CloseHandle(twin_server);
}
static void twin_hasty_endpoint_destructor(void) {
  twin_pipe();
  HastyEndpoint *e = new HastyEndpoint(twin_server);
  // A driver's cancellation completes a moment after CancelIo returns.
  ShimDeferCancellation(twin_server);
  e->Service();
  delete e;
  CloseHandle(twin_server);
}

TWIN_MAIN({"pipe_fixed", twin_pipe_fixed},
          {"Endpoint::~Endpoint", twin_endpoint_destructor},
          {"HastyEndpoint::~HastyEndpoint", twin_hasty_endpoint_destructor},
          {"Channel::CloseBug", twin_channel_close_bug},
          {"Channel::~Channel", twin_channel_destructor},
          {"Lone::~Lone", twin_lone_destructor})
#endif
