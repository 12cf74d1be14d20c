// Structured exception handling: clang builds the CFG of __try/__except
// and __leave, so those functions are analysed; it builds none for
// __finally, so that function gets a remark and no findings.
#include <windows.h>

static char buffer[64];

void except_and_leave_bug(HANDLE h) {
  OVERLAPPED ov = {0};
  __try {
    ReadFile(h, buffer, sizeof buffer, NULL, &ov);
    if (!h)
      __leave;
  } __except (EXCEPTION_EXECUTE_HANDLER) {
    return;
  }
  CloseHandle(h);
}

void except_and_leave_fixed(HANDLE h) {
  OVERLAPPED ov = {0};
  DWORD n;
  __try {
    ReadFile(h, buffer, sizeof buffer, NULL, &ov);
    if (!h)
      __leave;
  } __except (EXCEPTION_EXECUTE_HANDLER) {
    return;
  }
  CancelIoEx(h, &ov);
  GetOverlappedResult(h, &ov, &n, TRUE);
  CloseHandle(h);
}

void finally_is_not_analysed(HANDLE h) {
  OVERLAPPED ov = {0};
  __try {
    ReadFile(h, buffer, sizeof buffer, NULL, &ov);
  } __finally {
    CloseHandle(h);
  }
}
