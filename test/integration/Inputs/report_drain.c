// A cancel with no wait before the close.
#include <windows.h>
#include <stdlib.h>

struct context {
  OVERLAPPED ov;
  char data[64];
};

void stop(HANDLE h, struct context *ctx) {
  WriteFile(h, ctx->data, sizeof ctx->data, NULL, &ctx->ov);
  CancelIo(h);
  SleepEx(0, TRUE);
  CloseHandle(h);
  free(ctx);
}
