// The device object of cross-unit.c, shared by its two units.
#ifndef CROSS_UNIT_DEVICE_H
#define CROSS_UNIT_DEVICE_H
#include <windows.h>

struct device {
  HANDLE handle;
  OVERLAPPED ov;
  char *buf;
  BOOL read_pending;
};

BOOL device_start_read(struct device *d);
void device_destroy(struct device *d);

extern HANDLE g_pipe;
extern OVERLAPPED g_ov;
extern char g_buf[64];
extern BOOL g_pending;

BOOL pipe_start_read(void);
#endif
