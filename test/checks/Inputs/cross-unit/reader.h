// The classes of cross-unit.cpp, shared by its two units.
#ifndef CROSS_UNIT_READER_H
#define CROSS_UNIT_READER_H
#include <windows.h>

namespace io {
class Reader {
public:
  explicit Reader(HANDLE h) : h_(h) {}
  bool Start();
  void CloseBug();
  void CloseFixed();
  ~Reader();

private:
  HANDLE h_;
  OVERLAPPED ov_ = {};
  char buf_[64];
  bool pending_ = false;
};

// A class whose destructor forgets the read.
class Watcher {
public:
  explicit Watcher(HANDLE h) : h_(h) {}
  bool Start();
  ~Watcher();

private:
  HANDLE h_;
  OVERLAPPED ov_ = {};
  char buf_[64];
};
} // namespace io

// Another class of the same short name, which nothing starts I/O on.
namespace other {
class Reader {
public:
  explicit Reader(HANDLE h) : h_(h) {}
  void Release();

private:
  HANDLE h_;
  OVERLAPPED ov_ = {};
};
} // namespace other
#endif
