// DeviceIoControl, ConnectNamedPipe, LockFileEx and ReadDirectoryChangesW.
// RUN: %check_iodrain %s -- -x c %win32 | %filecheck %s
// RUN: %check_iodrain %s -- -x c++ %win32 | %filecheck %s
// RUN: %if shim %{ %check_twins %s -- -x c %win32 %}
#include <windows.h>

static char buffer[512];

void ioctl_bug(HANDLE dev, DWORD code) {
  OVERLAPPED ov = {0};
  // CHECK: devices.c:[[@LINE+1]]:3: note: 'DeviceIoControl' starts overlapped I/O on 'dev' that may still be pending
  DeviceIoControl(dev, code, NULL, 0, buffer, sizeof buffer, NULL, &ov);
  // CHECK-NEXT: devices.c:[[@LINE+2]]:3: note: cancel the pending I/O and wait for it before closing the handle
  // CHECK-NEXT: devices.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'dev' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(dev);
}

void ioctl_fixed(HANDLE dev, DWORD code) {
  OVERLAPPED ov = {0};
  DWORD n;
  if (!DeviceIoControl(dev, code, NULL, 0, buffer, sizeof buffer, NULL, &ov) &&
      GetLastError() == ERROR_IO_PENDING) {
    CancelIoEx(dev, &ov);
    GetOverlappedResult(dev, &ov, &n, TRUE);
  }
  CloseHandle(dev);
}

void listen_bug(HANDLE server) {
  OVERLAPPED ov = {0};
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  // CHECK: devices.c:[[@LINE+1]]:8: note: 'ConnectNamedPipe' starts overlapped I/O on 'server' that may still be pending
  if (!ConnectNamedPipe(server, &ov) && GetLastError() == ERROR_PIPE_CONNECTED)
    SetEvent(ov.hEvent);
  // CHECK-NEXT: devices.c:[[@LINE+2]]:3: note: cancel the pending I/O and wait for it before closing the handle
  // CHECK-NEXT: devices.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'server' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(server);
}

void listen_fixed(HANDLE server) {
  OVERLAPPED ov = {0};
  DWORD n;
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (!ConnectNamedPipe(server, &ov) && GetLastError() == ERROR_IO_PENDING) {
    CancelIo(server);
    GetOverlappedResult(server, &ov, &n, TRUE);
  }
  CloseHandle(server);
}

void lock_bug(HANDLE file) {
  OVERLAPPED ov = {0};
  // CHECK: devices.c:[[@LINE+1]]:3: note: 'LockFileEx' starts overlapped I/O on 'file' that may still be pending
  LockFileEx(file, LOCKFILE_EXCLUSIVE_LOCK, 0, 1, 0, &ov);
  // CHECK-NEXT: devices.c:[[@LINE+2]]:3: note: cancel the pending I/O and wait for it before closing the handle
  // CHECK-NEXT: devices.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'file' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(file);
}

void lock_fixed(HANDLE file) {
  OVERLAPPED ov = {0};
  DWORD n;
  if (!LockFileEx(file, LOCKFILE_EXCLUSIVE_LOCK, 0, 1, 0, &ov) &&
      GetLastError() == ERROR_IO_PENDING &&
      !GetOverlappedResult(file, &ov, &n, TRUE))
    return;
  CloseHandle(file);
}

void watch_directory_bug(HANDLE dir) {
  OVERLAPPED ov = {0};
  // CHECK: devices.c:[[@LINE+1]]:3: note: 'ReadDirectoryChangesW' starts overlapped I/O on 'dir' that may still be pending
  ReadDirectoryChangesW(dir, buffer, sizeof buffer, TRUE,
                        FILE_NOTIFY_CHANGE_FILE_NAME, NULL, &ov, NULL);
  // CHECK-NEXT: devices.c:[[@LINE+2]]:3: note: cancel the pending I/O and wait for it before closing the handle
  // CHECK-NEXT: devices.c:[[@LINE+1]]:3: warning: 'CloseHandle' closes 'dir' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseHandle(dir);
}

void watch_directory_fixed(HANDLE dir) {
  OVERLAPPED ov = {0};
  DWORD n;
  ReadDirectoryChangesW(dir, buffer, sizeof buffer, TRUE,
                        FILE_NOTIFY_CHANGE_FILE_NAME, NULL, &ov, NULL);
  CancelIoEx(dir, NULL);
  GetOverlappedResult(dir, &ov, &n, TRUE);
  CloseHandle(dir);
}

static OVERLAPPED comm_ov;

