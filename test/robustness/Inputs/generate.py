"""Writes large or adversarial C functions for the robustness tests.

  generate.py blocks N      one function with N guarded reads and drains
  generate.py flags N       N independent flags: 2**N distinct path states
  generate.py sequence N    N flags, each tested twice right after it is
                            set and never read again, with a read pending
                            throughout: 2**N paths, few states that matter
  generate.py aftermath N   a read that may be left pending before a close,
                            and on the path where it failed, N tests of the
                            port's error bits (N <= 32), each of which may log: 2**N
                            paths after the last I/O, none of which matters
  generate.py pairs N       N straight-line ReadFile + blocking wait pairs
  generate.py condition N   a condition of N terms (`a == a + a + ...`)
  generate.py nesting N     N nested ifs, each starting and draining a read
  generate.py functions N   N functions, each with one pending-close bug
  generate.py protocol N    N functions, each leaving a read pending on its
                            own OVERLAPPED of one object, and a close
  generate.py lists N       N walks down linked lists (`n = n->next`), each
                            calling a helper on every node, in one function
  generate.py helpers N     N small helpers, each waiting a while for the
                            caller's read and returning whether it ended,
                            called in turn while the read is pending
  generate.py settings N    a getter that fills in N settings (a record of
                            numbers inside another), one switch each
                            (3**N combinations), followed while a read
                            is pending; nothing tests the settings
  generate.py tests N       N tests of plain fields in one loop, each of
                            which may skip the read and drain after it
  generate.py units N       N device types; with -DISSUERS, N functions each
                            leaving a read pending on one type (phase one of
                            a two-phase run), otherwise N functions each
                            closing one type's handle (phase two)

Each shape ends with one read left pending before a close, so a complete
analysis reports exactly one warning per function.
"""
import sys

kind, count = sys.argv[1], int(sys.argv[2])
print("#include <windows.h>")
print("static char buffer[64];")
if kind == "sequence":
    print("int flag(int);")
    print("void settle(int);")
    print("void sequence(HANDLE h) {")
    print("  static OVERLAPPED ov;")
    print("  ReadFile(h, buffer, sizeof buffer, NULL, &ov);")
    for i in range(count):
        print("  int f%d = flag(%d);" % (i, i))
        print("  if (f%d)" % i)
        print("    settle(%d);" % i)
        print("  if (f%d)" % i)
        print("    settle(-%d);" % i)
    print("  CloseHandle(h);")
    print("}")
elif kind == "aftermath":
    print("void log_error(int);")
    print("void aftermath(HANDLE h) {")
    print("  static OVERLAPPED ov;")
    print("  DWORD errors;")
    print("  COMSTAT stat;")
    print("  if (ReadFile(h, buffer, sizeof buffer, NULL, &ov) ||")
    print("      GetLastError() == ERROR_IO_PENDING) {")
    print("    CloseHandle(h);")
    print("    return;")
    print("  }")
    print("  ClearCommError(h, &errors, &stat);")
    for i in range(min(count, 32)):
        print("  if (errors & (1u << %d))" % i)
        print("    log_error(%d);" % i)
    print("}")
elif kind == "blocks":
    print("void huge(HANDLE h, int *c) {")
    print("  static OVERLAPPED ov;")
    print("  DWORD n;")
    for i in range(count):
        print("  if (c[%d]) {" % i)
        print("    ReadFile(h, buffer, sizeof buffer, NULL, &ov);")
        print("    GetOverlappedResult(h, &ov, &n, TRUE);")
        print("  }")
    print("  ReadFile(h, buffer, sizeof buffer, NULL, &ov);")
    print("  CloseHandle(h);")
    print("}")
elif kind == "helpers":
    # Each helper runs as a followed call (small, it waits on what a pending
    # read uses) and forks the caller in two; the forks merge again.
    for i in range(count):
        print("static BOOL wait%d(HANDLE h, OVERLAPPED *ov) {" % i)
        print("  DWORD n;")
        print("  if (WaitForSingleObject(ov->hEvent, %d) != WAIT_OBJECT_0)" % (i + 1))
        print("    return FALSE;")
        print("  return GetOverlappedResult(h, ov, &n, FALSE);")
        print("}")
    print("void waits(HANDLE h) {")
    print("  static OVERLAPPED ov;")
    print("  BOOL done = FALSE;")
    print("  ReadFile(h, buffer, sizeof buffer, NULL, &ov);")
    for i in range(count):
        print("  if (!done && wait%d(h, &ov))" % i)
        print("    done = TRUE;")
    print("  CloseHandle(h);")
    print("}")
elif kind == "units":
    for i in range(count):
        print("struct dev%d { HANDLE h; OVERLAPPED ov; char buf[64]; int busy; };" % i)
    print("#ifdef ISSUERS")
    for i in range(count):
        print("BOOL start%d(struct dev%d *d) {" % (i, i))
        print("  if (!ReadFile(d->h, d->buf, 64, NULL, &d->ov)) {")
        print("    if (GetLastError() != ERROR_IO_PENDING)")
        print("      return FALSE;")
        print("    d->busy = 1;")
        print("  }")
        print("  return TRUE;")
        print("}")
    print("#else")
    for i in range(count):
        print("void stop%d(struct dev%d *d) { CloseHandle(d->h); }" % (i, i))
    print("#endif")
