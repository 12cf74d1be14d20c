//===- Devices.cpp - Named pipes and a device that ignores cancellation ---===//

#include "Kernel.h"

#include <algorithm>

namespace shim {
namespace {

/// A named-pipe instance (§2.6.1): two ends, bytes in flight per direction,
/// pending reads per end and pending listens on the server end.
class PipeDevice : public Device {
public:
  enum PipeState { Listening, Connected, Closing } St = Listening;
  File *Ends[2] = {nullptr, nullptr}; // server, client
  std::string Data[2];                // written by end i, not yet read
  std::deque<Op *> Reads[2];
  std::deque<Op *> Listens;

  StartResult start(Op &O) override {
    Kernel &K = Kernel::get();
    int E = O.Target->End;
    switch (O.Kind) {
    case OpKind::Read:
      if (!Data[1 - E].empty()) {
        DWORD N = (DWORD)std::min<size_t>(O.Length, Data[1 - E].size());
        K.kernelWrite(O.Buffer, Data[1 - E].data(), N, "the data", &O);
        Data[1 - E].erase(0, N);
        return {StartKind::Complete, StatusSuccess, N};
      }
      if (St == Closing)
        return {StartKind::SyncFail, StatusPipeBroken};
      if (St == Listening)
        return {StartKind::SyncFail, StatusPipeListening};
      Reads[E].push_back(&O);
      return {StartKind::Pending};
    case OpKind::Write: {
      if (St == Listening)
        return {StartKind::SyncFail, StatusPipeListening};
      if (St == Closing)
        return {StartKind::SyncFail, StatusPipeClosing};
      std::string Bytes(O.Length, '\0');
      K.kernelRead(O.Buffer, Bytes.data(), O.Length, "the data", &O);
      Data[E] += Bytes;
      serveReads(1 - E);
      return {StartKind::Complete, StatusSuccess, O.Length};
    }
    case OpKind::Listen:
      if (E != 0)
        return {StartKind::SyncFail, StatusInvalidParameter};
      if (St == Connected)
        return {StartKind::SyncFail, StatusPipeConnected};
      if (St == Closing)
        return {StartKind::SyncFail, StatusPipeClosing};
      Listens.push_back(&O);
      return {StartKind::Pending};
    case OpKind::Ioctl:
      return {StartKind::SyncFail, StatusInvalidParameter};
    }
    return {StartKind::SyncFail, StatusInvalidParameter};
  }

  void serveReads(int E) {
    Kernel &K = Kernel::get();
    while (!Reads[E].empty() && !Data[1 - E].empty()) {
      Op *O = Reads[E].front();
      Reads[E].pop_front();
      DWORD N = (DWORD)std::min<size_t>(O->Length, Data[1 - E].size());
      K.kernelWrite(O->Buffer, Data[1 - E].data(), N, "the data", O);
      Data[1 - E].erase(0, N);
      K.complete(*O, StatusSuccess, N);
    }
  }

  bool unqueue(Op &O) {
    for (auto *Q : {&Reads[0], &Reads[1], &Listens}) {
      auto It = std::find(Q->begin(), Q->end(), &O);
      if (It != Q->end()) {
        Q->erase(It);
        return true;
      }
    }
    return false;
  }

  void cancel(Op &O) override { // cancel_support = immediate [W8]
    if (unqueue(O))
      Kernel::get().complete(O, StatusCancelled, 0);
  }

  void cleanup(File &F) override {
    // §2.6.1: the closing end's reads and listens, and the peer's reads,
    // complete with STATUS_PIPE_BROKEN; the pipe is closing.
    Kernel &K = Kernel::get();
    int E = F.End;
    St = Closing;
    std::vector<Op *> Broken(Reads[E].begin(), Reads[E].end());
    Broken.insert(Broken.end(), Reads[1 - E].begin(), Reads[1 - E].end());
    if (E == 0)
      Broken.insert(Broken.end(), Listens.begin(), Listens.end());
    Reads[0].clear();
    Reads[1].clear();
    if (E == 0)
      Listens.clear();
    for (Op *O : Broken)
      K.complete(*O,
                 O->Kind == OpKind::Listen && K.Wine8 ? StatusHandlesClosed
                                                      : StatusPipeBroken,
                 0);
  }

