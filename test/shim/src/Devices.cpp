//===- Devices.cpp - Named pipes and a device that ignores cancellation ---===//

#include "Kernel.h"

#include <algorithm>

namespace shim {
namespace {

/// For HANG reports: why closing a handle left O's file object alive.
std::string cleanupNeverRan(const File &Own) {
  if (Own.HandleCount == 0 || Own.CleanedUp)
    return "";
  return "; cleanup of " + Own.Label + " never ran, so closing a handle did "
         "not cancel it: it still has " + Kernel::get().describeHandles(Own);
}

/// Copies what fits of Data into O's buffer (a kernel write) and drops it.
DWORD deliver(Op &O, std::string &Data) {
  DWORD N = (DWORD)std::min<size_t>(O.Length, Data.size());
  Kernel::get().kernelWrite(O.Buffer, Data.data(), N, "the data", &O);
  Data.erase(0, N);
  return N;
}

/// Removes O from whichever of the queues holds it.
bool unqueueFrom(Op &O, std::initializer_list<std::deque<Op *> *> Queues) {
  for (auto *Q : Queues) {
    auto It = std::find(Q->begin(), Q->end(), &O);
    if (It != Q->end()) {
      Q->erase(It);
      return true;
    }
  }
  return false;
}

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
      if (!Data[1 - E].empty())
        return {StartKind::Complete, StatusSuccess, deliver(O, Data[1 - E])};
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
    default:
      return {StartKind::SyncFail, StatusInvalidParameter};
    }
  }

  void serveReads(int E) {
    Kernel &K = Kernel::get();
    while (!Reads[E].empty() && !Data[1 - E].empty()) {
      Op *O = Reads[E].front();
      Reads[E].pop_front();
      K.complete(*O, StatusSuccess, deliver(*O, Data[1 - E]));
    }
  }

  bool unqueue(Op &O) { return unqueueFrom(O, {&Reads[0], &Reads[1], &Listens}); }

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
    return Why + cleanupNeverRan(Own);
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

/// A regular file or directory (§2.6.4 with disk_async): overlapped reads
/// and writes pend and complete on their own one virtual millisecond later,
/// whatever the program does meanwhile; on a non-overlapped handle they
/// complete at once. Byte-range locks (LockFileEx) pend while another file
/// object holds one; a ReadDirectoryChangesW pends until a change. Cleanup
/// releases the closing file object's locks, cancels its pending lock
/// requests and completes its change notifications with
/// STATUS_NOTIFY_CLEANUP (§1.2, [S6]); reads and writes finish by
/// themselves.
class DiskDevice : public Device {
public:
  std::vector<File *> LockHolders;
  std::deque<Op *> LockWaiters, Notifies;

  StartResult start(Op &O) override {
    switch (O.Kind) {
    case OpKind::Lock:
      if (std::any_of(LockHolders.begin(), LockHolders.end(),
                      [&](File *F) { return F != O.Target; })) {
        LockWaiters.push_back(&O);
        return {StartKind::Pending};
      }
      LockHolders.push_back(O.Target);
      return {StartKind::Complete, StatusSuccess, 0};
    case OpKind::Notify:
      Notifies.push_back(&O);
      return {StartKind::Pending};
    case OpKind::Read:
    case OpKind::Write:
      break;
    default:
      return {StartKind::SyncFail, StatusInvalidParameter};
    }
    if (!O.Target->Overlapped)
      return transfer(O);
    Kernel &K = Kernel::get();
    Op *P = &O;
    K.schedule(K.Now + 1, "a disk request completes", [this, P] {
      if (P->State == OpState::Pending) {
        StartResult R = transfer(*P);
        Kernel::get().complete(*P, R.Status, R.Information);
      }
    });
    return {StartKind::Pending};
  }

  StartResult transfer(Op &O) {
    if (O.Kind == OpKind::Read && O.Length) {
      std::string Zeros(O.Length, '\0');
      Kernel::get().kernelWrite(O.Buffer, Zeros.data(), O.Length, "the data",
                                &O);
    }
    return {StartKind::Complete, StatusSuccess, O.Length};
  }

  bool unqueue(Op &O) {
    return unqueueFrom(O, {&LockWaiters, &Notifies}) ||
           O.State == OpState::Pending; // a read or write in flight
  }

  void cancel(Op &O) override {
    if (unqueue(O))
      Kernel::get().complete(O, StatusCancelled, 0);
  }

