// A function of another unit that the rules call `inert` (a validity
// check, a logger) leaves the object's requests with the caller. Without
// the rule, passing the object to an unknown function hands it over, and
// the close after the check is silent.
// RUN: %check_iodrain --config="{CheckOptions: {iodrain.RulesFiles: '%S/Inputs/inert.yaml'}}" %s -- -x c %win32 | %filecheck %s
// RUN: %check_iodrain --config="{CheckOptions: {iodrain.RulesFiles: '%S/Inputs/inert.yaml'}}" %s -- -x c++ %win32 | %filecheck %s
// RUN: %check_iodrain %s -- -x c %win32 | count 0
// RUN: %if shim %{ %check_twins --config="{CheckOptions: {iodrain.RulesFiles: '%S/Inputs/inert.yaml'}}" %s -- -x c %win32 %}
#include <windows.h>
#include <stdlib.h>

struct dev {
  HANDLE h;
  OVERLAPPED ov;
  char buf[64];
  BOOL reading;
};

#ifdef __cplusplus
extern "C"
#endif
    int object_valid(void *object); // another unit

// RUNTIME-TWIN: none, the issuer: the closers' twins run it
void dev_read(struct dev *d) {
  // CHECK: inert-rules.c:[[@LINE+1]]:7: note: 'ReadFile' in 'dev_read' starts overlapped I/O on 'd->h' and may return with it pending
  if (ReadFile(d->h, d->buf, sizeof d->buf, NULL, &d->ov) ||
      GetLastError() == ERROR_IO_PENDING)
    d->reading = TRUE;
}

// CHECK-NEXT: inert-rules.c:[[@LINE+1]]:34: note: 'dev_free_bug' may be called with that I/O on 'd' still pending
void dev_free_bug(struct dev *d) {
  // CHECK-NEXT: inert-rules.c:[[@LINE+1]]:7: note: '!object_valid(d)' is false here
  if (!object_valid(d))
    return;
  // CHECK-NEXT: inert-rules.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'd->h' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(d->h);
  free(d);
}

void dev_free_fixed(struct dev *d) {
  DWORD n;
  if (!object_valid(d))
    return;
  if (d->reading) {
    CancelIoEx(d->h, &d->ov);
    GetOverlappedResult(d->h, &d->ov, &n, TRUE);
  }
  CloseHandle(d->h);
  free(d);
}

// CHECK-NOT: warning:

#ifdef IODRAIN_RUNTIME
// Runtime twins: a pipe whose server end a child also holds, a peer that
// answers after ten seconds: after a close alone the read stays pending
// until the peer answers, and the kernel then writes into the freed device.
#include "shim_twins.h"

int object_valid(void *object) { return object != NULL; }

static struct dev *twin_dev_reading(void) {
  struct dev *d = (struct dev *)calloc(1, sizeof *d);
  twin_shared_pipe();
  twin_peer_answers_late();
  d->h = twin_server;
  dev_read(d);
  return d;
}
static void twin_dev_free_bug(void) {
  dev_free_bug(twin_dev_reading());
  Sleep(20000);
}
static void twin_dev_free_fixed(void) {
  dev_free_fixed(twin_dev_reading());
  Sleep(20000);
}

TWIN_MAIN(TWIN(dev_free_bug), TWIN(dev_free_fixed))
#endif
