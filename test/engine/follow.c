// Following calls (iodrain.FollowCalls): parameters are bound to what the
// arguments refer to, each path of the callee comes back with its result,
// and a call that does not return ends the path, in the callee too.
// RUN: %iodrain_tidy --checks=-*,iodrain-close-pending-io --config="{CheckOptions: {iodrain.FollowCalls: true, iodrain.RulesFiles: '%S/Inputs/dump-state.yaml'}}" %s -- -x c %win32 2>&1 | FileCheck %s --implicit-check-not=remark: --implicit-check-not=warning:
#include <windows.h>
#include <stdlib.h>

void iodrain_dump_state(void);
static char buffer[16];
static DWORD n_done;

static int cancel_then(HANDLE h, OVERLAPPED *ov, int how) {
  CancelIoEx(h, ov);
  if (how == 1)
    exit(1);
  return how * 10;
}

void exits_in_callee(HANDLE h) {
  OVERLAPPED ov = {0};
  ReadFile(h, buffer, sizeof buffer, NULL, &ov);
  cancel_then(h, &ov, 1);
  // The path with the read pending follows the call and ends in exit(). The
  // paths without a request do not follow it (nothing it does matters to
  // iodrain there): the call is unknown to them, and they go on.
  // CHECK: follow.c:[[@LINE+2]]:3: remark: iodrain state: vars{h=!{-2,-1,0}} requests{} lasterror=?
  // CHECK: follow.c:[[@LINE+1]]:3: remark: iodrain state: vars{} requests{} lasterror=!{997}
  iodrain_dump_state();
}

void returns_from_callee(HANDLE h) {
  OVERLAPPED ov = {0};
  DWORD n;
  int r;
  ReadFile(h, buffer, sizeof buffer, NULL, &ov);
  r = cancel_then(h, &ov, 2);
  // The callee's result comes back as r; its cancel found the request, or
  // found it complete (ERROR_NOT_FOUND).
  // CHECK: follow.c:[[@LINE+5]]:3: remark: iodrain state: vars{h=!{-2,-1,0}, ov.hEvent=null, r=20} requests{ov: on h* cancelled} lasterror=?
  // CHECK: follow.c:[[@LINE+4]]:3: remark: iodrain state: vars{h=!{-2,-1,0}, ov.hEvent=null, r=20} requests{} lasterror=1168
  // Without a request, the call is not followed.
  // CHECK: follow.c:[[@LINE+2]]:3: remark: iodrain state: vars{h=!{-2,-1,0}} requests{} lasterror=?
  // CHECK: follow.c:[[@LINE+1]]:3: remark: iodrain state: vars{} requests{} lasterror=!{997}
  iodrain_dump_state();
  GetOverlappedResult(h, &ov, &n, TRUE);
}

// A callee sees the requests its arguments reach. One that dequeues from a
// port (or waits alertably) may complete any request: it sees them all.
static void pump(HANDLE port) {
  DWORD n;
  ULONG_PTR key;
  OVERLAPPED *done;
  GetQueuedCompletionStatus(port, &n, &key, &done, INFINITE);
}

void dequeue_in_callee(HANDLE h, HANDLE port) {
  OVERLAPPED ov = {0};
  int local = 7;
  CreateIoCompletionPort(h, port, 0, 0);
  ReadFile(h, buffer, sizeof buffer, NULL, &ov);
  pump(port);
  // The packet was the read's (or the read failed at once); the caller's
  // own variables come back as they were (the callee could not see them).
  // CHECK: follow.c:[[@LINE+2]]:3: remark: iodrain state: vars{h=!{-2,-1,0}, local=7, ov.hEvent=null} requests{} lasterror=!{192,258} port-bound{h*}
  // CHECK: follow.c:[[@LINE+1]]:3: remark: iodrain state: vars{local=7, ov.hEvent=null} requests{} lasterror=!{997} port-bound{h*}
  iodrain_dump_state();
  GetOverlappedResult(h, &ov, &n_done, TRUE);
}

