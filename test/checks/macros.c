// Calls wrapped in macros are reported at the expansion.
// RUN: %check_iodrain %s -- -x c %win32 | %filecheck %s
// RUN: %check_iodrain %s -- -x c++ %win32 | %filecheck %s
// RUN: %if shim %{ %check_twins %s -- -x c %win32 %}
#include <windows.h>
#include <assert.h>

#define START_READ(h, buf, ov) ReadFile((h), (buf), sizeof(buf), NULL, (ov))
#define SAFE_CLOSE(h)                                                          \
  do {                                                                         \
    if ((h) != INVALID_HANDLE_VALUE)                                           \
      CloseHandle(h);                                                          \
  } while (0)
#define DRAIN(h, ov, n)                                                        \
  do {                                                                         \
    CancelIoEx((h), (ov));                                                     \
    GetOverlappedResult((h), (ov), (n), TRUE);                                 \
  } while (0)

#define MAX_READY 4
#define VERIFY(e) assert(e)

static char buffer[512];

void macro_bug(HANDLE h) {
  OVERLAPPED ov = {0};
  // CHECK: macros.c:[[@LINE+1]]:3: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
  START_READ(h, buffer, &ov);
  // CHECK-NEXT: macros.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'h' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  SAFE_CLOSE(h);
}

void macro_fixed(HANDLE h) {
  OVERLAPPED ov = {0};
  DWORD n;
  START_READ(h, buffer, &ov);
  DRAIN(h, &ov, &n);
  SAFE_CLOSE(h);
}

// A condition inside assert() is quoted as written, with the truth it has
// there (the macro's body tests `!!(ready < 4)`), through a macro of the
// project's own and with the macro used inside it by name.
void assert_bug(HANDLE h, int ready) {
  OVERLAPPED ov = {0};
  // CHECK: macros.c:[[@LINE+1]]:3: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
  START_READ(h, buffer, &ov);
  // CHECK-NEXT: macros.c:[[@LINE+1]]:3: note: 'ready < MAX_READY' is true here
  VERIFY(ready < MAX_READY);
  // CHECK-NEXT: macros.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'h' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  SAFE_CLOSE(h);
}

void assert_fixed(HANDLE h, int ready) {
  OVERLAPPED ov = {0};
  DWORD n;
  START_READ(h, buffer, &ov);
  assert(ready != 0);
  DRAIN(h, &ov, &n);
  SAFE_CLOSE(h);
}

// NOLINT on the close line silences the finding there.
// RUNTIME-TWIN: none, the finding is suppressed on purpose
void suppressed(HANDLE h) {
  OVERLAPPED ov = {0};
  START_READ(h, buffer, &ov);
  CloseHandle(h); // NOLINT(iodrain-close-pending-io): handed to a reaper
}

#ifdef IODRAIN_RUNTIME
// Runtime twins: a pipe whose server end a child also holds; the peer
// answers after ten seconds.
#include "shim_twins.h"

static void twin_run(void (*fn)(HANDLE)) {
  twin_shared_pipe();
  twin_peer_answers_late();
  fn(twin_server);
}
static void twin_macro_bug(void) { twin_run(macro_bug); }
static void twin_macro_fixed(void) { twin_run(macro_fixed); }
static void ready_assert_bug(HANDLE h) { assert_bug(h, 1); }
static void ready_assert_fixed(HANDLE h) { assert_fixed(h, 1); }
static void twin_assert_bug(void) { twin_run(ready_assert_bug); }
static void twin_assert_fixed(void) { twin_run(ready_assert_fixed); }

TWIN_MAIN(TWIN(macro_bug), TWIN(macro_fixed), TWIN(assert_bug),
          TWIN(assert_fixed))
#endif
