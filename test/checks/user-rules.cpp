// Wrappers described in a user rules file are honoured; without the file
// the same code is silent, because iodrain knows nothing of the wrappers.
// RUN: %check_iodrain --config="{CheckOptions: {iodrain-close-pending-io.RulesFiles: '%S/Inputs/wrappers.yaml'}}" %s -- %win32 | %filecheck %s
// RUN: %check_iodrain %s -- %win32 | count 0
// RUN: %if shim %{ %check_twins --config="{CheckOptions: {iodrain-close-pending-io.RulesFiles: '%S/Inputs/wrappers.yaml'}}" %s -- %win32 %}
#include <windows.h>

BOOL StartRead(HANDLE h, OVERLAPPED *ov);
BOOL WaitRead(HANDLE h, OVERLAPPED *ov);
void CloseFile(HANDLE h);

void wrapped_bug(HANDLE h) {
  OVERLAPPED ov = {};
  // CHECK: user-rules.cpp:[[@LINE+1]]:3: note: 'StartRead' starts overlapped I/O on 'h' that may still be pending
  StartRead(h, &ov);
  // CHECK-NEXT: user-rules.cpp:[[@LINE+2]]:3: note: cancel the pending I/O and wait for it before closing the handle
  // CHECK-NEXT: user-rules.cpp:[[@LINE+1]]:3: warning: 'CloseFile' closes 'h' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseFile(h);
}

void wrapped_fixed(HANDLE h) {
  OVERLAPPED ov = {};
  StartRead(h, &ov);
  CancelIoEx(h, &ov);
  WaitRead(h, &ov);
  CloseFile(h);
}

namespace io {
class File {
public:
  bool Read();
  void Cancel();
  void Wait();
  void Close();
};
} // namespace io

void method_bug(io::File &f) {
  // CHECK: user-rules.cpp:[[@LINE+1]]:3: note: 'io::File::Read' starts overlapped I/O on 'f' that may still be pending
  f.Read();
  // CHECK-NEXT: user-rules.cpp:[[@LINE+1]]:3: warning: 'io::File::Close' closes 'f' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  f.Close();
}

void method_fixed(io::File &f) {
  f.Read();
  f.Cancel();
  f.Wait();
  f.Close();
}

void method_pointer_bug(io::File *f) {
  // CHECK: user-rules.cpp:[[@LINE+1]]:3: note: 'io::File::Read' starts overlapped I/O on 'f' that may still be pending
  f->Read();
  // CHECK-NEXT: user-rules.cpp:[[@LINE+1]]:3: note: 'io::File::Cancel' requests cancellation here, but the cancelled I/O still completes later
  f->Cancel();
  // CHECK-NEXT: user-rules.cpp:[[@LINE+1]]:3: warning: 'io::File::Close' closes 'f' after 'io::File::Cancel' without waiting for the cancelled I/O to complete; wait for its completion first (GetOverlappedResult(..., TRUE), or its packet from the completion port) [iodrain-cancel-without-drain]
  f->Close();
}

void method_pointer_fixed(io::File *f) {
  f->Read();
  f->Cancel();
  f->Wait();
  f->Close();
}

#ifdef IODRAIN_RUNTIME
// Runtime twins: the wrappers over real calls, on a pipe whose server end
// a child also holds; the peer answers after ten seconds; cancellation
// completes a moment after it is requested.
#include "shim_twins.h"
#include <map>

static char data[64];
BOOL StartRead(HANDLE h, OVERLAPPED *ov) {
  return ReadFile(h, data, sizeof data, NULL, ov);
}
BOOL WaitRead(HANDLE h, OVERLAPPED *ov) {
  DWORD n;
  return GetOverlappedResult(h, ov, &n, TRUE);
}
void CloseFile(HANDLE h) { CloseHandle(h); }

// Each io::File owns a handle and one request, kept beside the class.
struct FileState {
  HANDLE h;
  OVERLAPPED ov;
};
static std::map<const io::File *, FileState *> states;
bool io::File::Read() { return StartRead(states[this]->h, &states[this]->ov); }
void io::File::Cancel() { CancelIoEx(states[this]->h, &states[this]->ov); }
void io::File::Wait() { WaitRead(states[this]->h, &states[this]->ov); }
void io::File::Close() {
  // The request's memory goes with the file.
  CloseHandle(states[this]->h);
  delete states[this];
  states.erase(this);
}

static io::File *twin_file(void) {
  static io::File f;
  twin_shared_pipe();
  twin_peer_answers_late();
  ShimDeferCancellation(twin_server);
  states[&f] = new FileState{twin_server, {}};
  return &f;
}
static void twin_wrapped_bug(void) {
  twin_shared_pipe();
  twin_peer_answers_late();
  wrapped_bug(twin_server);
}
static void twin_wrapped_fixed(void) {
  twin_shared_pipe();
  twin_peer_answers_late();
  wrapped_fixed(twin_server);
}
static void twin_method_bug(void) { method_bug(*twin_file()); }
static void twin_method_fixed(void) { method_fixed(*twin_file()); }
static void twin_method_pointer_bug(void) { method_pointer_bug(twin_file()); }
static void twin_method_pointer_fixed(void) {
  method_pointer_fixed(twin_file());
}

TWIN_MAIN(TWIN(wrapped_bug), TWIN(wrapped_fixed), TWIN(method_bug),
          TWIN(method_fixed), TWIN(method_pointer_bug),
          TWIN(method_pointer_fixed))
#endif
