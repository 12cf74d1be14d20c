// Which findings of a followed call are said at the caller. A request in
// a callee's own local that a function the callee called started is the
// callee's business (its own analysis reports it once: `local_read_bug`
// in test/checks/helpers.c); a request that the same call started on an
// earlier turn of a loop, or one on an object that only the caller knows
// to be another argument too, is the caller's.
// RUN: %iodrain_tidy --checks=-*,iodrain-* %s -- -x c %win32 2>&1 | FileCheck %s --implicit-check-not=warning:
#include <windows.h>
#include <stdlib.h>

static HANDLE g_h;
static OVERLAPPED g_ov;
static char g_buf[64];

static void start(void) {
  if (!ReadFile(g_h, g_buf, sizeof g_buf, NULL, &g_ov) &&
      GetLastError() != ERROR_IO_PENDING)
    g_ov.Internal = 0;
}

static void step(int last) {
  if (last) {
    CloseHandle(g_h);
    return;
  }
  start();
}

void run_steps(void) {
  for (int i = 0; i < 3; i++)
    // CHECK: caller-reports.c:[[@LINE+1]]:5: warning: 'CloseHandle' closes 'g_h' while overlapped I/O on it may still be pending
    step(i == 2);
}

struct dev {
  HANDLE h;
  OVERLAPPED ov;
  char buf[64];
};

static void dev_start(struct dev *d) {
  if (!ReadFile(d->h, d->buf, sizeof d->buf, NULL, &d->ov) &&
      GetLastError() != ERROR_IO_PENDING)
    d->ov.Internal = 0;
}

// Starts a read on `from` and releases `old`: right when they differ.
static void rotate(struct dev *from, struct dev *old) {
  dev_start(from);
  CloseHandle(old->h);
  free(old);
}

void restart_same(struct dev *d) {
  // CHECK: caller-reports.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'old->h' while overlapped I/O on it may still be pending
  rotate(d, d);
}
