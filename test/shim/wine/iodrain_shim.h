/* The harness calls of iodrain_shim.h for a scenario built with mingw-w64
 * and run under Wine (the oracle lane). Only ShimFinish exists here: a
 * scenario that uses another harness call is shim-only and does not build.
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

static void ShimFinish(void) {
  int i, dirty = 0;
  size_t k;
  Sleep(100); /* let late completions land */
  for (i = 0; i < iodrain_wine_nfreed; ++i)
    for (k = 0; k < iodrain_wine_freed[i].n; ++k)
      dirty |= iodrain_wine_freed[i].p[k] != 0xDD;
  printf("VERDICT: %s\n", dirty ? "USE-AFTER-FREE" : "CLEAN");
  fflush(stdout);
  ExitProcess(0);
}

#endif
