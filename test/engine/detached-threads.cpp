// A std::thread object that some code detaches may hold another thread
// when it is joined: its join says nothing of the procedures started into
// it (the detached reader is still blocked in its read). (std-thread.cpp
// has runtime twins for the joins. This case has none: a twin program that
// calls the shim's std::thread::detach ends every one of its twins in the
// shim's SPIN watchdog, a gap of the shim not yet traced.)
// REQUIRES: mingw-std-thread
// RUN: %iodrain_tidy --checks=-*,iodrain-cancelio-thread %s -- -x c++ -std=c++17 %win32 %mingw_std_thread 2>&1 | FileCheck %s --implicit-check-not=warning:
#include <windows.h>
#include <thread>

static HANDLE spool_handle;
static OVERLAPPED spool_ov;
static char spool_buf[64];

static void spool_reader() {
  DWORD n;
  ReadFile(spool_handle, spool_buf, sizeof spool_buf, nullptr, &spool_ov);
  GetOverlappedResult(spool_handle, &spool_ov, &n, TRUE);
}
static void flush_logs() {}

void stop_spool_bug() {
  std::thread t(spool_reader);
  Sleep(100);
  t.detach();
  t = std::thread(flush_logs);
  t.join();
  // CHECK: detached-threads.cpp:[[@LINE+1]]:3: warning: 'CancelIo' cancels only the I/O that the calling thread issued, but overlapped I/O on 'spool_handle' is issued by another thread and stays pending; cancel it with 'CancelIoEx' [iodrain-cancelio-thread]
  CancelIo(spool_handle);
}

// Without the detach, the join ends the reader's thread:
// `stop_tail_fixed` in test/checks/std-thread.cpp (silent, with its twin).
