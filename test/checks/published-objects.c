// A heap object stored into a global table of pointers is found there from
// then on, also by the function that stored it: a shutdown function that
// it calls later walks the table and must drain what the object still has
// pending (a directory monitor's watch, then its deinit, from one `main`).
// A member's address stored into a global list still hands the request
// over (the list's owner drains it).
// RUN: %check_iodrain %s -- -x c %win32 | %filecheck --check-prefixes=CHECK,BOTH %s
// RUN: %check_iodrain %s -- -x c++ %win32 | %filecheck --check-prefixes=CHECK,BOTH %s
// RUN: %check_iodrain --config="{CheckOptions: {iodrain.FollowCalls: false}}" %s -- -x c %win32 | %filecheck --check-prefixes=UNFOLLOWED,BOTH %s
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

// The path that stored the watch still reaches it through its own
// pointer: a wait through it drains the request, a close through it after
// a cancel is reported.
void session_drained_fixed(HANDLE dir, int i) {
  DWORD n;
  struct watch *w = (struct watch *)calloc(1, sizeof *w);
  if (!w)
    return;
  w->dir = dir;
  if (!ReadDirectoryChangesW(w->dir, w->buf, sizeof w->buf, TRUE,
                             FILE_NOTIFY_CHANGE_FILE_NAME, NULL, &w->ov,
                             NULL)) {
    free(w);
    return;
  }
  g_watches.slots[i] = w;
  CancelIo(w->dir);
  GetOverlappedResult(w->dir, &w->ov, &n, TRUE);
  unwatch_all_bug();
}

// A reaper thread that drains, closes and frees every watch: once the
// path has waited for it to exit, the table holds nothing pending.
// RUNTIME-TWIN: none, a thread procedure: session_reaped_fixed's twin runs it
static DWORD WINAPI reaper(LPVOID arg) {
  (void)arg;
  unwatch_all_fixed();
  return 0;
}

void session_reaped_fixed(HANDLE dir) {
  HANDLE t;
  if (watch_start(dir, 0) != 0)
    return;
  t = CreateThread(NULL, 0, reaper, NULL, 0, NULL);
  WaitForSingleObject(t, INFINITE);
  CloseHandle(t);
  unwatch_all_bug();
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

// RUNTIME-TWIN: none, the list's owner: job_orphan_fixed's twin runs it
void orphans_reap(void) {
  struct node *n = g_orphans.next;
  while (n) {
    struct job *j = (struct job *)n; // `link` is the first member.
    DWORD bytes;
    n = n->next;
    GetOverlappedResult(j->h, &j->ov, &bytes, TRUE);
    CloseHandle(j->ov.hEvent);
    free(j);
  }
  g_orphans.next = NULL;
}

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

// A cancelled request remembered in a global that no other code reads is
// not handed over: the next call reuses its OVERLAPPED.
struct task {
  HANDLE h;
  OVERLAPPED ov;
  char buf[64];
};
static struct task *g_last_timed_out;

void task_retry_bug(struct task *j) {
  // BOTH: published-objects.c:[[@LINE+4]]:8: note: 'ReadFile' in 'task_retry_bug' starts overlapped I/O on 'j->h' and may return with it pending
  // BOTH-NEXT: published-objects.c:[[@LINE-2]]:37: note: 'task_retry_bug' may be called again with that I/O on 'j' still pending
  // BOTH-NEXT: published-objects.c:[[@LINE+6]]:5: note: 'CancelIoEx' requests cancellation here, but the cancelled I/O still completes later
  // BOTH-NEXT: published-objects.c:[[@LINE+1]]:8: warning: 'ReadFile' reuses the OVERLAPPED 'j->ov' after 'CancelIoEx' without waiting for the cancelled I/O to complete; wait for its completion first (GetOverlappedResult(..., TRUE), or its packet from the completion port) [iodrain-cancel-without-drain]
  if (!ReadFile(j->h, j->buf, sizeof j->buf, NULL, &j->ov) &&
      GetLastError() != ERROR_IO_PENDING)
    return;
  if (WaitForSingleObject(j->ov.hEvent, 100) != WAIT_OBJECT_0) {
    CancelIoEx(j->h, &j->ov);
    g_last_timed_out = j;
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
static void twin_session_drained_fixed(void) {
  session_drained_fixed(twin_slow_cancel_directory(), 1);
  Sleep(20000);
}
static void twin_session_reaped_fixed(void) {
  session_reaped_fixed(twin_slow_cancel_directory());
  Sleep(20000);
}
// A second call after the first one's read timed out: the new read is
// issued into the OVERLAPPED the cancelled one still owns.
static void twin_task_retry_bug(void) {
  struct task *j = (struct task *)calloc(1, sizeof *j);
  DWORD n;
  twin_shared_pipe();
  twin_peer_answers_late();
  ShimDeferCancellation(twin_server);
  j->h = twin_server;
  j->ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  task_retry_bug(j);
  task_retry_bug(j);
  // The caller waits for what it takes for the last read, then frees it.
  GetOverlappedResult(j->h, &j->ov, &n, TRUE);
  free(j);
  Sleep(20000);
}
// The orphan list's owner waits for the cancelled read, then frees it.
static void twin_job_orphan_fixed(void) {
  struct job *j = (struct job *)calloc(1, sizeof *j);
  twin_shared_pipe();
  twin_peer_answers_late();
  j->h = twin_server;
  j->ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  job_orphan_fixed(j);
  orphans_reap();
}

TWIN_MAIN(TWIN(session_bug), TWIN(session_fixed), TWIN(session_drained_fixed),
          TWIN(session_reaped_fixed), TWIN(job_orphan_fixed),
          TWIN(task_retry_bug))
#endif
