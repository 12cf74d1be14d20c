// A handle kept in a wrapper built on std::unique_ptr (the wrapper's
// `native_handle()` returns `get()`): a request started on it belongs to
// the object's protocol, the object dies with it pending unless its
// destructor cancels and waits, an empty wrapper holds no request, and a
// drain that switches on `Internal` finishes what is no longer pending.
// RUN: %check_iodrain %s -- -x c++ -std=c++17 %win32 | %filecheck %s
// RUN: %if shim %{ %check_twins %s -- -x c++ -std=c++17 %win32 %}
#include <windows.h>
#include <memory>

struct HandleCloser {
  void operator()(HANDLE h) const noexcept { CloseHandle(h); }
};

// A wrapper derived from the smart pointer, as in many code bases.
class UniqueHandle : public std::unique_ptr<void, HandleCloser> {
public:
  explicit UniqueHandle(HANDLE h) : std::unique_ptr<void, HandleCloser>(h) {}
  HANDLE native_handle() const { return get(); }
};

class DirWatcher {
public:
  explicit DirWatcher(HANDLE dir) : dir_(dir) { Start(); }
  ~DirWatcher();

private:
  void Start();
  UniqueHandle dir_;
  DWORD info_[64];
  OVERLAPPED ov_ = {};
};

// RUNTIME-TWIN: none, the issuer: the destructors' twins run it
void DirWatcher::Start() {
  // CHECK: handle-wrappers.cpp:[[@LINE+1]]:8: note: 'ReadDirectoryChangesW' in 'DirWatcher::Start' starts overlapped I/O on 'dir_.native_handle()' and may return with it pending
  if (!ReadDirectoryChangesW(dir_.native_handle(), info_, sizeof info_, TRUE,
                             FILE_NOTIFY_CHANGE_FILE_NAME, nullptr, &ov_, {}))
    dir_.reset();
}

// CHECK-NEXT: handle-wrappers.cpp:[[@LINE+3]]:27: note: 'DirWatcher::~DirWatcher' may be called with that I/O on 'this' still pending
// The wrapper closes the directory; the request completes into the freed
// object.
DirWatcher::~DirWatcher() {}
// CHECK-NEXT: handle-wrappers.cpp:[[@LINE-1]]:28: warning: the destructor of 'DirWatcher' frees '*this' while overlapped I/O that uses it may still be pending; cancel the I/O and wait for it to complete first [iodrain-overlapped-lifetime]

class SafeDirWatcher {
public:
  explicit SafeDirWatcher(HANDLE dir) : dir_(dir) { Start(); }
  ~SafeDirWatcher();

private:
  void Start();
  UniqueHandle dir_;
  DWORD info_[64];
  OVERLAPPED ov_ = {};
};

// RUNTIME-TWIN: none, the issuer: the destructor's twin runs it
void SafeDirWatcher::Start() {
  if (!ReadDirectoryChangesW(dir_.native_handle(), info_, sizeof info_, TRUE,
                             FILE_NOTIFY_CHANGE_FILE_NAME, nullptr, &ov_, {}))
    dir_.reset();
}

// An empty wrapper holds no request; after the cancel, the request is
// waited for only while `Internal` still says STATUS_PENDING.
SafeDirWatcher::~SafeDirWatcher() {
  if (!dir_)
    return;
  CancelIoEx(dir_.native_handle(), &ov_);
  switch (static_cast<NTSTATUS>(ov_.Internal)) {
  case STATUS_PENDING: {
    DWORD n;
    GetOverlappedResult(dir_.native_handle(), &ov_, &n, TRUE);
    break;
  }
  default:
    break;
  }
}

class HastyDirWatcher {
public:
  explicit HastyDirWatcher(HANDLE dir) : dir_(dir) { Start(); }
  ~HastyDirWatcher();

private:
  void Start();
  UniqueHandle dir_;
  DWORD info_[64];
  OVERLAPPED ov_ = {};
};

// RUNTIME-TWIN: none, the issuer: the destructor's twin runs it
void HastyDirWatcher::Start() {
  // CHECK-NEXT: handle-wrappers.cpp:[[@LINE+1]]:8: note: 'ReadDirectoryChangesW' in 'HastyDirWatcher::Start' starts overlapped I/O on 'dir_.native_handle()' and may return with it pending
  if (!ReadDirectoryChangesW(dir_.native_handle(), info_, sizeof info_, TRUE,
                             FILE_NOTIFY_CHANGE_FILE_NAME, nullptr, &ov_, {}))
    dir_.reset();
}

// Only a success is taken for finished: a cancelled request that has not
// completed yet still says STATUS_PENDING, and the default does not wait.
// CHECK-NEXT: handle-wrappers.cpp:[[@LINE+1]]:37: note: 'HastyDirWatcher::~HastyDirWatcher' may be called with that I/O on 'this' still pending
HastyDirWatcher::~HastyDirWatcher() {
  if (!dir_)
    return;
  // CHECK-NEXT: handle-wrappers.cpp:[[@LINE+1]]:3: note: 'CancelIoEx' requests cancellation here, but the cancelled I/O still completes later
  CancelIoEx(dir_.native_handle(), &ov_);
  switch (static_cast<NTSTATUS>(ov_.Internal)) {
  case 0: { // STATUS_SUCCESS
    DWORD n;
    GetOverlappedResult(dir_.native_handle(), &ov_, &n, FALSE);
    break;
  }
  default:
    break;
  }
}
// CHECK-NEXT: handle-wrappers.cpp:[[@LINE-1]]:1: warning: the destructor of 'HastyDirWatcher' releases '*this' after 'CancelIoEx' without waiting for the cancelled I/O to complete; wait for its completion first (GetOverlappedResult(..., TRUE), or its packet from the completion port) [iodrain-cancel-without-drain]

