// The port of cross-unit-callers.c, shared by its two units.
#ifndef CROSS_UNIT_PORT_H
#define CROSS_UNIT_PORT_H
#include <windows.h>

struct port {
  HANDLE h;
  HANDLE ev;
  OVERLAPPED wr;
};

int port_write(struct port *p, const char *data, int n);
struct port *port_open(HANDLE h);
void port_release(struct port *p);
void port_drain_release(struct port *p);
#endif
