/* std::thread for runtime twins: a thread of the shim's scheduler
 * (CreateThread), so that CancelIo's per-thread rule and the virtual clock
 * hold for it. The host's std::thread would run outside the shim's baton.
 * A case includes it instead of <thread> under IODRAIN_RUNTIME; the
 * checker sees the real <thread> of mingw-w64's libstdc++. */
#ifndef IODRAIN_SHIM_STD_THREAD_H
#define IODRAIN_SHIM_STD_THREAD_H

#include "windows.h"
#include <exception>
#include <utility>

namespace std {
// An inline namespace of its own: the host's libstdc++ defines
// std::thread's members too, and the program's inline copies would
// interpose on them.
inline namespace iodrain_shim {
class thread {
public:
  thread() noexcept = default;
  template <class Callable> explicit thread(Callable Body) {
    Handle = CreateThread(nullptr, 0, &run<Callable>,
                          new Callable(std::move(Body)), 0, nullptr);
  }
  thread(thread &&Other) noexcept : Handle(Other.Handle) {
    Other.Handle = nullptr;
  }
  thread &operator=(thread &&Other) noexcept {
    if (Handle)
      std::terminate();
    Handle = Other.Handle;
    Other.Handle = nullptr;
    return *this;
  }
  ~thread() {
    if (Handle)
      std::terminate();
  }
  bool joinable() const noexcept { return Handle != nullptr; }
  void join() {
    WaitForSingleObject(Handle, INFINITE);
    CloseHandle(Handle);
    Handle = nullptr;
  }
  void detach() {
    CloseHandle(Handle);
    Handle = nullptr;
  }

private:
  template <class Callable> static DWORD WINAPI run(LPVOID Body) {
    Callable *Call = static_cast<Callable *>(Body);
    (*Call)();
    delete Call;
    return 0;
  }
  HANDLE Handle = nullptr;
};
} // namespace iodrain_shim
} // namespace std

#endif
