// A read waited for with a timeout, then closed: a fix is suggested.
#include <windows.h>

static char buffer[512];

void stop_reader(HANDLE h) {
  OVERLAPPED ov = {0};
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  ReadFile(h, buffer, sizeof buffer, NULL, &ov);
  WaitForSingleObject(ov.hEvent, 5000);
  CloseHandle(h);
  CloseHandle(ov.hEvent);
}
