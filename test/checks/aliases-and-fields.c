// Simple aliases of handles and OVERLAPPEDs, and request structures.
// RUN: %check_iodrain %s -- -x c %win32 | %filecheck %s
// RUN: %check_iodrain %s -- -x c++ %win32 | %filecheck %s
// RUN: %if shim %{ %check_twins %s -- -x c %win32 %}
#include <windows.h>

static char buffer[512];

void handle_alias_bug(HANDLE h) {
  OVERLAPPED ov = {0};
  HANDLE same = h;
  // CHECK: aliases-and-fields.c:[[@LINE+1]]:3: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
  ReadFile(h, buffer, sizeof buffer, NULL, &ov);
  // CHECK-NEXT: aliases-and-fields.c:[[@LINE+2]]:3: note: cancel the pending I/O and wait for it before closing the handle
  // CHECK-NEXT: aliases-and-fields.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'same' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(same);
}

void handle_alias_fixed(HANDLE h) {
  OVERLAPPED ov = {0};
  DWORD n;
  HANDLE same = h;
  ReadFile(h, buffer, sizeof buffer, NULL, &ov);
  CancelIoEx(same, &ov);
  GetOverlappedResult(same, &ov, &n, TRUE);
  CloseHandle(same);
}

// The OVERLAPPED reached through a pointer is the same request.
void overlapped_pointer_fixed(HANDLE h) {
  OVERLAPPED ov = {0};
  LPOVERLAPPED pov = &ov;
  DWORD n;
  ReadFile(h, buffer, sizeof buffer, NULL, pov);
  CancelIoEx(h, &ov);
  GetOverlappedResult(h, pov, &n, TRUE);
  CloseHandle(h);
}

// Closing another handle is not a close of the one with the read.
void other_handle_fixed(HANDLE h, HANDLE other) {
  OVERLAPPED ov = {0};
  DWORD n;
  ReadFile(h, buffer, sizeof buffer, NULL, &ov);
  CloseHandle(other);
  GetOverlappedResult(h, &ov, &n, TRUE);
  CloseHandle(h);
}

// A reassigned handle variable names a new handle afterwards.
void reassigned_handle_fixed(HANDLE h, HANDLE next) {
  OVERLAPPED ov = {0};
  DWORD n;
  HANDLE cur = h;
  ReadFile(cur, buffer, sizeof buffer, NULL, &ov);
  cur = next;
  CloseHandle(cur);
  GetOverlappedResult(h, &ov, &n, TRUE);
  CloseHandle(h);
}

typedef struct Connection {
  OVERLAPPED ov; // first member: the request doubles as the OVERLAPPED
  HANDLE pipe;
  char data[256];
} Connection;

void struct_fields_bug(Connection *c) {
  // CHECK: aliases-and-fields.c:[[@LINE+1]]:3: note: 'ReadFile' starts overlapped I/O on 'c->pipe' that may still be pending
  ReadFile(c->pipe, c->data, sizeof c->data, NULL, &c->ov);
  // CHECK-NEXT: aliases-and-fields.c:[[@LINE+2]]:3: note: cancel the pending I/O and wait for it before closing the handle
  // CHECK-NEXT: aliases-and-fields.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'c->pipe' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(c->pipe);
}

// A pointer to the request is a pointer to its first member, the OVERLAPPED.
void struct_fields_fixed(Connection *c) {
  DWORD n;
  ReadFile(c->pipe, c->data, sizeof c->data, NULL, &c->ov);
  CancelIoEx(c->pipe, (LPOVERLAPPED)c);
  GetOverlappedResult(c->pipe, (LPOVERLAPPED)c, &n, TRUE);
  CloseHandle(c->pipe);
}

void struct_by_value_bug(HANDLE pipe) {
  Connection c;
  c.pipe = pipe;
  // CHECK: aliases-and-fields.c:[[@LINE+1]]:3: note: 'ReadFile' starts overlapped I/O on 'c.pipe' that may still be pending
  ReadFile(c.pipe, c.data, sizeof c.data, NULL, &c.ov);
  // CHECK-NEXT: aliases-and-fields.c:[[@LINE+2]]:3: note: cancel the pending I/O and wait for it before closing the handle
  // CHECK-NEXT: aliases-and-fields.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'pipe' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(pipe);
}

void struct_by_value_fixed(HANDLE pipe) {
  Connection c;
  DWORD n;
  c.pipe = pipe;
  ReadFile(c.pipe, c.data, sizeof c.data, NULL, &c.ov);
  CancelIoEx(pipe, &c.ov);
  GetOverlappedResult(pipe, &c.ov, &n, TRUE);
  CloseHandle(pipe);
}

// Handing the request to other code hands over its completion too.
void release_connection(Connection *c);
void escaped_request_fixed(Connection *c) {
  ReadFile(c->pipe, c->data, sizeof c->data, NULL, &c->ov);
  release_connection(c);
  CloseHandle(c->pipe);
}

#ifdef IODRAIN_RUNTIME
// Runtime twins: a pipe whose server end a child also holds; the peer
// answers after ten seconds. Callers free a connection after closing it.
#include "shim_twins.h"
#include <stdlib.h>

void release_connection(Connection *c) {
  DWORD n;
  CancelIoEx(c->pipe, &c->ov);
  GetOverlappedResult(c->pipe, &c->ov, &n, TRUE);
}

static void twin_run(void (*fn)(HANDLE)) {
  twin_shared_pipe();
  twin_peer_answers_late();
  fn(twin_server);
}
static void twin_run_other(void (*fn)(HANDLE, HANDLE)) {
  HANDLE other = CreateEventW(NULL, TRUE, FALSE, NULL);
  twin_shared_pipe();
  twin_peer_answers_late();
  fn(twin_server, other);
}
static void twin_run_connection(void (*fn)(Connection *)) {
  Connection *c = calloc(1, sizeof *c);
  twin_shared_pipe();
  twin_peer_answers_late();
  c->pipe = twin_server;
  fn(c);
  free(c);
}
static void twin_handle_alias_bug(void) { twin_run(handle_alias_bug); }
static void twin_handle_alias_fixed(void) { twin_run(handle_alias_fixed); }
static void twin_overlapped_pointer_fixed(void) {
  twin_run(overlapped_pointer_fixed);
}
static void twin_other_handle_fixed(void) { twin_run_other(other_handle_fixed); }
static void twin_reassigned_handle_fixed(void) {
  twin_run_other(reassigned_handle_fixed);
}
static void twin_struct_fields_bug(void) {
  twin_run_connection(struct_fields_bug);
}
static void twin_struct_fields_fixed(void) {
  twin_run_connection(struct_fields_fixed);
}
static void twin_struct_by_value_bug(void) { twin_run(struct_by_value_bug); }
static void twin_struct_by_value_fixed(void) {
  twin_run(struct_by_value_fixed);
}
static void twin_escaped_request_fixed(void) {
  twin_run_connection(escaped_request_fixed);
}

TWIN_MAIN(TWIN(handle_alias_bug), TWIN(handle_alias_fixed),
          TWIN(overlapped_pointer_fixed), TWIN(other_handle_fixed),
          TWIN(reassigned_handle_fixed), TWIN(struct_fields_bug),
          TWIN(struct_fields_fixed), TWIN(struct_by_value_bug),
          TWIN(struct_by_value_fixed), TWIN(escaped_request_fixed))
#endif
