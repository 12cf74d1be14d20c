// The honest counterpart of twins-cheating.c, for
// test/shim/twins-cheats.test: the same flagged function, and a twin in
// which the read outlives the close and the dequeue hangs on it.
#include <windows.h>

static char buffer[16];

void close_pending_bug(HANDLE pipe) {
  static OVERLAPPED ov;
  ReadFile(pipe, buffer, sizeof buffer, NULL, &ov);
  CloseHandle(pipe);
}

#ifdef IODRAIN_RUNTIME
#include "shim_twins.h"

// A duplicate in this process keeps the close from cancelling the read.
static void twin_close_pending_bug(void) {
  HANDLE port;
  DWORD n;
  ULONG_PTR key;
  LPOVERLAPPED done;
  twin_shared_pipe_held_by(TWIN_SAME_PROCESS);
  port = CreateIoCompletionPort(twin_server, NULL, 1, 0);
  close_pending_bug(twin_server);
  GetQueuedCompletionStatus(port, &n, &key, &done, INFINITE);
}

TWIN_MAIN(TWIN(close_pending_bug))
#endif
