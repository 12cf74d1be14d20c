// Member handles and OVERLAPPEDs, templates and C++ casts.
// RUN: %check_iodrain %s -- -std=c++17 %win32 | %filecheck %s
// RUN: %if shim %{ %check_twins %s -- -std=c++17 %win32 %}
#include <windows.h>

class PipeReader {
public:
  explicit PipeReader(HANDLE pipe) : pipe_(pipe) {}
  void Start();
  void StopBuggy();
  void StopFixed();

private:
  HANDLE pipe_ = INVALID_HANDLE_VALUE;
  OVERLAPPED ov_ = {};
  char buffer_[512];
};

void PipeReader::StopBuggy() {
  // CHECK: cpp-classes.cpp:[[@LINE+1]]:3: note: 'ReadFile' starts overlapped I/O on 'pipe_' that may still be pending
  ReadFile(pipe_, buffer_, sizeof buffer_, nullptr, &ov_);
  // CHECK-NEXT: cpp-classes.cpp:[[@LINE+2]]:3: note: cancel the pending I/O and wait for it before closing the handle
  // CHECK-NEXT: cpp-classes.cpp:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'pipe_' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(pipe_);
}

void PipeReader::StopFixed() {
  DWORD n;
  ReadFile(this->pipe_, buffer_, sizeof buffer_, nullptr, &this->ov_);
  CancelIoEx(pipe_, &ov_);
  GetOverlappedResult(pipe_, &ov_, &n, TRUE);
  CloseHandle(this->pipe_);
}

struct Request : OVERLAPPED {
  HANDLE file;
  char data[128];
};

void derived_request_fixed(Request &r) {
  DWORD n;
  ReadFile(r.file, r.data, sizeof r.data, nullptr, &r);
  CancelIoEx(r.file, static_cast<LPOVERLAPPED>(&r));
  GetOverlappedResult(r.file, &r, &n, TRUE);
  CloseHandle(r.file);
}

template <typename Buffer> void read_into(HANDLE h, Buffer &b) {
  OVERLAPPED ov = {};
  // CHECK: cpp-classes.cpp:[[@LINE+1]]:3: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
  ReadFile(h, b.data, sizeof b.data, nullptr, &ov);
  // CHECK-NEXT: cpp-classes.cpp:[[@LINE+2]]:3: note: cancel the pending I/O and wait for it before closing the handle
  // CHECK-NEXT: cpp-classes.cpp:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'h' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(h);
}

template <typename Buffer> void read_into_fixed(HANDLE h, Buffer &b) {
  OVERLAPPED ov = {};
  DWORD n;
  ReadFile(h, b.data, sizeof b.data, nullptr, &ov);
  GetOverlappedResult(h, &ov, &n, TRUE);
  CloseHandle(h);
}

struct Small {
  char data[16];
};
struct Large {
  char data[4096];
};

// Each instantiation is analysed and reported at the same template code.
// RUNTIME-TWIN: none, a driver of the template cases, which have their own
void use_templates(HANDLE a, HANDLE b) {
  Small s;
  Large l;
  read_into(a, s);
  read_into(b, l);
  read_into_fixed(a, s);
  read_into_fixed(b, l);
}

// Ownership passed by reference to unknown code is not followed.
void finish_later(OVERLAPPED &ov);
void reference_escape_fixed(HANDLE h) {
  static char data[64];
  OVERLAPPED ov = {};
  ReadFile(h, data, sizeof data, nullptr, &ov);
  finish_later(ov);
  CloseHandle(h);
}

#ifdef IODRAIN_RUNTIME
// Runtime twins: a pipe whose server end a child also holds; the peer
// answers after ten seconds.
#include "shim_twins.h"

void finish_later(OVERLAPPED &ov) {
  DWORD n;
  CancelIoEx(twin_server, &ov);
  GetOverlappedResult(twin_server, &ov, &n, TRUE);
}

static void twin_pipe(void) {
  twin_shared_pipe();
  twin_peer_answers_late();
}
static void twin_stop_buggy(void) {
  twin_pipe();
  PipeReader(twin_server).StopBuggy();
}
static void twin_stop_fixed(void) {
  twin_pipe();
  PipeReader(twin_server).StopFixed();
}
static void twin_derived_request_fixed(void) {
  twin_pipe();
  Request r{};
  r.file = twin_server;
  derived_request_fixed(r);
}
static void twin_read_into(void) {
  twin_pipe();
  Small s;
  read_into(twin_server, s);
}
static void twin_read_into_fixed(void) {
  twin_pipe();
  Large l;
  read_into_fixed(twin_server, l);
}
static void twin_reference_escape_fixed(void) {
  twin_pipe();
  reference_escape_fixed(twin_server);
}

TWIN_MAIN({"PipeReader::StopBuggy", twin_stop_buggy},
          {"PipeReader::StopFixed", twin_stop_fixed},
          TWIN(derived_request_fixed), TWIN(read_into),
          TWIN(read_into_fixed), TWIN(reference_escape_fixed))
#endif
