// Objects that close a handle in their destructor close it when they die:
// at scope exit, with I/O on that handle still pending, that is a close
// like any other. Storage of request structs in std::array and std::vector
// ends with the container.
// RUN: %check_iodrain %s -- -x c++ -std=c++17 %win32 | %filecheck %s
// RUN: %if shim %{ %check_twins %s -- -x c++ -std=c++17 %win32 %}
#include <windows.h>
#include <array>
#include <memory>
#include <vector>

static char buffer[512];

struct File {
  HANDLE h;
  explicit File(HANDLE handle) : h(handle) {}
  ~File() {
    if (h != INVALID_HANDLE_VALUE)
      CloseHandle(h);
  }
};

static OVERLAPPED shared_ov;

void raii_close_bug(HANDLE raw) {
  File f(raw);
  // CHECK: raii.cpp:[[@LINE+1]]:3: note: 'ReadFile' starts overlapped I/O on 'f.h' that may still be pending
  ReadFile(f.h, buffer, sizeof buffer, nullptr, &shared_ov);
  // CHECK-NEXT: raii.cpp:[[@LINE+1]]:1: warning: the destructor of 'f' closes 'f.h' while overlapped I/O on it may still be pending; cancel the I/O and wait for it to complete before 'f' is destroyed [iodrain-close-pending-io]
}

void raii_close_fixed(HANDLE raw) {
  File f(raw);
  DWORD n;
  ReadFile(f.h, buffer, sizeof buffer, nullptr, &shared_ov);
  CancelIoEx(f.h, &shared_ov);
  GetOverlappedResult(f.h, &shared_ov, &n, TRUE);
}

struct HandleCloser {
  void operator()(void *h) const { CloseHandle(h); }
};
using UniqueHandle = std::unique_ptr<void, HandleCloser>;

void unique_ptr_bug(HANDLE raw) {
  UniqueHandle file(raw);
  // CHECK: raii.cpp:[[@LINE+1]]:3: note: 'ReadFile' starts overlapped I/O on 'file.get()' that may still be pending
  ReadFile(file.get(), buffer, sizeof buffer, nullptr, &shared_ov);
  // CHECK-NEXT: raii.cpp:[[@LINE+1]]:1: warning: the destructor of 'file' closes 'file.get()' while overlapped I/O on it may still be pending; cancel the I/O and wait for it to complete before 'file' is destroyed [iodrain-close-pending-io]
}

void unique_ptr_fixed(HANDLE raw) {
  UniqueHandle file(raw);
  DWORD n;
  ReadFile(file.get(), buffer, sizeof buffer, nullptr, &shared_ov);
  CancelIoEx(file.get(), &shared_ov);
  GetOverlappedResult(file.get(), &shared_ov, &n, TRUE);
}

// A deleter given to the constructor: a function, or a lambda.
void shared_ptr_bug(HANDLE raw) {
  std::shared_ptr<void> file(raw, CloseHandle);
  // CHECK: raii.cpp:[[@LINE+1]]:3: note: 'ReadFile' starts overlapped I/O on 'file.get()' that may still be pending
  ReadFile(file.get(), buffer, sizeof buffer, nullptr, &shared_ov);
  // CHECK-NEXT: raii.cpp:[[@LINE+1]]:1: warning: the destructor of 'file' closes 'file.get()' while overlapped I/O on it may still be pending; cancel the I/O and wait for it to complete before 'file' is destroyed [iodrain-close-pending-io]
}

void shared_ptr_fixed(HANDLE raw) {
  std::shared_ptr<void> file(raw, CloseHandle);
  DWORD n;
  ReadFile(file.get(), buffer, sizeof buffer, nullptr, &shared_ov);
  CancelIoEx(file.get(), &shared_ov);
  GetOverlappedResult(file.get(), &shared_ov, &n, TRUE);
}

