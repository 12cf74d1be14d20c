// A path that holds no request ends where no call could start one
// (ActiveBlocks.h). With FollowCalls, whether a call of the unit may start
// one depends on how deep the explorer follows it: asked first three calls
// down (`reconnect` -> `open_and_read` -> `start_read`), `start_read` does
// not start one within the levels left; asked for the direct call, it
// does. The first answer must not stand for the second, here and in the
// first pass that learns what `dev_start` leaves pending.
// RUN: %iodrain_tidy --checks=-*,iodrain-close-pending-io --config="{CheckOptions: {iodrain.FollowCalls: true}}" %s -- -x c %win32 2>&1 | FileCheck %s --implicit-check-not=remark: --implicit-check-not=warning:
#include <windows.h>

static char buf[512];

static BOOL issue_read(HANDLE h, OVERLAPPED *ov) {
  return ReadFile(h, buf, sizeof buf, NULL, ov) ||
         GetLastError() == ERROR_IO_PENDING;
}
static BOOL start_read(HANDLE h, OVERLAPPED *ov) { return issue_read(h, ov); }
static BOOL open_and_read(HANDLE h, OVERLAPPED *ov) {
  return start_read(h, ov);
}
static BOOL reconnect(HANDLE h, OVERLAPPED *ov) { return open_and_read(h, ov); }

void session_bug(HANDLE h, HANDLE next, OVERLAPPED *ov, BOOL fresh) {
  if (fresh) {
    start_read(h, ov);
    // CHECK: active-blocks.c:[[@LINE+1]]:5: warning: 'CloseHandle' closes 'h' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
    CloseHandle(h);
    return;
  }
  reconnect(next, ov);
}

void session_fixed(HANDLE h, HANDLE next, OVERLAPPED *ov, BOOL fresh) {
  DWORD n;
  if (fresh) {
    start_read(h, ov);
    CancelIoEx(h, ov);
    GetOverlappedResult(h, ov, &n, TRUE);
    CloseHandle(h);
    return;
  }
  reconnect(next, ov);
}

struct dev {
  HANDLE h;
  OVERLAPPED ov;
  char buf[64];
  BOOL reading;
};

static BOOL issue(struct dev *d) {
  if (!ReadFile(d->h, d->buf, sizeof d->buf, NULL, &d->ov) &&
      GetLastError() != ERROR_IO_PENDING)
    return FALSE;
  d->reading = TRUE;
  return TRUE;
}
static BOOL start(struct dev *d) { return issue(d); }
static BOOL open_and_start(struct dev *d) { return start(d); }
static BOOL restart(struct dev *d) { return open_and_start(d); }

void dev_start(struct dev *d, int again) {
  d->reading = FALSE;
  start(d);
  if (again)
    restart(d);
}

void dev_close_bug(struct dev *d) {
  // CHECK: active-blocks.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'd->h' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(d->h);
}

void dev_close_fixed(struct dev *d) {
  DWORD n;
  if (d->reading) {
    CancelIoEx(d->h, &d->ov);
    GetOverlappedResult(d->h, &d->ov, &n, TRUE);
  }
  CloseHandle(d->h);
}
