// A switch on `ov.Internal` after a cancel: each case knows its value, so
// only `case STATUS_PENDING:` (or a default past every other value) still
// holds the request. The block after an inner switch may carry an outer
// switch's label: it is no case of the inner one.
// RUN: %check_iodrain %s -- -x c %win32 | %filecheck %s
// RUN: %if shim %{ %check_twins %s -- -x c %win32 %}
#include <windows.h>

void nested_switch_bug(HANDLE h, int mode) {
  OVERLAPPED ov = {0};
  char buf[16];
  switch (mode) {
  case 1:
    // CHECK: switch-cases.c:[[@LINE+1]]:10: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
    if (!ReadFile(h, buf, sizeof buf, NULL, &ov) &&
        GetLastError() != ERROR_IO_PENDING)
      return;
    // CHECK-NEXT: switch-cases.c:[[@LINE+1]]:5: note: 'CancelIoEx' requests cancellation here, but the cancelled I/O still completes later
    CancelIoEx(h, &ov);
    // Only a success is taken for finished; the cancelled read may still
    // say STATUS_PENDING, and that falls through.
    switch (ov.Internal) {
    case 0:
      break;
    }
  case 2:
    break;
  }
}
// CHECK-NEXT: switch-cases.c:[[@LINE-1]]:1: warning: 'buf' goes out of scope after 'CancelIoEx' without waiting for the cancelled I/O to complete; wait for its completion first (GetOverlappedResult(..., TRUE), or its packet from the completion port) [iodrain-cancel-without-drain]

void nested_switch_fixed(HANDLE h, int mode) {
  OVERLAPPED ov = {0};
  char buf[16];
  DWORD n;
  switch (mode) {
  case 1:
    if (!ReadFile(h, buf, sizeof buf, NULL, &ov) &&
        GetLastError() != ERROR_IO_PENDING)
      return;
    CancelIoEx(h, &ov);
    switch (ov.Internal) {
    case STATUS_PENDING:
      GetOverlappedResult(h, &ov, &n, TRUE);
      break;
    }
  case 2:
    break;
  }
}
// CHECK-NOT: warning:

#ifdef IODRAIN_RUNTIME
// Runtime twins: a pipe whose server end a child also holds; the peer
// answers after ten seconds, and cancellations complete a moment after
// CancelIoEx returns.
#include "shim_twins.h"

static void twin_run(void (*fn)(HANDLE, int)) {
  twin_shared_pipe();
  twin_peer_answers_late();
  ShimDeferCancellation(twin_server);
  fn(twin_server, 1);
  Sleep(20000);
}
static void twin_nested_switch_bug(void) { twin_run(nested_switch_bug); }
static void twin_nested_switch_fixed(void) { twin_run(nested_switch_fixed); }

TWIN_MAIN(TWIN(nested_switch_bug), TWIN(nested_switch_fixed))
#endif
