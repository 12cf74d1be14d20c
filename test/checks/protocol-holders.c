// Where an entry point finds an object that another entry point left a
// request in: besides its parameters, a global that points to one, or a
// global table of pointers (any element). A request whose API says
// "queued" when it succeeds (ReadDirectoryChangesW) is pending whether or
// not the code compares with ERROR_IO_PENDING, so it too is part of the
// object's protocol.
// RUN: %check_iodrain %s -- -x c %win32 | %filecheck %s
// RUN: %check_iodrain %s -- -x c++ %win32 | %filecheck %s
// RUN: %check_iodrain --config="{CheckOptions: {iodrain.FollowCalls: true}}" %s -- -x c %win32 | %filecheck %s
// RUN: %if shim %{ %check_twins %s -- -x c %win32 %}
#include <windows.h>
#include <stdlib.h>

struct watch {
  HANDLE dir;
  OVERLAPPED ov;
  DWORD buf[256];
};

static struct watch *g_watches[8];

// RUNTIME-TWIN: none, the issuer: the removers' twins run it
int watch_add(int i, struct watch *w) {
  // CHECK: protocol-holders.c:[[#ISSUE:@LINE+1]]:8: note: 'ReadDirectoryChangesW' in 'watch_add' starts overlapped I/O on 'w->dir' and may return with it pending
  if (!ReadDirectoryChangesW(w->dir, w->buf, sizeof w->buf, TRUE,
                             FILE_NOTIFY_CHANGE_FILE_NAME, NULL, &w->ov, NULL))
    return -1;
  g_watches[i] = w;
  return 0;
}

// CHECK-NEXT: protocol-holders.c:[[@LINE+1]]:30: note: 'watch_remove_bug' may be called with that I/O on 'g_watches' still pending
void watch_remove_bug(int i) {
  struct watch *w = g_watches[i];
  // CHECK-NEXT: protocol-holders.c:[[@LINE+1]]:7: note: '!w' is false here
  if (!w)
    return;
  // CHECK-NEXT: protocol-holders.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'w->dir' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(w->dir);
  free(w);
  g_watches[i] = NULL;
}

void watch_remove_fixed(int i) {
  struct watch *w = g_watches[i];
  DWORD n;
  if (!w)
    return;
  CancelIoEx(w->dir, &w->ov);
  GetOverlappedResult(w->dir, &w->ov, &n, TRUE);
  CloseHandle(w->dir);
  free(w);
  g_watches[i] = NULL;
}

// The same through a parameter: the queued request is the object's.
// CHECK: protocol-holders.c:[[#ISSUE]]:8: note: 'ReadDirectoryChangesW' in 'watch_add' starts overlapped I/O on 'w->dir' and may return with it pending
// CHECK-NEXT: protocol-holders.c:[[@LINE+1]]:38: note: 'watch_free_bug' may be called with that I/O on 'w' still pending
void watch_free_bug(struct watch *w) {
  // CHECK-NEXT: protocol-holders.c:[[@LINE+1]]:3: warning: 'free' frees 'w' while overlapped I/O that uses it may still be pending; cancel the I/O and wait for it to complete first [iodrain-overlapped-lifetime]
  free(w);
}

// A table inside a global structure, guarded by a lock in the same
// structure. Neither the lock calls nor a counter beside the table hand
// the slots over, and a test of the counter says nothing of a slot's own
// state.
struct slot {
  HANDLE h;
  OVERLAPPED ov;
  char buf[64];
};
static struct {
  CRITICAL_SECTION lock;
  LONG quit;
  int count;
  struct slot *slots[8];
} g_table;

// RUNTIME-TWIN: none, the issuer: the removers' twins run it
void table_add(int i, struct slot *s) {
  // CHECK: protocol-holders.c:[[@LINE+1]]:7: note: 'ReadFile' in 'table_add' starts overlapped I/O on 's->h' and may return with it pending
  if (ReadFile(s->h, s->buf, sizeof s->buf, NULL, &s->ov) ||
      GetLastError() == ERROR_IO_PENDING) {
    EnterCriticalSection(&g_table.lock);
    g_table.slots[i] = s;
    g_table.count++;
    LeaveCriticalSection(&g_table.lock);
  }
}

