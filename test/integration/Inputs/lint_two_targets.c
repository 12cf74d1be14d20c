// One source built into two targets (like libuv's uv and uv_a): only the
// second target's command defines LINT_SECOND_TARGET, which has the bug.
#include <windows.h>

void close_reader(HANDLE pipe) {
  static char buffer[64];
  OVERLAPPED ov = {0};

  if (!ReadFile(pipe, buffer, sizeof buffer, NULL, &ov) &&
      GetLastError() != ERROR_IO_PENDING)
    return;
#ifdef LINT_SECOND_TARGET
  CloseHandle(pipe); // the read is still pending here
#else
  CancelIoEx(pipe, &ov);
  WaitForSingleObject(pipe, INFINITE);
#endif
}
