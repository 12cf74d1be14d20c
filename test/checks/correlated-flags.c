// A flag remembers whether the read is pending; a later test of the flag
// decides whether to cancel and drain. BOOL, int and bool flags all work.
// RUN: %check_iodrain %s -- -x c %win32 | %filecheck %s
// RUN: %check_iodrain %s -- -x c++ %win32 | %filecheck %s
// RUN: %if shim %{ %check_twins %s -- -x c %win32 %}
#include <windows.h>
#include <stdbool.h>

static char buffer[512];

void bool_flag_fixed(HANDLE h) {
  OVERLAPPED ov = {0};
  DWORD n;
  BOOL pending = FALSE;
  if (!ReadFile(h, buffer, sizeof buffer, NULL, &ov) &&
      GetLastError() == ERROR_IO_PENDING)
    pending = TRUE;
  if (pending) {
    CancelIoEx(h, &ov);
    GetOverlappedResult(h, &ov, &n, TRUE);
  }
  CloseHandle(h);
}

void int_flag_fixed(HANDLE h) {
  OVERLAPPED ov = {0};
  DWORD n;
  int pending = 0;
  if (!ReadFile(h, buffer, sizeof buffer, NULL, &ov)) {
    if (GetLastError() == ERROR_IO_PENDING)
      pending = 1;
    else
      pending = 0;
  }
  if (pending != 0) {
    CancelIoEx(h, &ov);
    GetOverlappedResult(h, &ov, &n, TRUE);
  }
  CloseHandle(h);
}

void c_bool_flag_fixed(HANDLE h) {
  OVERLAPPED ov = {0};
  DWORD n;
  bool pending = false;
  if (!ReadFile(h, buffer, sizeof buffer, NULL, &ov) &&
      GetLastError() == ERROR_IO_PENDING)
    pending = true;
  if (!pending)
    goto done;
  CancelIoEx(h, &ov);
  GetOverlappedResult(h, &ov, &n, TRUE);
done:
  CloseHandle(h);
}

// The flag is set, but its test only cancels: nothing waits.
void flag_cancel_only_bug(HANDLE h) {
  OVERLAPPED ov = {0};
  BOOL pending = FALSE;
  // CHECK: correlated-flags.c:[[@LINE+1]]:8: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
  if (!ReadFile(h, buffer, sizeof buffer, NULL, &ov) &&
      GetLastError() == ERROR_IO_PENDING)
    pending = TRUE;
  if (pending)
    // CHECK-NEXT: correlated-flags.c:[[@LINE+1]]:5: note: 'CancelIoEx' requests cancellation here, but the cancelled I/O still completes later
    CancelIoEx(h, &ov);
  // CHECK-NEXT: correlated-flags.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'h' after 'CancelIoEx' without waiting for the cancelled I/O to complete; wait for its completion first (GetOverlappedResult(..., TRUE), or its packet from the completion port) [iodrain-cancel-without-drain]
  CloseHandle(h);
}

// The flag is set from the wrong error code: the pending path skips the
// drain.
void flag_wrong_error_bug(HANDLE h) {
  OVERLAPPED ov = {0};
  DWORD n;
  BOOL pending = FALSE;
  // CHECK: correlated-flags.c:[[@LINE+1]]:8: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
  if (!ReadFile(h, buffer, sizeof buffer, NULL, &ov) &&
      GetLastError() == ERROR_IO_INCOMPLETE)
    pending = TRUE;
  if (pending) {
    CancelIoEx(h, &ov);
    GetOverlappedResult(h, &ov, &n, TRUE);
  }
  // CHECK-NEXT: correlated-flags.c:[[@LINE+2]]:3: note: cancel the pending I/O and wait for it before closing the handle
  // CHECK-NEXT: correlated-flags.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'h' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(h);
}

// The canonical cancellation from the Win32 docs: CancelIoEx either
// cancels (then wait) or finds nothing outstanding (ERROR_NOT_FOUND).
void canonical_cancel_fixed(HANDLE h) {
  OVERLAPPED ov = {0};
  DWORD n;
  ReadFile(h, buffer, sizeof buffer, NULL, &ov);
  if (CancelIoEx(h, &ov) || GetLastError() != ERROR_NOT_FOUND)
    GetOverlappedResult(h, &ov, &n, TRUE);
  CloseHandle(h);
}

// A flag read through a pointer to it: its value is still known after
// the last use of its name (a value no longer read is forgotten, but not
// one whose address is taken).
void flag_through_pointer_fixed(HANDLE h) {
  OVERLAPPED ov = {0};
  DWORD n;
  int pending = 0;
  int *p = &pending;
  if (!ReadFile(h, buffer, sizeof buffer, NULL, &ov) &&
      GetLastError() == ERROR_IO_PENDING)
    pending = 1;
  if (*p)
    GetOverlappedResult(h, &ov, &n, TRUE);
  CloseHandle(h);
}

// The test the wrong way round: the pending read is not drained.
void flag_through_pointer_bug(HANDLE h) {
  OVERLAPPED ov = {0};
  DWORD n;
  int pending = 0;
  int *p = &pending;
  // CHECK: correlated-flags.c:[[@LINE+1]]:8: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
  if (!ReadFile(h, buffer, sizeof buffer, NULL, &ov) &&
      GetLastError() == ERROR_IO_PENDING)
    pending = 1;
  if (!*p)
    GetOverlappedResult(h, &ov, &n, TRUE);
  // CHECK-NEXT: correlated-flags.c:[[@LINE+2]]:3: note: cancel the pending I/O and wait for it before closing the handle
  // CHECK-NEXT: correlated-flags.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'h' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(h);
}

