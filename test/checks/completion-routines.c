// ReadFileEx completes only through its routine, which runs only in an
// alertable wait of the issuing thread.
// RUN: %check_iodrain %s -- -x c %win32 | %filecheck %s
// RUN: %check_iodrain %s -- -x c++ %win32 | %filecheck %s
// RUN: %if shim %{ %check_twins %s -- -x c %win32 %}
#include <windows.h>

static char buffer[512];

// RUNTIME-TWIN: none, the completion routine the cases share
static void CALLBACK on_read(DWORD err, DWORD n, LPOVERLAPPED ov) {}

void no_alertable_wait_bug(HANDLE h, HANDLE stop) {
  OVERLAPPED ov = {0};
  // CHECK: completion-routines.c:[[@LINE+1]]:3: note: 'ReadFileEx' starts overlapped I/O on 'h' that may still be pending
  ReadFileEx(h, buffer, sizeof buffer, &ov, on_read);
  WaitForSingleObject(stop, INFINITE);
  // CHECK-NEXT: completion-routines.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'h' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(h);
}

void alertable_wait_fixed(HANDLE h) {
  OVERLAPPED ov = {0};
  if (!ReadFileEx(h, buffer, sizeof buffer, &ov, on_read))
    return;
  CancelIo(h);
  SleepEx(INFINITE, TRUE);
  CloseHandle(h);
}

// A timed alertable sleep may end before the routine runs.
void timed_alertable_bug(HANDLE h) {
  OVERLAPPED ov = {0};
  // CHECK: completion-routines.c:[[@LINE+1]]:3: note: 'ReadFileEx' starts overlapped I/O on 'h' that may still be pending
  ReadFileEx(h, buffer, sizeof buffer, &ov, on_read);
  // CHECK-NEXT: completion-routines.c:[[@LINE+1]]:3: note: 'SleepEx' may time out here before the completion routine runs
  SleepEx(100, TRUE);
  // CHECK-NEXT: completion-routines.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'h' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(h);
}

void timed_alertable_fixed(HANDLE h) {
  OVERLAPPED ov = {0};
  ReadFileEx(h, buffer, sizeof buffer, &ov, on_read);
  while (SleepEx(100, TRUE) != WAIT_IO_COMPLETION)
    CancelIo(h);
  CloseHandle(h);
}

// An alertable wait on another object may return for that object first.
void alertable_other_object_bug(HANDLE h, HANDLE stop) {
  OVERLAPPED ov = {0};
  // CHECK: completion-routines.c:[[@LINE+1]]:3: note: 'ReadFileEx' starts overlapped I/O on 'h' that may still be pending
  ReadFileEx(h, buffer, sizeof buffer, &ov, on_read);
  // CHECK-NEXT: completion-routines.c:[[@LINE+1]]:3: note: 'WaitForSingleObjectEx' may return here because its object is signaled, leaving the I/O pending
  WaitForSingleObjectEx(stop, INFINITE, TRUE);
  // CHECK-NEXT: completion-routines.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'h' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(h);
}

void alertable_other_object_fixed(HANDLE h, HANDLE stop) {
  OVERLAPPED ov = {0};
  ReadFileEx(h, buffer, sizeof buffer, &ov, on_read);
  if (WaitForSingleObjectEx(stop, INFINITE, TRUE) != WAIT_IO_COMPLETION) {
    CancelIo(h);
    SleepEx(INFINITE, TRUE);
  }
  CloseHandle(h);
}

// A message wait runs completion routines when its flags say
// MWMO_ALERTABLE; it may still return for its object first.
void message_wait_other_object_bug(HANDLE h, HANDLE stop) {
  OVERLAPPED ov = {0};
  // CHECK: completion-routines.c:[[@LINE+1]]:3: note: 'ReadFileEx' starts overlapped I/O on 'h' that may still be pending
  ReadFileEx(h, buffer, sizeof buffer, &ov, on_read);
  // CHECK-NEXT: completion-routines.c:[[@LINE+1]]:3: note: 'MsgWaitForMultipleObjectsEx' may return here because its object is signaled, leaving the I/O pending
  MsgWaitForMultipleObjectsEx(1, &stop, INFINITE, QS_ALLINPUT, MWMO_ALERTABLE);
  // CHECK-NEXT: completion-routines.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'h' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(h);
}

void message_wait_alertable_fixed(HANDLE h) {
  OVERLAPPED ov = {0};
  ReadFileEx(h, buffer, sizeof buffer, &ov, on_read);
  CancelIo(h);
  while (MsgWaitForMultipleObjectsEx(0, NULL, INFINITE, QS_ALLINPUT,
                                     MWMO_ALERTABLE) != WAIT_IO_COMPLETION)
    ; // a message: wait again
  CloseHandle(h);
}

void write_ex_fixed(HANDLE h) {
  OVERLAPPED ov = {0};
  if (WriteFileEx(h, buffer, sizeof buffer, &ov, on_read))
    SleepEx(INFINITE, TRUE);
  CloseHandle(h);
}

#ifdef IODRAIN_RUNTIME
// Runtime twins: a pipe whose server end a child also holds; the peer
// answers after ten seconds; the stop event is already set.
#include "shim_twins.h"

static void twin_run(void (*fn)(HANDLE)) {
  twin_shared_pipe();
  twin_peer_answers_late();
  fn(twin_server);
}
static void twin_run_stop(void (*fn)(HANDLE, HANDLE)) {
  HANDLE stop = CreateEventW(NULL, TRUE, TRUE, NULL);
  twin_shared_pipe();
  twin_peer_answers_late();
  fn(twin_server, stop);
}
static void twin_no_alertable_wait_bug(void) {
  twin_run_stop(no_alertable_wait_bug);
}
static void twin_alertable_wait_fixed(void) { twin_run(alertable_wait_fixed); }
static void twin_timed_alertable_bug(void) { twin_run(timed_alertable_bug); }
static void twin_timed_alertable_fixed(void) {
  twin_run(timed_alertable_fixed);
}
static void twin_alertable_other_object_bug(void) {
  twin_run_stop(alertable_other_object_bug);
}
static void twin_alertable_other_object_fixed(void) {
  twin_run_stop(alertable_other_object_fixed);
}
static void twin_write_ex_fixed(void) { twin_run(write_ex_fixed); }
static void twin_message_wait_other_object_bug(void) {
  twin_run_stop(message_wait_other_object_bug);
}
static void twin_message_wait_alertable_fixed(void) {
  twin_run(message_wait_alertable_fixed);
}

TWIN_MAIN(TWIN(no_alertable_wait_bug), TWIN(alertable_wait_fixed),
          TWIN(timed_alertable_bug), TWIN(timed_alertable_fixed),
          TWIN(alertable_other_object_bug),
          TWIN(alertable_other_object_fixed), TWIN(write_ex_fixed),
          TWIN(message_wait_other_object_bug),
          TWIN(message_wait_alertable_fixed))
#endif
