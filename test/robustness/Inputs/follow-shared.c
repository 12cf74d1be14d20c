// Two functions hand a context on their stack to the same helpers: the
// one that starts a read, then one with many independent branches, which
// costs more than the quarter of a small budget that calls may use. The
// second function meets the costly call already known: it stops following
// calls at once, and says so like the first.
#include <windows.h>

int flag(int);

struct ctx {
  HANDLE h;
  OVERLAPPED ov;
  char buf[16];
};

static void start(struct ctx *c) {
  ReadFile(c->h, c->buf, sizeof c->buf, NULL, &c->ov);
}

static void busy_helper(struct ctx *c) {
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
    CancelIoEx(c->h, &c->ov);
}

void first(HANDLE h) {
  struct ctx c = {0};
  DWORD got;
  c.h = h;
  start(&c);
  busy_helper(&c);
  GetOverlappedResult(c.h, &c.ov, &got, TRUE);
}

void second(HANDLE h) {
  struct ctx c = {0};
  DWORD got;
  c.h = h;
  start(&c);
  busy_helper(&c);
  GetOverlappedResult(c.h, &c.ov, &got, TRUE);
}
