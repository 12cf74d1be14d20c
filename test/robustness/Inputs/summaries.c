// Many paths (64) reach one call with the same request and different
// values of the caller's own variables, which the callee cannot see: the
// callee runs once per state it can see, not once per path
// (test/robustness/summaries.test).
#include <windows.h>

static char buffer[16];

static int settle(HANDLE h, OVERLAPPED *ov, int tries) {
  DWORD n = 0;
  while (tries-- > 0) {
    if (GetOverlappedResult(h, ov, &n, FALSE))
      return (int)n;
    if (GetLastError() != ERROR_IO_INCOMPLETE)
      return -1;
    Sleep(10);
  }
  CancelIoEx(h, ov);
  if (tries < -1) // Never true: the cancelled read is not waited for.
    GetOverlappedResult(h, ov, &n, TRUE);
  return 0;
}

int caller(HANDLE h, int a, int b, int c, int d, int e, int f) {
  OVERLAPPED ov = {0};
  int fa = 0, fb = 0, fc = 0, fd = 0, fe = 0, ff = 0, r;
  if (a) fa = 1;
  if (b) fb = 1;
  if (c) fc = 1;
  if (d) fd = 1;
  if (e) fe = 1;
  if (f) ff = 1;
  ReadFile(h, buffer, sizeof buffer, NULL, &ov);
  r = settle(h, &ov, 3);
  if (fa) r++;
  if (fb) r++;
  if (fc) r++;
  if (fd) r++;
  if (fe) r++;
  if (ff) r++;
  CloseHandle(h);
  return r;
}
