// What the engine knows along a path, shown by iodrain_dump_state() (a
// `dump-state` rule), one remark per distinct path state reaching the call.
// In C++, `= {0}` also zeroes the OVERLAPPED's offsets; `{{.*}}` allows it.
// RUN: %iodrain_tidy --checks=-*,iodrain-close-pending-io --config="{CheckOptions: {iodrain.RulesFiles: '%S/Inputs/dump-state.yaml'}}" %s -- -x c %win32 2>&1 | FileCheck %s --implicit-check-not=remark: --implicit-check-not=warning:
// RUN: %iodrain_tidy --checks=-*,iodrain-close-pending-io --config="{CheckOptions: {iodrain.RulesFiles: '%S/Inputs/dump-state.yaml'}}" %s -- -x c++ %win32 2>&1 | FileCheck %s --implicit-check-not=remark: --implicit-check-not=warning:
#include <windows.h>

void iodrain_dump_state(void);
void unknown(void);
static char buffer[16];

// ReadFile forks: pending (last error 997), done at once, failed (returns).
// A cancel may find the request (cancelled) or not (ERROR_NOT_FOUND: it had
// completed); a blocking wait drains it.
void read_cancel_wait(HANDLE h) {
  OVERLAPPED ov = {0};
  DWORD n;
  if (!ReadFile(h, buffer, sizeof buffer, NULL, &ov) &&
      GetLastError() != ERROR_IO_PENDING)
    return;
  // CHECK: state.c:[[@LINE+2]]:3: remark: iodrain state: vars{h=!{-2,-1,0},{{.*}} ov.hEvent=null} requests{ov: on h* pending} lasterror=997
  // CHECK: state.c:[[@LINE+1]]:3: remark: iodrain state: vars{h=!{-2,-1,0},{{.*}} ov.hEvent=null} requests{} lasterror=?
  iodrain_dump_state();
  CancelIoEx(h, &ov);
  // CHECK: state.c:[[@LINE+3]]:3: remark: iodrain state: vars{h=!{-2,-1,0},{{.*}} ov.hEvent=null} requests{ov: on h* cancelled} lasterror=?
  // CHECK: state.c:[[@LINE+2]]:3: remark: iodrain state: vars{h=!{-2,-1,0},{{.*}} ov.hEvent=null} requests{} lasterror=1168
  // CHECK: state.c:[[@LINE+1]]:3: remark: iodrain state: vars{h=!{-2,-1,0},{{.*}} ov.hEvent=null} requests{} lasterror=?
  iodrain_dump_state();
  GetOverlappedResult(h, &ov, &n, TRUE);
  // CHECK: state.c:[[@LINE+1]]:3: remark: iodrain state: vars{h=!{-2,-1,0},{{.*}} ov.hEvent=null} requests{} lasterror=?
  iodrain_dump_state();
}

// An unknown call forgets nothing about locals and keeps the last error.
void unknown_call_keeps_last_error(HANDLE h) {
  OVERLAPPED ov = {0};
  int x = 3;
  BOOL ok = ReadFile(h, buffer, sizeof buffer, NULL, &ov);
  unknown();
  if (!ok && GetLastError() == ERROR_IO_PENDING)
    // CHECK: state.c:[[@LINE+1]]:5: remark: iodrain state: vars{h=!{-2,-1,0}, ok=0,{{.*}} ov.hEvent=null, x=3} requests{ov: on h* pending} lasterror=997
    iodrain_dump_state();
  CancelIoEx(h, &ov);
  GetOverlappedResult(h, &ov, (DWORD *)&x, TRUE);
}

// `(rv = GetLastError()) != ERROR_IO_PENDING` refines both the last error
// and rv, in C and in C++ (where the assignment is an lvalue).
void assignment_in_condition(HANDLE h) {
  OVERLAPPED ov = {0};
  DWORD rv;
  if (!ReadFile(h, buffer, sizeof buffer, NULL, &ov) &&
      (rv = GetLastError()) != ERROR_IO_PENDING)
    return;
  // CHECK: state.c:[[@LINE+2]]:3: remark: iodrain state: vars{h=!{-2,-1,0},{{.*}} ov.hEvent=null, rv=997} requests{ov: on h* pending} lasterror=997
  // CHECK: state.c:[[@LINE+1]]:3: remark: iodrain state: vars{h=!{-2,-1,0},{{.*}} ov.hEvent=null} requests{} lasterror=?
  iodrain_dump_state();
  CancelIoEx(h, &ov);
  GetOverlappedResult(h, &ov, &rv, TRUE);
}

