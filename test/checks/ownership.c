// Ownership of a heap request passes to the completion handler: the issuer
// returns with the receive pending, the worker finds the context back with
// CONTAINING_RECORD once its packet is dequeued, and frees it. This is how
// most IOCP servers work; it must stay silent, with calls followed or not.
// RUN: %check_iodrain %s -- -x c %win32 | count 0
// RUN: %check_iodrain %s -- -x c++ %win32 | count 0
// RUN: %check_iodrain --config="{CheckOptions: {iodrain.FollowCalls: true}}" %s -- -x c %win32 | count 0
// RUN: %check_iodrain --config="{CheckOptions: {iodrain.FollowCalls: true}}" %s -- -x c++ %win32 | count 0
// RUN: %if shim %{ %check_twins %s -- -x c %win32 %}
#include <winsock2.h>
#include <windows.h>
#include <stdlib.h>

struct io_ctx {
  WSAOVERLAPPED ov;
  WSABUF buf;
  char data[512];
  SOCKET s;
};

// RUNTIME-TWIN: none, a helper: worker_fixed's twin runs it
static BOOL post_recv_fixed(SOCKET s) {
  struct io_ctx *ctx = (struct io_ctx *)calloc(1, sizeof *ctx);
  DWORD flags = 0;
  if (!ctx)
    return FALSE;
  ctx->s = s;
  ctx->buf.buf = ctx->data;
  ctx->buf.len = sizeof ctx->data;
  if (WSARecv(s, &ctx->buf, 1, NULL, &flags, &ctx->ov, NULL) == SOCKET_ERROR &&
      WSAGetLastError() != WSA_IO_PENDING) {
    free(ctx);
    return FALSE;
  }
  return TRUE;
}

void worker_fixed(HANDLE port) {
  DWORD n;
  ULONG_PTR key;
  OVERLAPPED *ov;
  for (;;) {
    BOOL ok = GetQueuedCompletionStatus(port, &n, &key, &ov, INFINITE);
    if (!ov)
      break;
    struct io_ctx *ctx = CONTAINING_RECORD(ov, struct io_ctx, ov);
    SOCKET s = ctx->s;
    free(ctx);
    if (ok && n > 0)
      post_recv_fixed(s);
  }
}

void accept_one_fixed(SOCKET s, HANDLE port) {
  CreateIoCompletionPort((HANDLE)s, port, 0, 0);
  if (!post_recv_fixed(s))
    closesocket(s);
}

// A request whose cancel has not completed in time is parked on a global
// list (libusb's orphaned requests); a reaper frees it once it completes.
// Linking a member (`&req->link`) into a global structure hands the whole
// request over: the caller's close afterwards is not this code's bug.
struct link {
  struct link *next;
};
struct request {
  OVERLAPPED ov;
  struct link link;
  char data[64];
};
static struct link orphans;

// RUNTIME-TWIN: none, a list helper: query_then_close_fixed's twin runs it
static void link_push(struct link *head, struct link *item) {
  item->next = head->next;
  head->next = item;
}

// RUNTIME-TWIN: none, a helper: query_then_close_fixed's twin runs it
static BOOL ioctl_with_timeout_fixed(HANDLE h) {
  struct request *req = (struct request *)calloc(1, sizeof *req);
  if (!req)
    return FALSE;
  req->ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (!DeviceIoControl(h, 1, NULL, 0, req->data, sizeof req->data, NULL,
                       &req->ov) &&
      GetLastError() != ERROR_IO_PENDING) {
    CloseHandle(req->ov.hEvent);
    free(req);
    return FALSE;
  }
  if (WaitForSingleObject(req->ov.hEvent, 5000) == WAIT_TIMEOUT) {
    CancelIoEx(h, &req->ov);
    if (WaitForSingleObject(req->ov.hEvent, 250) == WAIT_TIMEOUT) {
      link_push(&orphans, &req->link);
      return FALSE;
    }
  }
  CloseHandle(req->ov.hEvent);
  free(req);
  return TRUE;
}

void query_then_close_fixed(HANDLE h) {
  ioctl_with_timeout_fixed(h);
  CloseHandle(h);
}

#ifdef IODRAIN_RUNTIME
// Runtime twins. The server: the peer sends one message and hangs up; the
// worker frees each context as its packet arrives, reposts after data,
// and stops at a packet without an OVERLAPPED, posted a second later.
#include "shim_twins.h"

static HANDLE twin_port;
static DWORD WINAPI twin_stop_later(LPVOID arg) {
  Sleep(1000);
  PostQueuedCompletionStatus(twin_port, 0, 0, NULL);
  return 0;
}
static void twin_serve(BOOL run_worker) {
  SOCKET a, b;
  char msg[] = "hello";
  WSABUF wb;
  DWORD sent;
  twin_port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
  ShimSocketPair(&a, &b);
  accept_one_fixed(a, twin_port);
  wb.buf = msg;
  wb.len = sizeof msg;
  WSASend(b, &wb, 1, &sent, 0, NULL, NULL);
  closesocket(b);
  CreateThread(NULL, 0, twin_stop_later, NULL, 0, NULL);
  if (run_worker)
    worker_fixed(twin_port);
}
static void twin_accept_one_fixed(void) { twin_serve(TRUE); }
static void twin_worker_fixed(void) { twin_serve(TRUE); }
// A device that ignores cancellation and completes after seven seconds:
// the request is parked, still alive when the kernel writes it.
static void twin_query_then_close_fixed(void) {
  HANDLE device = ShimOpenNoCancelDevice();
  ShimDeviceCompleteAt(device, 7000);
  query_then_close_fixed(device);
}

TWIN_MAIN(TWIN(accept_one_fixed), TWIN(worker_fixed),
          TWIN(query_then_close_fixed))
#endif
