// A Winsock request with no event completes through a completion port,
// even when the unit shows none (the server's loop is another unit's): a
// function-static OVERLAPPED of a socket receive is not taken to be still
// in use when the function is called again.
// RUN: %check_iodrain %s -- -x c %win32 | %filecheck %s --allow-empty
// RUN: %if shim %{ %check_twins %s -- -x c %win32 %}
// CHECK-NOT: warning:
#include <winsock2.h>
#include <windows.h>

BOOL post_recv(SOCKET s, char *buf, ULONG size) {
  static OVERLAPPED ov;
  WSABUF wb = {size, buf};
  DWORD flags = 0;
  return WSARecv(s, &wb, 1, NULL, &flags, &ov, NULL) == 0 ||
         WSAGetLastError() == WSA_IO_PENDING;
}

#ifdef IODRAIN_RUNTIME
// Runtime twin: the server's loop (another unit's in real code) binds the
// socket to its port, posts a receive, waits for its packet and posts the
// next; the peer sends twice.
#include "shim_twins.h"
#include <string.h>

static void twin_peer_sends(SOCKET peer, const char *what) {
  static OVERLAPPED sent;
  WSABUF b = {(ULONG)strlen(what), (char *)what};
  WSASend(peer, &b, 1, NULL, 0, &sent, NULL);
}

static void twin_post_recv(void) {
  SOCKET server, peer;
  char buf[64];
  DWORD n;
  ULONG_PTR key;
  LPOVERLAPPED done;
  HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
  int received;
  ShimSocketPair(&server, &peer);
  CreateIoCompletionPort((HANDLE)server, port, 1, 0);
  twin_peer_sends(peer, "first");
  for (received = 0; received < 2 && post_recv(server, buf, sizeof buf);
       ++received) {
    if (!GetQueuedCompletionStatus(port, &n, &key, &done, INFINITE))
      break;
    if (received == 0)
      twin_peer_sends(peer, "second");
  }
  CloseHandle(port);
}

TWIN_MAIN(TWIN(post_recv))
#endif