void lambda_deleter_bug(HANDLE raw) {
  std::unique_ptr<void, void (*)(HANDLE)> file(
      raw, [](HANDLE h) { CloseHandle(h); });
  // CHECK: raii.cpp:[[@LINE+1]]:3: note: 'ReadFile' starts overlapped I/O on 'file.get()' that may still be pending
  ReadFile(file.get(), buffer, sizeof buffer, nullptr, &shared_ov);
  // CHECK-NEXT: raii.cpp:[[@LINE+1]]:1: warning: the destructor of 'file' closes 'file.get()' while overlapped I/O on it may still be pending; cancel the I/O and wait for it to complete before 'file' is destroyed [iodrain-close-pending-io]
}

// Another owner keeps the handle open: this destruction does not close.
void keep_owner(std::shared_ptr<void> owner);
void shared_ptr_copied_fixed(HANDLE raw) {
  std::shared_ptr<void> file(raw, CloseHandle);
  keep_owner(file);
  ReadFile(file.get(), buffer, sizeof buffer, nullptr, &shared_ov);
}

struct Request {
  OVERLAPPED ov;
  char data[64];
};

void array_of_requests_bug(HANDLE h) {
  std::array<Request, 2> reqs{};
  // CHECK: raii.cpp:[[@LINE+1]]:3: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
  ReadFile(h, reqs[0].data, sizeof reqs[0].data, nullptr, &reqs[0].ov);
  // CHECK-NEXT: raii.cpp:[[@LINE+1]]:3: note: 'WaitForSingleObject' may time out here, leaving the I/O pending
  WaitForSingleObject(h, 100);
  // CHECK-NEXT: raii.cpp:[[@LINE+1]]:1: warning: 'reqs' goes out of scope while overlapped I/O that uses it may still be pending; cancel the I/O and wait for it to complete first [iodrain-overlapped-lifetime]
}

void array_of_requests_fixed(HANDLE h) {
  std::array<Request, 2> reqs{};
  DWORD n;
  ReadFile(h, reqs[0].data, sizeof reqs[0].data, nullptr, &reqs[0].ov);
  WaitForSingleObject(h, 100);
  GetOverlappedResult(h, &reqs[0].ov, &n, TRUE);
}

// The file-offset idiom: a handle opened synchronously elsewhere, an
// OVERLAPPED that only carries the offset. Nothing here expects pending
// I/O, so the call is taken as synchronous.
BOOL read_at_offset_fixed(HANDLE h, DWORD offset, DWORD *got) {
  OVERLAPPED ov = {};
  ov.Offset = offset;
  return ReadFile(h, buffer, sizeof buffer, got, &ov);
}

void vector_of_requests_bug(HANDLE h, DWORD timeout) {
  std::vector<Request> reqs(4);
  // CHECK: raii.cpp:[[@LINE+1]]:3: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
  ReadFile(h, reqs[1].data, sizeof reqs[1].data, nullptr, &reqs[1].ov);
  DWORD n;
  // CHECK-NEXT: raii.cpp:[[@LINE+1]]:8: note: 'GetOverlappedResultEx' may return here before the I/O completes
  if (!GetOverlappedResultEx(h, &reqs[1].ov, &n, timeout, FALSE))
    // CHECK-NEXT: raii.cpp:[[@LINE+1]]:5: warning: 'reqs' goes out of scope while overlapped I/O that uses it may still be pending; cancel the I/O and wait for it to complete first [iodrain-overlapped-lifetime]
    return;
}

void vector_of_requests_fixed(HANDLE h, DWORD timeout) {
  std::vector<Request> reqs(4);
  ReadFile(h, reqs[1].data, sizeof reqs[1].data, nullptr, &reqs[1].ov);
  DWORD n;
  if (!GetOverlappedResultEx(h, &reqs[1].ov, &n, timeout, FALSE)) {
    CancelIoEx(h, &reqs[1].ov);
    GetOverlappedResult(h, &reqs[1].ov, &n, TRUE);
  }
}

// Deleting the object that holds the request frees its OVERLAPPED.
void delete_bug(HANDLE h) {
  Request *r = new Request();
  // CHECK: raii.cpp:[[@LINE+1]]:3: note: 'ReadFile' starts overlapped I/O on 'h' that may still be pending
  ReadFile(h, r->data, sizeof r->data, nullptr, &r->ov);
  // CHECK-NEXT: raii.cpp:[[@LINE+1]]:3: warning: 'delete' frees 'r' while overlapped I/O that uses it may still be pending; cancel the I/O and wait for it to complete first [iodrain-overlapped-lifetime]
  delete r;
}

