"""Writes large C functions for the budget tests.

  generate.py blocks N   one function with N sequential reads and drains
  generate.py flags N    N independent flags: 2**N distinct path states
"""
import sys

kind, count = sys.argv[1], int(sys.argv[2])
print("#include <windows.h>")
print("static char buffer[64];")
if kind == "blocks":
    print("void huge(HANDLE h, int *c) {")
    print("  OVERLAPPED ov = {0};")
    print("  DWORD n;")
    for i in range(count):
        print("  if (c[%d]) {" % i)
        print("    ReadFile(h, buffer, sizeof buffer, NULL, &ov);")
        print("    GetOverlappedResult(h, &ov, &n, TRUE);")
        print("  }")
    print("  ReadFile(h, buffer, sizeof buffer, NULL, &ov);")
    print("  CloseHandle(h);")
    print("}")
elif kind == "flags":
    print("void explosive(HANDLE h, int *c) {")
    print("  OVERLAPPED ov = {0};")
    for i in range(count):
        print("  int f%d = 0;" % i)
    for i in range(count):
        print("  if (c[%d]) f%d = 1;" % (i, i))
    print("  ReadFile(h, buffer, sizeof buffer, NULL, &ov);")
    print("  CloseHandle(h);")
    print("}")
