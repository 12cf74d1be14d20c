//===- ThreadPool.cpp - Thread-pool I/O on an internal port (spec 2.3) ----===//
//
// CreateThreadpoolIo binds the file to the pool's own completion port; one
// shim worker thread dequeues packets and runs the callbacks. The `started`
// counter follows Windows: StartThreadpoolIo before each I/O,
// CancelThreadpoolIo when the I/O fails synchronously; a completion with no
// start is memory corruption on Windows (finding TP_UNEXPECTED_COMPLETION).
//
//===----------------------------------------------------------------------===//

#include "Kernel.h"

using namespace shim;

struct _TP_IO {
  File *Target;
  PTP_WIN32_IO_CALLBACK Callback;
  PVOID Context;
  int Started = 0;
  int QueuedOrRunning = 0;
  bool Closed = false;
  std::string Site;
};

namespace {

Port *poolPort() {
  static Port *P = nullptr;
  if (P)
    return P;
  Kernel &K = Kernel::get();
  P = K.make<Port>("the thread pool's completion port");
  ++P->RefCount;
  K.createInternalThread("thread-pool worker", [] {
    Kernel &K = Kernel::get();
    while (true) {
      K.blockUntil([] { return !P->Packets.empty(); }, INFINITE,
                   "the thread pool", "a completion");
      if (P->Packets.empty())
        K.hang({P});
      Packet Pk = P->Packets.front();
      P->Packets.pop_front();
      K.noteProgress();
      auto *Io = (PTP_IO)Pk.Key;
      if (Pk.Operation) {
        if (Pk.Operation->IosbDeferred)
          K.writeIosb(*Pk.Operation);
        Pk.Operation->State = OpState::Retired;
        Pk.Operation->RetiredWhy = "its thread-pool callback ran";
      }
      if (Io->Started == 0) {
        K.finding("TP_UNEXPECTED_COMPLETION: a completion for the thread-pool "
                  "I/O created at " + Io->Site +
                  " arrived without StartThreadpoolIo (memory corruption on "
                  "Windows)");
        continue;
      }
      --Io->Started;
      ++Io->QueuedOrRunning;
      Io->Callback(nullptr, Io->Context, Pk.Ov, win32Error(Pk.Status),
                   Pk.Information, Io);
      --Io->QueuedOrRunning;
    }
  });
  return P;
}

} // namespace

extern "C" {

PTP_IO WINAPI CreateThreadpoolIo(HANDLE H, PTP_WIN32_IO_CALLBACK Callback,
                                 PVOID Context, PTP_CALLBACK_ENVIRON) {
  Kernel &K = Kernel::get();
  File *F = K.lookupAs<File>(H, ObjType::File);
  if (!F || F->CompletionPort) {
    K.LastError = F ? ERROR_INVALID_PARAMETER : ERROR_INVALID_HANDLE;
    return nullptr;
  }
  auto *Io = new _TP_IO();
  Io->Target = F;
  Io->Callback = Callback;
  Io->Context = Context;
  Io->Site = K.Site;
  F->CompletionPort = poolPort();
  F->Key = (ULONG_PTR)Io;
  return Io;
}

void WINAPI StartThreadpoolIo(PTP_IO Io) { ++Io->Started; }

void WINAPI CancelThreadpoolIo(PTP_IO Io) {
  if (Io->Started > 0)
    --Io->Started;
}

void WINAPI WaitForThreadpoolIoCallbacks(PTP_IO Io, BOOL CancelPending) {
  Kernel &K = Kernel::get();
  if (CancelPending) {
    Io->Started = 0; // their OVERLAPPEDs still belong to pending I/O
    return;
  }
  auto Idle = [Io] { return Io->Started == 0 && Io->QueuedOrRunning == 0; };
  K.setWaitTargets({Io->Target}, false);
  if (K.blockUntil(Idle, INFINITE,
                   "WaitForThreadpoolIoCallbacks (" + K.Site + ")",
                   "the callbacks of the thread-pool I/O created at " +
                       Io->Site + " (StartThreadpoolIo count " +
                       std::to_string(Io->Started) +
                       ": an I/O that fails synchronously needs "
                       "CancelThreadpoolIo)") != Kernel::BlockResult::Ready)
    K.hang({});
}

void WINAPI CloseThreadpoolIo(PTP_IO Io) {
  Kernel &K = Kernel::get();
  if (Io->Started > 0 || !K.pendingOps(*Io->Target).empty())
    K.finding("TP_CLOSE_WITH_PENDING_IO: CloseThreadpoolIo at " + K.Site +
              " with I/O still started or pending");
  Io->Closed = true;
}

} // extern "C"