void delete_fixed(HANDLE h) {
  Request *r = new Request();
  DWORD n;
  ReadFile(h, r->data, sizeof r->data, nullptr, &r->ov);
  CancelIoEx(h, &r->ov);
  GetOverlappedResult(h, &r->ov, &n, TRUE);
  delete r;
}

#ifdef IODRAIN_RUNTIME
// Runtime twins: a pipe whose server end a child also holds. For the
// objects that own the handle, the peer is idle and the program's shutdown
// then waits for the read started with shared_ov (the close did not cancel
// it: the child's handle keeps cleanup away); for requests in containers,
// the peer answers after ten seconds.
#include "shim_twins.h"

static void twin_run_idle_peer(void (*fn)(HANDLE)) {
  twin_shared_pipe();
  shared_ov.hEvent = CreateEventW(nullptr, TRUE, FALSE, nullptr);
  fn(twin_server);
  WaitForSingleObject(shared_ov.hEvent, INFINITE);
}
static void twin_raii_close_bug(void) { twin_run_idle_peer(raii_close_bug); }
static void twin_raii_close_fixed(void) {
  twin_run_idle_peer(raii_close_fixed);
}

static void twin_run(void (*fn)(HANDLE)) {
  twin_shared_pipe();
  twin_peer_answers_late();
  fn(twin_server);
}
static void twin_unique_ptr_bug(void) { twin_run_idle_peer(unique_ptr_bug); }
static void twin_unique_ptr_fixed(void) {
  twin_run_idle_peer(unique_ptr_fixed);
}
static void twin_shared_ptr_bug(void) { twin_run_idle_peer(shared_ptr_bug); }
static void twin_shared_ptr_fixed(void) {
  twin_run_idle_peer(shared_ptr_fixed);
}
static void twin_lambda_deleter_bug(void) {
  twin_run_idle_peer(lambda_deleter_bug);
}
// The other owner lives on: nothing is closed, and the read completes.
static std::shared_ptr<void> twin_other_owner;
void keep_owner(std::shared_ptr<void> owner) { twin_other_owner = owner; }
static void twin_shared_ptr_copied_fixed(void) {
  DWORD n;
  twin_run(shared_ptr_copied_fixed);
  GetOverlappedResult(twin_server, &shared_ov, &n, TRUE);
  twin_other_owner.reset();
}
static void twin_array_of_requests_bug(void) {
  twin_run(array_of_requests_bug);
}
static void twin_array_of_requests_fixed(void) {
  twin_run(array_of_requests_fixed);
}
// A file opened without FILE_FLAG_OVERLAPPED: its reads complete at once.
static void twin_read_at_offset_fixed(void) {
  DWORD got;
  HANDLE file = CreateFileW(L"C:\\data.bin", GENERIC_READ, 7, nullptr,
                            OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
  read_at_offset_fixed(file, 4096, &got);
}
static void twin_run_timeout(void (*fn)(HANDLE, DWORD)) {
  twin_shared_pipe();
  twin_peer_answers_late();
  fn(twin_server, 500);
}
static void twin_vector_of_requests_bug(void) {
  twin_run_timeout(vector_of_requests_bug);
}
static void twin_vector_of_requests_fixed(void) {
  twin_run_timeout(vector_of_requests_fixed);
}
static void twin_delete_bug(void) { twin_run(delete_bug); }
static void twin_delete_fixed(void) { twin_run(delete_fixed); }

TWIN_MAIN(TWIN(raii_close_bug), TWIN(raii_close_fixed), TWIN(unique_ptr_bug),
          TWIN(unique_ptr_fixed), TWIN(shared_ptr_bug), TWIN(shared_ptr_fixed),
          TWIN(lambda_deleter_bug), TWIN(shared_ptr_copied_fixed),
          TWIN(array_of_requests_bug), TWIN(array_of_requests_fixed),
          TWIN(read_at_offset_fixed), TWIN(vector_of_requests_bug),
          TWIN(vector_of_requests_fixed), TWIN(delete_bug), TWIN(delete_fixed))
#endif
