// A callable passed to std::thread runs on a thread of its own, like a
// CreateThread procedure: CancelIo on another thread cannot reach its
// read, and the wait for that thread never returns.
// REQUIRES: mingw-std-thread
// RUN: %check_iodrain %s -- -x c++ -std=c++17 %win32 %mingw_std_thread | %filecheck %s
// RUN: %check_iodrain %s -- -x c++ -std=c++14 %win32 %mingw_std_thread | %filecheck %s
// RUN: %if shim %{ %check_twins %s -- -x c++ -std=c++17 %win32 %mingw_std_thread %}
#include <windows.h>
#ifndef IODRAIN_RUNTIME
#include <thread>
#else
#include "shim_std_thread.h"
#endif

static HANDLE pipe_handle;
static OVERLAPPED pipe_ov;
static char pipe_buf[64];

// RUNTIME-TWIN: none, it starts the thread: the stop functions' twins run it
std::thread start_reader() {
  return std::thread([] {
    DWORD n;
    // CHECK: std-thread.cpp:[[@LINE+1]]:5: note: 'ReadFile' in a lambda in 'start_reader' issues it, on the thread that runs a lambda in 'start_reader'
    ReadFile(pipe_handle, pipe_buf, sizeof pipe_buf, nullptr, &pipe_ov);
    GetOverlappedResult(pipe_handle, &pipe_ov, &n, TRUE);
  });
}

void stop_reader_bug(std::thread &reader) {
  // CHECK-NEXT: std-thread.cpp:[[@LINE+2]]:3: note: cancel the I/O of every thread on the handle with 'CancelIoEx(h, NULL)'
  // CHECK-NEXT: std-thread.cpp:[[@LINE+1]]:3: warning: 'CancelIo' cancels only the I/O that the calling thread issued, but overlapped I/O on 'pipe_handle' is issued by another thread and stays pending; cancel it with 'CancelIoEx' [iodrain-cancelio-thread]
  CancelIo(pipe_handle);
  reader.join();
}

void stop_reader_fixed(std::thread &reader) {
  CancelIoEx(pipe_handle, nullptr);
  reader.join();
}

// A named function as the thread's body, on its own handle.
static HANDLE log_handle;
static OVERLAPPED log_ov;
static char log_buf[64];

// RUNTIME-TWIN: none, a thread body: the stop functions' twins run it
static void log_reader() {
  DWORD n;
  // CHECK: std-thread.cpp:[[@LINE+1]]:3: note: 'ReadFile' in 'log_reader' issues it, on the thread that runs 'log_reader'
  ReadFile(log_handle, log_buf, sizeof log_buf, nullptr, &log_ov);
  GetOverlappedResult(log_handle, &log_ov, &n, TRUE);
}

void stop_log_bug() {
  std::thread reader(log_reader);
  Sleep(100);
  // CHECK-NEXT: std-thread.cpp:[[@LINE+2]]:3: note: cancel the I/O of every thread on the handle with 'CancelIoEx(h, NULL)'
  // CHECK-NEXT: std-thread.cpp:[[@LINE+1]]:3: warning: 'CancelIo' cancels only the I/O that the calling thread issued, but overlapped I/O on 'log_handle' is issued by another thread and stays pending; cancel it with 'CancelIoEx' [iodrain-cancelio-thread]
  CancelIo(log_handle);
  reader.join();
}

void stop_log_fixed() {
  std::thread reader(log_reader);
  Sleep(100);
  CancelIoEx(log_handle, nullptr);
  reader.join();
}

// Once joined, a reader's thread has nothing pending: a CancelIo after
// the join (of this thread's own requests) misses nothing. Each reader
// here runs a procedure no other thread runs.
static HANDLE tail_handle;
static OVERLAPPED tail_ov;
static char tail_buf[64];

// RUNTIME-TWIN: none, a thread body: stop_tail_fixed's twin runs it
static void tail_reader() {
  DWORD n;
  ReadFile(tail_handle, tail_buf, sizeof tail_buf, nullptr, &tail_ov);
  GetOverlappedResult(tail_handle, &tail_ov, &n, TRUE);
}

void stop_tail_fixed() {
  std::thread reader(tail_reader);
  Sleep(100);
  reader.join();
  CancelIo(tail_handle);
}

// The same, the thread object copy-initialised from a temporary (an
// elidable move before C++17).
static HANDLE copied_handle;
static OVERLAPPED copied_ov;
static char copied_buf[64];

// RUNTIME-TWIN: none, a thread body: stop_copied_fixed's twin runs it
static void copied_reader() {
  DWORD n;
  ReadFile(copied_handle, copied_buf, sizeof copied_buf, nullptr, &copied_ov);
  GetOverlappedResult(copied_handle, &copied_ov, &n, TRUE);
}

void stop_copied_fixed() {
  std::thread reader = std::thread(copied_reader);
  Sleep(100);
  reader.join();
  CancelIo(copied_handle);
}

// A thread object that was detached may hold another thread when it is
// joined: the detached reader is still blocked in its read.
static HANDLE spool_handle;
static OVERLAPPED spool_ov;
static char spool_buf[64];

// RUNTIME-TWIN: none, a thread body: stop_spool_bug's twin runs it
static void spool_reader() {
  DWORD n;
  // CHECK: std-thread.cpp:[[@LINE+1]]:3: note: 'ReadFile' in 'spool_reader' issues it, on the thread that runs 'spool_reader'
  ReadFile(spool_handle, spool_buf, sizeof spool_buf, nullptr, &spool_ov);
  GetOverlappedResult(spool_handle, &spool_ov, &n, TRUE);
}
// RUNTIME-TWIN: none, a thread body that does no I/O
static void flush_logs() {}

