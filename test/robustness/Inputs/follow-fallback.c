// A followed helper that returns one of sixteen values multiplies its
// caller's paths by sixteen; without following calls (it starts I/O of its
// own, so only FollowCalls runs it) its result is one unknown value.
#include <windows.h>

static char buf[64];

static int probe(HANDLE h, int sel) {
  OVERLAPPED w = {0};
  DWORD n;
  WriteFile(h, "?", 1, NULL, &w);
  GetOverlappedResult(h, &w, &n, TRUE);
  switch (sel) {
  case 0: return 0;
  case 1: return 1;
  case 2: return 2;
  case 3: return 3;
  case 4: return 4;
  case 5: return 5;
  case 6: return 6;
  case 7: return 7;
  case 8: return 8;
  case 9: return 9;
  case 10: return 10;
  case 11: return 11;
  case 12: return 12;
  case 13: return 13;
  case 14: return 14;
  default: return 15;
  }
}

void reader_bug(HANDLE h, int sel, int slow) {
  OVERLAPPED ov = {0};
  int v;
  ReadFile(h, buf, sizeof buf, NULL, &ov);
  v = probe(h, sel);
  if (slow) Sleep(1);
  if (slow) Sleep(2);
  if (slow) Sleep(3);
  if (slow) Sleep(4);
  if (slow) Sleep(5);
  if (slow) Sleep(6);
  if (slow) Sleep(7);
  if (slow) Sleep(8);
  if (slow) Sleep(9);
  if (slow) Sleep(10);
  if (slow) Sleep(11);
  if (slow) Sleep(12);
  if (slow) Sleep(13);
  if (slow) Sleep(14);
  if (slow) Sleep(15);
  if (slow) Sleep(16);
  if (slow) Sleep(17);
  if (slow) Sleep(18);
  if (slow) Sleep(19);
  if (slow) Sleep(20);
  if (v == 3)
    Sleep(21);
  CloseHandle(h);
}

void reader_fixed(HANDLE h, int sel, int slow) {
  OVERLAPPED ov = {0};
  DWORD n;
  int v;
  ReadFile(h, buf, sizeof buf, NULL, &ov);
  v = probe(h, sel);
  if (slow) Sleep(1);
  if (slow) Sleep(2);
  if (slow) Sleep(3);
  if (slow) Sleep(4);
  if (slow) Sleep(5);
  if (slow) Sleep(6);
  if (slow) Sleep(7);
  if (slow) Sleep(8);
  if (slow) Sleep(9);
  if (slow) Sleep(10);
  if (slow) Sleep(11);
  if (slow) Sleep(12);
  if (slow) Sleep(13);
  if (slow) Sleep(14);
  if (slow) Sleep(15);
  if (slow) Sleep(16);
  if (slow) Sleep(17);
  if (slow) Sleep(18);
  if (slow) Sleep(19);
  if (slow) Sleep(20);
  if (v == 3)
    Sleep(21);
  GetOverlappedResult(h, &ov, &n, TRUE);
  CloseHandle(h);
}