// No completion routine (`{}` is a null one): an alertable wait runs
// none, and only the event says the change came.
void watch_alertable_bug(HANDLE dir) {
  DWORD info[64];
  OVERLAPPED ov = {};
  // CHECK-NEXT: handle-wrappers.cpp:[[@LINE+1]]:8: note: 'ReadDirectoryChangesW' starts overlapped I/O on 'dir' that may still be pending
  if (!ReadDirectoryChangesW(dir, info, sizeof info, TRUE,
                             FILE_NOTIFY_CHANGE_FILE_NAME, nullptr, &ov, {}))
    return;
  SleepEx(INFINITE, TRUE);
}
// CHECK-NEXT: handle-wrappers.cpp:[[@LINE-1]]:1: warning: 'ov' goes out of scope while overlapped I/O that uses it may still be pending; cancel the I/O and wait for it to complete first [iodrain-overlapped-lifetime]

// RUNTIME-TWIN: none, the completion routine: watch_alertable_fixed runs it
static void CALLBACK on_change(DWORD, DWORD, LPOVERLAPPED) {}

void watch_alertable_fixed(HANDLE dir) {
  DWORD info[64];
  OVERLAPPED ov = {};
  if (!ReadDirectoryChangesW(dir, info, sizeof info, TRUE,
                             FILE_NOTIFY_CHANGE_FILE_NAME, nullptr, &ov,
                             on_change))
    return;
  SleepEx(INFINITE, TRUE);
}
// After `reset()` the wrapper is empty: `if (!pipe)` is taken, with the
// read still pending into the stack OVERLAPPED.
void reset_then_test_bug(UniqueHandle &pipe) {
  char buf[16];
  OVERLAPPED ov = {};
  // CHECK-NEXT: handle-wrappers.cpp:[[@LINE+1]]:8: note: 'ReadFile' starts overlapped I/O on 'pipe.native_handle()' that may still be pending
  if (!ReadFile(pipe.native_handle(), buf, sizeof buf, nullptr, &ov) &&
      GetLastError() != ERROR_IO_PENDING)
    return;
  pipe.reset();
  // CHECK-NEXT: handle-wrappers.cpp:[[@LINE+2]]:7: note: '!pipe' is true here
  // CHECK-NEXT: handle-wrappers.cpp:[[@LINE+2]]:5: warning: 'ov' goes out of scope while overlapped I/O that uses it may still be pending; cancel the I/O and wait for it to complete first [iodrain-overlapped-lifetime]
  if (!pipe)
    return;
  DWORD n;
  GetOverlappedResult(pipe.native_handle(), &ov, &n, TRUE);
}

void reset_then_test_fixed(UniqueHandle &pipe) {
  char buf[16];
  OVERLAPPED ov = {};
  DWORD n;
  if (!ReadFile(pipe.native_handle(), buf, sizeof buf, nullptr, &ov) &&
      GetLastError() != ERROR_IO_PENDING)
    return;
  CancelIoEx(pipe.native_handle(), &ov);
  GetOverlappedResult(pipe.native_handle(), &ov, &n, TRUE);
  pipe.reset();
}
// CHECK-NOT: warning:

#ifdef IODRAIN_RUNTIME
// Runtime twins: a watched directory that a child also holds (closing ours
// does not end the request); a file changes in ten seconds, and
// cancellations complete a moment after CancelIoEx returns.
#include "shim_twins.h"

static HANDLE twin_directory(void) {
  HANDLE dir = twin_watched_directory();
  ShimDeferCancellation(dir);
  return dir;
}
template <typename Watcher> static void twin_watcher(void) {
  Watcher *w = new Watcher(twin_directory());
  delete w;
  Sleep(20000);
}
static void twin_alertable(void (*fn)(HANDLE)) {
  fn(twin_directory());
  Sleep(20000);
}
static void twin_watch_alertable_bug(void) {
  twin_alertable(watch_alertable_bug);
}
static void twin_watch_alertable_fixed(void) {
  twin_alertable(watch_alertable_fixed);
}

// The pipe's server end, also held by a child: closing ours does not end
// the read; the peer answers after ten seconds.
static void twin_reset(void (*fn)(UniqueHandle &)) {
  twin_shared_pipe();
  twin_peer_answers_late();
  UniqueHandle pipe(twin_server);
  fn(pipe);
  Sleep(20000);
}
static void twin_reset_then_test_bug(void) { twin_reset(reset_then_test_bug); }
static void twin_reset_then_test_fixed(void) {
  twin_reset(reset_then_test_fixed);
}

TWIN_MAIN(TWIN(reset_then_test_bug), TWIN(reset_then_test_fixed),
          {"DirWatcher::~DirWatcher", twin_watcher<DirWatcher>},
          {"SafeDirWatcher::~SafeDirWatcher", twin_watcher<SafeDirWatcher>},
          {"HastyDirWatcher::~HastyDirWatcher", twin_watcher<HastyDirWatcher>},
          TWIN(watch_alertable_bug), TWIN(watch_alertable_fixed))
#endif
