// Tables of handles: the elements of a wait's dispatch table are named by
// the counter that fills them; other tables keep one unknown element, and
// a store at an unknown index forgets every element it may overwrite.
// RUN: %iodrain_tidy --checks=-*,iodrain-close-pending-io --config="{CheckOptions: {iodrain.RulesFiles: '%S/Inputs/dump-state.yaml'}}" %s -- -x c %win32 2>&1 | FileCheck %s --implicit-check-not=remark: --implicit-check-not=warning:
#include <windows.h>

void iodrain_dump_state(void);

void dispatch_table(HANDLE stop) {
  HANDLE table[2];
  HANDLE ev = CreateEventW(NULL, TRUE, FALSE, NULL);
  int count = 0;
  table[count] = ev;
  count++;
  table[count] = stop;
  count++;
  // CHECK: tables.c:[[@LINE+1]]:3: remark: iodrain state: vars{count=2, ev=!{-1}[new][quiet][private], table[0]=&ev*, table[1]=&stop*} requests{} lasterror=?
  iodrain_dump_state();
  DWORD dw = WaitForMultipleObjects(count, table, FALSE, INFINITE);
  if (table[dw - WAIT_OBJECT_0] == stop)
    return;
  // The quiet event never ends the wait: only the stop event does.
  // (No remark: this point is never reached.)
  iodrain_dump_state();
}

// Compared only with NULL: the elements stay one unknown element, and the
// first store at it forgets what the initialiser said of each.
void join_table(void) {
  HANDLE threads[4] = {NULL, NULL, NULL, NULL};
  int i;
  for (i = 0; i < 2; i++)
    threads[i] = CreateEventW(NULL, FALSE, FALSE, NULL);
  // CHECK: tables.c:[[@LINE+1]]:3: remark: iodrain state: vars{i=2, threads[?]=!{-1}[new][quiet][private]} requests{} lasterror=?
  iodrain_dump_state();
  for (i = 0; i < 4; i++)
    if (threads[i] != NULL)
      CloseHandle(threads[i]);
}

void overwritten_at_unknown_index(HANDLE a, HANDLE b, int k) {
  HANDLE table[2];
  table[0] = a;
  table[1] = b;
  table[k] = b;
  // CHECK: tables.c:[[@LINE+1]]:3: remark: iodrain state: vars{table[?]=&b*} requests{} lasterror=?
  iodrain_dump_state();
  WaitForMultipleObjects(2, table, FALSE, INFINITE);
  if (table[1] == a)
    return;
}
