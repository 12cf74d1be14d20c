// The storage of an OVERLAPPED or of an I/O buffer must outlive the I/O:
// a timed wait that gives up, a cancel with no wait, a free of the context
// or the reuse of a busy OVERLAPPED leave the kernel writing into it.
// RUN: %check_iodrain %s -- -x c %win32 | %filecheck %s
// RUN: %check_iodrain %s -- -x c++ %win32 | %filecheck %s
// RUN: %if shim %{ %check_twins %s -- -x c %win32 %}
#include <windows.h>
#include <stdlib.h>

static char shared[512];

BOOL timed_read_bug(HANDLE h) {
  OVERLAPPED ov = {0};
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  // CHECK: lifetimes.c:[[@LINE+1]]:8: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
  if (!ReadFile(h, shared, sizeof shared, NULL, &ov) &&
      GetLastError() != ERROR_IO_PENDING)
    return FALSE;
  // CHECK-NEXT: lifetimes.c:[[@LINE+1]]:7: note: 'WaitForSingleObject' may time out here, leaving the I/O pending
  if (WaitForSingleObject(ov.hEvent, 500) != WAIT_OBJECT_0)
    // CHECK-NEXT: lifetimes.c:[[@LINE+1]]:5: warning: 'ov' goes out of scope while overlapped I/O that uses it may still be pending; cancel the I/O and wait for it to complete first [iodrain-overlapped-lifetime]
    return FALSE;
  CloseHandle(ov.hEvent);
  return TRUE;
}

BOOL timed_read_fixed(HANDLE h) {
  OVERLAPPED ov = {0};
  DWORD n;
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (!ReadFile(h, shared, sizeof shared, NULL, &ov) &&
      GetLastError() != ERROR_IO_PENDING)
    return FALSE;
  if (WaitForSingleObject(ov.hEvent, 500) != WAIT_OBJECT_0) {
    CancelIoEx(h, &ov);
    GetOverlappedResult(h, &ov, &n, TRUE);
    return FALSE;
  }
  CloseHandle(ov.hEvent);
  return TRUE;
}

void cancel_and_return_bug(HANDLE h) {
  OVERLAPPED ov = {0};
  // CHECK: lifetimes.c:[[@LINE+1]]:3: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
  ReadFile(h, shared, sizeof shared, NULL, &ov);
  // CHECK-NEXT: lifetimes.c:[[@LINE+1]]:3: note: 'CancelIoEx' requests cancellation here, but the cancelled I/O still completes later
  CancelIoEx(h, &ov);
  // CHECK-NEXT: lifetimes.c:[[@LINE+1]]:1: warning: 'ov' goes out of scope after 'CancelIoEx' without waiting for the cancelled I/O to complete; wait for its completion first (GetOverlappedResult(..., TRUE), or its packet from the completion port) [iodrain-cancel-without-drain]
}

void cancel_and_return_fixed(HANDLE h) {
  OVERLAPPED ov = {0};
  DWORD n;
  ReadFile(h, shared, sizeof shared, NULL, &ov);
  CancelIoEx(h, &ov);
  GetOverlappedResult(h, &ov, &n, TRUE);
}

struct context {
  OVERLAPPED ov;
  char data[256];
};

void sleep_is_no_drain_bug(HANDLE h) {
  struct context *ctx = (struct context *)calloc(1, sizeof *ctx);
  // CHECK: lifetimes.c:[[@LINE+1]]:3: note: 'WriteFile' starts overlapped I/O on 'h' that may still be pending
  WriteFile(h, ctx->data, sizeof ctx->data, NULL, &ctx->ov);
  // CHECK-NEXT: lifetimes.c:[[@LINE+1]]:3: note: 'CancelIo' requests cancellation here, but the cancelled I/O still completes later
  CancelIo(h);
  SleepEx(0, TRUE);
  // CHECK-NEXT: lifetimes.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'h' after 'CancelIo' without waiting for the cancelled I/O to complete; wait for its completion first (GetOverlappedResult(..., TRUE), or its packet from the completion port) [iodrain-cancel-without-drain]
  CloseHandle(h);
  free(ctx);
}

