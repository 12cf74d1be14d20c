// Winsock overlapped I/O and closesocket.
// RUN: %check_iodrain %s -- -x c %win32 | %filecheck %s
// RUN: %check_iodrain %s -- -x c++ %win32 | %filecheck %s
// RUN: %if shim %{ %check_twins %s -- -x c %win32 %}
#include <winsock2.h>
#include <mswsock.h>
#include <windows.h>

static char data[512];

void recv_bug(SOCKET s) {
  WSAOVERLAPPED ov = {0};
  WSABUF buf = {sizeof data, data};
  DWORD flags = 0;
  // CHECK: sockets.c:[[@LINE+1]]:7: note: 'WSARecv' starts overlapped I/O on 's' that may still be pending
  if (WSARecv(s, &buf, 1, NULL, &flags, &ov, NULL) == SOCKET_ERROR &&
      WSAGetLastError() != WSA_IO_PENDING)
    return;
  // CHECK-NEXT: sockets.c:[[@LINE+1]]:3: warning: 'closesocket' closes 's' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  closesocket(s);
}

void recv_fixed(SOCKET s) {
  WSAOVERLAPPED ov = {0};
  WSABUF buf = {sizeof data, data};
  DWORD flags = 0, n;
  if (WSARecv(s, &buf, 1, NULL, &flags, &ov, NULL) == SOCKET_ERROR &&
      WSAGetLastError() != WSA_IO_PENDING)
    return;
  CancelIoEx((HANDLE)s, &ov);
  WSAGetOverlappedResult(s, &ov, &n, TRUE, &flags);
  closesocket(s);
}

// A receive that completed at once (0) leaves nothing pending.
void recv_immediate_fixed(SOCKET s) {
  WSAOVERLAPPED ov = {0};
  WSABUF buf = {sizeof data, data};
  DWORD flags = 0, n;
  int rc = WSARecv(s, &buf, 1, NULL, &flags, &ov, NULL);
  if (rc == SOCKET_ERROR) {
    if (WSAGetLastError() == WSA_IO_PENDING)
      WSAGetOverlappedResult(s, &ov, &n, TRUE, &flags);
    closesocket(s);
    return;
  }
  closesocket(s);
}

// The last error survives an unrelated call between the receive and its
// test, so a pending receive is never taken for a failed one and reissued.
void trace(const char *what);
void recv_retry_fixed(SOCKET s, WSAOVERLAPPED *ov, WSABUF *buf) {
  DWORD flags;
  int rv;
again:
  flags = 0;
  rv = WSARecv(s, buf, 1, NULL, &flags, ov, NULL);
  trace("receive started");
  if (rv == SOCKET_ERROR && (rv = WSAGetLastError()) != WSA_IO_PENDING)
    goto again;
}

void send_alias_bug(SOCKET s) {
  WSAOVERLAPPED ov = {0};
  WSABUF buf = {sizeof data, data};
  SOCKET copy = s;
  // CHECK: sockets.c:[[@LINE+1]]:3: note: 'WSASend' starts overlapped I/O on 's' that may still be pending
  WSASend(s, &buf, 1, NULL, 0, &ov, NULL);
  // CHECK-NEXT: sockets.c:[[@LINE+1]]:3: warning: 'closesocket' closes 'copy' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  closesocket(copy);
}

void send_alias_fixed(SOCKET s) {
  WSAOVERLAPPED ov = {0};
  WSABUF buf = {sizeof data, data};
  SOCKET copy = s;
  DWORD n, flags;
  WSASend(s, &buf, 1, NULL, 0, &ov, NULL);
  WSAGetOverlappedResult(copy, &ov, &n, TRUE, &flags);
  closesocket(copy);
}

void accept_bug(SOCKET listener, SOCKET client) {
  OVERLAPPED ov = {0};
  // CHECK: sockets.c:[[@LINE+1]]:3: note: 'AcceptEx' starts overlapped I/O on 'listener' that may still be pending
  AcceptEx(listener, client, data, 0, sizeof(SOCKADDR_IN) + 16,
           sizeof(SOCKADDR_IN) + 16, NULL, &ov);
  // CHECK-NEXT: sockets.c:[[@LINE+1]]:3: warning: 'closesocket' closes 'listener' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  closesocket(listener);
}

void accept_fixed(SOCKET listener, SOCKET client, HANDLE port) {
  OVERLAPPED ov = {0};
  DWORD n;
  ULONG_PTR key;
  LPOVERLAPPED done;
  AcceptEx(listener, client, data, 0, sizeof(SOCKADDR_IN) + 16,
           sizeof(SOCKADDR_IN) + 16, NULL, &ov);
  CancelIoEx((HANDLE)listener, &ov);
  GetQueuedCompletionStatus(port, &n, &key, &done, INFINITE);
  closesocket(listener);
}