  void cleanup(File &F) override {
    Kernel &K = Kernel::get();
    std::vector<std::pair<Op *, NTSTATUS>> Done;
    for (Op *O : LockWaiters)
      if (O->Target == &F)
        Done.push_back({O, StatusCancelled});
    for (Op *O : Notifies)
      if (O->Target == &F)
        Done.push_back({O, StatusNotifyCleanup});
    for (auto &[O, Status] : Done) {
      unqueue(*O);
      K.complete(*O, Status, 0);
    }
    // Its locks go away: grant waiting requests of other file objects.
    LockHolders.erase(std::remove(LockHolders.begin(), LockHolders.end(), &F),
                      LockHolders.end());
    while (!LockWaiters.empty() && LockHolders.empty()) {
      Op *O = LockWaiters.front();
      LockWaiters.pop_front();
      LockHolders.push_back(O->Target);
      K.complete(*O, StatusSuccess, 0);
    }
  }

  void announceChange(File &Dir) {
    std::vector<Op *> Ready;
    for (Op *O : Notifies)
      if (O->Target == &Dir)
        Ready.push_back(O);
    for (Op *O : Ready) {
      unqueue(*O);
      static const char Change[12] = {0, 0, 0, 0, 1}; // one record
      DWORD N = std::min<DWORD>(O->Length, sizeof Change);
      Kernel::get().kernelWrite(O->Buffer, Change, N, "the data", O);
      Kernel::get().complete(*O, StatusSuccess, N);
    }
  }

  std::string whyPending(const Op &O) const override {
    std::string Why = O.Kind == OpKind::Lock ? "it waits for another open of the file to release its lock"
                      : O.Kind == OpKind::Notify ? "it waits for a change in the directory"
                                                 : "a disk request completes by itself";
    if (O.Kind == OpKind::Lock || O.Kind == OpKind::Notify)
      Why += cleanupNeverRan(*O.Target);
    return Why;
  }
};

/// A connected stream socket pair (spec 2.6.2): receives pend until the
/// peer sends; sends complete while they fit the send quota (unbounded by
/// default) and otherwise pend until the peer reads. Closing an end aborts
/// its own requests; the peer sees a graceful close.
class SocketDevice : public Device {
public:
  File *Ends[2] = {nullptr, nullptr};
  bool Closed[2] = {false, false};
  std::string Data[2]; // sent by end i, not yet read by the other
  std::deque<Op *> Recvs[2], Sends[2], Connects[2];
  size_t Quota[2] = {SIZE_MAX, SIZE_MAX};

  StartResult start(Op &O) override {
    int E = O.Target->End;
    switch (O.Kind) {
    case OpKind::Read:
      if (!Data[1 - E].empty())
        return {StartKind::Complete, StatusSuccess, deliver(O, Data[1 - E])};
      if (Closed[1 - E])
        return {StartKind::Complete, StatusSuccess, 0}; // graceful close
      Recvs[E].push_back(&O);
      return {StartKind::Pending};
    case OpKind::Write:
      if (Closed[1 - E])
        return {StartKind::SyncFail, StatusConnectionReset};
      if (Data[E].size() + O.Length > Quota[E]) {
        Sends[E].push_back(&O);
        return {StartKind::Pending};
      }
      append(O);
      return {StartKind::Complete, StatusSuccess, O.Length};
    case OpKind::Connect:
      Connects[E].push_back(&O);
      return {StartKind::Pending};
    default:
      return {StartKind::SyncFail, StatusInvalidParameter};
    }
  }

  void append(Op &O) {
    std::string Bytes(O.Length, '\0');
    Kernel::get().kernelRead(O.Buffer, Bytes.data(), O.Length, "the data",
                             &O);
    int E = O.Target->End;
    Data[E] += Bytes;
    serveRecvs(1 - E);
  }

  void serveRecvs(int E) {
    Kernel &K = Kernel::get();
    while (!Recvs[E].empty() && !Data[1 - E].empty()) {
      Op *O = Recvs[E].front();
      Recvs[E].pop_front();
      K.complete(*O, StatusSuccess, deliver(*O, Data[1 - E]));
    }
  }

  void peerReads(int Reader) {
    Kernel &K = Kernel::get();
    int Sender = 1 - Reader;
    Data[Sender].clear();
    std::deque<Op *> Waiting;
    Waiting.swap(Sends[Sender]);
    for (Op *O : Waiting) {
      std::string Bytes(O->Length, '\0');
      K.kernelRead(O->Buffer, Bytes.data(), O->Length, "the data", O);
      K.complete(*O, StatusSuccess, O->Length);
    }
  }

  bool unqueue(Op &O) {
    return unqueueFrom(O, {&Recvs[0], &Sends[0], &Connects[0], &Recvs[1],
                           &Sends[1], &Connects[1]});
  }

  void cancel(Op &O) override {
    if (unqueue(O))
      Kernel::get().complete(O, StatusCancelled, 0);
  }