void sleep_is_no_drain_fixed(HANDLE h) {
  struct context *ctx = (struct context *)calloc(1, sizeof *ctx);
  DWORD n;
  WriteFile(h, ctx->data, sizeof ctx->data, NULL, &ctx->ov);
  CancelIo(h);
  GetOverlappedResult(h, &ctx->ov, &n, TRUE);
  CloseHandle(h);
  free(ctx);
}

void free_while_pending_bug(HANDLE h) {
  struct context *ctx = (struct context *)calloc(1, sizeof *ctx);
  // CHECK: lifetimes.c:[[@LINE+1]]:3: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
  ReadFile(h, ctx->data, sizeof ctx->data, NULL, &ctx->ov);
  // CHECK-NEXT: lifetimes.c:[[@LINE+1]]:3: warning: 'free' frees 'ctx' while overlapped I/O that uses it may still be pending; cancel the I/O and wait for it to complete first [iodrain-overlapped-lifetime]
  free(ctx);
}

void free_while_pending_fixed(HANDLE h) {
  struct context *ctx = (struct context *)calloc(1, sizeof *ctx);
  DWORD n;
  ReadFile(h, ctx->data, sizeof ctx->data, NULL, &ctx->ov);
  CancelIoEx(h, &ctx->ov);
  GetOverlappedResult(h, &ctx->ov, &n, TRUE);
  free(ctx);
}

void buffer_freed_bug(HANDLE h, OVERLAPPED *ov) {
  char *copy = (char *)malloc(64);
  // CHECK: lifetimes.c:[[@LINE+1]]:3: note: 'WriteFile' starts overlapped I/O on 'h' that may still be pending
  WriteFile(h, copy, 64, NULL, ov);
  // CHECK-NEXT: lifetimes.c:[[@LINE+1]]:3: warning: 'free' frees 'copy' while overlapped I/O that uses it may still be pending (it is the I/O's buffer); cancel the I/O and wait for it to complete first [iodrain-overlapped-lifetime]
  free(copy);
}

void buffer_freed_fixed(HANDLE h, OVERLAPPED *ov) {
  char *copy = (char *)malloc(64);
  DWORD n;
  WriteFile(h, copy, 64, NULL, ov);
  GetOverlappedResult(h, ov, &n, TRUE);
  free(copy);
}

void reuse_bug(HANDLE h, OVERLAPPED *ov) {
  DWORD n;
  // CHECK: lifetimes.c:[[@LINE+1]]:3: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
  ReadFile(h, shared, 256, NULL, ov);
  // CHECK-NEXT: lifetimes.c:[[@LINE+1]]:3: warning: 'ReadFile' reuses the OVERLAPPED 'ov' while the request that last used it may still be pending; wait for that request to complete first [iodrain-overlapped-lifetime]
  ReadFile(h, shared + 256, 256, NULL, ov);
  GetOverlappedResult(h, ov, &n, TRUE);
}

void reuse_fixed(HANDLE h, OVERLAPPED *ov) {
  DWORD n;
  ReadFile(h, shared, 256, NULL, ov);
  GetOverlappedResult(h, ov, &n, TRUE);
  ReadFile(h, shared + 256, 256, NULL, ov);
  GetOverlappedResult(h, ov, &n, TRUE);
}

// Synchronous success on a port-bound handle still queues a packet that
// the kernel completes into the OVERLAPPED when it is dequeued.
void queued_packet_bug(HANDLE h, HANDLE port) {
  struct context *ctx = (struct context *)calloc(1, sizeof *ctx);
  CreateIoCompletionPort(h, port, 1, 0);
  // CHECK: lifetimes.c:[[@LINE+1]]:7: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
  if (ReadFile(h, ctx->data, sizeof ctx->data, NULL, &ctx->ov))
    // CHECK-NEXT: lifetimes.c:[[@LINE+1]]:5: warning: 'free' frees 'ctx' while the completion packet of overlapped I/O that uses it may still be queued; dequeue the packet first [iodrain-overlapped-lifetime]
    free(ctx);
}

void queued_packet_fixed(HANDLE h, HANDLE port) {
  struct context *ctx = (struct context *)calloc(1, sizeof *ctx);
  CreateIoCompletionPort(h, port, 1, 0);
  SetFileCompletionNotificationModes(h, FILE_SKIP_COMPLETION_PORT_ON_SUCCESS);
  if (ReadFile(h, ctx->data, sizeof ctx->data, NULL, &ctx->ov))
    free(ctx);
}

