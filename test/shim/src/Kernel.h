//===- Kernel.h - The simulated kernel behind iodrain's runtime shim ------===//
//
// Objects keep a handle count apart from their reference count; pending
// operations hold references; a file's cleanup runs when its last handle
// closes and each device decides whether that cancels anything. Behaviour
// follows shared/docs/win32-semantics.md, Part 2 (the "spec", cited as §).
//
// Scope of this version: one program thread (the main thread) plus simulated
// child processes that run no code. With one thread, a wait that nothing
// can satisfy now is a HANG at once: no other thread could ever act.
//
//===----------------------------------------------------------------------===//

#ifndef IODRAIN_SHIM_KERNEL_H
#define IODRAIN_SHIM_KERNEL_H

#include <windows.h>

#include <atomic>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace shim {

// NTSTATUS values (§5).
constexpr NTSTATUS StatusSuccess = 0;
constexpr NTSTATUS StatusPending = 0x103;
constexpr NTSTATUS StatusCancelled = (NTSTATUS)0xC0000120;
constexpr NTSTATUS StatusPipeBroken = (NTSTATUS)0xC000014B;
constexpr NTSTATUS StatusPipeListening = (NTSTATUS)0xC00000B3;
constexpr NTSTATUS StatusPipeConnected = (NTSTATUS)0xC00000B2;
constexpr NTSTATUS StatusPipeClosing = (NTSTATUS)0xC00000B1;
constexpr NTSTATUS StatusPipeDisconnected = (NTSTATUS)0xC00000B0;
constexpr NTSTATUS StatusInvalidParameter = (NTSTATUS)0xC000000D;
constexpr NTSTATUS StatusInvalidHandle = (NTSTATUS)0xC0000008;
constexpr NTSTATUS StatusHandlesClosed = (NTSTATUS)0x8000000A;
constexpr NTSTATUS StatusNotifyCleanup = 0x10B; // success class
constexpr NTSTATUS StatusConnectionAborted = (NTSTATUS)0xC0000241;
constexpr NTSTATUS StatusConnectionReset = (NTSTATUS)0xC000020D;
/// The Winsock error for a status (WSAGetOverlappedResult, §2.3).
DWORD wsaError(NTSTATUS S);
DWORD win32Error(NTSTATUS S); // RtlNtStatusToDosError, for the statuses used

enum class ObjType { Process, Event, Port, File, Thread };

/// Return addresses of the program's call stack at an event, so that a
/// report can cite the event in every program function it happened in (a
/// read started by a helper of the function, a free in another unit).
using CallStack = std::vector<void *>;
CallStack captureStack();
/// The program's frames of S as "file.c:12", innermost first: frames of the
/// shim, the C library and the sanitizer runtime are left out.
std::vector<std::string> programFrames(const CallStack &S);

struct Object {
  ObjType Type;
  std::string Label;
  int HandleCount = 0;
  std::map<int, int> HandlesByProcess;
  int RefCount = 0;
  explicit Object(ObjType T, std::string L) : Type(T), Label(std::move(L)) {}
  virtual ~Object() = default;
};

struct Event : Object {
  bool ManualReset, Signaled;
  Event(bool Manual, bool Initial, std::string L)
      : Object(ObjType::Event, std::move(L)), ManualReset(Manual),
        Signaled(Initial) {}
};

struct Op;

struct Packet {
  ULONG_PTR Key;
  LPOVERLAPPED Ov;
  NTSTATUS Status;
  ULONG_PTR Information;
  Op *Operation; // null for PostQueuedCompletionStatus
};

struct Port : Object {
  std::deque<Packet> Packets;
  bool Closed = false;
  explicit Port(std::string L) : Object(ObjType::Port, std::move(L)) {}
};

struct Process : Object {
  int Pid;
  bool Exited = false;
  Process(int P, std::string L) : Object(ObjType::Process, std::move(L)), Pid(P) {}
};

struct File;
struct Op;
class Citations;