// Two requests the callee cannot reach by its arguments: both are handed
// to it (each may be the packet it dequeues).
void dequeue_two_in_callee(HANDLE h, HANDLE port) {
  OVERLAPPED a = {0}, b = {0};
  CreateIoCompletionPort(h, port, 0, 0);
  if (!ReadFile(h, buffer, sizeof buffer, NULL, &a) &&
      GetLastError() != ERROR_IO_PENDING)
    return;
  if (!ReadFile(h, buffer, sizeof buffer, NULL, &b) &&
      GetLastError() != ERROR_IO_PENDING)
    return;
  pump(port);
  // CHECK: follow.c:[[@LINE+4]]:3: remark: iodrain state: vars{a.hEvent=null, b.hEvent=null, h=!{-2,-1,0}} requests{a: on h* packet-queued} lasterror=!{192,258} port-bound{h*}
  // CHECK: follow.c:[[@LINE+3]]:3: remark: iodrain state: vars{a.hEvent=null, b.hEvent=null, h=!{-2,-1,0}} requests{a: on h* pending} lasterror=!{192,258} port-bound{h*}
  // CHECK: follow.c:[[@LINE+2]]:3: remark: iodrain state: vars{a.hEvent=null, b.hEvent=null, h=!{-2,-1,0}} requests{b: on h* packet-queued} lasterror=!{192,258} port-bound{h*}
  // CHECK: follow.c:[[@LINE+1]]:3: remark: iodrain state: vars{a.hEvent=null, b.hEvent=null, h=!{-2,-1,0}} requests{b: on h* pending} lasterror=!{192,258} port-bound{h*}
  iodrain_dump_state();
  GetOverlappedResult(h, &a, &n_done, TRUE);
  GetOverlappedResult(h, &b, &n_done, TRUE);
}

// Each call has new variables: the job the first call returned lives on
// under a retired name (`j@old`), not under the second call's `j`.
struct job {
  OVERLAPPED ov;
  char buf[16];
};

static struct job *start_job(HANDLE h) {
  struct job *j = (struct job *)malloc(sizeof *j);
  if (!ReadFile(h, j->buf, sizeof j->buf, NULL, &j->ov) &&
      GetLastError() == ERROR_IO_PENDING)
    return j;
  free(j);
  return NULL;
}

void two_jobs(HANDLE h) {
  struct job *a = start_job(h);
  struct job *b = start_job(h);
  // CHECK: follow.c:[[@LINE+2]]:5: remark: iodrain state: vars{a=&j@old*, b=&j*} requests{j*.ov: on h* pending, j@old*.ov: on h* pending} lasterror=997
  if (a && b)
    iodrain_dump_state();
}

// Arguments that are calls in the same expression reach what they return:
// the callee sees both jobs, each under its own name.
static void consume_two(HANDLE h, struct job *x, struct job *y) {
  DWORD n;
  // CHECK: follow.c:[[@LINE+1]]:3: remark: iodrain state: vars{} requests{} lasterror=?
  iodrain_dump_state();
  if (x && y)
    GetOverlappedResult(h, &y->ov, &n, TRUE);
}

// CHECK: follow.c:[[@LINE+4]]:36: remark: iodrain state: vars{h=&(*h)*, x=&(*x)*, y=&(*y)*} requests{(*x)*.ov: on (*h)* pending, (*y)*.ov: on (*h)* pending} lasterror=997
// CHECK: follow.c:[[@LINE+3]]:36: remark: iodrain state: vars{h=&(*h)*, x=&(*x)*, y=null} requests{(*x)*.ov: on (*h)* pending} lasterror=?
// CHECK: follow.c:[[@LINE+2]]:36: remark: iodrain state: vars{h=&(*h)*, x=null, y=&(*y)*} requests{(*y)*.ov: on (*h)* pending} lasterror=997
// (Before, neither request was visible in the callee.)
void two_jobs_one_call(HANDLE h) { consume_two(h, start_job(h), start_job(h)); }
