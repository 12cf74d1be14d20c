// An OVERLAPPED on the stack, left pending when the wait times out.
#include <windows.h>

static char shared[512];

BOOL timed_read(HANDLE h) {
  OVERLAPPED ov = {0};
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (!ReadFile(h, shared, sizeof shared, NULL, &ov) &&
      GetLastError() != ERROR_IO_PENDING)
    return FALSE;
  if (WaitForSingleObject(ov.hEvent, 500) != WAIT_OBJECT_0)
    return FALSE;
  CloseHandle(ov.hEvent);
  return TRUE;
}
