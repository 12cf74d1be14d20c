//===- Kernel.cpp - Handles, operations, notification, waits, verdicts ----===//

#include "Kernel.h"

#include <winsock2.h>

#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <atomic>
#include <chrono>
#include <thread>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <execinfo.h>
#include <unistd.h>

// The scenarios leak kernel objects on purpose (a hung run never cleans
// up), and kernel writes into dead frames must be visible to the checks.
// Reports symbolize call stacks (the sites they cite) with llvm-symbolizer:
// the one of the LLVM the shim was built with, when CMake found it.
extern "C" const char *__asan_default_options() {
  return "detect_leaks=0:detect_stack_use_after_return=1"
#ifdef IODRAIN_SHIM_SYMBOLIZER
         ":external_symbolizer_path=" IODRAIN_SHIM_SYMBOLIZER
#endif
      ;
}

namespace shim {

CallStack captureStack() {
  void *Pcs[32];
  int N = backtrace(Pcs, 32);
  return CallStack(Pcs, Pcs + std::max(N, 0));
}

std::vector<std::string> programFrames(const CallStack &S) {
  static const std::string ShimDir = [] {
    std::string F = __FILE__;
    return F.substr(0, F.rfind('/') + 1);
  }();
  std::vector<std::string> Out;
  for (void *Pc : S) {
    char Buf[1024];
    // A return address: the call is the instruction before it.
    __sanitizer_symbolize_pc((char *)Pc - 1, "%s:%l", Buf, sizeof Buf);
    std::string Frame(Buf);
    size_t Colon = Frame.rfind(':');
    if (Colon == std::string::npos)
      continue;
    std::string Path = Frame.substr(0, Colon), Line = Frame.substr(Colon + 1);
    if (Line.empty() || Line == "0" || Path.empty() || Path == "<null>" ||
        (!ShimDir.empty() && Path.rfind(ShimDir, 0) == 0) ||
        Path.rfind("/usr/", 0) == 0 || Path.find("sysdeps/") != Path.npos ||
        Path.find("csu/") != Path.npos ||
        Path.find("compiler-rt") != Path.npos)
      continue;
    size_t Slash = Path.rfind('/');
    Out.push_back(Path.substr(Slash == Path.npos ? 0 : Slash + 1) + ":" + Line);
  }
  return Out;
}

DWORD win32Error(NTSTATUS S) {
  switch ((uint32_t)S) {
  case StatusSuccess: return ERROR_SUCCESS;
  case StatusPending: return ERROR_IO_PENDING;
  case (uint32_t)StatusCancelled: return ERROR_OPERATION_ABORTED;
  case (uint32_t)StatusPipeBroken: return ERROR_BROKEN_PIPE;
  case (uint32_t)StatusPipeListening: return ERROR_PIPE_LISTENING;
  case (uint32_t)StatusPipeConnected: return ERROR_PIPE_CONNECTED;
  case (uint32_t)StatusPipeClosing: return ERROR_NO_DATA;
  case (uint32_t)StatusPipeDisconnected: return ERROR_PIPE_NOT_CONNECTED;
  case (uint32_t)StatusInvalidParameter: return ERROR_INVALID_PARAMETER;
  case (uint32_t)StatusInvalidHandle: return ERROR_INVALID_HANDLE;
  case (uint32_t)StatusHandlesClosed: return 676; // ERROR_HANDLES_CLOSED
  case (uint32_t)StatusConnectionAborted: return ERROR_CONNECTION_ABORTED;
  case (uint32_t)StatusConnectionReset: return ERROR_NETNAME_DELETED;
  default: return 317; // ERROR_MR_MID_NOT_FOUND: a status the shim does not map
  }
}

namespace {
// The baton: only the thread named by Kernel::Running executes program
// code; the others wait here. Handing it over is the only switch point.
std::mutex BatonMutex;
std::condition_variable BatonMoved;
} // namespace

DWORD wsaError(NTSTATUS S) {
  switch ((uint32_t)S) {
  case (uint32_t)StatusCancelled: return ERROR_OPERATION_ABORTED;
  case (uint32_t)StatusConnectionAborted: return 10053; // WSAECONNABORTED
  case (uint32_t)StatusConnectionReset: return 10054;   // WSAECONNRESET
  default: return win32Error(S);
  }
}

Kernel::Kernel() {
  Thread *Main = make<Thread>(1, "main thread");
  Threads.push_back(Main);
  Running = Main;
}

Kernel &Kernel::get() {
  static Kernel *K = [] {
    auto *New = new Kernel();
    const char *Profile = getenv("IODRAIN_SHIM_PROFILE");
    New->Wine8 = Profile && !strcmp(Profile, "wine8");
    return New;
  }();
  return *K;
}

HANDLE Kernel::addHandle(Object *O, int Pid, const std::string &Origin,
                         bool Inherit) {
  uintptr_t V = NextHandle;
  NextHandle += 4; // Values are multiples of four and never reused (§2.1).
  Handles[V] = {O, Pid, Origin, Inherit};
  ++O->HandleCount;
  ++O->HandlesByProcess[Pid];
  ++O->RefCount;
  return (HANDLE)V;
}

HandleEntry *Kernel::lookup(HANDLE H) {
  auto It = Handles.find((uintptr_t)H & ~uintptr_t(3)); // tag bits (§2.1)
  return It == Handles.end() ? nullptr : &It->second;
}

Process *Kernel::processOf(HANDLE H) {
  if (H == (HANDLE)(LONG_PTR)-1)
    return nullptr; // the current (main) process
  return lookupAs<Process>(H, ObjType::Process);
}

bool Kernel::closeHandleFromProgram(HANDLE H) {
  HandleEntry *E = lookup(H);
  File *F = E && E->Obj->Type == ObjType::File ? static_cast<File *>(E->Obj)
                                                 : nullptr;
  if (!closeHandle(H))
    return false;
  if (F)
    for (Op *O : pendingOps(*F))
      leftPending(*O, "the close");
  return true;
}

void Kernel::leftPending(Op &O, const std::string &What) {
  O.LeftPendingBy.push_back({Site, What, captureStack()});
}

bool Kernel::closeHandle(HANDLE H) {
  auto It = Handles.find((uintptr_t)H & ~uintptr_t(3));
  if (It == Handles.end())
    return false;
  closeEntry(It->first);
  return true;
}

void Kernel::closeEntry(uintptr_t Value) {
  HandleEntry E = Handles[Value];
  Handles.erase(Value);
  Object *O = E.Obj;
  --O->HandleCount;
  --O->HandlesByProcess[E.Pid];
  --O->RefCount;
  if (O->Type == ObjType::File) {
    auto *F = static_cast<File *>(O);
    // §1.4: the last handle in this process, others elsewhere, cancels
    // this process's thread-agnostic requests, not those of the processes
    // that keep their handles. Wine 8 cancels nothing here: with a real
    // child holding a handle, the parent's request stays pending until the
    // child's handle closes too (the Wine lane's ref-03).
    if (O->HandlesByProcess[E.Pid] == 0 && O->HandleCount > 0 && !Wine8)
      for (Op *P : pendingOps(*F))
        if (P->Pid == E.Pid && F->CompletionPort && P->CompletionValue &&
            !P->Ev) {
          P->CancelRequested = true;
          complete(*P, StatusCancelled, 0);
        }
    // §1.1: cleanup (IRP_MJ_CLEANUP) when the last handle goes away.
    if (O->HandleCount == 0 && !F->CleanedUp) {
      F->CleanedUp = true;
      F->Dev->cleanup(*F);
    }
  }
  if (O->Type == ObjType::Port && O->HandleCount == 0)
    static_cast<Port *>(O)->Closed = true;
}

void Kernel::inheritInto(int ChildPid, const std::string &Origin) {
  std::vector<Object *> Inherited;
  for (const auto &[V, E] : Handles)
    if (E.Pid == 0 && E.Inherit)
      Inherited.push_back(E.Obj);
  for (Object *O : Inherited)
    addHandle(O, ChildPid, Origin, /*Inherit=*/true);
}

void Kernel::closeHandlesOf(int Pid) {
  std::vector<uintptr_t> Values;
  for (const auto &[V, E] : Handles)
    if (E.Pid == Pid)
      Values.push_back(V);
  for (uintptr_t V : Values)
    closeEntry(V);
}

std::string Kernel::describeHandles(const Object &O) const {
  std::string Out;
  for (const auto &[V, E] : Handles)
    if (E.Obj == &O) {
      char Buf[160];
      snprintf(Buf, sizeof Buf, "%shandle 0x%lx in %s (%s)",
               Out.empty() ? "" : ", ", (unsigned long)V,
               E.Pid == 0 ? "this process" : "a simulated child process",
               E.Origin.c_str());
      Out += Buf;
    }
  return Out;
}

Op *Kernel::newOp(OpKind K, const char *Api, File &F, LPOVERLAPPED Ov,
                  char *Buf, DWORD Len) {
  Ops.push_back(std::make_unique<Op>());
  Op &O = *Ops.back();
  O.Id = (int)Ops.size();
  O.Kind = K;
  O.Issuer = Running;
  O.Pid = Running->Pid;
  O.Api = Api;
  // Requests of outside actions (a peer's write) are not the program's:
  // they happen inside whatever call the program is blocked in.
  O.Site = InOutsideAction ? "an outside action" : Site;
  if (!InOutsideAction)
    O.IssueStack = captureStack();
  O.Target = &F;
  O.Ov = Ov;
  O.Buffer = Buf;
  O.Length = Len;
  return &O;
}

std::vector<Op *> Kernel::pendingOps(const File &F) const {
  std::vector<Op *> Out;
  for (const auto &O : Ops)
    if (O->Target == &F && O->State == OpState::Pending)
      Out.push_back(O.get());
  return Out;
}

bool Kernel::memoryIsLive(const void *Addr, size_t N, const char *Access,
                          const char *What, const Op *O) {
  if (!__asan_region_is_poisoned(const_cast<void *>(Addr), N))
    return true;
  char Buf[256];
  std::string Of = O ? std::string(O->Api) + " #" + std::to_string(O->Id)
                     : std::string("the call");
  std::string At = O ? O->Site : Site;
  snprintf(Buf, sizeof Buf,
           "the kernel %s %s of %s (%s) %s memory that was freed or went "
           "out of scope",
           Access, What, Of.c_str(), At.c_str(),
           strcmp(Access, "read") ? "into" : "from");
  MemoryErrors.push_back(Buf);
  // Heap memory has a free stack: the free may be all that the program
  // function under test did (it frees under a request started elsewhere).
  void *Dead = __asan_region_is_poisoned(const_cast<void *>(Addr), N);
  void *Trace[32];
  int Tid;
  size_t Depth = Dead ? __asan_get_free_stack(Dead, Trace, 32, &Tid) : 0;
  MemoryCites.push_back({At, Of, O ? O->IssueStack : captureStack(),
                         CallStack(Trace, Trace + Depth), O});
  return false;
}

void Kernel::kernelWrite(void *Dst, const void *Src, size_t N,
                         const char *What, const Op *O) {
  // A write into dead memory is recorded and suppressed, so the run can go
  // on and report more.
  if (N && memoryIsLive(Dst, N, "wrote", What, O))
    memcpy(Dst, Src, N);
}

bool Kernel::kernelRead(const void *Src, void *Dst, size_t N, const char *What,
                        const Op *O) {
  if (!memoryIsLive(Src, N, "read", What, O))
    return false;
  memcpy(Dst, Src, N);
  return true;
}

void Kernel::writeIosb(Op &O) {
  if (!O.Ov)
    return;
  ULONG_PTR Status = (ULONG_PTR)(uint32_t)O.Status;
  kernelWrite(&O.Ov->Internal, &Status, sizeof Status, "the status", &O);
  kernelWrite(&O.Ov->InternalHigh, &O.Information, sizeof O.Information,
              "the byte count", &O);
}

BOOL Kernel::issue(Op &O, bool ReturnsTrueWhenPending, LPDWORD Bytes) {
  apiBoundary();
  File &F = *O.Target;
  // §2.2.2 step 2: the wrapper marks the OVERLAPPED pending.
  if (O.Ov) {
    ULONG_PTR Pending = StatusPending;
    kernelWrite(&O.Ov->Internal, &Pending, sizeof Pending, "the status", &O);
    HANDLE Raw = nullptr;
    kernelRead(&O.Ov->hEvent, &Raw, sizeof Raw, "the event", &O);
    if (Raw && !O.Routine) {
      O.Ev = lookupAs<Event>((HANDLE)((uintptr_t)Raw & ~uintptr_t(1)),
                             ObjType::Event);
      if (O.Ev)
        ++O.Ev->RefCount;
    }
    // Completion value: the OVERLAPPED, unless the event's low bit is set
    // or a completion routine is used (§2.2).
    O.CompletionValue = (O.Routine || ((uintptr_t)Raw & 1)) ? nullptr : O.Ov;
    for (const auto &Other : Ops)
      if (Other.get() != &O && Other->Ov == O.Ov &&
          Other->State != OpState::Retired)
        finding("OVERLAPPED_REUSE: " + std::string(O.Api) + " at " +
                O.Site + " reuses the OVERLAPPED of " +
                Other->Api + " #" + std::to_string(Other->Id) +
                ", which is still in flight");
  }
  if (O.Routine && F.CompletionPort) {
    O.State = OpState::Retired;
    LastError = ERROR_INVALID_PARAMETER;
    return FALSE;
  }
  if (O.Ev)
    O.Ev->Signaled = false;
  F.Signaled = false;
  ++F.RefCount;
  StartResult R = F.Dev->start(O);
  switch (R.Kind) {
  case StartKind::SyncFail:
    O.State = OpState::Retired;
    O.Status = R.Status;
    O.RetiredWhy = "failed synchronously: no completion, no packet";
    --F.RefCount;
    LastError = win32Error(R.Status);
    return FALSE;
  case StartKind::Complete:
    O.Status = R.Status;
    O.Information = R.Information;
    writeIosb(O);
    if (Bytes)
      *Bytes = (DWORD)R.Information;
    notify(O, /*Sync=*/true);
    LastError = ERROR_SUCCESS;
    return TRUE;
  case StartKind::Pending:
    // Without an OVERLAPPED (or on a synchronous handle) the call itself
    // waits for the completion (§2.2.2 step 3 and 7).
    if (!F.Overlapped || !O.Ov) {
      if (O.Ov == nullptr && F.Overlapped)
        finding("MISUSE_NULL_OVERLAPPED: " + std::string(O.Api) + " at " +
                O.Site + " has no OVERLAPPED on an overlapped handle");
      Op *P = &O;
      setWaitTargets({}, false, P);
      if (blockUntil([P] { return P->State != OpState::Pending; }, INFINITE,
                     std::string(O.Api) + " (" + O.Site + ")",
                     "its own I/O on " + F.Label) != BlockResult::Ready)
        hang({&F});
      if (Bytes)
        *Bytes = (DWORD)O.Information;
      LastError = win32Error(O.Status);
      return O.Status >= 0 ? TRUE : FALSE;
    }
    LastError = ERROR_IO_PENDING;
    return ReturnsTrueWhenPending ? TRUE : FALSE;
  }
  return FALSE;
}

void Kernel::complete(Op &O, NTSTATUS Status, ULONG_PTR Information) {
  O.Status = Status;
  O.Information = Information;
  notify(O, /*Sync=*/false);
}

void Kernel::notify(Op &O, bool Sync) {
  File &F = *O.Target;
  // §2.2.3: a port-bound, event-less request gets its IOSB at dequeue.
  bool Deferred = !Wine8 && !Sync && F.CompletionPort && O.CompletionValue &&
                  !O.Ev;
  if (!Deferred) {
    if (!Sync)
      writeIosb(O);
  } else {
    O.IosbDeferred = true;
  }
  if (O.Ev)
    O.Ev->Signaled = true;
  else if (!F.SkipSetEvent)
    F.Signaled = true;
  noteProgress();
  if (O.Routine && !O.Issuer->Exited) {
    O.Issuer->Apcs.push_back({O.Routine, win32Error(O.Status),
                              (DWORD)O.Information, O.Ov, &O});
    O.State = OpState::AwaitApc;
  } else if (O.Routine) {
    O.State = OpState::Retired;
    O.RetiredWhy = "its thread exited: the completion routine never runs";
  } else if (F.CompletionPort && O.CompletionValue &&
             !(Sync && O.Status >= 0 && F.SkipPortOnSuccess)) {
    F.CompletionPort->Packets.push_back(
        {F.Key, (LPOVERLAPPED)O.CompletionValue, O.Status, O.Information, &O});
    O.State = OpState::AwaitDequeue;
  } else {
    O.State = OpState::Retired;
    if (Sync && F.CompletionPort && F.SkipPortOnSuccess)
      O.RetiredWhy = "completed synchronously with "
                     "FILE_SKIP_COMPLETION_PORT_ON_SUCCESS: no packet";
    else if (F.CompletionPort && !O.CompletionValue)
      O.RetiredWhy = "completed without a completion value (event low bit "
                     "set): no packet";
    else
      O.RetiredWhy = "completed";
  }
  if (O.Ev)
    --O.Ev->RefCount;
  --F.RefCount;
}

void Kernel::cancel(Op &O) {
  if (O.State != OpState::Pending || O.CancelRequested)
    return;
  O.CancelRequested = true;
  if (!O.Target->DeferCancellation) {
    O.Target->Dev->cancel(O);
    return;
  }
  // The cancellation completes at the next scheduler step, before the
  // program can wait for it: "freed right after CancelIoEx" shows.
  Op *P = &O;
  schedule(Now + 1, "a cancellation completes", [P] {
    if (P->State == OpState::Pending)
      P->Target->Dev->cancel(*P);
  });
}

bool Kernel::isSignaled(Object &O) const {
  switch (O.Type) {
  case ObjType::Event:
    return static_cast<Event &>(O).Signaled;
  case ObjType::File:
    return static_cast<File &>(O).Signaled;
  case ObjType::Process:
    return static_cast<Process &>(O).Exited;
  case ObjType::Port:
    return false;
  case ObjType::Thread:
    return static_cast<Thread &>(O).Exited;
  }
  return false;
}

void Kernel::consume(Object &O) {
  if (O.Type == ObjType::Event && !static_cast<Event &>(O).ManualReset)
    static_cast<Event &>(O).Signaled = false;
}

void Kernel::runApcs() {
  Thread *Me = Running;
  while (!Me->Apcs.empty()) {
    Apc A = Me->Apcs.front();
    Me->Apcs.pop_front();
    A.Operation->State = OpState::Retired;
    A.Operation->RetiredWhy = "its completion routine ran";
    A.Routine(A.Error, A.Bytes, A.Ov);
  }
}

void Kernel::schedule(uint64_t At, std::string What,
                      std::function<void()> Action) {
  Timers.push_back({At, std::move(What), std::move(Action)});
}

Thread *Kernel::pickRunnable(Thread *Me) const {
  size_t N = Threads.size();
  size_t Start =
      std::find(Threads.begin(), Threads.end(), Me) - Threads.begin();
  for (size_t I = 1; I <= N; ++I) {
    Thread *T = Threads[(Start + I) % N];
    if (T->Exited || (Finishing && T != Me))
      continue;
    if (!T->Ready || (*T->Ready)() || Now >= T->Deadline)
      return T;
  }
  return nullptr;
}

void Kernel::switchTo(Thread *Me, Thread *Next) {
  std::unique_lock<std::mutex> Lock(BatonMutex);
  Running = Next;
  BatonMoved.notify_all();
  if (Me)
    BatonMoved.wait(Lock, [&] { return Running == Me; });
}

bool Kernel::letTimePass() {
  uint64_t Earliest = UINT64_MAX;
  for (const Thread *T : Threads)
    if (!T->Exited && T->Ready && (!Finishing || T == Running))
      Earliest = std::min(Earliest, T->Deadline);
  auto Next = std::min_element(
      Timers.begin(), Timers.end(),
      [](const Timer &A, const Timer &B) { return A.At < B.At; });
  if (Next != Timers.end() && Next->At <= Earliest) {
    Timer T = *Next;
    Timers.erase(Next);
    Now = std::max(Now, T.At);
    bool Outer = InOutsideAction;
    InOutsideAction = true;
    T.Action();
    InOutsideAction = Outer;
    return true;
  }
  if (Earliest == UINT64_MAX)
    return false;
  Now = std::max(Now, Earliest);
  return true;
}

Kernel::BlockResult Kernel::blockUntil(const std::function<bool()> &Ready,
                                       DWORD Ms, const std::string &BlockedIn,
                                       const std::string &WaitsFor) {
  Thread *Me = Running;
  uint64_t Deadline = Ms == INFINITE ? UINT64_MAX : Now + Ms;
  Me->BlockedSite = Site;
  Me->BlockedStack = captureStack();
  Me->BlockedApi = BlockedIn.substr(0, BlockedIn.find(" ("));
  auto Done = [Me](BlockResult R) {
    // A Stuck wait keeps its targets: the HANG report that follows cites
    // them.
    Me->Ready = nullptr;
    if (R != BlockResult::Stuck)
      Me->WaitObjects.clear(), Me->WaitsForOp = nullptr,
          Me->WaitsAlertable = false;
    return R;
  };
  while (true) {
    if (Ready())
      return Done(BlockResult::Ready);
    if (Now >= Deadline) {
      Me->Ready = nullptr;
      // Spec 2.7: an hour of virtual time with nothing happening is a
      // livelock (a poll loop on I/O that can never complete).
      if (Now - LastProgress > 3600u * 1000u)
        hang({}, "livelock: an hour of virtual time passed without progress");
      return Done(BlockResult::TimedOut);
    }
    Me->Ready = &Ready;
    Me->Deadline = Deadline;
    Me->BlockedIn = BlockedIn;
    Me->WaitsFor = WaitsFor;
    Thread *Next = pickRunnable(Me);
    if (Next && Next != Me) {
      switchTo(Me, Next);
      continue;
    }
    if (Next == Me)
      continue;
    if (!letTimePass())
      return Done(BlockResult::Stuck);
  }
}

HANDLE Kernel::createThread(DWORD(WINAPI *Proc)(LPVOID), LPVOID Param) {
  Thread *T = make<Thread>((int)Threads.size() + 1,
                           "thread " + std::to_string(Threads.size() + 1) +
                               " (" + Site + ")");
  Threads.push_back(T);
  HANDLE H = addHandle(T, 0, "CreateThread at " + Site);
  std::thread([this, T, Proc, Param] {
    {
      std::unique_lock<std::mutex> Lock(BatonMutex);
      BatonMoved.wait(Lock, [&] { return Running == T; });
    }
    Proc(Param);
    exitThread();
  }).detach();
  return H;
}

void Kernel::createInternalThread(std::string Label,
                                  std::function<void()> Body) {
  Thread *T = make<Thread>((int)Threads.size() + 1, std::move(Label));
  T->Internal = true;
  Threads.push_back(T);
  std::thread([T, Body] {
    {
      std::unique_lock<std::mutex> Lock(BatonMutex);
      BatonMoved.wait(Lock, [&] { return Kernel::get().running() == T; });
    }
    Body();
  }).detach();
}

void Kernel::yieldAtApiCall() {
  Thread *Me = Running;
  if (Finishing || Threads.size() < 2)
    return;
  Thread *Next = pickRunnable(Me);
  if (Next && Next != Me)
    switchTo(Me, Next);
}

void Kernel::apiCalled() {
  ++ApiCalls;
  static std::once_flag Started;
  std::call_once(Started, [this] { startWatchdog(); });
}

void Kernel::startWatchdog() {
  // Spec 2.7: a thread that stays in program code without calling the shim
  // for long is spinning; report it rather than run forever. Real time
  // cannot tell a spin from a slow machine, so the verdict is SPIN, never
  // HANG, and no harness takes it as proof of a hang.
  const char *Env = getenv("IODRAIN_SHIM_WATCHDOG_MS");
  uint64_t Limit = Env && atoi(Env) > 0 ? (uint64_t)atoi(Env) : 10000;
  std::thread([this, Limit] {
    uint64_t Step = std::min<uint64_t>(500, std::max<uint64_t>(Limit / 4, 1));
    uint64_t Seen = ApiCalls.load(), Quiet = 0;
    while (true) {
      std::this_thread::sleep_for(std::chrono::milliseconds(Step));
      uint64_t Calls = ApiCalls.load();
      Quiet = Calls == Seen ? Quiet + Step : 0;
      Seen = Calls;
      if (Quiet >= Limit)
        emitVerdict("SPIN",
                    {"watchdog: no call into the shim for " +
                     std::to_string(Limit) +
                     " ms of real time: a thread spins in program code, or "
                     "the machine is too slow (not a deterministic verdict, "
                     "and not a HANG)"},
                    {});
    }
  }).detach();
}

void Kernel::exitThread() {
  Thread *Me = Running;
  // Spec 2.4: the thread's requests that are not thread-agnostic are
  // cancelled; its queued completion routines never run.
  for (const auto &O : Ops)
    if (O->Issuer == Me && O->State == OpState::Pending &&
        !(O->Target->CompletionPort && O->CompletionValue && !O->Ev)) {
      O->CancelRequested = true;
      complete(*O, StatusCancelled, 0);
    }
  for (const Apc &A : Me->Apcs)
    finding("APC_LOST: the completion routine of " +
            std::string(A.Operation->Api) + " #" +
            std::to_string(A.Operation->Id) + " (" + A.Operation->Site +
            ") never runs: its thread exited");
  Me->Apcs.clear();
  Me->Exited = true;
  noteProgress();
  while (true) {
    Thread *Next = pickRunnable(Me);
    if (Next) {
      switchTo(nullptr, Next);
      // This OS thread is done; park it for good.
      std::unique_lock<std::mutex> Lock(BatonMutex);
      BatonMoved.wait(Lock, [] { return false; });
    }
    if (!letTimePass())
      hang({});
  }
}

DWORD Kernel::wait(const std::vector<HANDLE> &Hs, bool All, DWORD Ms,
                   bool Alertable, const char *Api) {
  apiBoundary();
  std::vector<Object *> Objs;
  for (HANDLE H : Hs) {
    HandleEntry *E = lookup(H);
    if (!E) {
      LastError = ERROR_INVALID_HANDLE;
      return WAIT_FAILED;
    }
    Objs.push_back(E->Obj);
  }
  Thread *Me = Running;
  DWORD Result = WAIT_TIMEOUT;
  auto Ready = [&] {
    if (Alertable && !Me->Apcs.empty()) {
      Result = WAIT_IO_COMPLETION;
      return true;
    }
    if (All) {
      if (!Objs.empty() &&
          std::all_of(Objs.begin(), Objs.end(),
                      [&](Object *O) { return isSignaled(*O); })) {
        Result = WAIT_OBJECT_0;
        return true;
      }
      return false;
    }
    for (size_t I = 0; I < Objs.size(); ++I)
      if (isSignaled(*Objs[I])) {
        Result = WAIT_OBJECT_0 + (DWORD)I;
        return true;
      }
    return false;
  };
  std::string What;
  for (const Object *O : Objs)
    What += (What.empty() ? "" : All ? " and " : " or ") + O->Label;
  if (What.empty())
    What = Alertable ? "a completion routine" : "nothing (an endless sleep)";
  setWaitTargets(std::vector<const Object *>(Objs.begin(), Objs.end()),
                 Alertable);
  switch (blockUntil(Ready, Ms, std::string(Api) + " (" + Site + ")", What)) {
  case BlockResult::Ready:
    if (Result == WAIT_IO_COMPLETION) {
      runApcs();
    } else if (All) {
      for (Object *O : Objs)
        consume(*O);
    } else {
      consume(*Objs[Result - WAIT_OBJECT_0]);
    }
    return Result;
  case BlockResult::TimedOut:
    return WAIT_TIMEOUT;
  case BlockResult::Stuck:
    break;
  }
  std::vector<const Object *> Const(Objs.begin(), Objs.end());
  hang(Const);
}

void Kernel::apiBoundary() {
  for (const auto &O : Ops) {
    if (O->State != OpState::Pending && O->State != OpState::AwaitDequeue)
      continue;
    if (O->FreedWhilePendingReported)
      continue;
    bool OvDead = O->Ov && __asan_region_is_poisoned(O->Ov, sizeof(OVERLAPPED));
    bool BufDead = O->Buffer && O->Length &&
                   __asan_region_is_poisoned(O->Buffer, O->Length);
    if (OvDead || BufDead) {
      O->FreedWhilePendingReported = true;
      finding("FREED_WHILE_PENDING: the " +
              std::string(OvDead ? "OVERLAPPED" : "buffer") + " of " +
              O->Api + " #" + std::to_string(O->Id) + " (" + O->Site +
              ") is no longer live");
    }
  }
}

void Kernel::finding(const std::string &Text) { Findings.push_back(Text); }

void Kernel::setWaitTargets(std::vector<const Object *> Objects,
                            bool Alertable, const Op *Own) {
  Running->WaitObjects = std::move(Objects);
  Running->WaitsAlertable = Alertable;
  Running->WaitsForOp = Own;
}

/// The report's `cites:` line: the file:line of each event the verdict is
/// about, and of each program function the event happened in (the frames
/// of its call stack), once each.
class Citations {
public:
  void add(const std::string &Site, const std::string &What,
           const CallStack &Stack = {}) {
    addOne(Site, What);
    for (const std::string &Frame : programFrames(Stack))
      addOne(Frame, "in a call to: " + What);
  }
  void addFree(const CallStack &FreeStack, const std::string &What) {
    for (const std::string &Frame : programFrames(FreeStack))
      addOne(Frame, "the free of the memory of " + What);
  }
  void addOp(const Op &O, const std::string &Name) {
    add(O.Site, Name, O.IssueStack);
    for (const Op::Miss &M : O.LeftPendingBy)
      add(M.Site, M.What + " that left " + Name + " pending", M.Stack);
  }
  std::vector<std::string> strings() const {
    std::vector<std::string> Out;
    for (const auto &[Site, What] : List)
      Out.push_back(Site + " (" + What + ")");
    return Out;
  }

private:
  void addOne(const std::string &Site, const std::string &What) {
    if (Site.empty() || Site == "?" || Site == "an outside action")
      return;
    for (const auto &C : List)
      if (C.first == Site)
        return;
    List.push_back({Site, What});
  }
  std::vector<std::pair<std::string, std::string>> List;
};

namespace {
std::string opName(const Op &O) {
  return std::string(O.Api) + " #" + std::to_string(O.Id);
}
/// O completed on the file W without signaling it, and a thread waits on
/// the file handle.
bool skippedSignal(const Op &O, const Object *W) {
  return O.Target == W && O.Target->SkipSetEvent && !O.Ev &&
         O.State != OpState::Pending && O.Status != StatusPending &&
         O.RetiredWhy.rfind("failed synchronously", 0) != 0;
}
} // namespace

void Kernel::citeMemoryError(Citations &Cites, size_t I) const {
  const MemoryCite &M = MemoryCites[I];
  if (M.Operation)
    Cites.addOp(*M.Operation, M.What);
  else
    Cites.add(M.Site, M.What, M.Stack);
  Cites.addFree(M.FreeStack, M.What);
}

void Kernel::hang(const std::vector<const Object *> &Waited,
                  const char *Kind) {
  std::vector<std::string> Lines;
  Citations Cites;
  bool Livelock = *Kind;
  if (Livelock)
    Lines.push_back(Kind);
  for (size_t I = 0; I < MemoryErrors.size(); ++I) {
    Lines.push_back("memory: " + MemoryErrors[I]);
    citeMemoryError(Cites, I);
  }
  std::vector<const Thread *> Blocked;
  for (const Thread *T : Threads)
    if (!T->Exited && !T->Internal && !T->BlockedIn.empty() &&
        (T->Ready || T == Running)) {
      Blocked.push_back(T);
      Lines.push_back(T->Label + " blocked in " + T->BlockedIn +
                      " waiting for " + T->WaitsFor +
                      ", with no other thread left to wake it");
      Cites.add(T->BlockedSite, T->BlockedApi + ", blocked", T->BlockedStack);
    }
  // The requests the blocked waits are about: those that would satisfy
  // them, and those that retired without the notification they wait for.
  // A livelock polls without waiting on anything: every pending request.
  auto Involved = [&](const Op &O) {
    if (Livelock && O.State == OpState::Pending)
      return true;
    for (const Thread *T : Blocked) {
      if (T->WaitsForOp == &O ||
          (O.State == OpState::AwaitApc && O.Issuer == T))
        return true;
      for (const Object *W : T->WaitObjects) {
        const File &F = *O.Target;
        if (O.State == OpState::Pending &&
            (O.Ev == W || &F == W ||
             (F.CompletionPort == W && O.CompletionValue)))
          return true;
        if (O.State == OpState::Retired && F.CompletionPort == W &&
            O.RetiredWhy != "completed" &&
            O.RetiredWhy != "its packet was dequeued")
          return true;
        if (skippedSignal(O, W))
          return true;
      }
    }
    return false;
  };
  bool Any = false;
  for (const auto &O : Ops) {
    if (O->State != OpState::Pending)
      continue;
    Any = true;
    Lines.push_back("pending: " + opName(*O) + " (" + O->Site + ") on " +
                    O->Target->Label + ": " + O->Target->Dev->whyPending(*O));
    if (Involved(*O))
      Cites.addOp(*O, opName(*O));
  }
  for (const auto &O : Ops)
    if (O->State == OpState::Retired && O->RetiredWhy != "completed" &&
        O->RetiredWhy != "its completion routine ran" &&
        O->RetiredWhy != "its packet was dequeued" &&
        O->Target->CompletionPort &&
        std::find(Waited.begin(), Waited.end(), O->Target->CompletionPort) !=
            Waited.end()) {
      Lines.push_back("no packet: " + opName(*O) + " (" + O->Site + ") " +
                      O->RetiredWhy);
      if (Involved(*O))
        Cites.addOp(*O, opName(*O));
    }
  for (const auto &O : Ops)
    for (const Thread *T : Blocked)
      if (std::any_of(T->WaitObjects.begin(), T->WaitObjects.end(),
                      [&](const Object *W) { return skippedSignal(*O, W); })) {
        Lines.push_back("no signal: " + opName(*O) + " (" + O->Site +
                        ") completed, but FILE_SKIP_SET_EVENT_ON_HANDLE kept "
                        "it from signaling " + O->Target->Label);
        Cites.addOp(*O, opName(*O));
        break;
      }
  bool AnyApc = false;
  for (const Thread *T : Threads)
    for (const Apc &A : T->Apcs) {
      AnyApc = true;
      Lines.push_back("queued: the completion routine of " +
                      opName(*A.Operation) + " (" + A.Operation->Site +
                      ") runs only in an alertable wait of " + T->Label);
      if (Involved(*A.Operation))
        Cites.addOp(*A.Operation, opName(*A.Operation));
    }
  if (!Any && !AnyApc)
    Lines.push_back("nothing is pending that could complete");
  for (const std::string &F : Findings)
    Lines.push_back("finding: " + F);
  emitVerdict(MemoryErrors.empty() ? "HANG" : "USE-AFTER-FREE", Lines,
              Cites.strings());
}

void Kernel::finish() {
  apiBoundary();
  // The process exits (spec 2.4): no other thread runs again. The outside
  // world goes on after the program's last call: a late peer write still
  // lands in whatever memory the pending read was given.
  Finishing = true;
  while (letTimePass()) {
  }
  apiBoundary();
  std::vector<std::string> Lines;
  Citations Cites;
  for (size_t I = 0; I < MemoryErrors.size(); ++I) {
    Lines.push_back("memory: " + MemoryErrors[I]);
    citeMemoryError(Cites, I);
  }
  for (const auto &O : Ops)
    if (O->State == OpState::Pending)
      Lines.push_back("finding: PENDING_AT_EXIT: " + opName(*O) + " (" +
                      O->Site + ")");
  for (const std::string &F : Findings)
    Lines.push_back("finding: " + F);
  emitVerdict(MemoryErrors.empty() ? "CLEAN" : "USE-AFTER-FREE", Lines,
              Cites.strings());
}

void Kernel::emitVerdict(const char *Verdict,
                         const std::vector<std::string> &Lines,
                         const std::vector<std::string> &Cites) {
  // One verdict per run: a second reporter (the watchdog racing the end of
  // the program) waits for the first to exit the process.
  static std::atomic_flag Given = ATOMIC_FLAG_INIT;
  if (Given.test_and_set())
    while (true)
      pause();
  const char *Nonce = getenv("IODRAIN_SHIM_NONCE");
  std::string Out = "VERDICT";
  if (Nonce && *Nonce)
    Out += std::string(" ") + Nonce;
  Out += std::string(": ") + Verdict + "\n";
  for (const std::string &L : Lines)
    Out += "  " + L + "\n";
  if (!Cites.empty()) {
    Out += "  cites:";
    for (size_t I = 0; I < Cites.size(); ++I)
      Out += (I ? ", " : " ") + Cites[I];
    Out += "\n";
  }
  fflush(stdout); // what the program printed comes first
  for (size_t Done = 0; Done < Out.size();) {
    ssize_t N = write(1, Out.data() + Done, Out.size() - Done);
    if (N <= 0)
      break;
    Done += (size_t)N;
  }
  _exit(0);
}

} // namespace shim
