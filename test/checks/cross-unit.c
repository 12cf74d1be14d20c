// Across translation units: Inputs/cross-unit/device.c starts a read on a
// device object (and on globals) and returns with it pending; this unit
// only closes. Alone it sees no issuer and says nothing. With the summaries
// the first unit wrote (a two-phase run), its entry points start with the
// read possibly pending, correlated with the flag the issuer set.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %iodrain_tidy --checks=-*,iodrain-* --config="{CheckOptions: {iodrain.ExportSummaries: '%t/summaries', iodrain.ExportOnly: true}}" %S/Inputs/cross-unit/device.c -- -x c %win32 | count 0
// RUN: cat %t/summaries/device.c-*.yaml | FileCheck %s --check-prefix=SUMMARY
// RUN: %check_iodrain --config="{CheckOptions: {iodrain.ImportSummaries: '%t/summaries'}}" %s -- -x c %win32 | %filecheck %s
// RUN: %check_iodrain --config="{CheckOptions: {iodrain.ImportSummaries: '%t/summaries'}}" %s -- -x c++ %win32 | %filecheck %s
// RUN: %check_iodrain %s -- -x c %win32 | %filecheck %s --check-prefix=ALONE --allow-empty
// This unit's own summary says it calls device_destroy: with it, the
// helper is its callers' to report, not an entry point of device.c.
// RUN: %iodrain_tidy --checks=-*,iodrain-* %S/Inputs/cross-unit/device.c -- -x c %win32 | FileCheck %s --check-prefix=ISSUER-ALONE
// RUN: %iodrain_tidy --checks=-*,iodrain-* --config="{CheckOptions: {iodrain.ExportSummaries: '%t/summaries', iodrain.ExportOnly: true}}" %s -- -x c %win32 | count 0
// RUN: cat %t/summaries/cross-unit.c-*.yaml | FileCheck %s --check-prefix=CALLED
// RUN: %check_iodrain --config="{CheckOptions: {iodrain.ImportSummaries: '%t/summaries'}}" %S/Inputs/cross-unit/device.c -- -x c %win32 | count 0
// ISSUER-ALONE: device.c:32:3: warning: 'CloseHandle' closes 'd->handle' while overlapped I/O on it may still be pending
// CALLED:      Called:
// CALLED-NEXT:   - device_destroy
// CALLED-NEXT:   - device_start_read
// RUN: %if shim %{ %check_twins --config="{CheckOptions: {iodrain.ImportSummaries: '%t/summaries'}}" %s -- -x c %win32 %}
// ALONE-NOT: warning:
// SUMMARY:      Functions:
// SUMMARY-NEXT:   - Name: device_destroy
// SUMMARY-NEXT:     Effects:
// SUMMARY-NEXT:       - Role: close
// SUMMARY-NEXT:         Handle: '1->handle'
// SUMMARY-NEXT:       - Role: free
// SUMMARY-NEXT:         Pointer: '1->buf'
// SUMMARY-NEXT:       - Role: free
// SUMMARY-NEXT:         Pointer: '1'
// SUMMARY-NEXT:     Parameters:      1
// SUMMARY-NEXT: Protocols:
// SUMMARY-NEXT:   - Type: device
// SUMMARY-NEXT:     Issuer: device_start_read
// SUMMARY-NEXT:     Call: ReadFile
// SUMMARY-NEXT:     Site: 'device.c:12'
// SUMMARY-NEXT:     HandleText: 'd->handle'
// SUMMARY-NEXT:     Overlapped: .ov
// SUMMARY-NEXT:     Handle: '.handle*'
// SUMMARY-NEXT:     Buffer: '.buf*'
// SUMMARY-NEXT:     Event: '.ov.hEvent*'
// SUMMARY-NEXT:     Fields:
// SUMMARY-NEXT:       - { Path: .read_pending, Equals: 1 }
// SUMMARY-NEXT:   - Issuer: pipe_start_read
#include "Inputs/cross-unit/device.h"
#include <stdlib.h>

// Cancelled, never waited for: the cancelled read still completes later.
// CHECK: cross-unit.c:[[@LINE+1]]:41: note: 'device_close_bug' may be called with I/O on 'd' still pending: 'ReadFile' in 'device_start_read' (device.c:12) starts overlapped I/O on 'd->handle' and may return with it pending
void device_close_bug(struct device *d) {
  // CHECK-NEXT: cross-unit.c:[[@LINE+1]]:3: note: 'CancelIo' requests cancellation here, but the cancelled I/O still completes later
  CancelIo(d->handle);
  // CHECK-NEXT: cross-unit.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'd->handle' after 'CancelIo' without waiting for the cancelled I/O to complete; wait for its completion first (GetOverlappedResult(..., TRUE), or its packet from the completion port) [iodrain-cancel-without-drain]
  CloseHandle(d->handle);
  free(d->buf);
  free(d);
}

// No cancel at all, the flag ignored: the buffer and the device are freed
// under the read.
// CHECK: cross-unit.c:[[@LINE+1]]:43: note: 'device_release_bug' may be called with I/O on 'd' still pending: 'ReadFile' in 'device_start_read' (device.c:12) starts overlapped I/O on 'd->handle' and may return with it pending
void device_release_bug(struct device *d) {
  // CHECK-NEXT: cross-unit.c:[[@LINE+1]]:3: warning: 'free' frees 'd->buf' while overlapped I/O that uses it may still be pending (it is the I/O's buffer); cancel the I/O and wait for it to complete first [iodrain-overlapped-lifetime]
  free(d->buf);
  free(d);
}

