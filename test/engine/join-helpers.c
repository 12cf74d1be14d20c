// Helpers that join a thread are followed though the path holds no
// request: on a budget of their own (a helper with many branches stays an
// unknown call and leaves the budget for other calls alone), and whether a
// function joins is asked per depth (a helper first met deep inside other
// calls is still followed where it is called directly).
// RUN: %iodrain_tidy --checks=-*,iodrain-* %s -- -x c %win32 2>&1 | FileCheck %s --implicit-check-not=warning:
#include <windows.h>

static HANDLE log_pipe, log_thread, dev, other;
static OVERLAPPED log_ov, dev_ov, x_ov;
static char log_buf[64], dev_buf[64], x_buf[64];
static int cfg[32], st[32];

static DWORD WINAPI log_reader(LPVOID p) {
  DWORD n;
  ReadFile(log_pipe, log_buf, sizeof log_buf, NULL, &log_ov);
  GetOverlappedResult(log_pipe, &log_ov, &n, TRUE);
  return 0;
}
void log_start(void) { log_thread = CreateThread(NULL, 0, log_reader, NULL, 0, NULL); }

// 2^12 paths before the join.
static void stop_logger(void) {
  if (cfg[0]) st[0] = 1; else st[0] = 2;
  if (cfg[1]) st[1] = 1; else st[1] = 2;
  if (cfg[2]) st[2] = 1; else st[2] = 2;
  if (cfg[3]) st[3] = 1; else st[3] = 2;
  if (cfg[4]) st[4] = 1; else st[4] = 2;
  if (cfg[5]) st[5] = 1; else st[5] = 2;
  if (cfg[6]) st[6] = 1; else st[6] = 2;
  if (cfg[7]) st[7] = 1; else st[7] = 2;
  if (cfg[8]) st[8] = 1; else st[8] = 2;
  if (cfg[9]) st[9] = 1; else st[9] = 2;
  if (cfg[10]) st[10] = 1; else st[10] = 2;
  if (cfg[11]) st[11] = 1; else st[11] = 2;
  WaitForSingleObject(log_thread, INFINITE);
}
static void open_and_read(void) {
  ReadFile(dev, dev_buf, sizeof dev_buf, NULL, &dev_ov);
}
static void close_bug(void) {
  CancelIo(dev);
  CloseHandle(dev);
}
void session_bug(void) {
  stop_logger();
  open_and_read();
  // CHECK: join-helpers.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'dev' after 'CancelIo' without waiting for the cancelled I/O to complete; wait for its completion first (GetOverlappedResult(..., TRUE), or its packet from the completion port) [iodrain-cancel-without-drain]
  close_bug();
}

// d_stop joins through e_join; x_work meets it two calls deep first.
static void e_join(void) { WaitForSingleObject(log_thread, INFINITE); }
static void d_stop(void) { e_join(); }
static void c_shutdown(void) {
  d_stop();
  CloseHandle(other);
}
static void x_work(void) {
  DWORD n;
  ReadFile(other, x_buf, sizeof x_buf, NULL, &x_ov);
  GetOverlappedResult(other, &x_ov, &n, TRUE);
  c_shutdown();
}
void stop_after_work_fixed(void) {
  x_work();
  d_stop();
  CancelIo(log_pipe);
}
void stop_fixed(void) {
  d_stop();
  CancelIo(log_pipe);
}