// Extension functions are called through pointers of their LPFN_ types.
void connect_ex_bug(SOCKET s, LPFN_CONNECTEX connect_ex,
                    const struct sockaddr *to, int len) {
  OVERLAPPED ov = {0};
  // CHECK: sockets.c:[[@LINE+1]]:3: note: 'connect_ex' starts overlapped I/O on 's' that may still be pending
  connect_ex(s, to, len, NULL, 0, NULL, &ov);
  // CHECK-NEXT: sockets.c:[[@LINE+1]]:3: warning: 'closesocket' closes 's' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  closesocket(s);
}

void connect_ex_fixed(SOCKET s, LPFN_CONNECTEX connect_ex,
                      const struct sockaddr *to, int len) {
  OVERLAPPED ov = {0};
  DWORD n, flags;
  connect_ex(s, to, len, NULL, 0, NULL, &ov);
  CancelIoEx((HANDLE)s, &ov);
  WSAGetOverlappedResult(s, &ov, &n, TRUE, &flags);
  closesocket(s);
}

#ifdef IODRAIN_RUNTIME
// Runtime twins: sockets on the shim's loopback, also held by a child (an
// inherited socket, the default for Winsock sockets); the peer sends or
// reads after ten seconds; connections arrive after ten seconds.
#include "shim_twins.h"

static SOCKET twin_socket, twin_peer;
static void twin_sockets(void) {
  ShimSocketPair(&twin_socket, &twin_peer);
  twin_child = ShimCreateChildInheriting(); // a child started meanwhile
}
static void twin_run_recv(void (*fn)(SOCKET)) {
  twin_sockets();
  ShimPeerWriteAt((HANDLE)twin_peer, "late answer", 11, 10000);
  fn(twin_socket);
}
static void twin_run_send(void (*fn)(SOCKET)) {
  twin_sockets();
  ShimSocketSendQuota(twin_socket, 0); // the send buffer is full
  ShimPeerReadsAt(twin_peer, 10000);
  fn(twin_socket);
}
static SOCKET twin_listener(void) {
  SOCKET l = ShimListeningSocket();
  twin_child = ShimCreateChildInheriting();
  ShimIncomingConnectionAt(l, 10000);
  return l;
}
static void twin_recv_bug(void) { twin_run_recv(recv_bug); }
static void twin_recv_fixed(void) { twin_run_recv(recv_fixed); }
static void twin_recv_immediate_fixed(void) {
  twin_run_recv(recv_immediate_fixed);
}
void trace(const char *what) { (void)what; }
static void twin_recv_retry_fixed(void) {
  WSAOVERLAPPED ov = {0};
  WSABUF buf = {sizeof data, data};
  DWORD n, flags;
  twin_sockets();
  ShimPeerWriteAt((HANDLE)twin_peer, "late answer", 11, 10000);
  recv_retry_fixed(twin_socket, &ov, &buf);
  WSAGetOverlappedResult(twin_socket, &ov, &n, TRUE, &flags);
  closesocket(twin_socket);
}
static void twin_send_alias_bug(void) { twin_run_send(send_alias_bug); }
static void twin_send_alias_fixed(void) { twin_run_send(send_alias_fixed); }
static void twin_accept_bug(void) {
  SOCKET l = twin_listener();
  accept_bug(l, INVALID_SOCKET);
}
static void twin_accept_fixed(void) {
  SOCKET l = twin_listener();
  HANDLE port = CreateIoCompletionPort((HANDLE)l, NULL, 1, 0);
  accept_fixed(l, INVALID_SOCKET, port);
}
static void twin_connect_ex_bug(void) {
  struct sockaddr to = {0};
  twin_sockets();
  connect_ex_bug(twin_socket, ShimConnectExCompletingAt(10000), &to,
                 sizeof to);
}
static void twin_connect_ex_fixed(void) {
  struct sockaddr to = {0};
  twin_sockets();
  connect_ex_fixed(twin_socket, ShimConnectExCompletingAt(10000), &to,
                   sizeof to);
}

TWIN_MAIN(TWIN(recv_bug), TWIN(recv_fixed), TWIN(recv_immediate_fixed),
          TWIN(recv_retry_fixed),
          TWIN(send_alias_bug), TWIN(send_alias_fixed), TWIN(accept_bug),
          TWIN(accept_fixed), TWIN(connect_ex_bug), TWIN(connect_ex_fixed))
#endif