void stop_spool_bug() {
  std::thread t(spool_reader);
  Sleep(100);
  t.detach();
  t = std::thread(flush_logs);
  t.join();
  // CHECK-NEXT: std-thread.cpp:[[@LINE+2]]:3: note: cancel the I/O of every thread on the handle with 'CancelIoEx(h, NULL)'
  // CHECK-NEXT: std-thread.cpp:[[@LINE+1]]:3: warning: 'CancelIo' cancels only the I/O that the calling thread issued, but overlapped I/O on 'spool_handle' is issued by another thread and stays pending; cancel it with 'CancelIoEx' [iodrain-cancelio-thread]
  CancelIo(spool_handle);
}

// A member thread, joined in a helper method.
static HANDLE pump_handle;
static OVERLAPPED pump_ov;
static char pump_buf[64];

// RUNTIME-TWIN: none, a thread body: the pump's twins run it
static void pump_reader() {
  DWORD n;
  // CHECK: std-thread.cpp:[[@LINE+1]]:3: note: 'ReadFile' in 'pump_reader' issues it, on the thread that runs 'pump_reader'
  ReadFile(pump_handle, pump_buf, sizeof pump_buf, nullptr, &pump_ov);
  GetOverlappedResult(pump_handle, &pump_ov, &n, TRUE);
}

struct Pump {
  std::thread worker;
  void start();
  void join();
  void stop_bug();
  void stop_fixed();
};

// RUNTIME-TWIN: none, it starts the thread: the stop methods' twins run it
void Pump::start() { worker = std::thread(pump_reader); }
// RUNTIME-TWIN: none, a helper: the stop methods' twins run it
void Pump::join() { worker.join(); }

void Pump::stop_bug() {
  // CHECK-NEXT: std-thread.cpp:[[@LINE+2]]:3: note: cancel the I/O of every thread on the handle with 'CancelIoEx(h, NULL)'
  // CHECK-NEXT: std-thread.cpp:[[@LINE+1]]:3: warning: 'CancelIo' cancels only the I/O that the calling thread issued, but overlapped I/O on 'pump_handle' is issued by another thread and stays pending; cancel it with 'CancelIoEx' [iodrain-cancelio-thread]
  CancelIo(pump_handle);
  join();
}

void Pump::stop_fixed() {
  join();
  CancelIo(pump_handle);
}

#ifdef IODRAIN_RUNTIME
// Runtime twins: pipes whose peer never answers; only a cancel that
// reaches the reader's read ends it.
#include "shim_twins.h"

static void twin_stop_reader(void (*stop)(std::thread &)) {
  twin_shared_pipe();
  pipe_handle = twin_server;
  pipe_ov.hEvent = CreateEventW(nullptr, TRUE, FALSE, nullptr);
  std::thread reader = start_reader();
  Sleep(100); // The reader's read is pending.
  stop(reader);
}
static void twin_stop_reader_bug() { twin_stop_reader(stop_reader_bug); }
static void twin_stop_reader_fixed() { twin_stop_reader(stop_reader_fixed); }
static void twin_log() {
  twin_shared_pipe();
  log_handle = twin_server;
  log_ov.hEvent = CreateEventW(nullptr, TRUE, FALSE, nullptr);
}
static void twin_stop_log_bug() {
  twin_log();
  stop_log_bug();
}
static void twin_stop_log_fixed() {
  twin_log();
  stop_log_fixed();
}

// The joins wait for readers whose peer answers at two seconds.
static void twin_stop_tail_fixed() {
  twin_shared_pipe();
  tail_handle = twin_server;
  tail_ov.hEvent = CreateEventW(nullptr, TRUE, FALSE, nullptr);
  ShimPeerWriteAt(twin_client, "log line", 8, 2000);
  stop_tail_fixed();
}
static void twin_stop_copied_fixed() {
  twin_shared_pipe();
  copied_handle = twin_server;
  copied_ov.hEvent = CreateEventW(nullptr, TRUE, FALSE, nullptr);
  ShimPeerWriteAt(twin_client, "log line", 8, 2000);
  stop_copied_fixed();
}
// The detached reader's read outlives the cancel; the peer never answers.
static void twin_stop_spool_bug() {
  DWORD n;
  twin_shared_pipe();
  spool_handle = twin_server;
  spool_ov.hEvent = CreateEventW(nullptr, TRUE, FALSE, nullptr);
  stop_spool_bug();
  GetOverlappedResult(spool_handle, &spool_ov, &n, TRUE);
}
static void twin_pump(bool fixed) {
  Pump pump;
  twin_shared_pipe();
  pump_handle = twin_server;
  pump_ov.hEvent = CreateEventW(nullptr, TRUE, FALSE, nullptr);
  pump.start();
  Sleep(100); // The pump's read is pending.
  if (fixed) {
    ShimPeerWriteAt(twin_client, "log line", 8, 2000);
    pump.stop_fixed();
  } else {
    pump.stop_bug();
  }
}
static void twin_pump_stop_bug() { twin_pump(false); }
static void twin_pump_stop_fixed() { twin_pump(true); }

TWIN_MAIN(TWIN(stop_reader_bug), TWIN(stop_reader_fixed), TWIN(stop_log_bug),
          TWIN(stop_log_fixed), TWIN(stop_tail_fixed), TWIN(stop_copied_fixed),
          TWIN(stop_spool_bug),
          {"Pump::stop_bug", twin_pump_stop_bug},
          {"Pump::stop_fixed", twin_pump_stop_fixed})
#endif