// Flags kept as bits of one word: set with `|=`, cleared with `&= ~`,
// tested with `&`. Each bit is known on its own.
#define READING 0x1
#define WRITING 0x4

void bit_flags_fixed(HANDLE h, unsigned flags) {
  OVERLAPPED ov = {0};
  DWORD n;
  flags &= ~(READING | WRITING);
  if (!ReadFile(h, buffer, sizeof buffer, NULL, &ov) &&
      GetLastError() == ERROR_IO_PENDING)
    flags |= READING;
  if (flags & WRITING)
    flags &= ~WRITING;
  if (flags & READING) {
    CancelIoEx(h, &ov);
    GetOverlappedResult(h, &ov, &n, TRUE);
  }
  CloseHandle(h);
}

// The drain tests the other bit.
void bit_flags_bug(HANDLE h, unsigned flags) {
  OVERLAPPED ov = {0};
  DWORD n;
  flags &= ~(READING | WRITING);
  // CHECK: correlated-flags.c:[[@LINE+1]]:8: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
  if (!ReadFile(h, buffer, sizeof buffer, NULL, &ov) &&
      GetLastError() == ERROR_IO_PENDING)
    flags |= READING;
  if ((flags & WRITING) != 0) {
    CancelIoEx(h, &ov);
    GetOverlappedResult(h, &ov, &n, TRUE);
  }
  // CHECK-NEXT: correlated-flags.c:[[@LINE+2]]:3: note: cancel the pending I/O and wait for it before closing the handle
  // CHECK-NEXT: correlated-flags.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'h' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(h);
}

// A switch with a single case has two ways out, which are not a true and
// a false edge: state 0 takes the case.
void state_switch_fixed(HANDLE h) {
  OVERLAPPED ov = {0};
  DWORD n;
  int state = 0;
  ReadFile(h, buffer, sizeof buffer, NULL, &ov);
  switch (state) {
  case 0:
    CancelIoEx(h, &ov);
    GetOverlappedResult(h, &ov, &n, TRUE);
  }
  CloseHandle(h);
}

void state_switch_bug(HANDLE h) {
  OVERLAPPED ov = {0};
  DWORD n;
  int state = 0;
  // CHECK: correlated-flags.c:[[@LINE+1]]:3: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
  ReadFile(h, buffer, sizeof buffer, NULL, &ov);
  switch (state) {
  case 1:
    CancelIoEx(h, &ov);
    GetOverlappedResult(h, &ov, &n, TRUE);
  }
  // CHECK-NEXT: correlated-flags.c:[[@LINE+2]]:3: note: cancel the pending I/O and wait for it before closing the handle
  // CHECK-NEXT: correlated-flags.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'h' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(h);
}

#ifdef IODRAIN_RUNTIME
// Runtime twins: a pipe whose server end a child also holds; the peer
// answers after ten seconds; cancellation completes a moment after
// CancelIoEx returns.
#include "shim_twins.h"

static void twin_run(void (*fn)(HANDLE)) {
  twin_shared_pipe();
  twin_peer_answers_late();
  ShimDeferCancellation(twin_server);
  fn(twin_server);
}
static void twin_bool_flag_fixed(void) { twin_run(bool_flag_fixed); }
static void twin_int_flag_fixed(void) { twin_run(int_flag_fixed); }
static void twin_c_bool_flag_fixed(void) { twin_run(c_bool_flag_fixed); }
static void twin_flag_cancel_only_bug(void) { twin_run(flag_cancel_only_bug); }
static void twin_flag_wrong_error_bug(void) { twin_run(flag_wrong_error_bug); }
static void twin_canonical_cancel_fixed(void) {
  twin_run(canonical_cancel_fixed);
}

static void twin_flag_through_pointer_fixed(void) {
  twin_run(flag_through_pointer_fixed);
}
static void twin_flag_through_pointer_bug(void) {
  twin_run(flag_through_pointer_bug);
}
static void twin_state_switch_fixed(void) { twin_run(state_switch_fixed); }
static void twin_state_switch_bug(void) { twin_run(state_switch_bug); }
static void twin_bit_flags_fixed(void) {
  twin_shared_pipe();
  twin_peer_answers_late();
  ShimDeferCancellation(twin_server);
  bit_flags_fixed(twin_server, WRITING);
}
static void twin_bit_flags_bug(void) {
  twin_shared_pipe();
  twin_peer_answers_late();
  ShimDeferCancellation(twin_server);
  bit_flags_bug(twin_server, WRITING);
}

TWIN_MAIN(TWIN(bool_flag_fixed), TWIN(int_flag_fixed), TWIN(c_bool_flag_fixed),
          TWIN(flag_cancel_only_bug), TWIN(flag_wrong_error_bug),
          TWIN(canonical_cancel_fixed), TWIN(flag_through_pointer_fixed),
          TWIN(bit_flags_fixed), TWIN(bit_flags_bug),
          TWIN(state_switch_fixed), TWIN(state_switch_bug),
          TWIN(flag_through_pointer_bug))
#endif
