// Lambdas: a lambda's body is analysed as a function of its own, and a
// captureless lambda passed as a completion routine is that routine: the
// flag it raises is what an alertable loop waits for.
// RUN: %check_iodrain %s -- -x c++ %win32 | %filecheck %s
// RUN: %check_iodrain --config="{CheckOptions: {iodrain.FollowCalls: true}}" %s -- -x c++ %win32 | %filecheck %s
// RUN: %if shim %{ %check_twins %s -- -x c++ %win32 %}
#include <windows.h>

static char buffer[512];
static volatile LONG done_flag;

// The routine raises the flag; the loop sleeps alertably until it does.
void routine_lambda_fixed(HANDLE h) {
  OVERLAPPED ov = {};
  done_flag = 0;
  if (!ReadFileEx(h, buffer, sizeof buffer, &ov,
                  [](DWORD, DWORD, LPOVERLAPPED) { done_flag = 1; }))
    return;
  while (!done_flag)
    SleepEx(INFINITE, TRUE);
}

// One timed sleep may end before the routine runs.
void routine_lambda_bug(HANDLE h) {
  OVERLAPPED ov = {};
  done_flag = 0;
  // CHECK: lambdas.cpp:[[@LINE+2]]:8: note: 'ReadFileEx' starts overlapped I/O on 'h' that may still be pending
  // CHECK-NEXT: lambdas.cpp:[[@LINE+1]]:7: note: '!ReadFileEx(h, buffer, sizeof buffer, &ov, [](DWORD, DWOR...' is false here
  if (!ReadFileEx(h, buffer, sizeof buffer, &ov,
                  [](DWORD, DWORD, LPOVERLAPPED) { done_flag = 1; }))
    return;
  // CHECK-NEXT: lambdas.cpp:[[@LINE+1]]:3: note: 'SleepEx' may time out here before the completion routine runs
  SleepEx(100, TRUE);
  // CHECK-NEXT: lambdas.cpp:[[@LINE+1]]:1: warning: 'ov' goes out of scope while overlapped I/O that uses it may still be pending; cancel the I/O and wait for it to complete first [iodrain-overlapped-lifetime]
}

// The reader lambda closes the handle with its own read pending.
void run_reader_bug(HANDLE h) {
  auto reader = [h]() {
    OVERLAPPED ov = {};
    // CHECK-NEXT: lambdas.cpp:[[@LINE+1]]:5: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
    ReadFile(h, buffer, sizeof buffer, NULL, &ov);
    // CHECK-NEXT: lambdas.cpp:[[@LINE+1]]:5: warning: 'CloseHandle' closes 'h' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
    CloseHandle(h);
  };
  reader();
}

void run_reader_fixed(HANDLE h) {
  auto reader = [h]() {
    OVERLAPPED ov = {};
    DWORD n;
    ReadFile(h, buffer, sizeof buffer, NULL, &ov);
    CancelIoEx(h, &ov);
    GetOverlappedResult(h, &ov, &n, TRUE);
    CloseHandle(h);
  };
  reader();
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
static void twin_routine_lambda_fixed(void) { twin_run(routine_lambda_fixed); }
static void twin_routine_lambda_bug(void) { twin_run(routine_lambda_bug); }
static void twin_run_reader_bug(void) { twin_run(run_reader_bug); }
static void twin_run_reader_fixed(void) { twin_run(run_reader_fixed); }

TWIN_MAIN(TWIN(routine_lambda_fixed), TWIN(routine_lambda_bug),
          TWIN(run_reader_bug), TWIN(run_reader_fixed))
#endif
