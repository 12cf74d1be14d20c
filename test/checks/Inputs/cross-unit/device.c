// The issuing unit of cross-unit.c: both functions return with their read
// pending and say so in a flag. The helper at the end closes and frees.
#include "device.h"
#include <stdlib.h>

HANDLE g_pipe;
OVERLAPPED g_ov;
char g_buf[64];
BOOL g_pending;

BOOL device_start_read(struct device *d) {
  if (!ReadFile(d->handle, d->buf, 64, NULL, &d->ov)) {
    if (GetLastError() != ERROR_IO_PENDING)
      return FALSE;
    d->read_pending = TRUE;
  }
  return TRUE;
}

BOOL pipe_start_read(void) {
  if (!ReadFile(g_pipe, g_buf, sizeof g_buf, NULL, &g_ov)) {
    if (GetLastError() != ERROR_IO_PENDING)
      return FALSE;
    g_pending = TRUE;
  }
  return TRUE;
}

void device_destroy(struct device *d) {
  if (!d)
    return;
  CloseHandle(d->handle);
  free(d->buf);
  free(d);
}