/// A queued user APC: a completion routine waiting for an alertable wait
/// of its thread.
struct Apc {
  LPOVERLAPPED_COMPLETION_ROUTINE Routine;
  DWORD Error, Bytes;
  LPOVERLAPPED Ov;
  Op *Operation;
};

/// A Win32 thread: a real pthread that runs only while it holds the baton.
struct Thread : Object {
  int Tid;
  bool Exited = false;
  std::deque<Apc> Apcs;
  // While blocked: what would let it go on, and until when it may wait.
  const std::function<bool()> *Ready = nullptr;
  uint64_t Deadline = UINT64_MAX;
  std::string BlockedIn, WaitsFor; // for HANG reports
  // Where it blocked, and what could satisfy the wait: a HANG report cites
  // the requests involved in it, not every request in flight.
  std::string BlockedApi, BlockedSite;
  CallStack BlockedStack;
  std::vector<const Object *> WaitObjects;
  const Op *WaitsForOp = nullptr; // a synchronous call waiting for its I/O
  bool WaitsAlertable = false;
  bool Internal = false; // a shim worker, not a program thread
  int Pid = 0;           // program threads all run in this process
  Thread(int T, std::string L) : Object(ObjType::Thread, std::move(L)), Tid(T) {}
};

enum class StartKind { Pending, Complete, SyncFail };
struct StartResult {
  StartKind Kind;
  NTSTATUS Status = StatusSuccess;
  ULONG_PTR Information = 0;
};

/// A device model (§2.6): how operations start, cancel, and what the
/// cleanup of the last handle does.
class Device {
public:
  virtual ~Device() = default;
  virtual StartResult start(Op &O) = 0;
  virtual void cancel(Op &O) = 0;
  virtual void cleanup(File &F) = 0;
  /// Why O cannot complete while no thread runs, for HANG reports.
  virtual std::string whyPending(const Op &O) const = 0;
};

struct File : Object {
  Device *Dev = nullptr;
  int End = 0; // which end of a pipe
  bool Overlapped = true;
  Port *CompletionPort = nullptr;
  ULONG_PTR Key = 0;
  bool SkipPortOnSuccess = false, SkipSetEvent = false;
  bool Signaled = true;
  bool CleanedUp = false;
  bool DeferCancellation = false; // knob cancel_delivery = deferred (§2.3)
  File(std::string L) : Object(ObjType::File, std::move(L)) {}
};

enum class OpKind { Read, Write, Listen, Ioctl, Connect, Lock, Notify };
enum class OpState { Pending, AwaitDequeue, AwaitApc, Retired };

struct Op {
  int Id;
  OpKind Kind;
  Thread *Issuer = nullptr;
  int Pid = 0; // the issuing process: the last-handle rule is per process
  const char *Api;
  std::string Site; // "file.c:12"
  CallStack IssueStack;
  /// Program calls that could have ended it and left it pending (a close
  /// that ran no cleanup, a CancelIo of another thread, a cancel the device
  /// ignored): reports cite them with the request.
  struct Miss {
    std::string Site, What;
    CallStack Stack;
  };
  std::vector<Miss> LeftPendingBy;
  File *Target;
  LPOVERLAPPED Ov;
  Event *Ev = nullptr;
  void *CompletionValue = nullptr;
  LPOVERLAPPED_COMPLETION_ROUTINE Routine = nullptr;
  char *Buffer;
  DWORD Length;
  OpState State = OpState::Pending;
  bool CancelRequested = false;
  bool IosbDeferred = false;
  bool FreedWhilePendingReported = false;
  NTSTATUS Status = StatusPending;
  ULONG_PTR Information = 0;
  std::string RetiredWhy; // for reports: why no completion will come
};

struct HandleEntry {
  Object *Obj;
  int Pid;
  std::string Origin; // "CreateNamedPipeW at file.c:12"
  bool Inherit = false;
};

/// The simulated machine: handle tables, objects, operations, the clock.
class Kernel {
public:
  static Kernel &get();

