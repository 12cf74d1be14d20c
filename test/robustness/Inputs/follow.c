// A helper with many independent branches, called while a read is pending:
// following it costs more than a quarter of a small budget.
#include <windows.h>

int flag(int);

static void busy_helper(HANDLE h, OVERLAPPED *ov) {
  int f1 = flag(1);
  int f2 = flag(2);
  int f3 = flag(3);
  int f4 = flag(4);
  int f5 = flag(5);
  int f6 = flag(6);
  int f7 = flag(7);
  int f8 = flag(8);
  int f9 = flag(9);
  int f10 = flag(10);
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
  if (f6)
    flag(0);
  if (f7)
    flag(0);
  if (f8)
    flag(0);
  if (f9)
    flag(0);
  if (f10)
    flag(0);
  if (f1 && f2 && f3 && f4 && f5 && f6 && f7 && f8 && f9 && f10)
    CancelIoEx(h, ov);
}

void caller(HANDLE h) {
  OVERLAPPED ov = {0};
  static char buffer[16];
  DWORD got;
  ReadFile(h, buffer, sizeof buffer, NULL, &ov);
  busy_helper(h, &ov);
  GetOverlappedResult(h, &ov, &got, TRUE);
}
