// An object reached through a raw pointer member may be borrowed, and its
// owner drains it; but a function that frees or deletes that member's
// object owns it, so it starts with what the object's protocol may have
// left pending, as it does for a member embedded in its object.
// RUN: %check_iodrain %s -- -x c %win32 | %filecheck %s
// RUN: %check_iodrain %s -- -x c++ %win32 | %filecheck %s
// RUN: %if shim %{ %check_twins %s -- -x c %win32 %}
#include <windows.h>
#include <stdlib.h>

struct pipe {
  HANDLE h;
  OVERLAPPED ov;
  char buf[64];
  BOOL reading;
};

struct process {
  HANDLE proc;
  struct pipe *out;
};

// RUNTIME-TWIN: none, the issuer: the destroyers' twins run it
void pipe_read(struct pipe *p) {
  // CHECK: owned-members.c:[[@LINE+1]]:7: note: 'ReadFile' in 'pipe_read' starts overlapped I/O on 'p->h' and may return with it pending
  if (ReadFile(p->h, p->buf, sizeof p->buf, NULL, &p->ov) ||
      GetLastError() == ERROR_IO_PENDING)
    p->reading = TRUE;
}

// CHECK-NEXT: owned-members.c:[[@LINE+1]]:48: note: 'process_destroy_bug' may be called with that I/O on 'proc->out' still pending
void process_destroy_bug(struct process *proc) {
  // CHECK-NEXT: owned-members.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'proc->out->h' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(proc->out->h);
  free(proc->out);
  free(proc);
}

void process_destroy_fixed(struct process *proc) {
  DWORD n;
  if (proc->out->reading) {
    CancelIoEx(proc->out->h, &proc->out->ov);
    GetOverlappedResult(proc->out->h, &proc->out->ov, &n, TRUE);
  }
  CloseHandle(proc->out->h);
  free(proc->out);
  free(proc);
}

// Frees only the process: the pipe is borrowed, and whoever owns it
// drains it.
void process_forget_fixed(struct process *proc) {
  CloseHandle(proc->proc);
  free(proc);
}

// CHECK-NOT: warning:

#ifdef IODRAIN_RUNTIME
// Runtime twins: a pipe whose server end a child also holds, a peer that
// answers after ten seconds: after a close alone the read stays pending
// until the peer answers, and the kernel then writes into the freed pipe.
#include "shim_twins.h"

static struct process *twin_process(void) {
  struct process *proc = (struct process *)calloc(1, sizeof *proc);
  proc->out = (struct pipe *)calloc(1, sizeof *proc->out);
  proc->proc = CreateEventW(NULL, TRUE, FALSE, NULL);
  twin_shared_pipe();
  twin_peer_answers_late();
  proc->out->h = twin_server;
  pipe_read(proc->out);
  return proc;
}
static void twin_process_destroy_bug(void) {
  process_destroy_bug(twin_process());
  Sleep(20000);
}
static void twin_process_destroy_fixed(void) {
  process_destroy_fixed(twin_process());
  Sleep(20000);
}
static void twin_process_forget_fixed(void) {
  struct process *proc = twin_process();
  struct pipe *out = proc->out;
  DWORD n;
  process_forget_fixed(proc);
  GetOverlappedResult(out->h, &out->ov, &n, TRUE);
  CloseHandle(out->h);
  free(out);
}

TWIN_MAIN(TWIN(process_destroy_bug), TWIN(process_destroy_fixed),
          TWIN(process_forget_fixed))
#endif
