// A followed helper with many independent branches uses up the quarter of
// a small budget that followed calls get; the calls after it are unknown
// in that analysis, `shut` among them. The analysis without following
// calls runs `shut` as a small helper and adds the close it finds.
#include <windows.h>

int flag(int);
static char buf[64];

static void busy(HANDLE other) {
  OVERLAPPED w = {0};
  DWORD n;
  char tmp[8];
  int f1 = flag(1), f2 = flag(2), f3 = flag(3), f4 = flag(4), f5 = flag(5);
  if (f1)
    flag(0);
  if (f2)
    flag(0);
  if (f3)
    flag(0);
  if (f4)
    flag(0);
  if (f5)
    flag(0);
  ReadFile(other, tmp, sizeof tmp, NULL, &w);
  GetOverlappedResult(other, &w, &n, TRUE);
  if (f1 && f2 && f3 && f4 && f5)
    flag(0);
}

static void shut(HANDLE h) { CloseHandle(h); }

void reader_bug(HANDLE h, OVERLAPPED *ov, HANDLE other) {
  ReadFile(h, buf, sizeof buf, NULL, ov);
  busy(other);
  shut(h);
}

void reader_fixed(HANDLE h, OVERLAPPED *ov, HANDLE other) {
  DWORD n;
  ReadFile(h, buf, sizeof buf, NULL, ov);
  busy(other);
  CancelIoEx(h, ov);
  GetOverlappedResult(h, ov, &n, TRUE);
  shut(h);
}