// CHECK-NEXT: protocol-holders.c:[[@LINE+1]]:30: note: 'table_remove_bug' may be called with that I/O on 'g_table.slots' still pending
void table_remove_bug(int i) {
  struct slot *s;
  InterlockedExchange(&g_table.quit, 1);
  EnterCriticalSection(&g_table.lock);
  s = g_table.slots[i];
  // CHECK-NEXT: protocol-holders.c:[[@LINE+2]]:7: note: 'g_table.count == 0' is false here
  // CHECK-NEXT: protocol-holders.c:[[@LINE+1]]:29: note: '!s' is false here
  if (g_table.count == 0 || !s) {
    LeaveCriticalSection(&g_table.lock);
    return;
  }
  g_table.slots[i] = NULL;
  g_table.count--;
  LeaveCriticalSection(&g_table.lock);
  // CHECK-NEXT: protocol-holders.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 's->h' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(s->h);
  free(s);
}

void table_remove_fixed(int i) {
  struct slot *s;
  DWORD n;
  InterlockedExchange(&g_table.quit, 1);
  EnterCriticalSection(&g_table.lock);
  s = g_table.slots[i];
  if (g_table.count == 0 || !s) {
    LeaveCriticalSection(&g_table.lock);
    return;
  }
  g_table.slots[i] = NULL;
  g_table.count--;
  LeaveCriticalSection(&g_table.lock);
  CancelIoEx(s->h, &s->ov);
  GetOverlappedResult(s->h, &s->ov, &n, TRUE);
  CloseHandle(s->h);
  free(s);
}

// A global table of plain values is no holder.
static HANDLE g_events[8];

void events_close_fixed(int i) { CloseHandle(g_events[i]); }

// CHECK-NOT: warning:

#ifdef IODRAIN_RUNTIME
// Runtime twins: a watched directory also held by a child; a file changes
// in ten seconds, and the kernel then writes the change into the freed
// watch.
#include "shim_twins.h"

static struct watch *twin_watching(int i) {
  HANDLE inherited;
  struct watch *w = (struct watch *)calloc(1, sizeof *w);
  w->dir = CreateFileW(L"C:\\logs", GENERIC_READ, 7, NULL, OPEN_EXISTING,
                       FILE_FLAG_OVERLAPPED, NULL);
  twin_child = ShimCreateChildProcess();
  DuplicateHandle(GetCurrentProcess(), w->dir, twin_child, &inherited, 0, TRUE,
                  DUPLICATE_SAME_ACCESS);
  ShimDirectoryChangeAt(w->dir, 10000);
  watch_add(i, w);
  return w;
}
static void twin_watch_remove_bug(void) {
  twin_watching(0);
  watch_remove_bug(0);
  Sleep(20000);
}
static void twin_watch_remove_fixed(void) {
  twin_watching(0);
  watch_remove_fixed(0);
  Sleep(20000);
}
static void twin_watch_free_bug(void) {
  struct watch *w = twin_watching(1);
  HANDLE dir = w->dir;
  watch_free_bug(w);
  Sleep(20000);
  CloseHandle(dir);
}
static void twin_table(void (*remove)(int)) {
  struct slot *s = (struct slot *)calloc(1, sizeof *s);
  InitializeCriticalSection(&g_table.lock);
  twin_shared_pipe();
  twin_peer_answers_late();
  s->h = twin_server;
  table_add(2, s);
  remove(2);
  Sleep(20000);
}
static void twin_table_remove_bug(void) { twin_table(table_remove_bug); }
static void twin_table_remove_fixed(void) { twin_table(table_remove_fixed); }
static void twin_events_close_fixed(void) {
  g_events[0] = CreateEventW(NULL, TRUE, FALSE, NULL);
  events_close_fixed(0);
}

TWIN_MAIN(TWIN(watch_remove_bug), TWIN(watch_remove_fixed),
          TWIN(watch_free_bug), TWIN(table_remove_bug),
          TWIN(table_remove_fixed), TWIN(events_close_fixed))
#endif
