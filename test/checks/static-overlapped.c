// A function-static OVERLAPPED outlives the call: a request the function
// leaves pending there is still pending when it is called again, and only
// that function can name it.
// RUN: %check_iodrain %s -- -x c %win32 | %filecheck %s
// RUN: %check_iodrain %s -- -x c++ %win32 | %filecheck %s
// RUN: %check_iodrain --config="{CheckOptions: {iodrain.FollowCalls: true}}" %s -- -x c %win32 | %filecheck %s
// RUN: %if shim %{ %check_twins %s -- -x c %win32 %}
#include <winsock2.h>
#include <windows.h>
#include <stdlib.h>
#include <string.h>

// Gives up after 100 ms and leaves the read running: the next call issues
// a new read on the OVERLAPPED the last one still uses.
BOOL read_message_bug(HANDLE h, char *buf, DWORD size, DWORD *got) {
  static OVERLAPPED ov;
  if (!ov.hEvent)
    ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  // CHECK: static-overlapped.c:[[@LINE+3]]:8: note: 'ReadFile' in 'read_message_bug' starts overlapped I/O on 'h' and may return with it pending
  // CHECK-NEXT: static-overlapped.c:[[@LINE-5]]:68: note: 'read_message_bug' may be called again with that I/O on 'ov' still pending
  // CHECK-NEXT: static-overlapped.c:[[@LINE+1]]:8: warning: 'ReadFile' reuses the OVERLAPPED 'ov' while the request that last used it may still be pending; wait for that request to complete first [iodrain-overlapped-lifetime]
  if (!ReadFile(h, buf, size, NULL, &ov) && GetLastError() != ERROR_IO_PENDING)
    return FALSE;
  if (WaitForSingleObject(ov.hEvent, 100) != WAIT_OBJECT_0)
    return FALSE;
  return GetOverlappedResult(h, &ov, got, FALSE);
}

BOOL read_message_fixed(HANDLE h, char *buf, DWORD size, DWORD *got) {
  static OVERLAPPED ov;
  if (!ov.hEvent)
    ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (!ReadFile(h, buf, size, NULL, &ov) && GetLastError() != ERROR_IO_PENDING)
    return FALSE;
  if (WaitForSingleObject(ov.hEvent, 100) != WAIT_OBJECT_0) {
    CancelIoEx(h, &ov);
    GetOverlappedResult(h, &ov, got, TRUE);
    return FALSE;
  }
  return GetOverlappedResult(h, &ov, got, FALSE);
}

// The read is left running on a timeout, and a static flag makes the next
// call wait for it instead of issuing another (into the first call's
// buffer: the caller passes the same one again).
BOOL read_message_resumed_fixed(HANDLE h, char *buf, DWORD size,
                                DWORD *got) {
  static OVERLAPPED ov;
  static BOOL running;
  if (!ov.hEvent)
    ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (!running) {
    if (!ReadFile(h, buf, size, NULL, &ov) &&
        GetLastError() != ERROR_IO_PENDING)
      return FALSE;
    running = TRUE;
  }
  if (WaitForSingleObject(ov.hEvent, 100) != WAIT_OBJECT_0)
    return FALSE;
  running = FALSE;
  return GetOverlappedResult(h, &ov, got, FALSE);
}

// Clearing the OVERLAPPED first changes nothing: the kernel still owns it.
BOOL send_command_bug(HANDLE h, const char *cmd, DWORD len) {
  static OVERLAPPED ov;
  memset(&ov, 0, sizeof ov);
  // CHECK-NEXT: static-overlapped.c:[[@LINE+3]]:10: note: 'WriteFile' in 'send_command_bug' starts overlapped I/O on 'h' and may return with it pending
  // CHECK-NEXT: static-overlapped.c:[[@LINE-4]]:61: note: 'send_command_bug' may be called again with that I/O on 'ov' still pending
  // CHECK-NEXT: static-overlapped.c:[[@LINE+1]]:10: warning: 'WriteFile' reuses the OVERLAPPED 'ov' while the request that last used it may still be pending; wait for that request to complete first [iodrain-overlapped-lifetime]
  return WriteFile(h, cmd, len, NULL, &ov) ||
         GetLastError() == ERROR_IO_PENDING;
}

// The last write is waited for before the OVERLAPPED is cleared.
BOOL send_command_fixed(HANDLE h, const char *cmd, DWORD len) {
  static OVERLAPPED ov;
  static BOOL sent;
  DWORD n;
  if (sent)
    GetOverlappedResult(h, &ov, &n, TRUE);
  memset(&ov, 0, sizeof ov);
  sent = WriteFile(h, cmd, len, NULL, &ov) ||
         GetLastError() == ERROR_IO_PENDING;
  return sent;
}

#ifdef IODRAIN_RUNTIME
// Runtime twins: the peer answers at 150 ms and again at ten seconds; the
// caller retries once after a timeout, then frees the buffer it gave the
// call that succeeded.
#include "shim_twins.h"

typedef BOOL (*read_message_fn)(HANDLE, char *, DWORD, DWORD *);
static void twin_read_message(read_message_fn read, BOOL same_buffer) {
  static char first[64];
  char *second = (char *)malloc(64);
  DWORD got;
  twin_shared_pipe();
  ShimPeerWriteAt(twin_client, "first answer", 12, 150);
  ShimPeerWriteAt(twin_client, "second answer", 13, 10000);
  if (!read(twin_server, first, sizeof first, &got))
    read(twin_server, same_buffer ? first : second, 64, &got);
  free(second);
}
static void twin_read_message_bug(void) {
  twin_read_message(read_message_bug, FALSE);
}
static void twin_read_message_fixed(void) {
  twin_read_message(read_message_fixed, FALSE);
}
static void twin_read_message_resumed_fixed(void) {
  twin_read_message(read_message_resumed_fixed, TRUE);
}

// A socket whose peer reads nothing for ten seconds: the first command
// fills the send quota, so the second is issued while the first is still
// being sent. Once the second call has returned, the caller frees the
// first command, as the fixed function's contract allows.
typedef BOOL (*send_command_fn)(HANDLE, const char *, DWORD);
static void twin_send_command(send_command_fn send) {
  static char second[] = "second command";
  SOCKET a, b;
  char *first = (char *)malloc(16);
  ShimSocketPair(&a, &b);
  ShimSocketSendQuota(a, 8);
  ShimPeerReadsAt(b, 10000);
  memcpy(first, "first command", 14);
  send((HANDLE)a, first, 14);
  send((HANDLE)a, second, sizeof second);
  free(first);
}
static void twin_send_command_bug(void) { twin_send_command(send_command_bug); }
static void twin_send_command_fixed(void) {
  twin_send_command(send_command_fixed);
}

TWIN_MAIN(TWIN(read_message_bug), TWIN(read_message_fixed),
          TWIN(read_message_resumed_fixed), TWIN(send_command_bug),
          TWIN(send_command_fixed))
#endif
