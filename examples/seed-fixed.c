// The seed example, fixed: cancel the read, dequeue its completion, then
// close the handle.
#include <windows.h>

static char buffer[4096];

void shutdown_reader(HANDLE pipe, HANDLE port) {
  OVERLAPPED ov = {0};
  DWORD bytes;
  ULONG_PTR key;
  LPOVERLAPPED done;

  if (!ReadFile(pipe, buffer, sizeof buffer, NULL, &ov) &&
      GetLastError() != ERROR_IO_PENDING)
    return;

  CancelIoEx(pipe, &ov);
  GetQueuedCompletionStatus(port, &bytes, &key, &done, INFINITE);
  CloseHandle(pipe);
}
