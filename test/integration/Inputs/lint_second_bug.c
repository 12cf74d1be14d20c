// A second bug, appended to a copy of examples/seed.c by the lint tests:
// a write still pending when its handle is closed.
#include <windows.h>

void shutdown_writer(HANDLE file) {
  static char data[16];
  OVERLAPPED ov = {0};

  if (!WriteFile(file, data, sizeof data, NULL, &ov) &&
      GetLastError() != ERROR_IO_PENDING)
    return;

  CloseHandle(file); // the write is still pending here
}
