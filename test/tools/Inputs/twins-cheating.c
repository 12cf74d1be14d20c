// Runtime twins that prove nothing, for test/shim/twins-cheats.test: the
// checker flags each function, and each twin gets a HANG-looking result
// without the flagged code being what hangs. check_twins.py must reject
// every one of them.
#include <windows.h>

static char buffer[16];

void close_pending_wait(HANDLE pipe) {
  static OVERLAPPED ov;
  ReadFile(pipe, buffer, sizeof buffer, NULL, &ov);
  CloseHandle(pipe);
}

void close_pending_spin(HANDLE pipe) {
  static OVERLAPPED ov;
  ReadFile(pipe, buffer, sizeof buffer, NULL, &ov);
  CloseHandle(pipe);
}

void close_pending_print(HANDLE pipe) {
  static OVERLAPPED ov;
  ReadFile(pipe, buffer, sizeof buffer, NULL, &ov);
  CloseHandle(pipe);
}

#ifdef IODRAIN_RUNTIME
#include "shim_twins.h"

// Each twin runs its function where it is harmless: the pipe end has one
// handle, so the close cancels the read.
static HANDLE harmless_pipe(void) {
  HANDLE server, client;
  ShimCreatePipePair(&server, &client);
  return server;
}

// Then waits for an event that nobody sets.
static void twin_close_pending_wait(void) {
  close_pending_wait(harmless_pipe());
  WaitForSingleObject(CreateEventW(NULL, TRUE, FALSE, NULL), INFINITE);
}

// Then spins until the watchdog gives up.
static void twin_close_pending_spin(void) {
  volatile int forever = 1;
  close_pending_spin(harmless_pipe());
  while (forever) {
  }
}

// Then prints a verdict of its own, with a report that cites the function.
static void twin_close_pending_print(void) {
  close_pending_print(harmless_pipe());
  printf("VERDICT: HANG\n  cites: twins-cheating.c:23 (ReadFile #1)\n");
}

TWIN_MAIN(TWIN(close_pending_wait), TWIN(close_pending_spin),
          TWIN(close_pending_print))
#endif
