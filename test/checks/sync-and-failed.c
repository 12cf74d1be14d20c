// I/O that cannot be pending: failed synchronously, a NULL OVERLAPPED, or
// a handle opened without FILE_FLAG_OVERLAPPED.
// RUN: %check_iodrain %s -- -x c %win32 | %filecheck %s
// RUN: %check_iodrain %s -- -x c++ %win32 | %filecheck %s
// RUN: %if shim %{ %check_twins %s -- -x c %win32 %}
#include <windows.h>

static char buffer[512];

// The failure branch also runs when the read is merely pending.
void failure_branch_bug(HANDLE h) {
  OVERLAPPED ov = {0};
  // CHECK: sync-and-failed.c:[[@LINE+1]]:8: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
  if (!ReadFile(h, buffer, sizeof buffer, NULL, &ov)) {
    // CHECK-NEXT: sync-and-failed.c:[[@LINE+2]]:5: note: cancel the pending I/O and wait for it before closing the handle
    // CHECK-NEXT: sync-and-failed.c:[[@LINE+1]]:5: warning: 'CloseHandle' closes 'h' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
    CloseHandle(h);
    return;
  }
  CloseHandle(h);
}

// Only a real failure closes at once; a pending read is drained.
void failure_branch_fixed(HANDLE h) {
  OVERLAPPED ov = {0};
  DWORD n;
  if (!ReadFile(h, buffer, sizeof buffer, NULL, &ov)) {
    if (GetLastError() != ERROR_IO_PENDING) {
      CloseHandle(h);
      return;
    }
    GetOverlappedResult(h, &ov, &n, TRUE);
  }
  CloseHandle(h);
}

// The error code kept in a variable works the same way.
void saved_error_fixed(HANDLE h) {
  OVERLAPPED ov = {0};
  DWORD n;
  BOOL ok = ReadFile(h, buffer, sizeof buffer, NULL, &ov);
  DWORD err = GetLastError();
  if (!ok && err == ERROR_IO_PENDING)
    GetOverlappedResult(h, &ov, &n, TRUE);
  CloseHandle(h);
}

void saved_error_bug(HANDLE h) {
  OVERLAPPED ov = {0};
  DWORD n;
  // CHECK: sync-and-failed.c:[[@LINE+1]]:13: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
  BOOL ok = ReadFile(h, buffer, sizeof buffer, NULL, &ov);
  DWORD err = GetLastError();
  if (!ok && err != ERROR_IO_PENDING)
    GetOverlappedResult(h, &ov, &n, TRUE);
  // CHECK-NEXT: sync-and-failed.c:[[@LINE+2]]:3: note: cancel the pending I/O and wait for it before closing the handle
  // CHECK-NEXT: sync-and-failed.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'h' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(h);
}

// A NULL OVERLAPPED makes the read synchronous.
void null_overlapped_fixed(HANDLE h) {
  DWORD n;
  ReadFile(h, buffer, sizeof buffer, &n, NULL);
  CloseHandle(h);
}

// Without FILE_FLAG_OVERLAPPED the handle is synchronous: the OVERLAPPED
// only carries the file offset.
void sync_handle_fixed(const wchar_t *path) {
  OVERLAPPED ov = {0};
  DWORD n;
  HANDLE h = CreateFileW(path, GENERIC_READ, 0, NULL, OPEN_EXISTING,
                         FILE_ATTRIBUTE_NORMAL, NULL);
  ReadFile(h, buffer, sizeof buffer, &n, &ov);
  CloseHandle(h);
}

void overlapped_handle_bug(const wchar_t *path) {
  OVERLAPPED ov = {0};
  DWORD n;
  HANDLE h = CreateFileW(path, GENERIC_READ, 0, NULL, OPEN_EXISTING,
                         FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OVERLAPPED, NULL);
  // CHECK: sync-and-failed.c:[[@LINE+1]]:3: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
  ReadFile(h, buffer, sizeof buffer, &n, &ov);
  // CHECK-NEXT: sync-and-failed.c:[[@LINE+2]]:3: note: cancel the pending I/O and wait for it before closing the handle
  // CHECK-NEXT: sync-and-failed.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'h' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(h);
}

// CancelSynchronousIo cancels a thread's synchronous I/O, never an
// overlapped request: the read is still pending at the close.
void cancel_synchronous_bug(HANDLE h) {
  OVERLAPPED ov = {0};
  // CHECK: sync-and-failed.c:[[@LINE+1]]:3: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
  ReadFile(h, buffer, sizeof buffer, NULL, &ov);
  CancelSynchronousIo(GetCurrentThread());
  // CHECK-NEXT: sync-and-failed.c:[[@LINE+2]]:3: note: cancel the pending I/O and wait for it before closing the handle
  // CHECK-NEXT: sync-and-failed.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'h' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(h);
}

void cancel_synchronous_fixed(HANDLE h) {
  OVERLAPPED ov = {0};
  DWORD n;
  ReadFile(h, buffer, sizeof buffer, NULL, &ov);
  CancelIoEx(h, &ov);
  GetOverlappedResult(h, &ov, &n, TRUE);
  CloseHandle(h);
}

// The unit opens this member's handle overlapped (through a local, then
// stored): a write that never looks for ERROR_IO_PENDING still leaves its
// stack buffer to the kernel when it pends.
struct remote {
  HANDLE dev;
  OVERLAPPED ov;
};