  std::string whyPending(const Op &O) const override {
    Kernel &K = Kernel::get();
    int E = O.Target->End;
    const File &Own = *Ends[E];
    std::string Why;
    if (O.Kind == OpKind::Listen) {
      Why = "it waits for a client to open the pipe";
    } else {
      const File &Peer = *Ends[1 - E];
      Why = "it waits for data from " + Peer.Label + ", which is still open (" +
            K.describeHandles(Peer) + ") but written by no running thread";
    }
    if (Own.HandleCount > 0 && !Own.CleanedUp)
      Why += "; cleanup of " + Own.Label + " never ran, so closing a handle "
             "did not cancel it: it still has " + K.describeHandles(Own);
    return Why;
  }
};

/// A driver that breaks the cleanup contract (§2.6.3): reads pend until
/// data is fed, cancellation is acknowledged but ignored, and closing the
/// last handle cancels nothing.
class NoCancelDevice : public Device {
public:
  StartResult start(Op &O) override {
    if (O.Kind == OpKind::Write)
      return {StartKind::Complete, StatusSuccess, O.Length};
    return {StartKind::Pending};
  }
  void cancel(Op &) override {}
  void cleanup(File &) override {}
  std::string whyPending(const Op &O) const override {
    return std::string("the device ignores cancellation") +
           (O.CancelRequested ? " (a cancel was requested)" : "") +
           " and cancels nothing when its last handle closes";
  }
};

/// A regular file (§2.6.4 with disk_async): overlapped reads and writes
/// pend and complete on their own one virtual millisecond later, whatever
/// the program does meanwhile; on a non-overlapped handle they complete at
/// once. Cleanup cancels nothing: disk I/O finishes by itself.
class DiskDevice : public Device {
public:
  StartResult start(Op &O) override {
    if (!O.Target->Overlapped)
      return complete(O, /*Now=*/true);
    Kernel &K = Kernel::get();
    Op *P = &O;
    K.schedule(K.Now + 1, "a disk request completes", [this, P] {
      if (P->State == OpState::Pending) {
        StartResult R = complete(*P, /*Now=*/false);
        Kernel::get().complete(*P, R.Status, R.Information);
      }
    });
    return {StartKind::Pending};
  }
  StartResult complete(Op &O, bool Now) {
    if (O.Kind == OpKind::Read && O.Length) {
      std::string Zeros(O.Length, '\0');
      Kernel::get().kernelWrite(O.Buffer, Zeros.data(), O.Length, "the data",
                                &O);
    }
    return {StartKind::Complete, StatusSuccess, O.Length};
  }
  void cancel(Op &O) override {
    Kernel::get().complete(O, StatusCancelled, 0);
  }
  void cleanup(File &) override {}
  std::string whyPending(const Op &) const override {
    return "a disk request completes by itself";
  }
};

std::map<std::wstring, PipeDevice *> &listeningPipes() {
  static std::map<std::wstring, PipeDevice *> Pipes;
  return Pipes;
}

} // namespace

void createPipe(bool Connected, File *&Server, File *&Client,
                const std::string &Site) {
  Kernel &K = Kernel::get();
  auto *Dev = static_cast<PipeDevice *>(
      K.own(std::make_unique<PipeDevice>()));
  Server = K.make<File>("pipe server end (" + Site + ")");
  Client = K.make<File>("pipe client end (" + Site + ")");
  Server->Dev = Client->Dev = Dev;
  Server->End = 0;
  Client->End = 1;
  Dev->Ends[0] = Server;
  Dev->Ends[1] = Client;
  Dev->St = Connected ? PipeDevice::Connected : PipeDevice::Listening;
}

void registerListeningPipe(const std::wstring &Name, File *Server) {
  listeningPipes()[Name] = static_cast<PipeDevice *>(Server->Dev);
}

File *connectClient(const std::wstring &Name) {
  auto It = listeningPipes().find(Name);
  if (It == listeningPipes().end() || It->second->St != PipeDevice::Listening)
    return nullptr;
  PipeDevice *Dev = It->second;
  Dev->St = PipeDevice::Connected;
  std::deque<Op *> Listens;
  Listens.swap(Dev->Listens);
  for (Op *O : Listens)
    Kernel::get().complete(*O, StatusSuccess, 0);
  return Dev->Ends[1];
}

Device *createDiskDevice() {
  return Kernel::get().own(std::make_unique<DiskDevice>());
}

Device *createNoCancelDevice() {
  return Kernel::get().own(std::make_unique<NoCancelDevice>());
}

} // namespace shim
