/* Driver of the differential tests (test/differential/run.py).
 *
 * A generated function `void f(HANDLE h, unsigned bits)` runs on the server
 * end of a named pipe whose client end is the remote peer. The run's
 * environment comes from the command line:
 *
 *   EXE --list                                   the functions of the file
 *   EXE FUNCTION BITS PEER CANCEL HOLDER         one run
 *
 *   PEER    early: the peer writes 16 bytes every 10 ms from 1 ms on:
 *                  before a 100 ms timed wait expires, and before a deferred
 *                  cancellation of a request issued at 0 ms (the
 *                  cancellation comes too late: the read completes with data)
 *           late:  the peer writes 16 bytes every second from 10 s on (a
 *                  100 ms timed wait times out, also after an earlier
 *                  blocking wait)
 *           never: the peer never writes
 *           nocancel: h is not a pipe but a device that ignores
 *                  cancellation (ShimOpenNoCancelDevice, as some drivers
 *                  do) and completes every pending request every second
 *                  from 10 s on; CANCEL and HOLDER do not matter
 *   CANCEL  immediate: a cancelled pipe read ends inside CancelIo(Ex)
 *           deferred:  it ends at the next scheduler step
 *                      (ShimDeferCancellation), as Windows allows
 *   HOLDER  child: a simulated child process holds a duplicate of the server
 *                  end, so that CloseHandle(h) does not cancel (iodrain's
 *                  premise)
 *           none:  h is the only handle, so that closing it cancels; used
 *                  only as the counterfactual of a HANG with PEER=never
 *
 * Every read of a generated function asks for 16 bytes, so each read
 * consumes exactly one write of the peer; there are more writes than reads.
 */
#ifndef IODRAIN_DIFF_DRIVER_H
#define IODRAIN_DIFF_DRIVER_H

#include "iodrain_shim.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct diff_case {
  const char *name;
  void (*fn)(HANDLE, unsigned);
};

static HANDLE diff_setup(const char *peer, const char *cancel,
                         const char *holder) {
  HANDLE server, client, other;
  DWORD first = 0, step = 10, i;
  if (!strcmp(peer, "nocancel")) {
    HANDLE dev = ShimOpenNoCancelDevice();
    for (i = 0; i < 32; ++i)
      ShimDeviceCompleteAt(dev, 10000 + 1000 * i);
    return dev;
  }
  server = CreateNamedPipeW(L"\\\\.\\pipe\\diff",
                            PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
                            PIPE_TYPE_BYTE, 1, 4096, 4096, 0, NULL);
  client = CreateFileW(L"\\\\.\\pipe\\diff", GENERIC_READ | GENERIC_WRITE, 0,
                       NULL, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, NULL);
  if (!strcmp(holder, "child")) {
    HANDLE child = ShimCreateChildProcess();
    DuplicateHandle(GetCurrentProcess(), server, child, &other, 0, TRUE,
                    DUPLICATE_SAME_ACCESS);
  } else if (strcmp(holder, "none")) {
    exit(4);
  }
  if (!strcmp(peer, "early"))
    first = 1;
  else if (!strcmp(peer, "late"))
    first = 10000, step = 1000;
  else if (strcmp(peer, "never"))
    exit(4);
  if (first)
    for (i = 0; i < 32; ++i)
      ShimPeerWriteAt(client, "0123456789abcdef", 16, first + step * i);
  if (!strcmp(cancel, "deferred"))
    ShimDeferCancellation(server);
  else if (strcmp(cancel, "immediate"))
    exit(4);
  return server;
}

#define DIFF_CASE(f) {#f, f}

#define DIFF_MAIN(...)                                                         \
  static const struct diff_case diff_cases[] = {__VA_ARGS__};                 \
  int main(int argc, char **argv) {                                            \
    size_t i, n = sizeof diff_cases / sizeof diff_cases[0];                   \
    if (argc == 2 && !strcmp(argv[1], "--list")) {                             \
      for (i = 0; i < n; ++i)                                                  \
        puts(diff_cases[i].name);                                              \
      return 0;                                                                \
    }                                                                          \
    if (argc != 6)                                                             \
      return 2;                                                                \
    for (i = 0; i < n; ++i)                                                    \
      if (!strcmp(argv[1], diff_cases[i].name)) {                              \
        HANDLE h = diff_setup(argv[3], argv[4], argv[5]);                      \
        diff_cases[i].fn(h, (unsigned)strtoul(argv[2], NULL, 0));             \
        ShimFinish();                                                          \
      }                                                                        \
    return 3;                                                                  \
  }

#endif