// RUNTIME-TWIN: none, the opener: remote_send_bug's twin uses a socket
int remote_open(struct remote *r, const wchar_t *path) {
  HANDLE dev = CreateFileW(path, GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                           FILE_FLAG_OVERLAPPED, NULL);
  r->dev = dev;
  return dev != INVALID_HANDLE_VALUE;
}

int remote_send_bug(struct remote *r, char tag) {
  char report[22] = {tag};
  // CHECK: sync-and-failed.c:[[@LINE+2]]:10: note: 'WriteFile' starts overlapped I/O on 'r->dev' that may still be pending
  // CHECK-NEXT: sync-and-failed.c:[[@LINE+1]]:3: warning: 'report' goes out of scope while overlapped I/O that uses it may still be pending (it is the I/O's buffer); cancel the I/O and wait for it to complete first [iodrain-overlapped-lifetime]
  return WriteFile(r->dev, report, sizeof report, NULL, &r->ov);
}

// The same write on a member the unit opens synchronously: the OVERLAPPED
// only carries the file offset.
struct log_file {
  HANDLE file;
  OVERLAPPED at;
};

// RUNTIME-TWIN: none, the opener: log_append_fixed's twin runs it
int log_open(struct log_file *l, const wchar_t *path) {
  l->file = CreateFileW(path, GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                        FILE_ATTRIBUTE_NORMAL, NULL);
  return l->file != INVALID_HANDLE_VALUE;
}

int log_append_fixed(struct log_file *l, char tag) {
  char line[22] = {tag};
  return WriteFile(l->file, line, sizeof line, NULL, &l->at);
}

// One member for a pipe opened overlapped and a log file opened
// synchronously: a function that writes at an offset with a stack
// OVERLAPPED is the file-offset idiom still (it is only given logs).
struct stream {
  HANDLE h;
};

// RUNTIME-TWIN: none, the other opener: stream_append_fixed's twin opens a log
int stream_open_pipe(struct stream *s, const wchar_t *name) {
  s->h = CreateFileW(name, GENERIC_READ | GENERIC_WRITE, 0, NULL,
                     OPEN_EXISTING, FILE_FLAG_OVERLAPPED, NULL);
  return s->h != INVALID_HANDLE_VALUE;
}

// RUNTIME-TWIN: none, the opener: stream_append_fixed's twin runs it
int stream_open_log(struct stream *s, const wchar_t *path) {
  s->h = CreateFileW(path, GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                     FILE_ATTRIBUTE_NORMAL, NULL);
  return s->h != INVALID_HANDLE_VALUE;
}

int stream_append_fixed(struct stream *s, char tag, DWORD offset) {
  char line[22] = {tag};
  OVERLAPPED at = {0};
  at.Offset = offset;
  return WriteFile(s->h, line, sizeof line, NULL, &at);
}

#ifdef IODRAIN_RUNTIME
// Runtime twins: a pipe whose server end a child also holds; the peer
// answers after ten seconds. Files are disk files, whose overlapped reads
// finish on their own a moment later.
#include <winsock2.h>
#include "shim_twins.h"

static void twin_run(void (*fn)(HANDLE)) {
  twin_shared_pipe();
  twin_peer_answers_late();
  fn(twin_server);
}
static void twin_failure_branch_bug(void) { twin_run(failure_branch_bug); }
static void twin_cancel_synchronous_bug(void) {
  twin_run(cancel_synchronous_bug);
}
static void twin_cancel_synchronous_fixed(void) {
  twin_run(cancel_synchronous_fixed);
}
static void twin_failure_branch_fixed(void) { twin_run(failure_branch_fixed); }
static void twin_saved_error_fixed(void) { twin_run(saved_error_fixed); }
static void twin_saved_error_bug(void) { twin_run(saved_error_bug); }
static void twin_null_overlapped_fixed(void) {
  twin_run(null_overlapped_fixed);
}
static void twin_sync_handle_fixed(void) { sync_handle_fixed(L"C:\\data.bin"); }
static void twin_overlapped_handle_bug(void) {
  overlapped_handle_bug(L"C:\\data.bin");
}

// A socket whose send buffer is full: the write pends until the peer
// reads, ten seconds later, from the dead frame.
static void twin_remote_send_bug(void) {
  static struct remote r;
  SOCKET s, peer;
  ShimSocketPair(&s, &peer);
  ShimSocketSendQuota(s, 0);
  ShimPeerReadsAt(peer, 10000);
  r.dev = (HANDLE)s;
  remote_send_bug(&r, 'w');
}
static void twin_log_append_fixed(void) {
  static struct log_file l;
  log_open(&l, L"C:\\data.bin");
  log_append_fixed(&l, 'w');
}

static void twin_stream_append_fixed(void) {
  static struct stream log;
  stream_open_log(&log, L"C:\\data.bin");
  stream_append_fixed(&log, 'w', 0);
}

TWIN_MAIN(TWIN(remote_send_bug), TWIN(log_append_fixed),
          TWIN(stream_append_fixed),
          TWIN(failure_branch_bug), TWIN(failure_branch_fixed),
          TWIN(saved_error_fixed), TWIN(saved_error_bug),
          TWIN(null_overlapped_fixed), TWIN(sync_handle_fixed),
          TWIN(overlapped_handle_bug), TWIN(cancel_synchronous_bug),
          TWIN(cancel_synchronous_fixed))
#endif
