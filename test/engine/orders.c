// What an order test leaves of an unsigned local or parameter, shown by
// iodrain_dump_state(): only `x <= 0` (or `x < 1`, or `!(0 < x)`) says
// anything, that it is 0. The count of a wait on several objects keeps
// what a test learnt of it, as a second test would.
// RUN: %iodrain_tidy --checks=-*,iodrain-close-pending-io --config="{CheckOptions: {iodrain.RulesFiles: '%S/Inputs/dump-state.yaml'}}" %s -- -x c %win32 2>&1 | FileCheck %s --implicit-check-not=remark: --implicit-check-not=warning:
#include <windows.h>
void iodrain_dump_state(void);

// A loop over `count` that never ran: `count` is 0, and so the wait is on
// one object.
void loop_never_ran(DWORD count, HANDLE *events) {
  HANDLE table[4];
  DWORD i;
  table[0] = events[0];
  for (i = 0; i < count && i < 3; i++)
    table[i + 1] = events[i + 1];
  // CHECK: orders.c:[[@LINE+2]]:5: remark: iodrain state: vars{count=0, i=0, table[0]=&events*[0]*} requests{} lasterror=?
  if (i == 0)
    iodrain_dump_state();
  WaitForMultipleObjects(count + 1, table, FALSE, INFINITE);
}

// A signed value below 1 may be negative: nothing is learnt.
void signed_below(int n) {
  // CHECK: orders.c:[[@LINE+2]]:5: remark: iodrain state: vars{} requests{} lasterror=?
  if (n < 1)
    iodrain_dump_state();
  WaitForMultipleObjects(n, NULL, FALSE, INFINITE);
}

// An unsigned value not above 0 is 0; above 0, nothing is learnt.
void unsigned_above(unsigned n) {
  // CHECK: orders.c:[[@LINE+2]]:5: remark: iodrain state: vars{n=0} requests{} lasterror=?
  if (!(0 < n))
    iodrain_dump_state();
  // CHECK: orders.c:[[@LINE+2]]:5: remark: iodrain state: vars{} requests{} lasterror=?
  if (n > 0)
    iodrain_dump_state();
  WaitForMultipleObjects(n, NULL, FALSE, INFINITE);
}