// A directory watch is queued when the call returns TRUE.
void watch_error_path_fixed(HANDLE dir, HANDLE stop) {
  OVERLAPPED ov = {0};
  DWORD n;
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (ov.hEvent == INVALID_HANDLE_VALUE)
    return; // Impossible: CreateEvent fails with NULL.
  if (!ReadDirectoryChangesW(dir, shared, sizeof shared, TRUE,
                             FILE_NOTIFY_CHANGE_FILE_NAME, NULL, &ov, NULL)) {
    CloseHandle(ov.hEvent);
    return; // Nothing was queued.
  }
  WaitForSingleObject(stop, INFINITE);
  CancelIoEx(dir, &ov);
  GetOverlappedResult(dir, &ov, &n, TRUE);
  CloseHandle(ov.hEvent);
}

// A completion routine that sets a flag; the loop waits alertably for it.
static volatile LONG done_flag;
// RUNTIME-TWIN: none, the completion routine of routine_flag_fixed
static VOID CALLBACK on_done(DWORD err, DWORD n, LPOVERLAPPED ov) {
  done_flag = 1;
}

void routine_flag_fixed(HANDLE h) {
  OVERLAPPED ov = {0};
  done_flag = 0;
  if (!ReadFileEx(h, shared, sizeof shared, &ov, on_done))
    return;
  while (!done_flag)
    SleepEx(INFINITE, TRUE);
}

// Draining in a loop over the issued requests drains them all. Each
// request has its own event: without one, GetOverlappedResult waits on the
// file handle, which the first completion signals for all of them.
void batch_drain_fixed(HANDLE h) {
  OVERLAPPED ovs[4] = {0};
  DWORD n;
  int i, issued = 0;
  for (i = 0; i < 4; i++) {
    ovs[i].hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (!ReadFile(h, shared + i * 64, 64, NULL, &ovs[i]) &&
        GetLastError() != ERROR_IO_PENDING)
      break;
    issued++;
  }
  for (i = 0; i < issued; i++)
    GetOverlappedResult(h, &ovs[i], &n, TRUE);
}

#ifdef IODRAIN_RUNTIME
// Runtime twins: a pipe whose server end a child also holds, the peer
// answering after ten seconds; a socket, also held by a child, whose send
// buffer stays full until the peer reads after ten seconds; cancellation
// that completes a moment after CancelIo/CancelIoEx returns; a completion
// port whose worker loop runs on after the function.
#include <winsock2.h>
#include "shim_twins.h"

static void twin_run(void (*fn)(HANDLE)) {
  twin_shared_pipe();
  twin_peer_answers_late();
  fn(twin_server);
}
static void twin_timed_read_bug(void) {
  twin_shared_pipe();
  twin_peer_answers_late();
  timed_read_bug(twin_server);
}
static void twin_timed_read_fixed(void) {
  twin_shared_pipe();
  twin_peer_answers_late();
  timed_read_fixed(twin_server);
}

// With an immediate cancel the request would end inside CancelIoEx.
static void twin_run_cancel_later(void (*fn)(HANDLE)) {
  twin_shared_pipe();
  twin_peer_answers_late();
  ShimDeferCancellation(twin_server);
  fn(twin_server);
}
static void twin_cancel_and_return_bug(void) {
  twin_run_cancel_later(cancel_and_return_bug);
}
static void twin_cancel_and_return_fixed(void) {
  twin_run_cancel_later(cancel_and_return_fixed);
}

// Pipe writes never pend in the shim; a send into a full socket buffer does.
static HANDLE twin_full_socket(void) {
  SOCKET s, peer;
  ShimSocketPair(&s, &peer);
  twin_child = ShimCreateChildInheriting(); // sockets are inheritable
  ShimSocketSendQuota(s, 0);
  ShimPeerReadsAt(peer, 10000);
  return (HANDLE)s;
}
static void twin_run_send_cancel_later(void (*fn)(HANDLE)) {
  HANDLE s = twin_full_socket();
  ShimDeferCancellation(s);
  fn(s);
}
static void twin_sleep_is_no_drain_bug(void) {
  twin_run_send_cancel_later(sleep_is_no_drain_bug);
}
static void twin_sleep_is_no_drain_fixed(void) {
  twin_run_send_cancel_later(sleep_is_no_drain_fixed);
}
static void twin_free_while_pending_bug(void) {
  twin_run(free_while_pending_bug);
}
static void twin_free_while_pending_fixed(void) {
  twin_run(free_while_pending_fixed);
}
static OVERLAPPED twin_ov;
static void twin_buffer_freed_bug(void) {
  buffer_freed_bug(twin_full_socket(), &twin_ov);
}
static void twin_buffer_freed_fixed(void) {
  buffer_freed_fixed(twin_full_socket(), &twin_ov);
}

