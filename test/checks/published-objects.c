// A heap object stored into a global table of pointers is found there from
// then on, also by the function that stored it: a shutdown function that
// it calls later walks the table and must drain what the object still has
// pending (a directory monitor's watch, then its deinit, from one `main`).
// A member's address stored into a global list still hands the request
// over (the list's owner drains it).
// RUN: %check_iodrain %s -- -x c %win32 | %filecheck %s
// RUN: %check_iodrain %s -- -x c++ %win32 | %filecheck %s
// RUN: %check_iodrain --config="{CheckOptions: {iodrain.FollowCalls: false}}" %s -- -x c %win32 | %filecheck --check-prefix=UNFOLLOWED --allow-empty %s
// RUN: %if shim %{ %check_twins %s -- -x c %win32 %}
#include <windows.h>
#include <stdlib.h>

struct watch {
  HANDLE dir;
  OVERLAPPED ov;
  DWORD buf[256];
};

static struct {
  int count;
  struct watch *slots[8];
} g_watches;

// RUNTIME-TWIN: none, a helper: the sessions' twins run it
static int watch_start(HANDLE dir, int i) {
  struct watch *w = (struct watch *)calloc(1, sizeof *w);
  if (!w)
    return -1;
  w->dir = dir;
  if (!ReadDirectoryChangesW(w->dir, w->buf, sizeof w->buf, TRUE,
                             FILE_NOTIFY_CHANGE_FILE_NAME, NULL, &w->ov,
                             NULL)) {
    free(w);
    return -1;
  }
  g_watches.slots[i] = w;
  ++g_watches.count;
  return 0;
}

// RUNTIME-TWIN: none, a helper: session_bug's twin runs it
static void unwatch_all_bug(void) {
  for (int i = 0; i < 8; ++i) {
    struct watch *w = g_watches.slots[i];
    if (!w)
      continue;
    CancelIo(w->dir);
    CloseHandle(w->dir);
    free(w);
    g_watches.slots[i] = NULL;
  }
  g_watches.count = 0;
}

// RUNTIME-TWIN: none, a helper: session_fixed's twin runs it
static void unwatch_all_fixed(void) {
  for (int i = 0; i < 8; ++i) {
    struct watch *w = g_watches.slots[i];
    DWORD n;
    if (!w)
      continue;
    CancelIo(w->dir);
    GetOverlappedResult(w->dir, &w->ov, &n, TRUE);
    CloseHandle(w->dir);
    free(w);
    g_watches.slots[i] = NULL;
  }
  g_watches.count = 0;
}

void session_bug(HANDLE dir) {
  if (watch_start(dir, 0) != 0)
    return;
  Sleep(100);
  unwatch_all_bug();
  // CHECK: published-objects.c:[[@LINE-28]]:5: note: in call to 'unwatch_all_bug': 'CloseHandle' closes 'w->dir' here
  // CHECK-NEXT: published-objects.c:[[@LINE-47]]:8: note: in call to 'watch_start': 'ReadDirectoryChangesW' starts overlapped I/O on 'w->dir' that may still be pending
  // CHECK-NEXT: published-objects.c:[[@LINE-33]]:9: note: in call to 'unwatch_all_bug': '!w' is false here
  // CHECK-NEXT: published-objects.c:[[@LINE-32]]:5: note: in call to 'unwatch_all_bug': 'CancelIo' requests cancellation here, but the cancelled I/O still completes later
  // CHECK-NEXT: published-objects.c:[[@LINE-5]]:3: warning: 'CloseHandle' closes 'w->dir' after 'CancelIo' without waiting for the cancelled I/O to complete; wait for its completion first (GetOverlappedResult(..., TRUE), or its packet from the completion port) [iodrain-cancel-without-drain]
}

void session_fixed(HANDLE dir) {
  if (watch_start(dir, 0) != 0)
    return;
  Sleep(100);
  unwatch_all_fixed();
}

// A member's address in a global list: the list's owner drains it.
struct node {
  struct node *next;
};
struct job {
  struct node link;
  HANDLE h;
  OVERLAPPED ov;
  char buf[64];
};
static struct node g_orphans;

void job_orphan_fixed(struct job *j) {
  if (!ReadFile(j->h, j->buf, sizeof j->buf, NULL, &j->ov) &&
      GetLastError() != ERROR_IO_PENDING)
    return;
  if (WaitForSingleObject(j->ov.hEvent, 100) != WAIT_OBJECT_0) {
    CancelIoEx(j->h, &j->ov);
    j->link.next = g_orphans.next;
    g_orphans.next = &j->link;
    return;
  }
}

// CHECK-NOT: warning:
// UNFOLLOWED-NOT: warning:

#ifdef IODRAIN_RUNTIME
// Runtime twins: a watched directory also held by a child, whose
// cancellation completes a moment after CancelIo returns: into the freed
// watch, unless it was waited for.
#include "shim_twins.h"

static HANDLE twin_slow_cancel_directory(void) {
  HANDLE dir = twin_watched_directory();
  ShimDeferCancellation(dir);
  return dir;
}
static void twin_session_bug(void) {
  session_bug(twin_slow_cancel_directory());
  Sleep(20000);
}
static void twin_session_fixed(void) {
  session_fixed(twin_slow_cancel_directory());
  Sleep(20000);
}
// The orphan list's owner waits for the cancelled read, then frees it.
static void twin_job_orphan_fixed(void) {
  struct job *j = (struct job *)calloc(1, sizeof *j);
  DWORD n;
  twin_shared_pipe();
  twin_peer_answers_late();
  j->h = twin_server;
  j->ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  job_orphan_fixed(j);
  GetOverlappedResult(j->h, &j->ov, &n, TRUE);
  CloseHandle(j->ov.hEvent);
  free(j);
}

TWIN_MAIN(TWIN(session_bug), TWIN(session_fixed), TWIN(job_orphan_fixed))
#endif
