// Helpers declared in a rules file with several effects on members of
// their argument (`device_free` closes `d->handle`, frees `d->buf`, then
// `d`), as a unit that cannot see their bodies must be told. Without the
// rules file the same code is silent: the helpers are unknown calls.
// RUN: %check_iodrain --config="{CheckOptions: {iodrain.RulesFiles: '%S/Inputs/helper-effects.yaml'}}" %s -- -x c %win32 | %filecheck %s
// RUN: %check_iodrain --config="{CheckOptions: {iodrain.RulesFiles: '%S/Inputs/helper-effects.yaml'}}" %s -- -x c++ %win32 | %filecheck %s
// RUN: %check_iodrain %s -- -x c %win32 | count 0
// RUN: %if shim %{ %check_twins --config="{CheckOptions: {iodrain.RulesFiles: '%S/Inputs/helper-effects.yaml'}}" %s -- -x c %win32 %}
#include <windows.h>
#include <stdlib.h>

struct device {
  HANDLE handle;
  OVERLAPPED ov;
  char *buf;
};

struct port {
  struct {
    HANDLE file;
    OVERLAPPED ov;
  } io;
  char data[64];
};

void device_free(struct device *d);
void device_drain(struct device *d);
void port_close(struct port *p);

// The helper closes the handle under the pending read.
void read_then_free_bug(struct device *d) {
  // CHECK: helper-effects.c:[[@LINE+1]]:7: note: 'ReadFile' starts overlapped I/O on 'd->handle' that may still be pending
  if (ReadFile(d->handle, d->buf, 64, NULL, &d->ov) ||
      GetLastError() != ERROR_IO_PENDING)
    return;
  // CHECK-NEXT: helper-effects.c:[[@LINE+2]]:3: note: cancel the pending I/O and wait for it before closing the handle
  // CHECK-NEXT: helper-effects.c:[[@LINE+1]]:3: warning: 'device_free' closes 'd->handle' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  device_free(d);
}

// Drained by the other helper first: cancel, then wait.
void read_then_free_fixed(struct device *d) {
  if (ReadFile(d->handle, d->buf, 64, NULL, &d->ov) ||
      GetLastError() != ERROR_IO_PENDING)
    return;
  device_drain(d);
  device_free(d);
}

// Cancelled but not waited for: the helper's close comes too early.
void cancel_then_free_bug(struct device *d) {
  // CHECK: helper-effects.c:[[@LINE+1]]:7: note: 'ReadFile' starts overlapped I/O on 'd->handle' that may still be pending
  if (ReadFile(d->handle, d->buf, 64, NULL, &d->ov) ||
      GetLastError() != ERROR_IO_PENDING)
    return;
  // CHECK-NEXT: helper-effects.c:[[@LINE+1]]:3: note: 'CancelIoEx' requests cancellation here, but the cancelled I/O still completes later
  CancelIoEx(d->handle, &d->ov);
  // CHECK-NEXT: helper-effects.c:[[@LINE+1]]:3: warning: 'device_free' closes 'd->handle' after 'CancelIoEx' without waiting for the cancelled I/O to complete; wait for its completion first (GetOverlappedResult(..., TRUE), or its packet from the completion port) [iodrain-cancel-without-drain]
  device_free(d);
}

// A member of a member: `port_close` closes `p->io.file`.
void port_read_bug(struct port *p) {
  // CHECK: helper-effects.c:[[@LINE+1]]:7: note: 'ReadFile' starts overlapped I/O on 'p->io.file' that may still be pending
  if (ReadFile(p->io.file, p->data, sizeof p->data, NULL, &p->io.ov) ||
      GetLastError() != ERROR_IO_PENDING)
    return;
  // CHECK-NEXT: helper-effects.c:[[@LINE+2]]:3: note: cancel the pending I/O and wait for it before closing the handle
  // CHECK-NEXT: helper-effects.c:[[@LINE+1]]:3: warning: 'port_close' closes 'p->io.file' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  port_close(p);
}

// Waited for in place, then closed through the helper.
void port_read_fixed(struct port *p) {
  DWORD n;
  if (!ReadFile(p->io.file, p->data, sizeof p->data, NULL, &p->io.ov) &&
      GetLastError() == ERROR_IO_PENDING)
    GetOverlappedResult(p->io.file, &p->io.ov, &n, TRUE);
  port_close(p);
}

#ifdef IODRAIN_RUNTIME
// Runtime twins: the helpers as the other unit defines them, and a pipe
// whose server end a child also holds; the peer answers after ten seconds.
#include "shim_twins.h"

void device_free(struct device *d) {
  CloseHandle(d->handle);
  free(d->buf);
  free(d);
}
void device_drain(struct device *d) {
  DWORD n;
  CancelIoEx(d->handle, &d->ov);
  GetOverlappedResult(d->handle, &d->ov, &n, TRUE);
}
void port_close(struct port *p) { CloseHandle(p->io.file); }

static struct device *twin_device(void) {
  struct device *d = (struct device *)calloc(1, sizeof *d);
  twin_shared_pipe();
  twin_peer_answers_late();
  d->handle = twin_server;
  d->buf = (char *)malloc(64);
  // The cancel completes a moment later, not inside CancelIoEx.
  ShimDeferCancellation(twin_server);
  return d;
}
static void twin_read_then_free_bug(void) { read_then_free_bug(twin_device()); }
static void twin_read_then_free_fixed(void) {
  read_then_free_fixed(twin_device());
}
static void twin_cancel_then_free_bug(void) {
  cancel_then_free_bug(twin_device());
}
static void twin_port(void (*use)(struct port *)) {
  struct port *p = (struct port *)calloc(1, sizeof *p);
  twin_shared_pipe();
  twin_peer_answers_late();
  p->io.file = twin_server;
  use(p);
  free(p); // the read, were it pending, completes into freed memory

}
static void twin_port_read_bug(void) { twin_port(port_read_bug); }
static void twin_port_read_fixed(void) { twin_port(port_read_fixed); }

TWIN_MAIN(TWIN(read_then_free_bug), TWIN(read_then_free_fixed),
          TWIN(cancel_then_free_bug), TWIN(port_read_bug),
          TWIN(port_read_fixed))
#endif
