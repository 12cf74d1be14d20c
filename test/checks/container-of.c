// A closer reached through a table of callbacks gets a pointer to a member
// of its object (a C "base" embedded in the server) and finds the object
// back with container_of or CONTAINING_RECORD. It receives whatever the
// object's protocol left pending, as a closer given the object itself does.
// RUN: %check_iodrain %s -- -x c %win32 | %filecheck %s
// RUN: %check_iodrain %s -- -x c++ %win32 | %filecheck %s
// RUN: %check_iodrain --config="{CheckOptions: {iodrain.FollowCalls: true}}" %s -- -x c %win32 | %filecheck %s
// RUN: %if shim %{ %check_twins %s -- -x c %win32 %}
#include <windows.h>
#include <stddef.h>
#include <stdlib.h>

// Both with a type check of the member's address, as real macros have it.
#define container_of(p, T, m)                                                  \
  (sizeof((p) == &((T *)0)->m) ? (T *)((char *)(p) - offsetof(T, m))          \
                               : (T *)((char *)(p) - offsetof(T, m)))
#define container_of_comma(p, T, m)                                            \
  ((void)sizeof((p) == &((T *)0)->m), (T *)((char *)(p) - offsetof(T, m)))

struct sock;
struct sock_vt {
  void (*close)(struct sock *);
};
struct sock {
  const struct sock_vt *vt;
};
struct link {
  struct sock sock;
  int id;
};
struct server {
  HANDLE pipe;
  OVERLAPPED ov;
  char buf[64];
  BOOL reading;
  struct sock sock;
  struct link link;
};

// RUNTIME-TWIN: none, the issuer: the closers' twins run it
void server_read(struct server *ps) {
  // CHECK: container-of.c:[[#ISSUE:@LINE+1]]:7: note: 'ReadFile' in 'server_read' starts overlapped I/O on 'ps->pipe' and may return with it pending
  if (ReadFile(ps->pipe, ps->buf, sizeof ps->buf, NULL, &ps->ov) ||
      GetLastError() == ERROR_IO_PENDING)
    ps->reading = TRUE;
}

// CHECK-NEXT: container-of.c:[[@LINE+1]]:46: note: 'server_close_bug' may be called with that I/O on 's' still pending
static void server_close_bug(struct sock *s) {
  struct server *ps = container_of(s, struct server, sock);
  // CHECK-NEXT: container-of.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'ps->pipe' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(ps->pipe);
  free(ps);
}

static void server_close_fixed(struct sock *s) {
  struct server *ps = container_of(s, struct server, sock);
  DWORD n;
  if (ps->reading) {
    CancelIoEx(ps->pipe, &ps->ov);
    GetOverlappedResult(ps->pipe, &ps->ov, &n, TRUE);
  }
  CloseHandle(ps->pipe);
  free(ps);
}

// CHECK: container-of.c:[[#ISSUE]]:7: note: 'ReadFile' in 'server_read' starts overlapped I/O on 'ps->pipe' and may return with it pending
// CHECK-NEXT: container-of.c:[[@LINE+1]]:48: note: 'server_release_bug' may be called with that I/O on 's' still pending
static void server_release_bug(struct sock *s) {
  // CHECK-NEXT: container-of.c:[[@LINE+1]]:3: warning: 'free' frees 'container_of_comma(s, struct server, sock)' while overlapped I/O that uses it may still be pending; cancel the I/O and wait for it to complete first [iodrain-overlapped-lifetime]
  free(container_of_comma(s, struct server, sock));
}

static void server_release_fixed(struct sock *s) {
  struct server *ps = container_of_comma(s, struct server, sock);
  DWORD n;
  if (ps->reading) {
    CancelIoEx(ps->pipe, &ps->ov);
    GetOverlappedResult(ps->pipe, &ps->ov, &n, TRUE);
  }
  free(ps);
}

// Through a member of a member, with the Windows macro.
// CHECK-NEXT: container-of.c:[[#ISSUE]]:7: note: 'ReadFile' in 'server_read' starts overlapped I/O on 'ps->pipe' and may return with it pending
// CHECK-NEXT: container-of.c:[[@LINE+1]]:44: note: 'link_close_bug' may be called with that I/O on 's' still pending
static void link_close_bug(struct sock *s) {
  struct server *ps = CONTAINING_RECORD(s, struct server, link.sock);
  // CHECK-NEXT: container-of.c:[[@LINE+1]]:3: warning: 'free' frees 'ps' while overlapped I/O that uses it may still be pending; cancel the I/O and wait for it to complete first [iodrain-overlapped-lifetime]
  free(ps);
}

