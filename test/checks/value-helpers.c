// Calls to functions of the translation unit that only read and write
// values through the object they get (a state setter, a counter) neither
// keep the object nor finish its requests: the requests stay with the
// caller, and the members the callee does not write keep their values.
// A helper that stores the pointer where other code finds it hands the
// object over, as an unknown call does.
// RUN: %check_iodrain %s -- -x c %win32 | %filecheck %s
// RUN: %check_iodrain %s -- -x c++ %win32 | %filecheck %s
// RUN: %check_iodrain --config="{CheckOptions: {iodrain.FollowCalls: true}}" %s -- -x c %win32 | %filecheck %s
// RUN: %if shim %{ %check_twins %s -- -x c %win32 %}
#include <windows.h>

typedef struct dev {
  HANDLE h;
  OVERLAPPED ov;
  char buf[64];
  int state;
  int reads;
  BOOL reading;
} dev;

static dev *registered;

// RUNTIME-TWIN: none, a helper: its callers' twins run it
static void set_state(dev *d, int s) { d->state = s; }

// RUNTIME-TWIN: none, a helper: its callers' twins run it
static void count_read(dev *d) {
  d->reads++;
  set_state(d, 3);
}

// Keeps the device where the drain below finds it.
// RUNTIME-TWIN: none, a helper: its callers' twins run it
static void register_dev(dev *d) { registered = d; }

void read_then_close_bug(dev *d) {
  // CHECK: value-helpers.c:[[@LINE+1]]:8: note: 'ReadFile' starts overlapped I/O on 'd->h' that may still be pending
  if (!ReadFile(d->h, d->buf, sizeof d->buf, NULL, &d->ov) &&
      GetLastError() != ERROR_IO_PENDING)
    return;
  set_state(d, 2);
  count_read(d);
  // CHECK-NEXT: value-helpers.c:[[@LINE+2]]:3: note: cancel the pending I/O and wait for it before closing the handle
  // CHECK-NEXT: value-helpers.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'd->h' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(d->h);
}

void read_then_close_fixed(dev *d) {
  DWORD n;
  if (!ReadFile(d->h, d->buf, sizeof d->buf, NULL, &d->ov) &&
      GetLastError() != ERROR_IO_PENDING)
    return;
  set_state(d, 2);
  count_read(d);
  CancelIoEx(d->h, &d->ov);
  GetOverlappedResult(d->h, &d->ov, &n, TRUE);
  CloseHandle(d->h);
}

// The read flag is set before the helpers run, which do not write it: the
// close below tests it.
void flagged_read_then_close_fixed(dev *d) {
  DWORD n;
  d->reading = FALSE;
  if (ReadFile(d->h, d->buf, sizeof d->buf, NULL, &d->ov) ||
      GetLastError() == ERROR_IO_PENDING)
    d->reading = TRUE;
  count_read(d);
  if (d->reading) {
    CancelIoEx(d->h, &d->ov);
    GetOverlappedResult(d->h, &d->ov, &n, TRUE);
  }
  CloseHandle(d->h);
}

// The device is handed to register_dev, which keeps it: the read is for
// whoever drains the registered device.
void read_then_register_fixed(dev *d) {
  if (!ReadFile(d->h, d->buf, sizeof d->buf, NULL, &d->ov) &&
      GetLastError() != ERROR_IO_PENDING)
    return;
  register_dev(d);
}

void drain_registered_fixed(void) {
  DWORD n;
  if (!registered)
    return;
  CancelIoEx(registered->h, &registered->ov);
  GetOverlappedResult(registered->h, &registered->ov, &n, TRUE);
  CloseHandle(registered->h);
  registered = NULL;
}

// A state setter's store is applied at its call: the listen's protocol
// carries `state == DEV_CONNECTING` to the closers, whose test of the
// state is then decided.
enum { DEV_IDLE, DEV_CONNECTING, DEV_FAILED };

// RUNTIME-TWIN: none, a helper: its callers' twins run it
static void enter_state(dev *d, int state) { d->state = state; }

// RUNTIME-TWIN: none, the issuer: the closers' twins run it
void dev_listen(dev *d) {
  // CHECK: value-helpers.c:[[@LINE+1]]:8: note: 'ConnectNamedPipe' in 'dev_listen' starts overlapped I/O on 'd->h' and may return with it pending
  if (!ConnectNamedPipe(d->h, &d->ov) && GetLastError() == ERROR_IO_PENDING) {
    enter_state(d, DEV_CONNECTING);
    return;
  }
  enter_state(d, DEV_IDLE);
}

// CHECK-NEXT: value-helpers.c:[[@LINE+1]]:28: note: 'dev_close_bug' may be called with that I/O on 'd' still pending
void dev_close_bug(dev *d) {
  if (d->state == DEV_FAILED)
    return;
  // CHECK-NEXT: value-helpers.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'd->h' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(d->h);
}

void dev_close_fixed(dev *d) {
  DWORD n;
  if (d->state == DEV_CONNECTING) {
    CancelIoEx(d->h, &d->ov);
    GetOverlappedResult(d->h, &d->ov, &n, TRUE);
  }
  CloseHandle(d->h);
}

// CHECK-NOT: warning:

#ifdef IODRAIN_RUNTIME
// Runtime twins: a pipe whose server end a child also holds, and a peer
// that never answers. Every twin ends alike: the program waits for the
// read's event, which only a completed read sets; after a close alone the
// child's handle keeps the read pending for ever.
#include "shim_twins.h"

static dev twin_dev;

static void twin_start(void) {
  twin_shared_pipe();
  twin_dev.h = twin_server;
  twin_dev.ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
}
static void twin_end(void) { WaitForSingleObject(twin_dev.ov.hEvent, INFINITE); }

static void twin_read_then_close_bug(void) {
  twin_start();
  read_then_close_bug(&twin_dev);
  twin_end();
}
static void twin_read_then_close_fixed(void) {
  twin_start();
  read_then_close_fixed(&twin_dev);
  twin_end();
}
static void twin_flagged_read_then_close_fixed(void) {
  twin_start();
  flagged_read_then_close_fixed(&twin_dev);
  twin_end();
}
static void twin_read_then_register_fixed(void) {
  twin_start();
  read_then_register_fixed(&twin_dev);
  drain_registered_fixed();
  twin_end();
}
static void twin_drain_registered_fixed(void) {
  twin_read_then_register_fixed();
}

// A listening pipe nobody connects to, its server end also held by a
// child.
static void twin_listen_then(void (*close_fn)(dev *)) {
  HANDLE child = ShimCreateChildProcess(), held;
  twin_dev.h = CreateNamedPipeW(L"\\\\.\\pipe\\listening",
                                PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
                                PIPE_TYPE_BYTE, 1, 0, 0, 0, NULL);
  DuplicateHandle(GetCurrentProcess(), twin_dev.h, child, &held, 0, TRUE,
                  DUPLICATE_SAME_ACCESS);
  twin_dev.ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  dev_listen(&twin_dev);
  close_fn(&twin_dev);
  twin_end();
}
static void twin_dev_close_bug(void) { twin_listen_then(dev_close_bug); }
static void twin_dev_close_fixed(void) { twin_listen_then(dev_close_fixed); }

TWIN_MAIN(TWIN(dev_close_bug), TWIN(dev_close_fixed),
          TWIN(read_then_close_bug), TWIN(read_then_close_fixed),
          TWIN(flagged_read_then_close_fixed),
          TWIN(read_then_register_fixed), TWIN(drain_registered_fixed))
#endif
