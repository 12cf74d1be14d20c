// Twelve waits in a row on eight handles, one of them an event nothing has
// signalled yet, none of them a request's: which handle woke each wait is
// one unknown result, not one path per handle (eight to the twelfth).
#include <windows.h>

static char buf[64];

void service(HANDLE h, HANDLE a, HANDLE b, HANDLE c, HANDLE d, HANDLE e,
             HANDLE f, HANDLE g) {
  HANDLE table[8];
  OVERLAPPED ov = {0};
  DWORD r[12];
  int i;
  table[0] = CreateEventW(NULL, TRUE, FALSE, NULL);
  table[1] = a;
  table[2] = b;
  table[3] = c;
  table[4] = d;
  table[5] = e;
  table[6] = f;
  table[7] = g;
  r[0] = WaitForMultipleObjects(8, table, FALSE, INFINITE);
  r[1] = WaitForMultipleObjects(8, table, FALSE, INFINITE);
  r[2] = WaitForMultipleObjects(8, table, FALSE, INFINITE);
  r[3] = WaitForMultipleObjects(8, table, FALSE, INFINITE);
  r[4] = WaitForMultipleObjects(8, table, FALSE, INFINITE);
  r[5] = WaitForMultipleObjects(8, table, FALSE, INFINITE);
  r[6] = WaitForMultipleObjects(8, table, FALSE, INFINITE);
  r[7] = WaitForMultipleObjects(8, table, FALSE, INFINITE);
  r[8] = WaitForMultipleObjects(8, table, FALSE, INFINITE);
  r[9] = WaitForMultipleObjects(8, table, FALSE, INFINITE);
  r[10] = WaitForMultipleObjects(8, table, FALSE, INFINITE);
  r[11] = WaitForMultipleObjects(8, table, FALSE, INFINITE);
  ReadFile(h, buf, sizeof buf, NULL, &ov);
  for (i = 0; i < 12; i++)
    if (r[i] == WAIT_OBJECT_0 + 1)
      Sleep(1);
  CloseHandle(h);
}
