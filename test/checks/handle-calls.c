// A handle that a call returns right where it is passed
// (`DeviceIoControl(device_of(id), ...)`) has no name a later call could
// repeat, but the request's OVERLAPPED lives no longer than with a named
// handle: a timed-out wait that returns leaves it pending on the stack.
// RUN: %check_iodrain %s -- -x c %win32 | %filecheck %s
// RUN: %check_iodrain %s -- -x c++ %win32 | %filecheck %s
// RUN: %if shim %{ %check_twins %s -- -x c %win32 %}
#include <windows.h>

// Defined in another unit (the runtime twins define it).
HANDLE device_of(int id);

BOOL reset_bug(int id) {
  OVERLAPPED ov = {0};
  DWORD bytes;
  BOOL ok;
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  // CHECK: handle-calls.c:[[@LINE+1]]:8: note: 'DeviceIoControl' starts overlapped I/O on 'device_of(id)' that may still be pending
  ok = DeviceIoControl(device_of(id), 0x220000, NULL, 0, NULL, 0, &bytes, &ov);
  // CHECK-NEXT: handle-calls.c:[[@LINE+2]]:10: note: 'WaitForSingleObject' may time out here, leaving the I/O pending
  if (!ok && GetLastError() == ERROR_IO_PENDING)
    ok = WaitForSingleObject(ov.hEvent, 500) == WAIT_OBJECT_0;
  CloseHandle(ov.hEvent);
  // CHECK-NEXT: handle-calls.c:[[@LINE+1]]:3: warning: 'ov' goes out of scope while overlapped I/O that uses it may still be pending; cancel the I/O and wait for it to complete first [iodrain-overlapped-lifetime]
  return ok;
}

BOOL reset_fixed(int id) {
  OVERLAPPED ov = {0};
  DWORD bytes;
  BOOL ok;
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  ok = DeviceIoControl(device_of(id), 0x220000, NULL, 0, NULL, 0, &bytes, &ov);
  if (!ok && GetLastError() == ERROR_IO_PENDING)
    ok = GetOverlappedResult(device_of(id), &ov, &bytes, TRUE);
  CloseHandle(ov.hEvent);
  return ok;
}

// CHECK-NOT: warning:

#ifdef IODRAIN_RUNTIME
// Runtime twins: a device that ignores cancellation and completes after
// ten seconds.
#include "shim_twins.h"

static HANDLE twin_device;
HANDLE device_of(int id) {
  (void)id;
  return twin_device;
}
static void twin_open_device(void) {
  twin_device = ShimOpenNoCancelDevice();
  ShimDeviceCompleteAt(twin_device, 10000);
}
static void twin_reset_bug(void) {
  twin_open_device();
  reset_bug(1);
  Sleep(20000);
}
static void twin_reset_fixed(void) {
  twin_open_device();
  reset_fixed(1);
  Sleep(20000);
}

TWIN_MAIN(TWIN(reset_bug), TWIN(reset_fixed))
#endif