elif kind == "protocol":
    # The close may be called with any of the N reads pending: N entry
    # states, past the cap of 16 a remark, and still one warning.
    print("struct device {")
    print("  HANDLE h;")
    for i in range(count):
        print("  OVERLAPPED ov%d;" % i)
    print("};")
    for i in range(count):
        print("BOOL start%d(struct device *d) {" % i)
        print("  return ReadFile(d->h, buffer, sizeof buffer, NULL, &d->ov%d) ||" % i)
        print("         GetLastError() == ERROR_IO_PENDING;")
        print("}")
    print("void device_close(struct device *d) { CloseHandle(d->h); }")
elif kind == "flags":
    print("void explosive(HANDLE h, int *c) {")
    print("  static OVERLAPPED ov;")
    for i in range(count):
        print("  int f%d = 0;" % i)
    for i in range(count):
        print("  if (c[%d]) f%d = 1;" % (i, i))
    for i in range(count):
        print("  if (f%d) c[0]++;" % i)
    print("  ReadFile(h, buffer, sizeof buffer, NULL, &ov);")
    print("  CloseHandle(h);")
    print("}")
elif kind == "pairs":
    print("void straight(HANDLE h) {")
    print("  static OVERLAPPED ov;")
    print("  DWORD n;")
    for i in range(count):
        print("  ReadFile(h, buffer, sizeof buffer, NULL, &ov);")
        print("  GetOverlappedResult(h, &ov, &n, TRUE);")
    print("  ReadFile(h, buffer, sizeof buffer, NULL, &ov);")
    print("  CloseHandle(h);")
    print("}")
elif kind == "condition":
    print("void wide(HANDLE h, int a) {")
    print("  static OVERLAPPED ov;")
    print("  ReadFile(h, buffer, sizeof buffer, NULL, &ov);")
    print("  if (a == " + " + ".join(["a"] * count) + ")")
    print("    a = 1;")
    print("  CloseHandle(h);")
    print("}")
elif kind == "nesting":
    print("void deep(HANDLE h, int *c) {")
    print("  static OVERLAPPED ov;")
    print("  DWORD n;")
    for i in range(count):
        print("  " * (i + 1) + "if (c[%d]) {" % i)
        print("  " * (i + 2) + "ReadFile(h, buffer, sizeof buffer, NULL, &ov);")
        print("  " * (i + 2) + "GetOverlappedResult(h, &ov, &n, TRUE);")
    for i in reversed(range(count)):
        print("  " * (i + 1) + "}")
    print("  ReadFile(h, buffer, sizeof buffer, NULL, &ov);")
    print("  CloseHandle(h);")
    print("}")
elif kind == "functions":
    for i in range(count):
        print("void f%d(HANDLE h) {" % i)
        print("  static OVERLAPPED ov;")
        print("  ReadFile(h, buffer, sizeof buffer, NULL, &ov);")
        print("  CloseHandle(h);")
        print("}")
elif kind == "settings":
    print("#include <stdlib.h>")
    print("struct settings { %s };" % " ".join("int s%d;" % i for i in range(count)))
    print("struct config { struct settings s; int version; };")
    print("struct port { HANDLE h; OVERLAPPED ov; char *scratch; int raw[%d]; };" % count)
    print("static void drop_scratch(struct port *p) { free(p->scratch); }")
    print("static void get_settings(struct port *p, struct config *c) {")
    print("  drop_scratch(p);")
    for i in range(count):
        print("  switch (p->raw[%d]) {" % i)
        print("  case 0: c->s.s%d = 10; break;" % i)
        print("  case 1: c->s.s%d = 20; break;" % i)
        print("  default: c->s.s%d = -1;" % i)
        print("  }")
    print("}")
    print("void configure(struct port *p) {")
    print("  struct config s;")
    print("  ReadFile(p->h, buffer, sizeof buffer, NULL, &p->ov);")
    print("  get_settings(p, &s);")
    print("  CloseHandle(p->h);")
    print("}")
elif kind == "tests":
    print("struct counters { %s };" % " ".join("int f%d;" % i for i in range(64)))
    print("void note(int);")
    print("void pump(HANDLE h, struct counters *p) {")
    print("  static OVERLAPPED ov;")
    print("  DWORD n;")
    print("  for (;;) {")
    for i in range(count):
        print("    if (p->f%d == %d)" % (i % 64, i))
        print("      continue;")
        print("    note(%d);" % i)
    print("    ReadFile(h, buffer, sizeof buffer, NULL, &ov);")
    print("    GetOverlappedResult(h, &ov, &n, TRUE);")
    print("    break;")
    print("  }")
    print("  ReadFile(h, buffer, sizeof buffer, NULL, &ov);")
    print("  CloseHandle(h);")
    print("}")
elif kind == "lists":
    print("struct node { struct node *next; struct node *child; int ready; };")
    print("void visit(struct node *n);")
    print("void walks(HANDLE h, struct node *head) {")
    print("  static OVERLAPPED ov;")
    print("  struct node *n;")
    print("  ReadFile(h, buffer, sizeof buffer, NULL, &ov);")
    for i in range(count):
        link = "next" if i % 2 == 0 else "child"
        print("  for (n = head; n; n = n->%s)" % link)
        print("    if (n->ready) visit(n);")
    print("  CloseHandle(h);")
    print("}")
else:
    sys.exit("unknown shape " + kind)
