// A program that wants both ends of an overlapped pipe creates the server
// end, starts an overlapped ConnectNamedPipe and opens the client end by
// the same name: that open completes the listen (Completes: client-open in
// the rules). On a handle bound to a completion port the listen's packet
// is still queued until it is dequeued.
// RUN: %check_iodrain %s -- -x c %win32 | %filecheck %s
// RUN: %check_iodrain --config="{CheckOptions: {iodrain.FollowCalls: true}}" %s -- -x c %win32 | %filecheck %s
// RUN: %check_iodrain %s -- -x c++ %win32 | %filecheck %s
// RUN: %if shim %{ %check_twins %s -- -x c %win32 %}
#include <windows.h>

static OVERLAPPED listen_ov;

// Both ends of a pipe; the server end's listen completed by the open.
// RUNTIME-TWIN: none, a helper: its callers' twins run it
static HANDLE open_pair(HANDLE *server, const wchar_t *name) {
  *server = CreateNamedPipeW(name, PIPE_ACCESS_INBOUND | FILE_FLAG_OVERLAPPED,
                             PIPE_TYPE_BYTE, 1, 0, 0, INFINITE, NULL);
  if (!ConnectNamedPipe(*server, &listen_ov) &&
      GetLastError() != ERROR_IO_PENDING)
    return NULL;
  return CreateFileW(name, GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
}

void self_connect_fixed(void) {
  wchar_t name[] = L"\\\\.\\pipe\\self";
  HANDLE server, client;
  server = CreateNamedPipeW(name, PIPE_ACCESS_INBOUND | FILE_FLAG_OVERLAPPED,
                            PIPE_TYPE_BYTE, 1, 0, 0, INFINITE, NULL);
  if (!ConnectNamedPipe(server, &listen_ov) &&
      GetLastError() != ERROR_IO_PENDING)
    return;
  client = CreateFileW(name, GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
  CloseHandle(client);
  CloseHandle(server);
}

void self_connect_through_helper_fixed(void) {
  HANDLE server;
  HANDLE client = open_pair(&server, L"\\\\.\\pipe\\pair");
  CloseHandle(client);
  CloseHandle(server);
}

// The client opens another pipe: the listen is still pending.
void other_pipe_bug(HANDLE server) {
  HANDLE client;
  // CHECK: pipe-self-connect.c:[[@LINE+1]]:8: note: 'ConnectNamedPipe' starts overlapped I/O on 'server' that may still be pending
  if (!ConnectNamedPipe(server, &listen_ov) &&
      GetLastError() != ERROR_IO_PENDING)
    return;
  client = CreateFileW(L"\\\\.\\pipe\\theirs", GENERIC_WRITE, 0, NULL,
                       OPEN_EXISTING, 0, NULL);
  CloseHandle(client);
  // CHECK-NEXT: pipe-self-connect.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'server' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(server);
}

void other_pipe_fixed(HANDLE server) {
  HANDLE client;
  DWORD n;
  if (!ConnectNamedPipe(server, &listen_ov) &&
      GetLastError() != ERROR_IO_PENDING)
    return;
  client = CreateFileW(L"\\\\.\\pipe\\theirs", GENERIC_WRITE, 0, NULL,
                       OPEN_EXISTING, 0, NULL);
  CloseHandle(client);
  CancelIoEx(server, &listen_ov);
  GetOverlappedResult(server, &listen_ov, &n, TRUE);
  CloseHandle(server);
}

// On a port-bound pipe the completed listen still queues a packet that
// writes the stack OVERLAPPED when it is dequeued.
void port_self_connect_bug(HANDLE port) {
  OVERLAPPED ov = {0};
  HANDLE server, client;
  server = CreateNamedPipeW(L"\\\\.\\pipe\\ported",
                            PIPE_ACCESS_INBOUND | FILE_FLAG_OVERLAPPED,
                            PIPE_TYPE_BYTE, 1, 0, 0, INFINITE, NULL);
  CreateIoCompletionPort(server, port, 1, 0);
  // CHECK: pipe-self-connect.c:[[@LINE+1]]:8: note: 'ConnectNamedPipe' starts overlapped I/O on 'server' that may still be pending
  if (!ConnectNamedPipe(server, &ov) && GetLastError() != ERROR_IO_PENDING)
    return;
  client = CreateFileW(L"\\\\.\\pipe\\ported", GENERIC_WRITE, 0, NULL,
                       OPEN_EXISTING, 0, NULL);
  CloseHandle(client);
  CloseHandle(server);
  // CHECK-NEXT: pipe-self-connect.c:[[@LINE+1]]:1: warning: 'ov' goes out of scope while the completion packet of overlapped I/O that uses it may still be queued; dequeue the packet first [iodrain-overlapped-lifetime]
}

void port_self_connect_fixed(HANDLE port) {
  OVERLAPPED ov = {0};
  HANDLE server, client;
  DWORD n;
  ULONG_PTR key;
  OVERLAPPED *done;
  server = CreateNamedPipeW(L"\\\\.\\pipe\\ported",
                            PIPE_ACCESS_INBOUND | FILE_FLAG_OVERLAPPED,
                            PIPE_TYPE_BYTE, 1, 0, 0, INFINITE, NULL);
  CreateIoCompletionPort(server, port, 1, 0);
  if (!ConnectNamedPipe(server, &ov) && GetLastError() != ERROR_IO_PENDING)
    return;
  client = CreateFileW(L"\\\\.\\pipe\\ported", GENERIC_WRITE, 0, NULL,
                       OPEN_EXISTING, 0, NULL);
  GetQueuedCompletionStatus(port, &n, &key, &done, INFINITE);
  CloseHandle(client);
  CloseHandle(server);
}

// An overlapped listen never succeeds at once (Result: pends-or-fails):
// TRUE would mean a synchronous pipe, which leaves no packet queued, and
// ERROR_PIPE_CONNECTED means no listen was started. Reading into the same
// OVERLAPPED then reuses nothing.
void port_connected_read_fixed(HANDLE port, HANDLE server) {
  OVERLAPPED ov = {0};
  char buf[16];
  DWORD n, err;
  ULONG_PTR key;
  OVERLAPPED *done;
  CreateIoCompletionPort(server, port, 1, 0);
  if (!ConnectNamedPipe(server, &ov)) {
    err = GetLastError();
    if (err == ERROR_IO_PENDING)
      GetQueuedCompletionStatus(port, &n, &key, &done, INFINITE);
    if (err != ERROR_PIPE_CONNECTED)
      return;
  }
  if (ReadFile(server, buf, sizeof buf, NULL, &ov) ||
      GetLastError() == ERROR_IO_PENDING)
    GetQueuedCompletionStatus(port, &n, &key, &done, INFINITE);
}

// A pending listen is not a connection: the read reuses its OVERLAPPED.
void port_pending_read_bug(HANDLE port, HANDLE server) {
  OVERLAPPED ov = {0};
  char buf[16];
  DWORD n;
  ULONG_PTR key;
  OVERLAPPED *done;
  CreateIoCompletionPort(server, port, 1, 0);
  // CHECK: pipe-self-connect.c:[[#LISTEN:@LINE+1]]:8: note: 'ConnectNamedPipe' starts overlapped I/O on 'server' that may still be pending
  if (!ConnectNamedPipe(server, &ov) && GetLastError() != ERROR_IO_PENDING &&
      GetLastError() != ERROR_PIPE_CONNECTED)
    return;
  // CHECK-NEXT: pipe-self-connect.c:[[@LINE+1]]:7: warning: 'ReadFile' reuses the OVERLAPPED 'ov' while the request that last used it may still be pending; wait for that request to complete first [iodrain-overlapped-lifetime]
  if (ReadFile(server, buf, sizeof buf, NULL, &ov) ||
      GetLastError() == ERROR_IO_PENDING)
    GetQueuedCompletionStatus(port, &n, &key, &done, INFINITE);
  // CHECK-NEXT: pipe-self-connect.c:[[#LISTEN]]:8: note: 'ConnectNamedPipe' starts overlapped I/O on 'server' that may still be pending
  // CHECK-NEXT: pipe-self-connect.c:[[@LINE+1]]:1: warning: 'ov' goes out of scope while overlapped I/O that uses it may still be pending; cancel the I/O and wait for it to complete first [iodrain-overlapped-lifetime]
}

// CHECK-NOT: warning:

#ifdef IODRAIN_RUNTIME
#include "shim_twins.h"

static void twin_self_connect_fixed(void) { self_connect_fixed(); }
static void twin_self_connect_through_helper_fixed(void) {
  self_connect_through_helper_fixed();
}
// Nobody opens "mine" and a child holds its server end too: the close
// leaves the listen pending for ever, and the program then waits for it.
static void twin_other_pipe(void (*f)(HANDLE)) {
  HANDLE theirs = CreateNamedPipeW(L"\\\\.\\pipe\\theirs", PIPE_ACCESS_INBOUND,
                                   PIPE_TYPE_BYTE, 1, 0, 0, INFINITE, NULL);
  HANDLE mine = CreateNamedPipeW(L"\\\\.\\pipe\\mine",
                                 PIPE_ACCESS_INBOUND | FILE_FLAG_OVERLAPPED,
                                 PIPE_TYPE_BYTE, 1, 0, 0, INFINITE, NULL);
  HANDLE child = ShimCreateChildProcess(), held;
  DuplicateHandle(GetCurrentProcess(), mine, child, &held, 0, TRUE,
                  DUPLICATE_SAME_ACCESS);
  listen_ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  f(mine);
  WaitForSingleObject(listen_ov.hEvent, INFINITE);
  CloseHandle(theirs);
}
static void twin_other_pipe_bug(void) { twin_other_pipe(other_pipe_bug); }
static void twin_other_pipe_fixed(void) { twin_other_pipe(other_pipe_fixed); }
static void twin_port_self_connect_bug(void) {
  HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
  DWORD n;
  ULONG_PTR key;
  OVERLAPPED *done;
  port_self_connect_bug(port);
  GetQueuedCompletionStatus(port, &n, &key, &done, INFINITE);
}
static void twin_port_self_connect_fixed(void) {
  HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
  port_self_connect_fixed(port);
}
// The client is there before the listen (ERROR_PIPE_CONNECTED) and writes.
static void twin_port_connected_read_fixed(void) {
  HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
  HANDLE server = CreateNamedPipeW(L"\\\\.\\pipe\\early",
                                   PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
                                   PIPE_TYPE_BYTE, 1, 0, 0, INFINITE, NULL);
  HANDLE client = CreateFileW(L"\\\\.\\pipe\\early", GENERIC_WRITE, 0, NULL,
                              OPEN_EXISTING, 0, NULL);
  ShimPeerWriteAt(client, "hello", 5, 10);
  port_connected_read_fixed(port, server);
}
// Nobody is connected: the read fails on the listening pipe, and the
// client that comes later completes the listen into the dead frame.
static void twin_port_pending_read_bug(void) {
  HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
  HANDLE server = CreateNamedPipeW(L"\\\\.\\pipe\\late",
                                   PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
                                   PIPE_TYPE_BYTE, 1, 0, 0, INFINITE, NULL);
  DWORD n;
  ULONG_PTR key;
  OVERLAPPED *done;
  port_pending_read_bug(port, server);
  CreateFileW(L"\\\\.\\pipe\\late", GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0,
              NULL);
  GetQueuedCompletionStatus(port, &n, &key, &done, INFINITE);
}

TWIN_MAIN(TWIN(self_connect_fixed), TWIN(self_connect_through_helper_fixed),
          TWIN(other_pipe_bug), TWIN(other_pipe_fixed),
          TWIN(port_self_connect_bug), TWIN(port_self_connect_fixed),
          TWIN(port_connected_read_fixed), TWIN(port_pending_read_bug))
#endif
