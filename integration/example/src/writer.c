/* Stops the writer at shutdown the right way: cancel, wait, close. */
#include <windows.h>

void writer_stop(HANDLE pipe, const char *data, DWORD size) {
  OVERLAPPED ov = {0};
  DWORD written;
  if (!WriteFile(pipe, data, size, NULL, &ov) &&
      GetLastError() == ERROR_IO_PENDING) {
    CancelIoEx(pipe, &ov);
    GetOverlappedResult(pipe, &ov, &written, TRUE);
  }
  CloseHandle(pipe);
}
