// A class whose objects the unit deletes only through a container of
// pointers (`delete *it`) is destroyed where the deleter cannot name the
// object, so the deleter knows nothing of its requests: the destructor
// starts with what the class's protocol may have left pending. A deleter
// that names the object (`delete r` after `r->Stop()`) still decides.
// RUN: %check_iodrain %s -- -x c++ -std=c++17 %win32 | %filecheck %s
// RUN: %check_iodrain --config="{CheckOptions: {iodrain.FollowCalls: true}}" %s -- -x c++ -std=c++17 %win32 | %filecheck %s
// RUN: %if shim %{ %check_twins %s -- -x c++ -std=c++17 %win32 %}
#include <windows.h>
#include <vector>

struct Reader {
  HANDLE pipe_ = nullptr;
  OVERLAPPED ov_ = {};
  char buf_[64];
  bool pending_ = false;
  ~Reader();
  void OnReady();
};

// RUNTIME-TWIN: none, the issuer: the deleters' twins run it
void Reader::OnReady() {
  // CHECK: destroyed-from-containers.cpp:[[@LINE+1]]:7: note: 'ReadFile' in 'Reader::OnReady' starts overlapped I/O on 'pipe_' and may return with it pending
  if (ReadFile(pipe_, buf_, sizeof buf_, nullptr, &ov_) ||
      GetLastError() == ERROR_IO_PENDING)
    pending_ = true;
}

// CHECK-NEXT: destroyed-from-containers.cpp:[[@LINE+1]]:19: note: 'Reader::~Reader' may be called with that I/O on 'this' still pending
Reader::~Reader() {
  // CHECK-NEXT: destroyed-from-containers.cpp:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'pipe_' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(pipe_);
}

struct DrainingReader {
  HANDLE pipe_ = nullptr;
  OVERLAPPED ov_ = {};
  char buf_[64];
  bool pending_ = false;
  ~DrainingReader();
  void OnReady();
};

// RUNTIME-TWIN: none, the issuer: the deleters' twins run it
void DrainingReader::OnReady() {
  if (ReadFile(pipe_, buf_, sizeof buf_, nullptr, &ov_) ||
      GetLastError() == ERROR_IO_PENDING)
    pending_ = true;
}

DrainingReader::~DrainingReader() {
  DWORD n;
  if (pending_) {
    CancelIoEx(pipe_, &ov_);
    GetOverlappedResult(pipe_, &ov_, &n, TRUE);
  }
  CloseHandle(pipe_);
}

// The deleter names each reader and stops it first.
struct StoppedReader {
  HANDLE pipe_ = nullptr;
  OVERLAPPED ov_ = {};
  char buf_[64];
  bool pending_ = false;
  ~StoppedReader();
  void OnReady();
};

// RUNTIME-TWIN: none, the issuer: stopped_clear_fixed's twin runs it
void StoppedReader::OnReady() {
  if (ReadFile(pipe_, buf_, sizeof buf_, nullptr, &ov_) ||
      GetLastError() == ERROR_IO_PENDING)
    pending_ = true;
}

// RUNTIME-TWIN: none, run by stopped_clear_fixed's twin after the drain
StoppedReader::~StoppedReader() { CloseHandle(pipe_); }

// A port's loop finds the reader from the completion key and starts its
// next read. With calls followed the read goes back to the loop, which
// cannot name the reader to its own callers: the issuer's protocol stands.
// RUNTIME-TWIN: none, a port loop: ~Reader's twin covers the read it starts
void pump(HANDLE port) {
  DWORD n;
  ULONG_PTR key;
  OVERLAPPED *ov;
  if (GetQueuedCompletionStatus(port, &n, &key, &ov, INFINITE))
    reinterpret_cast<Reader *>(key)->OnReady();
}

// RUNTIME-TWIN: none, the deleter: ~Reader's twin runs it
void clear_bug(std::vector<Reader *> &running) {
  for (std::vector<Reader *>::iterator i = running.begin(); i != running.end();
       ++i)
    delete *i;
  running.clear();
}

void clear_fixed(std::vector<DrainingReader *> &running) {
  for (auto i = running.begin(); i != running.end(); ++i)
    delete *i;
  running.clear();
}

void stopped_clear_fixed(std::vector<StoppedReader *> &running) {
  DWORD n;
  for (StoppedReader *r : running) {
    if (r->pending_) {
      CancelIoEx(r->pipe_, &r->ov_);
      GetOverlappedResult(r->pipe_, &r->ov_, &n, TRUE);
    }
    delete r;
  }
  running.clear();
}

// CHECK-NOT: warning:

#ifdef IODRAIN_RUNTIME
// Runtime twins: a pipe whose server end a child also holds, a peer that
// answers after ten seconds. After a close alone the read stays pending
// until the peer answers, and then the kernel writes into the deleted
// reader.
#include "shim_twins.h"

template <typename T> static void twin_run(void (*clear)(std::vector<T *> &)) {
  std::vector<T *> running;
  twin_shared_pipe();
  twin_peer_answers_late();
  T *r = new T;
  r->pipe_ = twin_server;
  r->OnReady();
  running.push_back(r);
  clear(running);
  Sleep(20000);
}
static void twin_clear_bug(void) { twin_run<Reader>(clear_bug); }
static void twin_clear_fixed(void) { twin_run<DrainingReader>(clear_fixed); }
static void twin_stopped_clear_fixed(void) {
  twin_run<StoppedReader>(stopped_clear_fixed);
}

TWIN_MAIN({"Reader::~Reader", twin_clear_bug}, TWIN(clear_fixed),
          {"DrainingReader::~DrainingReader", twin_clear_fixed},
          TWIN(stopped_clear_fixed))
#endif
