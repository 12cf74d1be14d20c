// The seed bug: a pending overlapped read on a pipe, then CloseHandle at
// shutdown, then a wait for the completion that never comes when another
// handle to the pipe exists.
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

  CloseHandle(pipe); // the read is still pending here
  GetQueuedCompletionStatus(port, &bytes, &key, &done, INFINITE);
}