// Called on live devices and on the error path of a fresh one.
// RUNTIME-TWIN: none, a helper: its callers' twins run it
static void device_free(struct device *d) {
  CloseHandle(d->handle);
  free(d->buf);
  free(d);
}

// The flag says whether a read is pending: cancel, wait, then free.
void device_close_fixed(struct device *d) {
  DWORD n;
  if (d->read_pending) {
    CancelIoEx(d->handle, &d->ov);
    GetOverlappedResult(d->handle, &d->ov, &n, TRUE);
    d->read_pending = FALSE;
  }
  device_free(d);
}

// The helper on a fresh device, before any I/O: nothing to report.
struct device *device_open_fixed(const wchar_t *path) {
  struct device *d = (struct device *)calloc(1, sizeof *d);
  if (!d)
    return NULL;
  d->handle = CreateFileW(path, GENERIC_READ, 0, NULL, OPEN_EXISTING,
                          FILE_FLAG_OVERLAPPED, NULL);
  d->buf = (char *)malloc(64);
  if (!d->buf) {
    device_free(d);
    return NULL;
  }
  return d;
}

// A function that starts the read itself knows its own protocol: the read
// it starts is its own, explained from its own call.
void device_restart_fixed(struct device *d) {
  DWORD n;
  if (d->read_pending) {
    CancelIoEx(d->handle, &d->ov);
    GetOverlappedResult(d->handle, &d->ov, &n, TRUE);
    d->read_pending = FALSE;
  }
  device_start_read(d);
}

// The other unit's helper closes and frees; its summary says so.
// CHECK: cross-unit.c:[[@LINE+1]]:43: note: 'device_destroy_bug' may be called with I/O on 'd' still pending: 'ReadFile' in 'device_start_read' (device.c:12) starts overlapped I/O on 'd->handle' and may return with it pending
void device_destroy_bug(struct device *d) {
  // CHECK-NEXT: cross-unit.c:[[@LINE+1]]:3: warning: 'device_destroy' closes 'd->handle' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  device_destroy(d);
}

void device_destroy_fixed(struct device *d) {
  DWORD n;
  if (d->read_pending) {
    CancelIoEx(d->handle, &d->ov);
    GetOverlappedResult(d->handle, &d->ov, &n, TRUE);
    d->read_pending = FALSE;
  }
  device_destroy(d);
}

// The same protocol on globals, declared in the shared header.
// CHECK: cross-unit.c:[[@LINE+1]]:26: note: 'pipe_stop_bug' may be called with I/O on 'g_pipe' still pending: 'ReadFile' in 'pipe_start_read' (device.c:21) starts overlapped I/O on 'g_pipe' and may return with it pending
void pipe_stop_bug(void) {
  // CHECK-NEXT: cross-unit.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'g_pipe' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(g_pipe);
}

void pipe_stop_fixed(void) {
  DWORD n;
  if (g_pending) {
    CancelIoEx(g_pipe, &g_ov);
    GetOverlappedResult(g_pipe, &g_ov, &n, TRUE);
    g_pending = FALSE;
  }
  CloseHandle(g_pipe);
}

#ifdef IODRAIN_RUNTIME
// Runtime twins: the two units linked into one program. A pipe whose
// server end a child also holds; the peer answers after ten seconds, so
// the read is pending when the closing function runs.
#include "Inputs/cross-unit/device.c"
#include "shim_twins.h"

static struct device *twin_device(void) {
  struct device *d = (struct device *)calloc(1, sizeof *d);
  twin_shared_pipe();
  twin_peer_answers_late();
  d->handle = twin_server;
  d->buf = (char *)malloc(64);
  // The cancel completes a moment later, not inside CancelIo.
  ShimDeferCancellation(twin_server);
  device_start_read(d);
  return d;
}
static void twin_device_close_bug(void) { device_close_bug(twin_device()); }
static void twin_device_release_bug(void) {
  struct device *d = twin_device();
  device_release_bug(d);
  CloseHandle(twin_server);
}
static void twin_device_close_fixed(void) { device_close_fixed(twin_device()); }
static void twin_device_open_fixed(void) {
  struct device *d = device_open_fixed(L"device.bin");
  if (d) {
    CloseHandle(d->handle);
    free(d->buf);
    free(d);
  }
}
static void twin_device_restart_fixed(void) {
  struct device *d = twin_device();
  device_restart_fixed(d);
  device_close_fixed(d);
}
static void twin_device_destroy_bug(void) {
  device_destroy_bug(twin_device());
}
static void twin_device_destroy_fixed(void) {
  device_destroy_fixed(twin_device());
}
static void twin_pipe(void (*stop)(void)) {
  twin_shared_pipe();
  g_pipe = twin_server;
  g_ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  pipe_start_read();
  stop();
  WaitForSingleObject(g_ov.hEvent, INFINITE);
}
static void twin_pipe_stop_bug(void) { twin_pipe(pipe_stop_bug); }
static void twin_pipe_stop_fixed(void) { twin_pipe(pipe_stop_fixed); }

TWIN_MAIN(TWIN(device_close_bug), TWIN(device_release_bug),
          TWIN(device_close_fixed), TWIN(device_open_fixed),
          TWIN(device_restart_fixed), TWIN(device_destroy_bug),
          TWIN(device_destroy_fixed), TWIN(pipe_stop_bug),
          TWIN(pipe_stop_fixed))
#endif
