/* The harness calls of iodrain_shim.h for a scenario built with mingw-w64
 * and run under Wine (the oracle lane). ShimFinish, and the simulated child
 * processes, which become real ones here: a scenario that uses another
 * harness call is shim-only and does not build.
 *
 * Freed blocks are kept, filled with a pattern, so that a late kernel write
 * into one shows at ShimFinish as a USE-AFTER-FREE verdict. Writes into a
 * returned stack frame cannot be seen this way. */
#ifndef IODRAIN_SHIM_WINE_H
#define IODRAIN_SHIM_WINE_H

#include <windows.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IODRAIN_WINE_FREED_MAX 64
static struct { unsigned char *p; size_t n; } iodrain_wine_freed[IODRAIN_WINE_FREED_MAX];
static int iodrain_wine_nfreed;

static void iodrain_wine_free(void *p) {
  if (!p || iodrain_wine_nfreed == IODRAIN_WINE_FREED_MAX)
    return;
  size_t n = _msize(p);
  memset(p, 0xDD, n);
  iodrain_wine_freed[iodrain_wine_nfreed].p = (unsigned char *)p;
  iodrain_wine_freed[iodrain_wine_nfreed++].n = n;
}
#define free(p) iodrain_wine_free(p)

/* The verdict line carries the run's nonce (IODRAIN_SHIM_NONCE), as the
 * shim's does, so that the lane never takes a line the scenario printed
 * for it. */
static void ShimFinish(void) {
  int i, dirty = 0;
  size_t k;
  const char *nonce = getenv("IODRAIN_SHIM_NONCE");
  Sleep(100); /* let late completions land */
  for (i = 0; i < iodrain_wine_nfreed; ++i)
    for (k = 0; k < iodrain_wine_freed[i].n; ++k)
      dirty |= iodrain_wine_freed[i].p[k] != 0xDD;
  printf("VERDICT%s%s: %s\n", nonce && *nonce ? " " : "", nonce ? nonce : "",
         dirty ? "USE-AFTER-FREE" : "CLEAN");
  fflush(stdout);
  ExitProcess(0);
}

/* A simulated child process is a real one here: this program, started
 * again with CreateProcess and a flag that makes it hold the handles it
 * inherits or is given, running nothing, until ShimChildExit terminates it
 * or its parent ends (a parent killed for hanging takes its child along). */
#define IODRAIN_WINE_CHILD_FLAG "--iodrain-wine-child-of="

__attribute__((constructor)) static void iodrain_wine_child_main(void) {
  const char *flag = strstr(GetCommandLineA(), IODRAIN_WINE_CHILD_FLAG);
  HANDLE parent;
  if (!flag)
    return;
  flag += strlen(IODRAIN_WINE_CHILD_FLAG);
  parent = OpenProcess(SYNCHRONIZE, FALSE, strtoul(flag, NULL, 10));
  if (parent)
    WaitForSingleObject(parent, 120000);
  ExitProcess(0);
}

static HANDLE iodrain_wine_start_child(BOOL inherit) {
  char exe[MAX_PATH], cmd[MAX_PATH + 64];
  STARTUPINFOA si;
  PROCESS_INFORMATION pi;
  GetModuleFileNameA(NULL, exe, sizeof exe);
  snprintf(cmd, sizeof cmd, "\"%s\" " IODRAIN_WINE_CHILD_FLAG "%lu", exe,
           (unsigned long)GetCurrentProcessId());
  memset(&si, 0, sizeof si);
  si.cb = sizeof si;
  if (!CreateProcessA(NULL, cmd, NULL, NULL, inherit, 0, NULL, NULL, &si,
                      &pi)) {
    printf("CreateProcess failed: %lu\n", (unsigned long)GetLastError());
    fflush(stdout);
    ExitProcess(1);
  }
  CloseHandle(pi.hThread);
  return pi.hProcess;
}

/* CreateProcess without, and with, handle inheritance. */
static HANDLE ShimCreateChildProcess(void) {
  return iodrain_wine_start_child(FALSE);
}
static HANDLE ShimCreateChildInheriting(void) {
  return iodrain_wine_start_child(TRUE);
}
/* The child exits: its handles close before this returns. */
static void ShimChildExit(HANDLE child) {
  TerminateProcess(child, 0);
  WaitForSingleObject(child, INFINITE);
}

#endif
