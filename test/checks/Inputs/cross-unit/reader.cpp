// The issuing unit of cross-unit.cpp: Start() returns with the read
// pending (and for Reader, says so in a member).
#include "reader.h"

namespace io {
bool Reader::Start() {
  if (!ReadFile(h_, buf_, sizeof buf_, nullptr, &ov_)) {
    if (GetLastError() != ERROR_IO_PENDING)
      return false;
    pending_ = true;
  }
  return true;
}

bool Watcher::Start() {
  return ReadFile(h_, buf_, sizeof buf_, nullptr, &ov_) ||
         GetLastError() == ERROR_IO_PENDING;
}
} // namespace io
