// Wrappers described in a user rules file are honoured; without the file
// the same code is silent, because iodrain knows nothing of the wrappers.
// RUN: %check_iodrain --config="{CheckOptions: {iodrain-close-pending-io.RulesFiles: '%S/Inputs/wrappers.yaml'}}" %s -- %win32 | %filecheck %s
// RUN: %check_iodrain %s -- %win32 | count 0
#include <windows.h>

BOOL StartRead(HANDLE h, OVERLAPPED *ov);
BOOL WaitRead(HANDLE h, OVERLAPPED *ov);
void CloseFile(HANDLE h);

void wrapped_bug(HANDLE h) {
  OVERLAPPED ov = {};
  // CHECK: user-rules.cpp:[[@LINE+1]]:3: note: 'StartRead' starts overlapped I/O on 'h' that may still be pending
  StartRead(h, &ov);
  // CHECK-NEXT: user-rules.cpp:[[@LINE+1]]:3: warning: 'CloseFile' closes 'h' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  CloseFile(h);
}

void wrapped_fixed(HANDLE h) {
  OVERLAPPED ov = {};
  StartRead(h, &ov);
  CancelIoEx(h, &ov);
  WaitRead(h, &ov);
  CloseFile(h);
}

namespace io {
class File {
public:
  bool Read();
  void Cancel();
  void Wait();
  void Close();
};
} // namespace io

void method_bug(io::File &f) {
  // CHECK: user-rules.cpp:[[@LINE+1]]:3: note: 'io::File::Read' starts overlapped I/O on 'f' that may still be pending
  f.Read();
  // CHECK-NEXT: user-rules.cpp:[[@LINE+1]]:3: warning: 'io::File::Close' closes 'f' while overlapped I/O on it may still be pending; cancel the I/O, wait for it to complete, then close the handle [iodrain-close-pending-io]
  f.Close();
}

void method_fixed(io::File &f) {
  f.Read();
  f.Cancel();
  f.Wait();
  f.Close();
}

void method_pointer_bug(io::File *f) {
  // CHECK: user-rules.cpp:[[@LINE+1]]:3: note: 'io::File::Read' starts overlapped I/O on 'f' that may still be pending
  f->Read();
  // CHECK-NEXT: user-rules.cpp:[[@LINE+1]]:3: note: 'io::File::Cancel' requests cancellation here, but the cancelled I/O still completes later
  f->Cancel();
  // CHECK-NEXT: user-rules.cpp:[[@LINE+1]]:3: warning: 'io::File::Close' closes 'f' while overlapped I/O on it may still be pending; wait for the cancelled I/O to complete before closing the handle [iodrain-close-pending-io]
  f->Close();
}

void method_pointer_fixed(io::File *f) {
  f->Read();
  f->Cancel();
  f->Wait();
  f->Close();
}
