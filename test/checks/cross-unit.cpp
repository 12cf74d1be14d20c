// Across translation units, C++: Inputs/cross-unit/reader.cpp defines the
// methods that start reads on the members; this unit defines the ones that
// close and destroy. With the summaries of the first unit, they start with
// the read possibly pending; a class of the same short name in another
// namespace does not.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %iodrain_tidy --checks=-*,iodrain-* --config="{CheckOptions: {iodrain.ExportSummaries: '%t/summaries', iodrain.ExportOnly: true}}" %S/Inputs/cross-unit/reader.cpp -- -x c++ %win32 | count 0
// RUN: %check_iodrain --config="{CheckOptions: {iodrain.ImportSummaries: '%t/summaries'}}" %s -- -x c++ %win32 | %filecheck %s
// RUN: %check_iodrain %s -- -x c++ %win32 | %filecheck %s --check-prefix=ALONE --allow-empty
// RUN: %if shim %{ %check_twins --config="{CheckOptions: {iodrain.ImportSummaries: '%t/summaries'}}" %s -- -x c++ %win32 %}
// ALONE-NOT: warning:
#include "Inputs/cross-unit/reader.h"

namespace io {
// CHECK: cross-unit.cpp:[[@LINE+1]]:25: note: 'io::Reader::CloseBug' may be called with I/O on 'this' still pending: 'ReadFile' in 'io::Reader::Start' (reader.cpp:7) starts overlapped I/O on 'h_' and may return with it pending
void Reader::CloseBug() {
  // CHECK-NEXT: cross-unit.cpp:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'h_' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
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

// CHECK: cross-unit.cpp:[[@LINE+1]]:21: note: 'io::Watcher::~Watcher' may be called with I/O on 'this' still pending: 'ReadFile' in 'io::Watcher::Start' (reader.cpp:16) starts overlapped I/O on 'h_' and may return with it pending
Watcher::~Watcher() {
  // CHECK-NEXT: cross-unit.cpp:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'h_' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(h_);
}
} // namespace io

namespace other {
void Reader::Release() { CloseHandle(h_); }
} // namespace other

#ifdef IODRAIN_RUNTIME
// Runtime twins: the two units linked into one program. A pipe whose
// server end a child also holds; the peer answers after ten seconds.
#include "Inputs/cross-unit/reader.cpp"
#include "shim_twins.h"

static void twin_pipe(void) {
  twin_shared_pipe();
  twin_peer_answers_late();
}
static void twin_reader_close_bug(void) {
  twin_pipe();
  io::Reader *r = new io::Reader(twin_server);
  r->Start();
  r->CloseBug();
  delete r;
}
static void twin_reader_close_fixed(void) {
  twin_pipe();
  io::Reader *r = new io::Reader(twin_server);
  r->Start();
  r->CloseFixed();
  delete r;
}
static void twin_reader_destructor(void) {
  twin_pipe();
  io::Reader *r = new io::Reader(twin_server);
  r->Start();
  delete r;
  CloseHandle(twin_server);
}
static void twin_watcher_destructor(void) {
  twin_pipe();
  io::Watcher *w = new io::Watcher(twin_server);
  w->Start();
  delete w;
}
static void twin_other_reader_close(void) {
  twin_pipe();
  other::Reader r(twin_server);
  r.Release();
}

TWIN_MAIN({"Reader::CloseBug", twin_reader_close_bug},
          {"Reader::CloseFixed", twin_reader_close_fixed},
          {"Reader::~Reader", twin_reader_destructor},
          {"Watcher::~Watcher", twin_watcher_destructor},
          {"Reader::Release", twin_other_reader_close})
#endif