// The peer answers twice, ten seconds apart; the caller frees the
// OVERLAPPED once the function has returned.
static void twin_run_two_answers(void (*fn)(HANDLE, OVERLAPPED *)) {
  OVERLAPPED *ov = (OVERLAPPED *)calloc(1, sizeof *ov);
  twin_shared_pipe();
  ShimPeerWriteAt(twin_client, "first answer", 12, 10000);
  ShimPeerWriteAt(twin_client, "second answer", 13, 20000);
  fn(twin_server, ov);
  free(ov);
}
static void twin_reuse_bug(void) { twin_run_two_answers(reuse_bug); }
static void twin_reuse_fixed(void) { twin_run_two_answers(reuse_fixed); }

// The peer has already sent its request, so the read completes at once.
// The worker loop of the port runs on for a minute after the function and,
// like any IOCP server loop, reissues the read of each request it dequeues:
// the synchronous success wrote its status at once (spec 3.2), so it is
// the loop's use of the dangling packet that touches the freed context.
static void twin_run_port(void (*fn)(HANDLE, HANDLE)) {
  OVERLAPPED sent = {0};
  HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
  DWORD n;
  ULONG_PTR key;
  LPOVERLAPPED done;
  twin_shared_pipe();
  WriteFile(twin_client, "request", 7, NULL, &sent);
  fn(twin_server, port);
  while (GetQueuedCompletionStatus(port, &n, &key, &done, 60000)) {
    struct context *ctx = (struct context *)done; // ov is the first member
    ReadFile(twin_server, ctx->data, sizeof ctx->data, NULL, &ctx->ov);
  }
}
static void twin_queued_packet_bug(void) { twin_run_port(queued_packet_bug); }
static void twin_queued_packet_fixed(void) {
  twin_run_port(queued_packet_fixed);
}

// A watched directory in which a file changes in ten seconds; the stop
// event is already set.
static void twin_watch_error_path_fixed(void) {
  HANDLE stop = CreateEventW(NULL, TRUE, TRUE, NULL);
  HANDLE dir = CreateFileW(L"C:\\logs", GENERIC_READ, 7, NULL, OPEN_EXISTING,
                           FILE_FLAG_OVERLAPPED, NULL);
  ShimDirectoryChangeAt(dir, 10000);
  watch_error_path_fixed(dir, stop);
}
static void twin_routine_flag_fixed(void) { twin_run(routine_flag_fixed); }

// The peer answers each of the four reads, ten seconds apart.
static void twin_batch_drain_fixed(void) {
  twin_shared_pipe();
  ShimPeerWriteAt(twin_client, "answer 1", 8, 10000);
  ShimPeerWriteAt(twin_client, "answer 2", 8, 20000);
  ShimPeerWriteAt(twin_client, "answer 3", 8, 30000);
  ShimPeerWriteAt(twin_client, "answer 4", 8, 40000);
  batch_drain_fixed(twin_server);
}

TWIN_MAIN(TWIN(timed_read_bug), TWIN(timed_read_fixed),
          TWIN(cancel_and_return_bug), TWIN(cancel_and_return_fixed),
          TWIN(sleep_is_no_drain_bug), TWIN(sleep_is_no_drain_fixed),
          TWIN(free_while_pending_bug), TWIN(free_while_pending_fixed),
          TWIN(buffer_freed_bug), TWIN(buffer_freed_fixed), TWIN(reuse_bug),
          TWIN(reuse_fixed), TWIN(queued_packet_bug),
          TWIN(queued_packet_fixed), TWIN(watch_error_path_fixed),
          TWIN(routine_flag_fixed), TWIN(batch_drain_fixed))
#endif
