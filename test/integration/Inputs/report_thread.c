// CancelIo on a handle whose read another thread issued.
#include <windows.h>

static char buffer[512];
static HANDLE pipe;
static OVERLAPPED ov;

static DWORD WINAPI reader(void *arg) {
  DWORD n;
  ReadFile(pipe, buffer, sizeof buffer, NULL, &ov);
  GetOverlappedResult(pipe, &ov, &n, TRUE);
  return 0;
}

void start(void) { CreateThread(NULL, 0, reader, NULL, 0, NULL); }

void stop(HANDLE thread) {
  CancelIo(pipe);
  WaitForSingleObject(thread, INFINITE);
}
