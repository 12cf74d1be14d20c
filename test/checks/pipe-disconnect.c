// DisconnectNamedPipe completes every request pending on the pipe instance,
// a pending listen included (role complete-all in the rules): a close after
// it leaves nothing pending. Without it, the close of a listening pipe
// whose handle a child also holds leaves the listen pending for ever.
// RUN: %check_iodrain %s -- -x c %win32 | %filecheck %s
// RUN: %check_iodrain %s -- -x c++ %win32 | %filecheck %s
// RUN: %if shim %{ %check_twins %s -- -x c %win32 %}
#include <windows.h>

static OVERLAPPED listen_ov;

void stop_listening_bug(HANDLE pipe) {
  // CHECK: pipe-disconnect.c:[[@LINE+1]]:8: note: 'ConnectNamedPipe' starts overlapped I/O on 'pipe' that may still be pending
  if (!ConnectNamedPipe(pipe, &listen_ov) &&
      GetLastError() != ERROR_IO_PENDING)
    return;
  // CHECK-NEXT: pipe-disconnect.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'pipe' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(pipe);
}

void stop_listening_fixed(HANDLE pipe) {
  if (!ConnectNamedPipe(pipe, &listen_ov) &&
      GetLastError() != ERROR_IO_PENDING)
    return;
  DisconnectNamedPipe(pipe);
  CloseHandle(pipe);
}

// CHECK-NOT: warning:

#ifdef IODRAIN_RUNTIME
#include "shim_twins.h"

// Nobody connects, and a child holds the server end too. The program
// then waits for the listen's event, which only a completed listen sets.
static void twin_listen(void (*stop)(HANDLE)) {
  HANDLE pipe = CreateNamedPipeW(L"\\\\.\\pipe\\quiet",
                                 PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
                                 PIPE_TYPE_BYTE, 1, 0, 0, 0, NULL);
  HANDLE child = ShimCreateChildProcess(), held;
  DuplicateHandle(GetCurrentProcess(), pipe, child, &held, 0, TRUE,
                  DUPLICATE_SAME_ACCESS);
  listen_ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  stop(pipe);
  WaitForSingleObject(listen_ov.hEvent, INFINITE);
}
static void twin_stop_listening_bug(void) { twin_listen(stop_listening_bug); }
static void twin_stop_listening_fixed(void) {
  twin_listen(stop_listening_fixed);
}

TWIN_MAIN(TWIN(stop_listening_bug), TWIN(stop_listening_fixed))
#endif
