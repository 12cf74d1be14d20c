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

// A write that nobody waits for, on a global handle the unit opens with
// FILE_FLAG_OVERLAPPED (winafl's `WriteCommandToPipe`): the code never
// looks for ERROR_IO_PENDING, yet the write is overlapped.
static HANDLE fuzz_pipe;
static OVERLAPPED fuzz_ov;
static HANDLE log_file;

// RUNTIME-TWIN: none, it opens the pipe (the twins use a socket instead)
void open_fuzz_pipe(void) {
  fuzz_pipe = CreateNamedPipeW(L"\\\\.\\pipe\\fuzz",
                               PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED, 0, 1,
                               512, 512, 20000, NULL);
}

void post_command_bug(char command) {
  DWORD n;
  // CHECK: parameter-storage.c:[[@LINE+1]]:3: note: 'WriteFile' starts overlapped I/O on 'fuzz_pipe' that may still be pending
  WriteFile(fuzz_pipe, &command, 1, &n, &fuzz_ov);
  // CHECK-NEXT: parameter-storage.c:[[@LINE+1]]:1: warning: 'command' goes out of scope while overlapped I/O that uses it may still be pending (it is the I/O's buffer); cancel the I/O and wait for it to complete first [iodrain-overlapped-lifetime]
}

void post_command_fixed(char command) {
  DWORD n;
  WriteFile(fuzz_pipe, &command, 1, &n, &fuzz_ov);
  GetOverlappedResult(fuzz_pipe, &fuzz_ov, &n, TRUE);
}

// A log file opened without FILE_FLAG_OVERLAPPED: its OVERLAPPED is only
// an offset and the write is over when WriteFile returns.
// RUNTIME-TWIN: none, it opens the log: log_byte_fixed's twin runs it
void open_log(void) {
  log_file = CreateFileW(L"C:\\logs\\fuzz.log", GENERIC_WRITE, 0, NULL,
                         OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
}

void log_byte_fixed(char c) {
  OVERLAPPED at_end = {0};
  DWORD n;
  at_end.Offset = 0xFFFFFFFF;
  at_end.OffsetHigh = 0xFFFFFFFF;
  WriteFile(log_file, &c, 1, &n, &at_end);
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

static void twin_post_command_bug(void) {
  fuzz_pipe = twin_full_socket();
  fuzz_ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  post_command_bug('F');
  Sleep(20000);
}
static void twin_post_command_fixed(void) {
  fuzz_pipe = twin_full_socket();
  fuzz_ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  post_command_fixed('F');
  Sleep(20000);
}
static void twin_log_byte_fixed(void) {
  open_log();
  log_byte_fixed('F');
  CloseHandle(log_file);
}

TWIN_MAIN(TWIN(send_command_bug), TWIN(send_command_fixed),
          TWIN(send_block_caller_fixed), TWIN(post_command_bug),
          TWIN(post_command_fixed), TWIN(log_byte_fixed))
#endif
