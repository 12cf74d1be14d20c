/* Stops the reader at shutdown: the read is still pending when the pipe is
 * closed. iodrain reports the close. */
#include <windows.h>

static char buffer[4096];

void reader_stop(HANDLE pipe, HANDLE port) {
  OVERLAPPED ov = {0};
  DWORD bytes;
  ULONG_PTR key;
  LPOVERLAPPED done;
  if (!ReadFile(pipe, buffer, sizeof buffer, NULL, &ov) &&
      GetLastError() != ERROR_IO_PENDING)
    return;
  CloseHandle(pipe);
  GetQueuedCompletionStatus(port, &bytes, &key, &done, INFINITE);
}
