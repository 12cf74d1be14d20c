// A parameter passed by value lives in the function's frame like a local:
// a write whose buffer it is must finish before the function returns
// (winafl's one-byte command writes on a global OVERLAPPED).
// RUN: %check_iodrain %s -- -x c %win32 | %filecheck %s
// RUN: %check_iodrain %s -- -x c++ %win32 | %filecheck %s
// RUN: %if shim %{ %check_twins %s -- -x c %win32 %}
#include <windows.h>

static OVERLAPPED command_ov;

BOOL send_command_bug(HANDLE pipe, char command) {
  DWORD n;
  // CHECK: parameter-storage.c:[[@LINE+1]]:8: note: 'WriteFile' starts overlapped I/O on 'pipe' that may still be pending
  if (!WriteFile(pipe, &command, 1, &n, &command_ov) &&
      GetLastError() == ERROR_IO_PENDING)
    // CHECK-NEXT: parameter-storage.c:[[@LINE+1]]:5: warning: 'command' goes out of scope while overlapped I/O that uses it may still be pending (it is the I/O's buffer); cancel the I/O and wait for it to complete first [iodrain-overlapped-lifetime]
    return TRUE;
  return FALSE;
}

BOOL send_command_fixed(HANDLE pipe, char command) {
  DWORD n;
  if (!WriteFile(pipe, &command, 1, &n, &command_ov) &&
      GetLastError() == ERROR_IO_PENDING)
    return GetOverlappedResult(pipe, &command_ov, &n, TRUE);
  return TRUE;
}

// The caller's buffer, passed by pointer, outlives the call: the caller
// owns the write (and its wait) from here.
static OVERLAPPED block_ov;
// RUNTIME-TWIN: none, a writer whose caller waits: send_block_caller_fixed's twin runs it
BOOL send_block(HANDLE pipe, const char *block, DWORD size) {
  DWORD n;
  return WriteFile(pipe, block, size, &n, &block_ov) ||
         GetLastError() == ERROR_IO_PENDING;
}

BOOL send_block_caller_fixed(HANDLE pipe) {
  static char block[16] = "block";
  DWORD n;
  if (!send_block(pipe, block, sizeof block))
    return FALSE;
  return GetOverlappedResult(pipe, &block_ov, &n, TRUE);
}

// CHECK-NOT: warning:

#ifdef IODRAIN_RUNTIME
// Runtime twins: pipe writes never pend in the shim; a send into a full
// socket buffer does, until the peer reads ten seconds later.
#include <winsock2.h>
#include "shim_twins.h"

static HANDLE twin_full_socket(void) {
  SOCKET s, peer;
  ShimSocketPair(&s, &peer);
  twin_child = ShimCreateChildInheriting();
  ShimSocketSendQuota(s, 0);
  ShimPeerReadsAt(peer, 10000);
  command_ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  block_ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  return (HANDLE)s;
}
static void twin_send_command_bug(void) {
  send_command_bug(twin_full_socket(), 'q');
  Sleep(20000);
}
static void twin_send_command_fixed(void) {
  send_command_fixed(twin_full_socket(), 'q');
  Sleep(20000);
}
static void twin_send_block_caller_fixed(void) {
  send_block_caller_fixed(twin_full_socket());
  Sleep(20000);
}

TWIN_MAIN(TWIN(send_command_bug), TWIN(send_command_fixed),
          TWIN(send_block_caller_fixed))
#endif