// A serial port's event wait writes the event mask when it completes: on
// timeout the stack mask dies with the wait still pending.
DWORD comm_event_bug(HANDLE port, DWORD unused) {
  DWORD mask = 0;
  // CHECK: devices.c:[[@LINE+1]]:8: note: 'WaitCommEvent' starts overlapped I/O on 'port' that may still be pending
  if (!WaitCommEvent(port, &mask, &comm_ov)) {
    if (GetLastError() != ERROR_IO_PENDING)
      return 0;
    // CHECK-NEXT: devices.c:[[@LINE+1]]:9: note: 'WaitForSingleObject' may time out here, leaving the I/O pending
    if (WaitForSingleObject(comm_ov.hEvent, 100) != WAIT_OBJECT_0)
      // CHECK-NEXT: devices.c:[[@LINE+1]]:7: warning: 'mask' goes out of scope while overlapped I/O that uses it may still be pending (it is the I/O's buffer); cancel the I/O and wait for it to complete first [iodrain-overlapped-lifetime]
      return 0;
  }
  return mask;
}

DWORD comm_event_fixed(HANDLE port, DWORD unused) {
  DWORD mask = 0, n;
  if (!WaitCommEvent(port, &mask, &comm_ov)) {
    if (GetLastError() != ERROR_IO_PENDING)
      return 0;
    if (WaitForSingleObject(comm_ov.hEvent, 100) != WAIT_OBJECT_0) {
      CancelIoEx(port, &comm_ov);
      GetOverlappedResult(port, &comm_ov, &n, TRUE);
      return 0;
    }
  }
  return mask;
}

#ifdef IODRAIN_RUNTIME
// Runtime twins: a device that ignores cancellation and completes after
// ten seconds; a listening pipe whose server end is also held by a
// duplicate in this process, and a client that connects after ten seconds;
// a locked file and a watched directory.
#include "shim_twins.h"

static void twin_run_device(void (*fn)(HANDLE, DWORD)) {
  HANDLE dev = ShimOpenNoCancelDevice();
  ShimDeviceCompleteAt(dev, 10000);
  fn(dev, 0x220000);
}
static void twin_run_listener(void (*fn)(HANDLE)) {
  HANDLE server, dup;
  server = CreateNamedPipeW(L"\\\\.\\pipe\\listen",
                            PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
                            PIPE_TYPE_BYTE, 1, 4096, 4096, 0, NULL);
  DuplicateHandle(GetCurrentProcess(), server, GetCurrentProcess(), &dup, 0,
                  FALSE, DUPLICATE_SAME_ACCESS);
  ShimClientConnectAt(L"\\\\.\\pipe\\listen", 10000);
  fn(server);
}
// A byte range another open of the file holds until ten seconds from now.
static void twin_run_locked_file(void (*fn)(HANDLE)) {
  static OVERLAPPED held;
  HANDLE holder, file, inherited;
  holder = CreateFileW(L"C:\\shared.db", GENERIC_READ | GENERIC_WRITE, 3,
                       NULL, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, NULL);
  LockFileEx(holder, LOCKFILE_EXCLUSIVE_LOCK, 0, 1, 0, &held);
  ShimPeerCloseAt(holder, 10000);
  file = CreateFileW(L"C:\\shared.db", GENERIC_READ | GENERIC_WRITE, 3, NULL,
                     OPEN_EXISTING, FILE_FLAG_OVERLAPPED, NULL);
  twin_child = ShimCreateChildProcess();
  DuplicateHandle(GetCurrentProcess(), file, twin_child, &inherited, 0, TRUE,
                  DUPLICATE_SAME_ACCESS);
  fn(file);
}
// A watched directory, also held by a child; a file changes in ten seconds.
static void twin_run_directory(void (*fn)(HANDLE)) {
  fn(twin_watched_directory());
}
static void twin_lock_bug(void) { twin_run_locked_file(lock_bug); }
static void twin_lock_fixed(void) { twin_run_locked_file(lock_fixed); }
static void twin_watch_directory_bug(void) {
  twin_run_directory(watch_directory_bug);
}
static void twin_watch_directory_fixed(void) {
  twin_run_directory(watch_directory_fixed);
}
static void twin_ioctl_bug(void) { twin_run_device(ioctl_bug); }
static void twin_ioctl_fixed(void) { twin_run_device(ioctl_fixed); }
static void twin_comm_event(DWORD (*fn)(HANDLE, DWORD)) {
  HANDLE dev = ShimOpenNoCancelDevice();
  ShimDeviceCompleteAt(dev, 10000);
  comm_ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  fn(dev, 0);
  Sleep(20000); // the device completes the wait meanwhile
}
static void twin_comm_event_bug(void) { twin_comm_event(comm_event_bug); }
static void twin_comm_event_fixed(void) { twin_comm_event(comm_event_fixed); }
static void twin_listen_bug(void) { twin_run_listener(listen_bug); }
static void twin_listen_fixed(void) { twin_run_listener(listen_fixed); }

TWIN_MAIN(TWIN(ioctl_bug), TWIN(ioctl_fixed), TWIN(listen_bug),
          TWIN(listen_fixed), TWIN(lock_bug), TWIN(lock_fixed),
          TWIN(watch_directory_bug), TWIN(watch_directory_fixed),
          TWIN(comm_event_bug), TWIN(comm_event_fixed))
#endif
