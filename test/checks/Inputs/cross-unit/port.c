// The issuing unit of cross-unit-callers.c: a write left pending, and two
// closers that this unit calls only on a fresh port (the open's error
// path) while the other unit calls them on live ports.
#include "port.h"
#include <stdlib.h>

// RUNTIME-TWIN: none, the issuer: the closers' twins run it
int port_write(struct port *p, const char *data, int n) {
  // CALLERS: port.c:[[@LINE+1]]:8: note: 'WriteFile' in 'port_write' starts overlapped I/O on 'p->h' and may return with it pending
  if (!WriteFile(p->h, data, n, NULL, &p->wr) &&
      GetLastError() != ERROR_IO_PENDING)
    return -1;
  return n;
}

// CALLERS-NEXT: port.c:[[@LINE+1]]:35: note: 'port_release' may be called with that I/O on 'p' still pending
void port_release(struct port *p) {
  // CALLERS-NEXT: port.c:[[@LINE+1]]:7: note: 'p->ev' is false here
  if (p->ev)
    CloseHandle(p->ev);
  // CALLERS-NEXT: port.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'p->h' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(p->h);
  free(p);
}

void port_drain_release(struct port *p) {
  DWORD n;
  CancelIoEx(p->h, &p->wr);
  GetOverlappedResult(p->h, &p->wr, &n, TRUE);
  if (p->ev)
    CloseHandle(p->ev);
  CloseHandle(p->h);
  free(p);
}

// RUNTIME-TWIN: none, the opener: it calls the closers on a fresh port
struct port *port_open(HANDLE h) {
  struct port *p = (struct port *)calloc(1, sizeof *p);
  if (!p)
    return NULL;
  p->h = h;
  p->ev = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (!p->ev) {
    if (h == INVALID_HANDLE_VALUE)
      port_release(p);
    else
      port_drain_release(p);
    return NULL;
  }
  return p;
}

#ifdef IODRAIN_RUNTIME
// Runtime twins: what cross-unit-callers.c does. A socket whose send
// buffer is full (a child holds it too): the write pends until the peer
// reads, ten seconds later, into whatever the port was.
#include <winsock2.h>
#include "shim_twins.h"

static struct port *twin_port(void) {
  struct port *p = (struct port *)calloc(1, sizeof *p);
  SOCKET s, peer;
  ShimSocketPair(&s, &peer);
  twin_child = ShimCreateChildInheriting();
  ShimSocketSendQuota(s, 0);
  ShimPeerReadsAt(peer, 10000);
  p->h = (HANDLE)s;
  port_write(p, "bye", 3);
  return p;
}
static void twin_port_release(void) { port_release(twin_port()); }
static void twin_port_drain_release(void) {
  port_drain_release(twin_port());
}

TWIN_MAIN(TWIN(port_release), TWIN(port_drain_release))
#endif
