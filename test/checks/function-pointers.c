// Calls through function pointer variables: a `const` pointer initialised
// with a modelled function is that function; a pointer another unit sets
// (a project's hook table) is known by a rule for its name; a pointer that
// may change is an unknown call.
// RUN: %check_iodrain %s -- -x c %win32 | %filecheck %s
// RUN: %check_iodrain --config="{CheckOptions: {iodrain.RulesFiles: '%S/Inputs/hooks.yaml'}}" %s -- -x c %win32 | %filecheck %s --check-prefixes=CHECK,HOOK
// RUN: %if shim %{ %check_twins --config="{CheckOptions: {iodrain.RulesFiles: '%S/Inputs/hooks.yaml'}}" %s -- -x c %win32 %}
#include <windows.h>

typedef BOOL(WINAPI *read_fn)(HANDLE, LPVOID, DWORD, LPDWORD, LPOVERLAPPED);

static read_fn const hooked_read = ReadFile;
static char buffer[64];

// The read through the pointer is still pending when the function returns.
void hooked_timeout_bug(HANDLE h) {
  OVERLAPPED ov = {0};
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  // CHECK: function-pointers.c:[[@LINE+1]]:8: note: 'hooked_read' starts overlapped I/O on 'h' that may still be pending
  if (!hooked_read(h, buffer, sizeof buffer, NULL, &ov) &&
      GetLastError() == ERROR_IO_PENDING)
    // CHECK-NEXT: function-pointers.c:[[@LINE+1]]:5: note: 'WaitForSingleObject' may time out here, leaving the I/O pending
    WaitForSingleObject(ov.hEvent, 1000);
  CloseHandle(ov.hEvent);
  // CHECK-NEXT: function-pointers.c:[[@LINE+1]]:1: warning: 'ov' goes out of scope while overlapped I/O that uses it may still be pending; cancel the I/O and wait for it to complete first [iodrain-overlapped-lifetime]
}

void hooked_timeout_fixed(HANDLE h) {
  OVERLAPPED ov = {0};
  DWORD n;
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (!hooked_read(h, buffer, sizeof buffer, NULL, &ov) &&
      GetLastError() == ERROR_IO_PENDING &&
      WaitForSingleObject(ov.hEvent, 1000) != WAIT_OBJECT_0) {
    CancelIoEx(h, &ov);
    GetOverlappedResult(h, &ov, &n, TRUE);
  }
  CloseHandle(ov.hEvent);
}

// Set in another unit: without a rule for it, an unknown call that takes
// the OVERLAPPED (silent); with one, a read.
extern read_fn PReadFile;

void hook_table_bug(HANDLE h) {
  OVERLAPPED ov = {0};
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  // HOOK: function-pointers.c:[[@LINE+1]]:8: note: 'PReadFile' starts overlapped I/O on 'h' that may still be pending
  if (!PReadFile(h, buffer, sizeof buffer, NULL, &ov) &&
      GetLastError() == ERROR_IO_PENDING)
    // HOOK-NEXT: function-pointers.c:[[@LINE+1]]:5: note: 'WaitForSingleObject' may time out here, leaving the I/O pending
    WaitForSingleObject(ov.hEvent, 1000);
  CloseHandle(ov.hEvent);
  // HOOK-NEXT: function-pointers.c:[[@LINE+1]]:1: warning: 'ov' goes out of scope while overlapped I/O that uses it may still be pending; cancel the I/O and wait for it to complete first [iodrain-overlapped-lifetime]
}

// The same hook called through an explicit dereference.
void hook_deref_bug(HANDLE h) {
  OVERLAPPED ov = {0};
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  // HOOK: function-pointers.c:[[@LINE+1]]:8: note: '(*PReadFile)' starts overlapped I/O on 'h' that may still be pending
  if (!(*PReadFile)(h, buffer, sizeof buffer, NULL, &ov) &&
      GetLastError() == ERROR_IO_PENDING)
    // HOOK-NEXT: function-pointers.c:[[@LINE+1]]:5: note: 'WaitForSingleObject' may time out here, leaving the I/O pending
    WaitForSingleObject(ov.hEvent, 1000);
  CloseHandle(ov.hEvent);
  // HOOK-NEXT: function-pointers.c:[[@LINE+1]]:1: warning: 'ov' goes out of scope while overlapped I/O that uses it may still be pending; cancel the I/O and wait for it to complete first [iodrain-overlapped-lifetime]
}

void hook_deref_fixed(HANDLE h) {
  OVERLAPPED ov = {0};
  DWORD n;
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (!(*PReadFile)(h, buffer, sizeof buffer, NULL, &ov) &&
      GetLastError() == ERROR_IO_PENDING)
    GetOverlappedResult(h, &ov, &n, TRUE);
  CloseHandle(ov.hEvent);
}

// A pointer that may change is not taken for what it starts as: here a
// wrapper that waits replaces ReadFile before the call.
static read_fn changeable_read = ReadFile;

// RUNTIME-TWIN: none, a helper: changeable_fixed's twin runs it
static BOOL WINAPI read_and_wait(HANDLE h, LPVOID buf, DWORD n, LPDWORD got,
                                 LPOVERLAPPED ov) {
  DWORD done;
  if (!ReadFile(h, buf, n, got, ov) && GetLastError() != ERROR_IO_PENDING)
    return FALSE;
  return GetOverlappedResult(h, ov, &done, TRUE);
}

void changeable_fixed(HANDLE h) {
  OVERLAPPED ov = {0};
  changeable_read = read_and_wait;
  changeable_read(h, buffer, sizeof buffer, NULL, &ov);
  CloseHandle(h);
}

#ifdef IODRAIN_RUNTIME
// Runtime twins: a pipe whose server end a child also holds; the peer
// answers after ten seconds, long after the one-second wait.
#include "shim_twins.h"

read_fn PReadFile = ReadFile;

static void twin_run(void (*fn)(HANDLE)) {
  twin_shared_pipe();
  twin_peer_answers_late();
  ShimDeferCancellation(twin_server);
  fn(twin_server);
  Sleep(20000);
}
static void twin_hooked_timeout_bug(void) { twin_run(hooked_timeout_bug); }
static void twin_hooked_timeout_fixed(void) { twin_run(hooked_timeout_fixed); }
static void twin_hook_table_bug(void) { twin_run(hook_table_bug); }
static void twin_hook_deref_bug(void) { twin_run(hook_deref_bug); }
static void twin_hook_deref_fixed(void) { twin_run(hook_deref_fixed); }
static void twin_changeable_fixed(void) { twin_run(changeable_fixed); }

TWIN_MAIN(TWIN(hooked_timeout_bug), TWIN(hooked_timeout_fixed),
          TWIN(hook_table_bug), TWIN(hook_deref_bug), TWIN(hook_deref_fixed),
          TWIN(changeable_fixed))
#endif
