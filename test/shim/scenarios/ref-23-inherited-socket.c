// Spec 2.10 #14 with a socket, as the spec states it: a child started with
// inheritance holds the socket (Winsock sockets are inheritable by
// default); the parent's closesocket leaves the receive pending and the
// wait hangs; once the child exits, the receive is aborted into freed memory.
// RUN: %shim_cc && %shim_run | FileCheck %s --check-prefix=HANG
// RUN: %shim_cc -DCHILD_EXITS && %shim_run | FileCheck %s --check-prefix=UAF
// REQUIRES: shim
#include <winsock2.h>
#include "shim_scenario.h"
#include "iodrain_shim.h"
#include <stdlib.h>

int main(void) {
  SOCKET s, peer;
  ShimSocketPair(&s, &peer);
  HANDLE child = ShimCreateChildInheriting();
  static char data[16];
  WSABUF buf = {sizeof data, data};
  DWORD flags = 0;
  OVERLAPPED *ov = calloc(1, sizeof *ov);
  ov->hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  HANDLE ev = ov->hEvent;
  WSARecv(s, &buf, 1, NULL, &flags, ov, NULL);
  closesocket(s);
  free(ov);
#ifdef CHILD_EXITS
  ShimChildExit(child);
#endif
  about_to_block("WaitForSingleObject");
  WaitForSingleObject(ev, INFINITE);
  ShimFinish();
}
// HANG: about to block in WaitForSingleObject
// HANG-NEXT: VERDICT: HANG
// HANG: pending: WSARecv #1 (ref-23-inherited-socket.c:23) on socket (ref-23-inherited-socket.c:15): it waits for data from the peer socket; cleanup of socket (ref-23-inherited-socket.c:15) never ran, so closing a handle did not cancel it: it still has handle {{0x[0-9a-f]+}} in a simulated child process (inherited by the child created at ref-23-inherited-socket.c:16)
// HANG-NEXT: finding: FREED_WHILE_PENDING: the OVERLAPPED of WSARecv #1 (ref-23-inherited-socket.c:23) is no longer live
// UAF: VERDICT: USE-AFTER-FREE
// UAF-NEXT: memory: the kernel wrote the status of WSARecv #1 (ref-23-inherited-socket.c:23) into memory that was freed or went out of scope
