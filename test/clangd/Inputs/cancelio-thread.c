// A reader thread's read, cancelled with CancelIo from another thread: the
// fix replaces it with CancelIoEx(h, NULL).
#include <windows.h>

static HANDLE pipe_handle;
static OVERLAPPED pipe_ov;
static char pipe_buf[64];

static DWORD WINAPI reader_thread(LPVOID arg) {
  DWORD n;
  ReadFile(pipe_handle, pipe_buf, sizeof pipe_buf, NULL, &pipe_ov);
  GetOverlappedResult(pipe_handle, &pipe_ov, &n, TRUE);
  return 0;
}

HANDLE start_reader(void) {
  return CreateThread(NULL, 0, reader_thread, NULL, 0, NULL);
}

void stop_reader(HANDLE thread) {
  CancelIo(pipe_handle);
  WaitForSingleObject(thread, INFINITE);
  CloseHandle(thread);
}
