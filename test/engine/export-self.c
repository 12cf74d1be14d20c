// A protocol whose issuer stores the object's own address in it (a
// completion context pointing back to its owner) is written without that
// field: the rules format names members of the object, not the object
// itself, and a summary must read back.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %iodrain_tidy --checks=-*,iodrain-* --config="{CheckOptions: {iodrain.ExportSummaries: '%t', iodrain.ExportOnly: true}}" %s -- -x c %win32 | count 0
// RUN: cat %t/export-self.c-*.yaml | FileCheck %s
// RUN: %iodrain_tidy --checks=-*,iodrain-* --config="{CheckOptions: {iodrain.ImportSummaries: '%t'}}" %s -- -x c %win32 2>&1 | FileCheck %s --check-prefix=IMPORT --allow-empty
// CHECK:      Fields:
// CHECK-NEXT:   - { Path: .pending, Equals: 1 }
// CHECK-NOT:  PointsTo: ''
// IMPORT-NOT: error:
#include <windows.h>

struct watch {
  HANDLE handle;
  OVERLAPPED ov;
  struct watch *self;
  char buf[64];
  BOOL pending;
};

BOOL watch_start(struct watch *w) {
  w->self = w;
  if (!ReadFile(w->handle, w->buf, sizeof w->buf, NULL, &w->ov)) {
    if (GetLastError() != ERROR_IO_PENDING)
      return FALSE;
    w->pending = TRUE;
  }
  return TRUE;
}
