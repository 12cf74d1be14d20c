#include <windows.h>
static char buffer[64];
void broken(HANDLE h) {
  OVERLAPPED ov = {0};
  ReadFile(h, buffer, sizeof buffer, NULL, &ov);
  CloseHandle(undeclared_handle);
  CloseHandle(h);
}