// One packet dequeued completes one request: with two pending on the port,
// the other stays pending.
void dequeue_drains_one(HANDLE h, HANDLE port) {
  OVERLAPPED a = {0}, b = {0};
  DWORD n;
  ULONG_PTR key;
  OVERLAPPED *done;
  if (!ReadFile(h, buffer, 8, NULL, &a) && GetLastError() != ERROR_IO_PENDING)
    return;
  if (!ReadFile(h, buffer + 8, 8, NULL, &b) && GetLastError() != ERROR_IO_PENDING)
    return;
  if (!GetQueuedCompletionStatus(port, &n, &key, &done, INFINITE))
    return;
  // CHECK: state.c:[[@LINE+4]]:3: remark: iodrain state: vars{{{.*}}h=!{-2,-1,0}} requests{a: on h* pending} lasterror=!{192,258}
  // CHECK: state.c:[[@LINE+3]]:3: remark: iodrain state: vars{{{.*}}h=!{-2,-1,0}} requests{b: on h* pending} lasterror=!{192,258}
  // CHECK: state.c:[[@LINE+2]]:3: remark: iodrain state: vars{{{.*}}h=!{-2,-1,0}} requests{} lasterror=!{192,258}
  // CHECK: state.c:[[@LINE+1]]:3: remark: iodrain state: vars{{{.*}}h=!{-2,-1,0}} requests{} lasterror=?
  iodrain_dump_state();
  CancelIo(h);
  while (GetQueuedCompletionStatus(port, &n, &key, &done, INFINITE))
    ;
}

// A `transfer` rule hands the whole object over, even through a member's
// address; an unknown call that gets the same address only forgets the
// member.
struct job {
  OVERLAPPED ov;
  struct job *next;
};
void iodrain_hand_over(struct job **link);
void remember(struct job **link);
void transfer_hands_over(HANDLE h, struct job *a, struct job *b) {
  if (ReadFile(h, buffer, sizeof buffer, NULL, &a->ov) ||
      GetLastError() != ERROR_IO_PENDING)
    return;
  if (ReadFile(h, buffer, sizeof buffer, NULL, &b->ov) ||
      GetLastError() != ERROR_IO_PENDING)
    return;
  iodrain_hand_over(&a->next);
  remember(&b->next);
  // CHECK: state.c:[[@LINE+1]]:3: remark: iodrain state: vars{h=!{-2,-1,0}} requests{b*.ov: on h* pending} lasterror=997
  iodrain_dump_state();
}

// A transfer point can name a member of its argument: the slot's job is
// handed over, the other job stays.
struct slot {
  struct job *job;
};
void iodrain_enqueue_slot(struct slot *s);
void transfer_member(HANDLE h, struct slot *s, struct job *other) {
  if (ReadFile(h, buffer, sizeof buffer, NULL, &s->job->ov) ||
      GetLastError() != ERROR_IO_PENDING)
    return;
  if (ReadFile(h, buffer, sizeof buffer, NULL, &other->ov) ||
      GetLastError() != ERROR_IO_PENDING)
    return;
  iodrain_enqueue_slot(s);
  // CHECK: state.c:[[@LINE+1]]:3: remark: iodrain state: vars{h=!{-2,-1,0}} requests{other*.ov: on h* pending} lasterror=997
  iodrain_dump_state();
}

// Storage that holds a live request was not reached through a null
// pointer: after issuing into `*w`, `if (!w)` is false.
void not_null_once_issued(HANDLE h, struct job *w) {
  if (ReadFile(h, buffer, sizeof buffer, NULL, &w->ov) ||
      GetLastError() != ERROR_IO_PENDING)
    return;
  if (!w)
    // No path reaches here: no remark.
    iodrain_dump_state();
  CancelIoEx(h, &w->ov);
  GetOverlappedResult(h, &w->ov, (DWORD *)buffer, TRUE);
}
