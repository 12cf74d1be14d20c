/* Runtime twins of the checker's lit cases.
 *
 * A case file in test/checks ends with a section under IODRAIN_RUNTIME that
 * runs its functions in realistic conditions and lists them with
 * TWIN_MAIN(...). test/tools/check_twins.py builds it against the shim and
 * requires each function the checker flags to end in HANG or
 * USE-AFTER-FREE, and each other function listed to end CLEAN. */
#ifndef IODRAIN_SHIM_TWINS_H
#define IODRAIN_SHIM_TWINS_H

#include "iodrain_shim.h"
#include <stdio.h>
#include <string.h>

struct twin {
  const char *function;
  void (*run)(void);
};

/* The conditions that make a close not cancel: another handle to the
 * server end of a pipe exists, held by this process (a duplicate kept for a
 * worker) or by a child process (an inherited handle). The client end is the
 * remote peer. A child's handle does not keep a port-bound request without
 * an event alive (the process-last-handle rule, spec 1.4); a duplicate in
 * this process does. */
enum twin_holder { TWIN_SAME_PROCESS, TWIN_CHILD };
static HANDLE twin_server, twin_client, twin_child;
static void twin_shared_pipe_held_by(enum twin_holder holder) {
  HANDLE other;
  twin_server = CreateNamedPipeW(L"\\\\.\\pipe\\twin",
                                 PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
                                 PIPE_TYPE_BYTE, 1, 4096, 4096, 0, NULL);
  twin_client = CreateFileW(L"\\\\.\\pipe\\twin", GENERIC_READ | GENERIC_WRITE,
                            0, NULL, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, NULL);
  twin_child = ShimCreateChildProcess();
  DuplicateHandle(GetCurrentProcess(), twin_server,
                  holder == TWIN_CHILD ? twin_child : GetCurrentProcess(),
                  &other, 0, TRUE, DUPLICATE_SAME_ACCESS);
}
static void twin_shared_pipe(void) { twin_shared_pipe_held_by(TWIN_CHILD); }

/* A watched directory that a child also holds (closing this process's
 * handle does not end its requests); a file in it changes in ten seconds. */
static HANDLE twin_watched_directory(void) {
  HANDLE dir, inherited;
  dir = CreateFileW(L"C:\\logs", GENERIC_READ, 7, NULL, OPEN_EXISTING,
                    FILE_FLAG_OVERLAPPED, NULL);
  twin_child = ShimCreateChildProcess();
  DuplicateHandle(GetCurrentProcess(), dir, twin_child, &inherited, 0, TRUE,
                  DUPLICATE_SAME_ACCESS);
  ShimDirectoryChangeAt(dir, 10000);
  return dir;
}

/* The peer answers late: ten seconds of virtual time from now. */
static void twin_peer_answers_late(void) {
  ShimPeerWriteAt(twin_client, "late answer", 11, 10000);
}

#define TWIN(f) {#f, twin_##f}

#define TWIN_MAIN(...)                                                         \
  static const struct twin twins[] = {__VA_ARGS__};                           \
  int main(int argc, char **argv) {                                            \
    size_t i, n = sizeof twins / sizeof twins[0];                              \
    if (argc < 2)                                                              \
      return 2;                                                                \
    for (i = 0; i < n; ++i) {                                                  \
      if (!strcmp(argv[1], "--list")) {                                        \
        puts(twins[i].function);                                               \
        continue;                                                              \
      }                                                                        \
      if (!strcmp(argv[1], twins[i].function)) {                               \
        twins[i].run();                                                        \
        ShimFinish();                                                          \
      }                                                                        \
    }                                                                          \
    return strcmp(argv[1], "--list") ? 3 : 0;                                 \
  }

#endif
