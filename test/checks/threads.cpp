// A thread procedure written as a captureless lambda (converted to the
// LPTHREAD_START_ROUTINE that CreateThread takes) runs on a thread of its
// own, like a named one: CancelIo elsewhere cannot reach its read.
// RUN: %check_iodrain %s -- -x c++ %win32 | %filecheck %s
// RUN: %if shim %{ %check_twins %s -- -x c++ %win32 %}
#include <windows.h>

static HANDLE pipe_handle;
static OVERLAPPED pipe_ov;
static char pipe_buf[64];

// RUNTIME-TWIN: none, it starts the thread: the stop functions' twins run it
HANDLE start_reader() {
  return CreateThread(
      nullptr, 0,
      [](LPVOID) -> DWORD {
        DWORD n;
        // CHECK: threads.cpp:[[@LINE+1]]:9: note: 'ReadFile' in a lambda in 'start_reader' issues it, on the thread that runs a lambda in 'start_reader'
        ReadFile(pipe_handle, pipe_buf, sizeof pipe_buf, nullptr, &pipe_ov);
        GetOverlappedResult(pipe_handle, &pipe_ov, &n, TRUE);
        return 0;
      },
      nullptr, 0, nullptr);
}

void stop_reader_bug(HANDLE thread) {
  // CHECK-NEXT: threads.cpp:[[@LINE+2]]:3: note: cancel the I/O of every thread on the handle with 'CancelIoEx(h, NULL)'
  // CHECK-NEXT: threads.cpp:[[@LINE+1]]:3: warning: 'CancelIo' cancels only the I/O that the calling thread issued, but overlapped I/O on 'pipe_handle' is issued by another thread and stays pending; cancel it with 'CancelIoEx' [iodrain-cancelio-thread]
  CancelIo(pipe_handle);
  WaitForSingleObject(thread, INFINITE);
  CloseHandle(thread);
}

void stop_reader_fixed(HANDLE thread) {
  CancelIoEx(pipe_handle, nullptr);
  WaitForSingleObject(thread, INFINITE);
  CloseHandle(thread);
}

#ifdef IODRAIN_RUNTIME
// Runtime twins: a pipe whose peer never answers; only a cancel that
// reaches the reader's read ends it.
#include "shim_twins.h"

static void twin_stop_reader(void (*stop)(HANDLE)) {
  twin_shared_pipe();
  pipe_handle = twin_server;
  pipe_ov.hEvent = CreateEventW(nullptr, TRUE, FALSE, nullptr);
  HANDLE thread = start_reader();
  Sleep(100); // The reader's read is pending.
  stop(thread);
}
static void twin_stop_reader_bug() { twin_stop_reader(stop_reader_bug); }
static void twin_stop_reader_fixed() { twin_stop_reader(stop_reader_fixed); }

TWIN_MAIN(TWIN(stop_reader_bug), TWIN(stop_reader_fixed))
#endif