  void cleanup(File &F) override {
    Kernel &K = Kernel::get();
    int E = F.End;
    Closed[E] = true;
    std::vector<Op *> Aborted(Recvs[E].begin(), Recvs[E].end());
    Aborted.insert(Aborted.end(), Sends[E].begin(), Sends[E].end());
    Aborted.insert(Aborted.end(), Connects[E].begin(), Connects[E].end());
    Recvs[E].clear();
    Sends[E].clear();
    Connects[E].clear();
    for (Op *O : Aborted)
      K.complete(*O, K.Wine8 ? StatusHandlesClosed : StatusConnectionAborted,
                 0);
    std::deque<Op *> PeerRecvs;
    PeerRecvs.swap(Recvs[1 - E]);
    for (Op *O : PeerRecvs)
      K.complete(*O, StatusSuccess, 0); // the peer sees a graceful close
  }

  std::string whyPending(const Op &O) const override {
    int E = O.Target->End;
    const File &Own = *Ends[E];
    std::string Why =
        O.Kind == OpKind::Read    ? "it waits for data from the peer socket"
        : O.Kind == OpKind::Write ? "it waits for the peer to read (the send "
                                    "buffer is full)"
                                  : "it waits for the connection to complete";
    return Why + cleanupNeverRan(Own);
  }
};

/// A listening socket: AcceptEx pends until a connection arrives.
class ListenerDevice : public Device {
public:
  std::deque<Op *> Accepts;
  StartResult start(Op &O) override {
    if (O.Kind != OpKind::Listen)
      return {StartKind::SyncFail, StatusInvalidParameter};
    Accepts.push_back(&O);
    return {StartKind::Pending};
  }
  void incoming() {
    if (Accepts.empty())
      return;
    Op *O = Accepts.front();
    Accepts.pop_front();
    Kernel::get().complete(*O, StatusSuccess, 0);
  }
  void cancel(Op &O) override {
    if (unqueueFrom(O, {&Accepts}))
      Kernel::get().complete(O, StatusCancelled, 0);
  }
  void cleanup(File &) override {
    std::deque<Op *> Aborted;
    Aborted.swap(Accepts);
    for (Op *O : Aborted)
      Kernel::get().complete(*O, StatusConnectionAborted, 0);
  }
  std::string whyPending(const Op &O) const override {
    const File &Own = *O.Target;
    std::string Why = "it waits for an incoming connection";
    return Why + cleanupNeverRan(Own);
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

bool disconnectPipe(File &Server) {
  PipeDevice *Dev = nullptr;
  for (const auto &[Name, Pipe] : listeningPipes())
    if (Pipe == Server.Dev)
      Dev = Pipe;
  if (!Dev || Server.End != 0)
    return false;
  // Spec 4.4: every pending operation on both ends, and a pending listen,
  // completes with STATUS_PIPE_DISCONNECTED; buffered data is discarded.
  // (The instance then listens again at the next ConnectNamedPipe.)
  std::vector<Op *> Done(Dev->Reads[0].begin(), Dev->Reads[0].end());
  Done.insert(Done.end(), Dev->Reads[1].begin(), Dev->Reads[1].end());
  Done.insert(Done.end(), Dev->Listens.begin(), Dev->Listens.end());
  Dev->Reads[0].clear();
  Dev->Reads[1].clear();
  Dev->Listens.clear();
  Dev->Data[0].clear();
  Dev->Data[1].clear();
  Dev->St = PipeDevice::Listening;
  for (Op *O : Done)
    Kernel::get().complete(*O, StatusPipeDisconnected, 0);
  return true;
}

void createSocketPair(File *&A, File *&B, const std::string &Site) {
  Kernel &K = Kernel::get();
  auto *Dev = static_cast<SocketDevice *>(
      K.own(std::make_unique<SocketDevice>()));
  A = K.make<File>("socket (" + Site + ")");
  B = K.make<File>("peer socket (" + Site + ")");
  A->Dev = B->Dev = Dev;
  A->End = 0;
  B->End = 1;
  Dev->Ends[0] = A;
  Dev->Ends[1] = B;
}

File *createListener(const std::string &Site) {
  Kernel &K = Kernel::get();
  File *L = K.make<File>("listening socket (" + Site + ")");
  L->Dev = K.own(std::make_unique<ListenerDevice>());
  return L;
}

void acceptIncoming(File &Listener) {
  static_cast<ListenerDevice *>(Listener.Dev)->incoming();
}

void peerReadsAll(File &Peer) {
  static_cast<SocketDevice *>(Peer.Dev)->peerReads(Peer.End);
}

void setSendQuota(File &F, size_t Bytes) {
  static_cast<SocketDevice *>(F.Dev)->Quota[F.End] = Bytes;
}

Device *createDiskDevice(const std::wstring &Path) {
  static std::map<std::wstring, Device *> Disks;
  Device *&D = Disks[Path];
  if (!D)
    D = Kernel::get().own(std::make_unique<DiskDevice>());
  return D;
}

void announceDirectoryChange(File &Dir) {
  static_cast<DiskDevice *>(Dir.Dev)->announceChange(Dir);
}

Device *createNoCancelDevice() {
  return Kernel::get().own(std::make_unique<NoCancelDevice>());
}

} // namespace shim
