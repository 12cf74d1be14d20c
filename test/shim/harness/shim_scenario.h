/* Helpers for runtime scenarios, written with real Win32 calls only so
 * that a scenario compiles against the shim and against mingw-w64. */
#ifndef IODRAIN_SHIM_SCENARIO_H
#define IODRAIN_SHIM_SCENARIO_H

#include <windows.h>
#include <stdio.h>

/* A connected pipe: an overlapped server end and an overlapped client end. */
static void make_pipe_pair(const wchar_t *name, HANDLE *server, HANDLE *client) {
  *server = CreateNamedPipeW(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
                             PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT, 1,
                             4096, 4096, 0, NULL);
  *client = CreateFileW(name, GENERIC_READ | GENERIC_WRITE, 0, NULL,
                        OPEN_EXISTING, FILE_FLAG_OVERLAPPED, NULL);
}

static void say(const char *what, BOOL ok) {
  printf("%s: %s %u\n", what, ok ? "TRUE" : "FALSE",
         ok ? 0u : (unsigned)GetLastError());
  fflush(stdout); /* a hung run under Wine is killed: keep what it said */
}

/* A scenario says so right before a call that may block for good. Under
 * Wine a hang is only a timeout: the Wine lane takes it as the hang the
 * shim reports only when this line came last, so that a run that never got
 * to the call (or never ran) cannot pass for one that blocked in it. */
static void about_to_block(const char *call) {
  printf("about to block in %s\n", call);
  fflush(stdout);
}

#endif
