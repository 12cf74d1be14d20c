// Phase one writes the effects of the unit's straight-line helpers on what
// they receive; a helper whose effects depend on a branch, that hands what
// it receives to an unknown call, or that other units cannot call is left
// out (its callers then see an unknown call, as before).
// RUN: rm -rf %t && mkdir -p %t
// RUN: %iodrain_tidy --checks=-*,iodrain-* --config="{CheckOptions: {iodrain.ExportSummaries: '%t', iodrain.ExportOnly: true}}" %s -- -x c++ %win32 | count 0
// RUN: cat %t/export-helpers.cpp-*.yaml | FileCheck %s --implicit-check-not=Name:
#include <windows.h>
#include <stdlib.h>

struct device {
  HANDLE handle;
  OVERLAPPED ov;
  char *buf;
  BOOL pending;
  struct {
    HANDLE event;
  } sync;
  struct info *info;
  struct io_state *io;
};
struct info {
  int id;
};
struct io_state {
  OVERLAPPED ov;
};
void log_device(struct device *d);
void log_text(const char *text);
void info_free(struct info *i);
void io_wait(struct io_state *io);

// CHECK:      - Name: device_free
// CHECK-NEXT:     Effects:
// CHECK-NEXT:       - Role: close
// CHECK-NEXT:         Handle: '1->handle'
// CHECK-NEXT:       - Role: close
// CHECK-NEXT:         Handle: '1->sync.event'
// CHECK-NEXT:       - Role: free
// CHECK-NEXT:         Pointer: '1->buf'
// CHECK-NEXT:       - Role: free
// CHECK-NEXT:         Pointer: '1'
void device_free(struct device *d) {
  if (!d)
    return;
  log_text("closing");
  CloseHandle(d->handle);
  CloseHandle(d->sync.event);
  free(d->buf);
  free(d);
}

// CHECK:      - Name: device_drain
// CHECK-NEXT:     Effects:
// CHECK-NEXT:       - Role: cancel
// CHECK-NEXT:         Handle: '1->handle'
// CHECK-NEXT:         Overlapped: '1->ov'
// CHECK-NEXT:       - Role: wait-overlapped
// CHECK-NEXT:         Handle: '1->handle'
// CHECK-NEXT:         Overlapped: '1->ov'
BOOL device_drain(struct device *d, DWORD *n) {
  CancelIoEx(d->handle, &d->ov);
  return GetOverlappedResult(d->handle, &d->ov, n, TRUE);
}

// A wait that may return at once drains nothing: not a summary.
void device_poll(struct device *d, DWORD *n) {
  GetOverlappedResult(d->handle, &d->ov, n, FALSE);
  CloseHandle(d->handle);
}

// Effects that depend on a branch.
void device_close_checked(struct device *d) {
  DWORD n;
  if (d->pending)
    GetOverlappedResult(d->handle, &d->ov, &n, TRUE);
  CloseHandle(d->handle);
}

// Hands the device to a function iodrain does not see.
void device_close_logged(struct device *d) {
  log_device(d);
  CloseHandle(d->handle);
}

// What a member points to, a record of its own, may go to an unknown call:
// that call cannot reach the device's requests.
// CHECK:      - Name: device_destroy
// CHECK-NEXT:     Effects:
// CHECK-NEXT:       - Role: close
// CHECK-NEXT:         Handle: '1->handle'
// CHECK-NEXT:       - Role: free
// CHECK-NEXT:         Pointer: '1'
void device_destroy(struct device *d) {
  info_free(d->info);
  CloseHandle(d->handle);
  free(d);
}

// A record that holds an OVERLAPPED could be waited for there.
void device_close_io(struct device *d) {
  io_wait(d->io);
  CloseHandle(d->handle);
}

// Other units cannot call it.
static void device_close_static(struct device *d) { CloseHandle(d->handle); }
void device_use_static(struct device *d) {
  log_text("static");
  log_text("helper");
}

class File {
public:
  void Close();
  ~File() { Close(); }

private:
  HANDLE h_;
  OVERLAPPED ov_;
};

// CHECK:      - Name: 'File::Close'
// CHECK-NEXT:     Effects:
// CHECK-NEXT:       - Role: close
// CHECK-NEXT:         Handle: 'this->h_'
void File::Close() { CloseHandle(h_); }

// CHECK:      - Name: destroy_file
// CHECK-NEXT:     Effects:
// CHECK-NEXT:       - Role: free
// CHECK-NEXT:         Pointer: '1'
void destroy_file(File *f) { delete f; }
// CHECK: Protocols: []
