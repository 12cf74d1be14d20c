// A wait for any of a table of events whose count is computed from the
// table itself (`std::size(events)`, which clang does not fold): the count
// is the table's length, so the wait may end on the other event while the
// I/O is still pending.
// RUN: %check_iodrain %s -- -x c++ -std=c++17 %win32 | %filecheck %s
// RUN: %if shim %{ %check_twins %s -- -x c++ -std=c++17 %win32 %}
#include <windows.h>
#include <iterator>

DWORD sized_wait_bug(HANDLE dev, HANDLE stop) {
  char out[64];
  DWORD n = 0;
  OVERLAPPED ov = {};
  ov.hEvent = CreateEventW(nullptr, FALSE, FALSE, nullptr);
  const HANDLE events[] = {stop, ov.hEvent};
  // CHECK: wait-counts.cpp:[[@LINE+1]]:3: note: 'DeviceIoControl' starts overlapped I/O on 'dev' that may still be pending
  DeviceIoControl(dev, 0x222000, out, sizeof out, out, sizeof out, &n, &ov);
  // CHECK-NEXT: wait-counts.cpp:[[@LINE+1]]:7: note: 'WaitForMultipleObjects' may return here for another object, leaving the I/O pending
  if (WaitForMultipleObjects(static_cast<DWORD>(std::size(events)), events,
                             FALSE, INFINITE) == WAIT_OBJECT_0) {
    // CHECK-NEXT: wait-counts.cpp:[[@LINE+1]]:5: note: 'CancelIoEx' requests cancellation here, but the cancelled I/O still completes later
    CancelIoEx(dev, &ov);
    CloseHandle(ov.hEvent);
    // CHECK-NEXT: wait-counts.cpp:[[@LINE+1]]:5: warning: 'ov' goes out of scope after 'CancelIoEx' without waiting for the cancelled I/O to complete; wait for its completion first (GetOverlappedResult(..., TRUE), or its packet from the completion port) [iodrain-cancel-without-drain]
    return 0;
  }
  CloseHandle(ov.hEvent);
  return n;
}

DWORD sized_wait_fixed(HANDLE dev, HANDLE stop) {
  char out[64];
  DWORD n = 0;
  OVERLAPPED ov = {};
  ov.hEvent = CreateEventW(nullptr, FALSE, FALSE, nullptr);
  const HANDLE events[] = {stop, ov.hEvent};
  DeviceIoControl(dev, 0x222000, out, sizeof out, out, sizeof out, &n, &ov);
  if (WaitForMultipleObjects(static_cast<DWORD>(std::size(events)), events,
                             FALSE, INFINITE) == WAIT_OBJECT_0) {
    CancelIoEx(dev, &ov);
    GetOverlappedResult(dev, &ov, &n, TRUE);
    CloseHandle(ov.hEvent);
    return 0;
  }
  CloseHandle(ov.hEvent);
  return n;
}

#ifdef IODRAIN_RUNTIME
// Runtime twins: a device that ignores cancellation answers at 500 ms;
// the stop event is already set.
#include "shim_twins.h"

static void twin_run(DWORD (*fn)(HANDLE, HANDLE)) {
  HANDLE dev = ShimOpenNoCancelDevice();
  ShimDeviceCompleteAt(dev, 500);
  fn(dev, CreateEventW(nullptr, TRUE, TRUE, nullptr));
  Sleep(1000);
}
static void twin_sized_wait_bug(void) { twin_run(sized_wait_bug); }
static void twin_sized_wait_fixed(void) { twin_run(sized_wait_fixed); }

TWIN_MAIN(TWIN(sized_wait_bug), TWIN(sized_wait_fixed))
#endif