  // Handles (§2.1).
  HANDLE addHandle(Object *O, int Pid, const std::string &Origin,
                   bool Inherit = false);
  /// CreateProcess with bInheritHandles: the child gets every inheritable
  /// handle of this process.
  void inheritInto(int ChildPid, const std::string &Origin);
  HandleEntry *lookup(HANDLE H);
  template <typename T> T *lookupAs(HANDLE H, ObjType Type) {
    HandleEntry *E = lookup(H);
    return E && E->Obj->Type == Type ? static_cast<T *>(E->Obj) : nullptr;
  }
  bool closeHandle(HANDLE H);
  /// CloseHandle or closesocket called by the program: records the close
  /// on the requests it leaves pending.
  bool closeHandleFromProgram(HANDLE H);
  /// Records that the program's current call (What) left O pending.
  void leftPending(Op &O, const std::string &What);
  void closeEntry(uintptr_t Value);
  std::string describeHandles(const Object &O) const;
  /// A simulated child exits: its handles close.
  void closeHandlesOf(int Pid);
  Process *processOf(HANDLE H);

  /// Named events by name: creating one that still has a handle opens it
  /// (CreateEventW's documentation).
  std::map<std::wstring, Object *> NamedEvents;

  template <typename T, typename... Args> T *make(Args &&...A) {
    Objects.push_back(std::make_unique<T>(std::forward<Args>(A)...));
    return static_cast<T *>(Objects.back().get());
  }
  Device *own(std::unique_ptr<Device> D) {
    Devices.push_back(std::move(D));
    return Devices.back().get();
  }

  // Operations (§2.2).
  Op *newOp(OpKind K, const char *Api, File &F, LPOVERLAPPED Ov, char *Buf,
            DWORD Len);
  /// Issues O and returns the Win32 result of the starting call.
  BOOL issue(Op &O, bool ReturnsTrueWhenPending, LPDWORD Bytes);
  void complete(Op &O, NTSTATUS Status, ULONG_PTR Information);
  void notify(Op &O, bool Sync);
  void cancel(Op &O);
  std::vector<Op *> pendingOps(const File &F) const;


  // Memory the "kernel" touches on behalf of an operation (§2.8).
  void kernelWrite(void *Dst, const void *Src, size_t N, const char *What,
                   const Op *O);
  bool kernelRead(const void *Src, void *Dst, size_t N, const char *What,
                  const Op *O);
  void writeIosb(Op &O);
  /// Whether [Addr, Addr+N) is live; records a memory error if not.
  bool memoryIsLive(const void *Addr, size_t N, const char *Access,
                    const char *What, const Op *O);

  // Waits (§2.7).
  /// Records what the running thread's next block waits for (HANG reports).
  void setWaitTargets(std::vector<const Object *> Objects, bool Alertable,
                      const Op *Own = nullptr);
  DWORD wait(const std::vector<HANDLE> &Handles, bool All, DWORD Ms,
             bool Alertable, const char *Api);
  bool isSignaled(Object &O) const;
  void consume(Object &O);
  void runApcs();
  [[noreturn]] void hang(const std::vector<const Object *> &Objects,
                         const char *Kind = "");
  void apiBoundary(); // FREED_WHILE_PENDING checks

  /// Outside actions on the virtual clock: a remote peer that writes
  /// later, a child process that exits. They run when every thread is
  /// blocked past their time, and when the program finishes.
  void schedule(uint64_t At, std::string What, std::function<void()> Action);
  enum class BlockResult { Ready, TimedOut, Stuck };
  /// Blocks the running thread until Ready() holds or Ms elapse, letting
  /// other threads run and virtual time pass meanwhile.
  BlockResult blockUntil(const std::function<bool()> &Ready, DWORD Ms,
                         const std::string &BlockedIn = "",
                         const std::string &WaitsFor = "");

  // Threads (§2.4, §2.7).
  Thread *running() const { return Running; }
  HANDLE createThread(DWORD(WINAPI *Proc)(LPVOID), LPVOID Param);
  /// A thread of the shim itself (a thread-pool worker): not in reports
  /// of user threads, and it never ends.
  void createInternalThread(std::string Label, std::function<void()> Body);
  /// Counts API calls, for the real-time watchdog (spec 2.7).
  void apiCalled();
  /// Spec 2.7: threads switch at shim API calls. Before a call, the baton
  /// passes to the next thread that can run, in creation order.
  void yieldAtApiCall();
  [[noreturn]] void exitThread();
  void noteProgress() { LastProgress = Now; }