static void link_close_fixed(struct sock *s) {
  struct server *ps = CONTAINING_RECORD(s, struct server, link.sock);
  DWORD n;
  if (ps->reading) {
    CancelIoEx(ps->pipe, &ps->ov);
    GetOverlappedResult(ps->pipe, &ps->ov, &n, TRUE);
  }
  free(ps);
}

static const struct sock_vt server_bug_vt = {server_close_bug};
static const struct sock_vt server_fixed_vt = {server_close_fixed};
static const struct sock_vt release_bug_vt = {server_release_bug};
static const struct sock_vt release_fixed_vt = {server_release_fixed};
static const struct sock_vt link_bug_vt = {link_close_bug};
static const struct sock_vt link_fixed_vt = {link_close_fixed};

// The open function's error path runs the closer on a fresh server, which
// holds no request: silent.
struct sock *server_open_fixed(const wchar_t *name) {
  struct server *ps = (struct server *)calloc(1, sizeof *ps);
  if (!ps)
    return NULL;
  ps->sock.vt = &server_fixed_vt;
  ps->link.sock.vt = &link_fixed_vt;
  ps->pipe = CreateFileW(name, GENERIC_READ, 0, NULL, OPEN_EXISTING,
                         FILE_FLAG_OVERLAPPED, NULL);
  if (ps->pipe == INVALID_HANDLE_VALUE) {
    ps->sock.vt->close(&ps->sock);
    return NULL;
  }
  return &ps->sock;
}

// A completion routine finds its connection back from the OVERLAPPED: it
// runs because that request completed, so nothing is pending on it.
struct conn {
  OVERLAPPED ov;
  HANDLE h;
  char buf[64];
};

static void CALLBACK conn_read_done_fixed(DWORD err, DWORD n,
                                          LPOVERLAPPED ov) {
  struct conn *c = CONTAINING_RECORD(ov, struct conn, ov);
  CloseHandle(c->h);
  free(c);
}

// RUNTIME-TWIN: none, the issuer: conn_read_done_fixed's twin runs it
void conn_read(struct conn *c) {
  ReadFileEx(c->h, c->buf, sizeof c->buf, &c->ov, conn_read_done_fixed);
}

// A member pointer that is not found back from the container (plain field
// access on the member's own type) names no server: silent.
void sock_forget_fixed(struct sock *s) { free(s); }

// CHECK-NOT: warning:

#ifdef IODRAIN_RUNTIME
// Runtime twins: a pipe whose server end a child also holds, a peer that
// answers after ten seconds. After a close alone the read stays pending
// until the peer answers, and then the kernel writes into the freed
// server.
#include "shim_twins.h"

static struct server *twin_server_reading(void) {
  struct server *ps = (struct server *)calloc(1, sizeof *ps);
  twin_shared_pipe();
  twin_peer_answers_late();
  ps->pipe = twin_server;
  ps->sock.vt = &server_bug_vt;
  server_read(ps);
  return ps;
}
static void twin_server_close_bug(void) {
  server_bug_vt.close(&twin_server_reading()->sock);
  Sleep(20000);
}
static void twin_server_close_fixed(void) {
  server_fixed_vt.close(&twin_server_reading()->sock);
  Sleep(20000);
}
static void twin_server_release_bug(void) {
  struct server *ps = twin_server_reading();
  release_bug_vt.close(&ps->sock);
  CloseHandle(twin_server);
  Sleep(20000);
}
static void twin_server_release_fixed(void) {
  struct server *ps = twin_server_reading();
  release_fixed_vt.close(&ps->sock);
  CloseHandle(twin_server);
  Sleep(20000);
}
static void twin_link_close_bug(void) {
  struct server *ps = twin_server_reading();
  link_bug_vt.close(&ps->link.sock);
  CloseHandle(twin_server);
  Sleep(20000);
}
static void twin_link_close_fixed(void) {
  struct server *ps = twin_server_reading();
  link_fixed_vt.close(&ps->link.sock);
  CloseHandle(twin_server);
  Sleep(20000);
}
static void twin_server_open_fixed(void) {
  server_open_fixed(L"missing.bin");
}
static void twin_conn_read_done_fixed(void) {
  struct conn *c = (struct conn *)calloc(1, sizeof *c);
  twin_shared_pipe();
  twin_peer_answers_late();
  c->h = twin_server;
  conn_read(c);
  SleepEx(20000, TRUE); // the routine runs when the peer answers
}
static void twin_sock_forget_fixed(void) {
  sock_forget_fixed((struct sock *)calloc(1, sizeof(struct sock)));
}

TWIN_MAIN(TWIN(server_close_bug), TWIN(server_close_fixed),
          TWIN(server_release_bug), TWIN(server_release_fixed),
          TWIN(link_close_bug), TWIN(link_close_fixed),
          TWIN(server_open_fixed), TWIN(conn_read_done_fixed),
          TWIN(sock_forget_fixed))
#endif
