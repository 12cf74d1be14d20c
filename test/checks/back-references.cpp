// A worker that reads on its owner's handle through a reference back to
// the owner that made it (winpty's `IoWorker::m_namedPipe`, set from
// `*this` by the pipe that makes the worker): seen from the owner, the
// read is on the owner's own handle. A guard on that handle (`if (!h_)
// return;`) then says no read can be pending, and the owner's cancel names
// the read's handle.
// RUN: %check_iodrain --config="{CheckOptions: {iodrain.FollowCalls: false}}" %s -- -x c++ -std=c++17 %win32 | %filecheck %s --check-prefixes=CHECK,DEFAULT
// RUN: %check_iodrain --config="{CheckOptions: {iodrain.FollowCalls: true}}" %s -- -x c++ -std=c++17 %win32 | %filecheck %s --check-prefixes=CHECK,FOLLOW
// RUN: %if shim %{ %check_twins %s -- -x c++ -std=c++17 %win32 %}
#include <windows.h>
#include <memory>

// Destroyed by code outside this unit: its destructor is an entry point.
class GuardedEndpoint {
public:
  explicit GuardedEndpoint(HANDLE h) : h_(h) {}
  ~GuardedEndpoint();
  void Service() {
    if (!reader_)
      reader_.reset(new Reader(*this));
    reader_->Start();
  }
  void Close() {
    if (!h_)
      return;
    CancelIo(h_);
    if (reader_ != nullptr) {
      reader_->WaitForCanceled();
      reader_.reset();
    }
    h_ = nullptr;
  }

private:
  class Reader {
  public:
    explicit Reader(GuardedEndpoint &owner);
    bool Start() {
      pending_ = !ReadFile(owner_.h_, buf_, sizeof buf_, nullptr, &ov_) &&
                 GetLastError() == ERROR_IO_PENDING;
      return pending_;
    }
    void WaitForCanceled() {
      DWORD n;
      if (pending_)
        GetOverlappedResult(owner_.h_, &ov_, &n, TRUE);
      pending_ = false;
    }

  private:
    GuardedEndpoint &owner_;
    bool pending_ = false;
    OVERLAPPED ov_ = {};
    char buf_[64];
  };
  HANDLE h_;
  std::unique_ptr<Reader> reader_;
};

// Defined apart from its declaration, as in a source file.
GuardedEndpoint::Reader::Reader(GuardedEndpoint &owner) : owner_(owner) {}

GuardedEndpoint::~GuardedEndpoint() { Close(); }

// The same reader, and a guarded close that does not wait: the cancel
// names the read's handle, so the free comes after a cancel without a
// wait.
class HastyEndpoint {
public:
  explicit HastyEndpoint(HANDLE h) : h_(h) {}
  ~HastyEndpoint();
  void Service() {
    if (!reader_)
      reader_.reset(new Reader(*this));
    reader_->Start();
  }
  void Close() {
    if (!h_)
      return;
    CancelIo(h_);
    // CHECK: back-references.cpp:[[#FREE:@LINE+1]]:5: note: in call to 'HastyEndpoint::Close': 'std::unique_ptr::reset' frees 'reader_' here
    reader_.reset();
    h_ = nullptr;
  }

private:
  class Reader {
  public:
    explicit Reader(HastyEndpoint &owner) : owner_(owner) {}
    bool Start() {
      // CHECK-NEXT: back-references.cpp:[[@LINE+1]]:14: note: 'ReadFile' in 'HastyEndpoint::Reader::Start' starts overlapped I/O on 'owner_.h_' and may return with it pending
      return ReadFile(owner_.h_, buf_, sizeof buf_, nullptr, &ov_) ||
             GetLastError() == ERROR_IO_PENDING;
    }

  private:
    HastyEndpoint &owner_;
    OVERLAPPED ov_ = {};
    char buf_[64];
  };
  HANDLE h_;
  std::unique_ptr<Reader> reader_;
};

// DEFAULT-NEXT: back-references.cpp:[[@LINE+4]]:33: note: 'HastyEndpoint::~HastyEndpoint' may be called with that I/O on 'reader_' still pending
// FOLLOW-NEXT: back-references.cpp:[[@LINE+3]]:33: note: 'HastyEndpoint::~HastyEndpoint' may be called with that I/O on 'this' still pending
// CHECK-NEXT: back-references.cpp:[[#FREE-2]]:5: note: 'CancelIo' requests cancellation here, but the cancelled I/O still completes later
// CHECK-NEXT: back-references.cpp:[[@LINE+1]]:35: warning: 'std::unique_ptr::reset' frees 'reader_' after 'CancelIo' without waiting for the cancelled I/O to complete; wait for its completion first (GetOverlappedResult(..., TRUE), or its packet from the completion port) [iodrain-cancel-without-drain]
HastyEndpoint::~HastyEndpoint() { Close(); }

#ifdef IODRAIN_RUNTIME
// Runtime twins: a pipe whose server end a child also holds; the peer
// answers after ten seconds, so the read is pending when the endpoint is
// destroyed.
#include "shim_twins.h"

static void twin_guarded_endpoint(void) {
  twin_shared_pipe();
  twin_peer_answers_late();
  GuardedEndpoint *e = new GuardedEndpoint(twin_server);
  e->Service();
  delete e;
  CloseHandle(twin_server);
}
static void twin_hasty_endpoint(void) {
  twin_shared_pipe();
  twin_peer_answers_late();
  HastyEndpoint *e = new HastyEndpoint(twin_server);
  // A driver's cancellation completes a moment after CancelIo returns.
  ShimDeferCancellation(twin_server);
  e->Service();
  delete e;
  CloseHandle(twin_server);
}

TWIN_MAIN({"GuardedEndpoint::~GuardedEndpoint", twin_guarded_endpoint},
          {"HastyEndpoint::~HastyEndpoint", twin_hasty_endpoint})
#endif