  // Results.
  void finding(const std::string &Text);
  [[noreturn]] void finish();
  /// Prints a verdict and its report lines, then exits. The verdict line
  /// carries the run's nonce (IODRAIN_SHIM_NONCE) when one is set, so that
  /// a harness cannot mistake a line the program printed for it. Cites are
  /// "file:line (what)" of the operations the verdict is about.
  [[noreturn]] void emitVerdict(const char *Verdict,
                                const std::vector<std::string> &Lines,
                                const std::vector<std::string> &Cites);
  /// The real-time watchdog of spec 2.7 (a thread spinning in program
  /// code): its own verdict, SPIN, never HANG.
  void startWatchdog();

  /// Fidelity profile (spec 2.9): "win10" (default) or "wine8", from the
  /// environment variable IODRAIN_SHIM_PROFILE.
  bool Wine8 = false;
  DWORD LastError = 0;
  std::string Site = "?"; // "file.c:12" of the current API call
  uint64_t Now = 0; // virtual milliseconds
  int NextPid = 1;

private:
  Kernel();
  /// The next thread that can run, Me last; null if none can.
  Thread *pickRunnable(Thread *Me) const;
  /// Hands the baton to Next and waits until it comes back to Me.
  void switchTo(Thread *Me, Thread *Next);
  /// With every thread blocked: runs the next outside action or reaches the
  /// next deadline. False if nothing can ever happen.
  bool letTimePass();

  std::map<uintptr_t, HandleEntry> Handles;
  uintptr_t NextHandle = 0x100;
  std::vector<std::unique_ptr<Object>> Objects;
  std::vector<std::unique_ptr<Device>> Devices;
  std::vector<std::unique_ptr<Op>> Ops;
  std::vector<Thread *> Threads;
  Thread *Running = nullptr;
  bool Finishing = false; // the process is exiting: no thread runs again
  uint64_t LastProgress = 0;
  std::atomic<uint64_t> ApiCalls{0}; // read by the watchdog thread
  struct Timer {
    uint64_t At;
    std::string What;
    std::function<void()> Action;
  };
  std::vector<Timer> Timers;
  std::vector<std::string> Findings;
  std::vector<std::string> MemoryErrors;
  /// What each memory error cites: the operation, and the free of the
  /// memory it touched.
  struct MemoryCite {
    std::string Site, What;
    CallStack Stack, FreeStack;
    const Op *Operation;
  };
  std::vector<MemoryCite> MemoryCites;
  void citeMemoryError(Citations &Cites, size_t I) const;
  bool InOutsideAction = false; // ops it starts are not the program's
  bool Finished = false;
  friend class PipeDevice;
};

// Device factories (Devices.cpp).
/// A connected or listening pipe instance; returns the two ends.
void createPipe(bool Connected, File *&Server, File *&Client,
                const std::string &Site);
Device *createNoCancelDevice();
/// The disk file at Path: every open of the same path shares it (locks).
Device *createDiskDevice(const std::wstring &Path);
/// A change in the directory completes its pending ReadDirectoryChangesW.
void announceDirectoryChange(File &Dir);
/// A connected socket pair (spec 2.6.2): returns the two ends.
void createSocketPair(File *&A, File *&B, const std::string &Site);
File *createListener(const std::string &Site);
/// Completes the first pending AcceptEx of a listener.
void acceptIncoming(File &Listener);
/// The peer end reads everything sent to it: pending sends complete.
void peerReadsAll(File &Peer);
void setSendQuota(File &F, size_t Bytes);
/// Connects a client to the listening instance named Name, if any.
File *connectClient(const std::wstring &Name);
void registerListeningPipe(const std::wstring &Name, File *Server);
/// DisconnectNamedPipe on the server end: false if it is not one.
bool disconnectPipe(File &Server);

} // namespace shim

#endif // IODRAIN_SHIM_KERNEL_H
