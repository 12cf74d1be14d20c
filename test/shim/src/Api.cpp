//===- Api.cpp - The Win32 entry points of the shim -----------------------===//
//
// Each function follows the spec's table (§2.3) for the behaviour the
// scenarios exercise; what is not implemented fails loudly with
// ERROR_INVALID_FUNCTION rather than pretending.
//
//===----------------------------------------------------------------------===//

#include "Kernel.h"
#include <winsock2.h>
#include <mswsock.h>
#include "iodrain_shim.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <cwchar>
#include <iterator>
#include <string>
#include <vector>

using namespace shim;

namespace {

Kernel &K() { return Kernel::get(); }

std::string site(const char *Api) { return std::string(Api) + " at " + K().Site; }

std::string label(const char *What) {
  return std::string(What) + " (" + K().Site + ")";
}

File *fileOf(HANDLE H) { return K().lookupAs<File>(H, ObjType::File); }

BOOL fail(DWORD Error) {
  K().LastError = Error;
  return FALSE;
}

/// TrueWhenQueued: the API reports a request that pends as success, as
/// ReadFileEx and ReadDirectoryChangesW do ("successfully queued").
BOOL startIo(OpKind Kind, const char *Api, HANDLE H, void *Buf, DWORD Len,
             LPDWORD Bytes, LPOVERLAPPED Ov,
             LPOVERLAPPED_COMPLETION_ROUTINE Routine,
             bool TrueWhenQueued = false) {
  File *F = fileOf(H);
  if (!F)
    return fail(ERROR_INVALID_HANDLE);
  if (Routine && !Ov)
    return fail(ERROR_INVALID_PARAMETER);
  if (Bytes)
    *Bytes = 0;
  Op *O = K().newOp(Kind, Api, *F, Ov, (char *)Buf, Len);
  O->Routine = Routine;
  return K().issue(*O, /*ReturnsTrueWhenPending=*/Routine || TrueWhenQueued,
                   Bytes);
}

} // namespace

extern "C" {

void ShimSetSite(const char *File, int Line) {
  K().apiCalled();
  K().yieldAtApiCall(); // before Site is set: other threads set theirs
  const char *Base = strrchr(File, '/');
  K().Site = std::string(Base ? Base + 1 : File) + ":" + std::to_string(Line);
}

DWORD WINAPI GetLastError(void) { return K().LastError; }
void WINAPI SetLastError(DWORD E) { K().LastError = E; }
HANDLE WINAPI GetCurrentProcess(void) { return (HANDLE)(LONG_PTR)-1; }

BOOL WINAPI CloseHandle(HANDLE H) {
  K().apiBoundary();
  if (!K().closeHandleFromProgram(H))
    return fail(ERROR_INVALID_HANDLE);
  return TRUE;
}

BOOL WINAPI DuplicateHandle(HANDLE, HANDLE Source, HANDLE TargetProcess,
                            LPHANDLE Target, DWORD, BOOL Inherit,
                            DWORD Options) {
  HandleEntry *E = K().lookup(Source);
  if (!E)
    return fail(ERROR_INVALID_HANDLE);
  Process *To = K().processOf(TargetProcess);
  int Pid = To ? To->Pid : 0;
  HANDLE New = K().addHandle(E->Obj, Pid, site("DuplicateHandle"), Inherit);
  if (Target)
    *Target = New; // In a child, the value is the child's to use.
  if (Options & DUPLICATE_CLOSE_SOURCE)
    K().closeHandle(Source);
  return TRUE;
}

static bool inheritable(LPSECURITY_ATTRIBUTES A) {
  return A && A->bInheritHandle;
}

HANDLE WINAPI CreateEventW(LPSECURITY_ATTRIBUTES A, BOOL Manual, BOOL Initial,
                           LPCWSTR Name) {
  // A named event that still has a handle is opened as it is: its state
  // and reset mode stay, and the last error says it existed (CreateEventW:
  // "If the named event object existed before the function call, the
  // function returns a handle to the existing object and GetLastError
  // returns ERROR_ALREADY_EXISTS").
  if (Name) {
    auto It = K().NamedEvents.find(Name);
    if (It != K().NamedEvents.end() && It->second->HandleCount > 0) {
      HANDLE H = K().addHandle(It->second, 0, site("CreateEvent"),
                               inheritable(A));
      K().LastError = 183; // ERROR_ALREADY_EXISTS
      return H;
    }
  }
  Event *E = K().make<Event>(Manual, Initial, label("event"));
  if (Name) {
    K().NamedEvents[Name] = E;
    K().LastError = 0;
  }
  return K().addHandle(E, 0, site("CreateEvent"), inheritable(A));
}

BOOL WINAPI SetHandleInformation(HANDLE H, DWORD Mask, DWORD Flags) {
  HandleEntry *E = K().lookup(H);
  if (!E)
    return fail(ERROR_INVALID_HANDLE);
  if (Mask & HANDLE_FLAG_INHERIT)
    E->Inherit = (Flags & HANDLE_FLAG_INHERIT) != 0;
  return TRUE;
}

HANDLE WINAPI CreateEventA(LPSECURITY_ATTRIBUTES A, BOOL Manual, BOOL Initial,
                           LPCSTR Name) {
  if (!Name)
    return CreateEventW(A, Manual, Initial, nullptr);
  std::wstring Wide(Name, Name + strlen(Name));
  return CreateEventW(A, Manual, Initial, Wide.c_str());
}

BOOL WINAPI SetEvent(HANDLE H) {
  Event *E = K().lookupAs<Event>(H, ObjType::Event);
  if (!E)
    return fail(ERROR_INVALID_HANDLE);
  E->Signaled = true;
  return TRUE;
}

void WINAPI InitializeCriticalSection(LPCRITICAL_SECTION Cs) {
  Cs->Free = CreateEventW(nullptr, FALSE, TRUE, nullptr);
  Cs->OwningThread = nullptr;
  Cs->RecursionCount = 0;
}

void WINAPI DeleteCriticalSection(LPCRITICAL_SECTION Cs) {
  CloseHandle(Cs->Free);
  Cs->Free = nullptr;
}

BOOL WINAPI TryEnterCriticalSection(LPCRITICAL_SECTION Cs) {
  void *Me = K().running();
  if (Cs->OwningThread != Me &&
      WaitForSingleObject(Cs->Free, 0) != WAIT_OBJECT_0)
    return FALSE;
  Cs->OwningThread = Me;
  ++Cs->RecursionCount;
  return TRUE;
}

void WINAPI EnterCriticalSection(LPCRITICAL_SECTION Cs) {
  void *Me = K().running();
  if (Cs->OwningThread != Me)
    WaitForSingleObject(Cs->Free, INFINITE);
  Cs->OwningThread = Me;
  ++Cs->RecursionCount;
}

void WINAPI LeaveCriticalSection(LPCRITICAL_SECTION Cs) {
  if (--Cs->RecursionCount > 0)
    return;
  Cs->OwningThread = nullptr;
  SetEvent(Cs->Free);
}

BOOL WINAPI ResetEvent(HANDLE H) {
  Event *E = K().lookupAs<Event>(H, ObjType::Event);
  if (!E)
    return fail(ERROR_INVALID_HANDLE);
  E->Signaled = false;
  return TRUE;
}

DWORD WINAPI WaitForSingleObjectEx(HANDLE H, DWORD Ms, BOOL Alertable) {
  return K().wait({H}, false, Ms, Alertable, "WaitForSingleObjectEx");
}
DWORD WINAPI WaitForSingleObject(HANDLE H, DWORD Ms) {
  return K().wait({H}, false, Ms, false, "WaitForSingleObject");
}
DWORD WINAPI WaitForMultipleObjectsEx(DWORD N, const HANDLE *Hs, BOOL All,
                                      DWORD Ms, BOOL Alertable) {
  return K().wait(std::vector<HANDLE>(Hs, Hs + N), All, Ms, Alertable,
                  "WaitForMultipleObjectsEx");
}
DWORD WINAPI WaitForMultipleObjects(DWORD N, const HANDLE *Hs, BOOL All,
                                    DWORD Ms) {
  return K().wait(std::vector<HANDLE>(Hs, Hs + N), All, Ms, false,
                  "WaitForMultipleObjects");
}

// No window messages reach the shim's threads: a message wait ends only
// for its objects, its timeout or, with MWMO_ALERTABLE, a completion
// routine.
DWORD WINAPI MsgWaitForMultipleObjectsEx(DWORD N, const HANDLE *Hs, DWORD Ms,
                                         DWORD WakeMask, DWORD Flags) {
  (void)WakeMask;
  return K().wait(std::vector<HANDLE>(Hs, Hs + N), Flags & MWMO_WAITALL, Ms,
                  Flags & MWMO_ALERTABLE, "MsgWaitForMultipleObjectsEx");
}
DWORD WINAPI MsgWaitForMultipleObjects(DWORD N, const HANDLE *Hs, BOOL All,
                                       DWORD Ms, DWORD WakeMask) {
  (void)WakeMask;
  return K().wait(std::vector<HANDLE>(Hs, Hs + N), All, Ms, false,
                  "MsgWaitForMultipleObjects");
}

DWORD WINAPI SleepEx(DWORD Ms, BOOL Alertable) {
  DWORD R = K().wait({}, false, Ms, Alertable, "SleepEx");
  return R == WAIT_IO_COMPLETION ? WAIT_IO_COMPLETION : 0;
}
void WINAPI Sleep(DWORD Ms) { SleepEx(Ms, FALSE); }

HANDLE WINAPI CreateNamedPipeW(LPCWSTR Name, DWORD OpenMode, DWORD, DWORD,
                               DWORD, DWORD, DWORD, LPSECURITY_ATTRIBUTES A) {
  File *Server, *Client;
  createPipe(/*Connected=*/false, Server, Client, K().Site);
  Server->Overlapped = (OpenMode & FILE_FLAG_OVERLAPPED) != 0;
  registerListeningPipe(Name, Server);
  return K().addHandle(Server, 0, site("CreateNamedPipeW"), inheritable(A));
}

HANDLE WINAPI CreateFileW(LPCWSTR Name, DWORD, DWORD, LPSECURITY_ATTRIBUTES A,
                          DWORD, DWORD Flags, HANDLE) {
  if (wcsncmp(Name, L"\\\\.\\pipe\\", 9) != 0) {
    File *Disk = K().make<File>(label("disk file"));
    Disk->Dev = createDiskDevice(Name);
    Disk->Overlapped = (Flags & FILE_FLAG_OVERLAPPED) != 0;
    return K().addHandle(Disk, 0, site("CreateFileW"), inheritable(A));
  }
  File *Client = connectClient(Name);
  if (!Client) {
    K().LastError = 2; // ERROR_FILE_NOT_FOUND
    return INVALID_HANDLE_VALUE;
  }
  Client->Overlapped = (Flags & FILE_FLAG_OVERLAPPED) != 0;
  return K().addHandle(Client, 0, site("CreateFileW"), inheritable(A));
}

BOOL WINAPI DisconnectNamedPipe(HANDLE H) {
  File *F = fileOf(H);
  if (!F || !disconnectPipe(*F))
    return fail(ERROR_INVALID_HANDLE);
  return TRUE;
}

BOOL WINAPI ConnectNamedPipe(HANDLE H, LPOVERLAPPED Ov) {
  return startIo(OpKind::Listen, "ConnectNamedPipe", H, nullptr, 0, nullptr,
                 Ov, nullptr);
}

BOOL WINAPI ReadFile(HANDLE H, LPVOID Buf, DWORD Len, LPDWORD Read,
                     LPOVERLAPPED Ov) {
  return startIo(OpKind::Read, "ReadFile", H, Buf, Len, Read, Ov, nullptr);
}

BOOL WINAPI WriteFile(HANDLE H, LPCVOID Buf, DWORD Len, LPDWORD Written,
                      LPOVERLAPPED Ov) {
  return startIo(OpKind::Write, "WriteFile", H, (void *)Buf, Len, Written, Ov,
                 nullptr);
}

BOOL WINAPI ReadFileEx(HANDLE H, LPVOID Buf, DWORD Len, LPOVERLAPPED Ov,
                       LPOVERLAPPED_COMPLETION_ROUTINE Routine) {
  if (!Routine)
    return fail(ERROR_INVALID_PARAMETER);
  return startIo(OpKind::Read, "ReadFileEx", H, Buf, Len, nullptr, Ov,
                 Routine);
}

BOOL WINAPI WriteFileEx(HANDLE H, LPCVOID Buf, DWORD Len, LPOVERLAPPED Ov,
                        LPOVERLAPPED_COMPLETION_ROUTINE Routine) {
  if (!Routine)
    return fail(ERROR_INVALID_PARAMETER);
  return startIo(OpKind::Write, "WriteFileEx", H, (void *)Buf, Len, nullptr,
                 Ov, Routine);
}

BOOL WINAPI DeviceIoControl(HANDLE H, DWORD, LPVOID, DWORD, LPVOID Out,
                            DWORD OutLen, LPDWORD Returned, LPOVERLAPPED Ov) {
  return startIo(OpKind::Ioctl, "DeviceIoControl", H, Out, OutLen, Returned,
                 Ov, nullptr);
}

// A device's event wait: the mask is written when the request completes.
BOOL WINAPI WaitCommEvent(HANDLE H, LPDWORD Mask, LPOVERLAPPED Ov) {
  return startIo(OpKind::Ioctl, "WaitCommEvent", H, Mask, sizeof *Mask,
                 nullptr, Ov, nullptr);
}

HANDLE WINAPI CreateIoCompletionPort(HANDLE FileHandle, HANDLE Existing,
                                     ULONG_PTR Key, DWORD) {
  Port *P = nullptr;
  HANDLE Result = Existing;
  if (Existing) {
    P = K().lookupAs<Port>(Existing, ObjType::Port);
    if (!P) {
      K().LastError = ERROR_INVALID_HANDLE;
      return nullptr;
    }
  }
  if (FileHandle == INVALID_HANDLE_VALUE) {
    if (Existing) {
      K().LastError = ERROR_INVALID_PARAMETER;
      return nullptr;
    }
    P = K().make<Port>(label("completion port"));
    return K().addHandle(P, 0, site("CreateIoCompletionPort"));
  }
  File *F = fileOf(FileHandle);
  if (!F) {
    K().LastError = ERROR_INVALID_HANDLE;
    return nullptr;
  }
  if (F->CompletionPort) {
    K().LastError = ERROR_INVALID_PARAMETER;
    return nullptr;
  }
  if (!P) {
    P = K().make<Port>(label("completion port"));
    Result = K().addHandle(P, 0, site("CreateIoCompletionPort"));
  }
  F->CompletionPort = P;
  F->Key = Key;
  ++P->RefCount;
  return Result;
}

BOOL WINAPI GetQueuedCompletionStatus(HANDLE H, LPDWORD Bytes, PULONG_PTR Key,
                                      LPOVERLAPPED *Ov, DWORD Ms) {
  K().apiBoundary();
  *Ov = nullptr;
  Port *P = K().lookupAs<Port>(H, ObjType::Port);
  if (!P)
    return fail(ERROR_INVALID_HANDLE);
  if (!P->Packets.empty()) {
    Packet Pk = P->Packets.front();
    P->Packets.pop_front();
    K().noteProgress();
    if (Pk.Operation) {
      if (Pk.Operation->IosbDeferred)
        K().writeIosb(*Pk.Operation); // §2.3: the IOSB is written now
      Pk.Operation->State = OpState::Retired;
      Pk.Operation->RetiredWhy = "its packet was dequeued";
    }
    *Bytes = (DWORD)Pk.Information;
    *Key = Pk.Key;
    *Ov = Pk.Ov;
    if (Pk.Status >= 0)
      return TRUE;
    return fail(win32Error(Pk.Status));
  }
  if (P->Closed)
    return fail(ERROR_ABANDONED_WAIT_0);
  // Closing the port's last handle wakes its waiters on Windows 10; Wine 8
  // leaves them waiting (spec 2.9).
  bool WakesOnClose = !K().Wine8;
  K().setWaitTargets({P}, false);
  switch (K().blockUntil(
      [&] { return !P->Packets.empty() || (P->Closed && WakesOnClose); },
                         Ms, "GetQueuedCompletionStatus (" + K().Site + ")",
                         P->Label)) {
  case Kernel::BlockResult::Ready:
    if (P->Packets.empty()) // woken because the port's last handle closed
      return fail(ERROR_ABANDONED_WAIT_0);
    return GetQueuedCompletionStatus(H, Bytes, Key, Ov, 0);
  case Kernel::BlockResult::TimedOut:
    return fail(WAIT_TIMEOUT);
  case Kernel::BlockResult::Stuck:
    break;
  }
  K().hang({P});
}

BOOL WINAPI GetQueuedCompletionStatusEx(HANDLE H, LPOVERLAPPED_ENTRY Entries,
                                        ULONG Count, PULONG Removed, DWORD Ms,
                                        BOOL Alertable) {
  K().apiBoundary();
  *Removed = 0;
  Port *P = K().lookupAs<Port>(H, ObjType::Port);
  if (!P)
    return fail(ERROR_INVALID_HANDLE);
  Thread *Me = K().running();
  bool WakesOnClose = !K().Wine8;
  auto Ready = [&] {
    return !P->Packets.empty() || (P->Closed && WakesOnClose) ||
           (Alertable && !Me->Apcs.empty());
  };
  K().setWaitTargets({P}, Alertable);
  switch (K().blockUntil(Ready, Ms,
                         "GetQueuedCompletionStatusEx (" + K().Site + ")",
                         P->Label)) {
  case Kernel::BlockResult::TimedOut:
    return fail(WAIT_TIMEOUT);
  case Kernel::BlockResult::Stuck:
    K().hang({P});
  case Kernel::BlockResult::Ready:
    break;
  }
  if (P->Packets.empty()) {
    if (Alertable && !Me->Apcs.empty()) {
      K().runApcs();
      return fail(WAIT_IO_COMPLETION);
    }
    return fail(ERROR_ABANDONED_WAIT_0);
  }
  while (*Removed < Count && !P->Packets.empty()) {
    Packet Pk = P->Packets.front();
    P->Packets.pop_front();
    K().noteProgress();
    if (Pk.Operation) {
      if (Pk.Operation->IosbDeferred)
        K().writeIosb(*Pk.Operation);
      Pk.Operation->State = OpState::Retired;
      Pk.Operation->RetiredWhy = "its packet was dequeued";
    }
    Entries[*Removed].lpCompletionKey = Pk.Key;
    Entries[*Removed].lpOverlapped = Pk.Ov;
    Entries[*Removed].Internal = (ULONG_PTR)(uint32_t)Pk.Status;
    Entries[*Removed].dwNumberOfBytesTransferred = (DWORD)Pk.Information;
    ++*Removed;
  }
  return TRUE;
}

BOOL WINAPI PostQueuedCompletionStatus(HANDLE H, DWORD Bytes, ULONG_PTR Key,
                                       LPOVERLAPPED Ov) {
  Port *P = K().lookupAs<Port>(H, ObjType::Port);
  if (!P)
    return fail(ERROR_INVALID_HANDLE);
  P->Packets.push_back({Key, Ov, StatusSuccess, Bytes, nullptr});
  return TRUE;
}

BOOL WINAPI CancelIo(HANDLE H) {
  File *F = fileOf(H);
  if (!F)
    return fail(ERROR_INVALID_HANDLE);
  for (Op *O : K().pendingOps(*F)) // CancelIo: the calling thread's only
    if (O->Issuer == K().running()) {
      K().cancel(*O);
      if (O->State == OpState::Pending && !F->DeferCancellation)
        K().leftPending(*O, "the cancel (ignored by the device)");
    } else {
      K().leftPending(*O, "the CancelIo of another thread");
    }
  return TRUE;
}

// Synchronous I/O never blocks a thread in the shim, so no thread ever has
// any to cancel; overlapped requests are not CancelSynchronousIo's (spec
// 2.3): they are left alone.
BOOL WINAPI CancelSynchronousIo(HANDLE Thread) {
  (void)Thread;
  return fail(ERROR_NOT_FOUND);
}

HANDLE WINAPI CreateThread(LPSECURITY_ATTRIBUTES, SIZE_T,
                           LPTHREAD_START_ROUTINE Proc, LPVOID Param, DWORD,
                           LPDWORD Tid) {
  HANDLE H = K().createThread(Proc, Param);
  if (Tid)
    *Tid = 0;
  return H;
}

void WINAPI ExitThread(DWORD) { K().exitThread(); }

// Console control handlers. The system starts a thread for each signal and
// calls the handlers on it, last registered first, until one returns TRUE
// (Microsoft, "Console Control Handlers"). The default handler, which ends
// the process, is not modelled: a signal nobody handles does nothing.
static std::vector<PHANDLER_ROUTINE> &ctrlHandlers() {
  static std::vector<PHANDLER_ROUTINE> Handlers;
  return Handlers;
}

BOOL WINAPI SetConsoleCtrlHandler(PHANDLER_ROUTINE Routine, BOOL Add) {
  std::vector<PHANDLER_ROUTINE> &Handlers = ctrlHandlers();
  if (!Routine)
    return TRUE; // Ignoring CTRL+C changes nothing the shim models.
  if (Add) {
    Handlers.push_back(Routine);
    return TRUE;
  }
  auto It = std::find(Handlers.rbegin(), Handlers.rend(), Routine);
  if (It == Handlers.rend())
    return fail(ERROR_INVALID_PARAMETER);
  Handlers.erase(std::next(It).base());
  return TRUE;
}

static DWORD WINAPI ctrlThread(LPVOID Signal) {
  std::vector<PHANDLER_ROUTINE> Handlers = ctrlHandlers();
  for (auto It = Handlers.rbegin(); It != Handlers.rend(); ++It)
    if ((*It)((DWORD)(uintptr_t)Signal))
      break;
  return 0;
}

BOOL WINAPI GenerateConsoleCtrlEvent(DWORD Signal, DWORD) {
  HANDLE H = K().createThread(ctrlThread, (LPVOID)(uintptr_t)Signal);
  if (!H)
    return FALSE;
  CloseHandle(H);
  return TRUE;
}

HANDLE WINAPI GetCurrentThread(void) { return (HANDLE)(LONG_PTR)-2; }

BOOL WINAPI CancelIoEx(HANDLE H, LPOVERLAPPED Ov) {
  File *F = fileOf(H);
  if (!F)
    return fail(ERROR_INVALID_HANDLE);
  bool Any = false;
  for (Op *O : K().pendingOps(*F))
    if (!O->CancelRequested && (!Ov || O->Ov == Ov)) {
      Any = true;
      K().cancel(*O);
      if (O->State == OpState::Pending && !F->DeferCancellation)
        K().leftPending(*O, "the cancel (ignored by the device)");
    }
  if (!Any && !Ov && K().Wine8)
    return TRUE; // Wine 8 does not report "nothing to cancel" here
  return Any ? TRUE : fail(ERROR_NOT_FOUND);
}

static BOOL overlappedResult(const char *Api, HANDLE H, LPOVERLAPPED Ov,
                             LPDWORD Bytes, DWORD Ms, BOOL Alertable,
                             DWORD (*MapError)(NTSTATUS) = win32Error) {
  OVERLAPPED Copy;
  if (!K().kernelRead(Ov, &Copy, sizeof Copy, "the OVERLAPPED", nullptr))
    return fail(998); // ERROR_NOACCESS
  if ((DWORD)Copy.Internal == STATUS_PENDING) {
    if (Ms == 0)
      return fail(ERROR_IO_INCOMPLETE);
    HANDLE Waitable =
        Copy.hEvent ? (HANDLE)((uintptr_t)Copy.hEvent & ~uintptr_t(1)) : H;
    DWORD R = K().wait({Waitable}, false, Ms, Alertable, Api);
    if (R == WAIT_TIMEOUT)
      return fail(WAIT_TIMEOUT);
    if (R == WAIT_IO_COMPLETION)
      return fail(WAIT_IO_COMPLETION);
    if (R == WAIT_FAILED)
      return FALSE;
    K().kernelRead(Ov, &Copy, sizeof Copy, "the OVERLAPPED", nullptr);
  }
  if (Bytes)
    *Bytes = (DWORD)Copy.InternalHigh;
  NTSTATUS St = (NTSTATUS)(uint32_t)Copy.Internal;
  if ((DWORD)Copy.Internal == STATUS_PENDING)
    St = StatusSuccess; // Wine treats a still-pending IOSB as success (§2.11)
  if (St >= 0)
    return TRUE;
  return fail(MapError(St));
}

BOOL WINAPI GetOverlappedResultEx(HANDLE H, LPOVERLAPPED Ov, LPDWORD Bytes,
                                  DWORD Ms, BOOL Alertable) {
  return overlappedResult("GetOverlappedResultEx", H, Ov, Bytes, Ms,
                          Alertable);
}

BOOL WINAPI GetOverlappedResult(HANDLE H, LPOVERLAPPED Ov, LPDWORD Bytes,
                                BOOL Wait) {
  return overlappedResult("GetOverlappedResult", H, Ov, Bytes,
                          Wait ? INFINITE : 0, FALSE);
}

BOOL WINAPI SetFileCompletionNotificationModes(HANDLE H, BYTE Flags) {
  File *F = fileOf(H);
  if (!F)
    return fail(ERROR_INVALID_HANDLE);
  if (Flags & ~(FILE_SKIP_COMPLETION_PORT_ON_SUCCESS |
                FILE_SKIP_SET_EVENT_ON_HANDLE))
    return fail(ERROR_INVALID_PARAMETER);
  F->SkipPortOnSuccess |= (Flags & FILE_SKIP_COMPLETION_PORT_ON_SUCCESS) != 0;
  F->SkipSetEvent |= (Flags & FILE_SKIP_SET_EVENT_ON_HANDLE) != 0;
  return TRUE;
}

BOOL WINAPI LockFileEx(HANDLE H, DWORD, DWORD, DWORD, DWORD,
                       LPOVERLAPPED Ov) {
  return startIo(OpKind::Lock, "LockFileEx", H, nullptr, 0, nullptr, Ov,
                 nullptr);
}

BOOL WINAPI ReadDirectoryChangesW(HANDLE H, LPVOID Buf, DWORD Len, BOOL, DWORD,
                                  LPDWORD Returned, LPOVERLAPPED Ov,
                                  LPOVERLAPPED_COMPLETION_ROUTINE Routine) {
  return startIo(OpKind::Notify, "ReadDirectoryChangesW", H, Buf, Len,
                 Returned, Ov, Routine, /*TrueWhenQueued=*/true);
}

// --- Winsock (spec 2.3, sockets) -----------------------------------------

int WINAPI WSAGetLastError(void) { return (int)K().LastError; }

int WINAPI WSARecv(SOCKET S, LPWSABUF Bufs, DWORD Count, LPDWORD Received,
                   LPDWORD, LPWSAOVERLAPPED Ov,
                   LPWSAOVERLAPPED_COMPLETION_ROUTINE Routine) {
  if (Routine || Count != 1)
    return fail(ERROR_INVALID_FUNCTION), SOCKET_ERROR; // not modelled
  BOOL Ok = startIo(OpKind::Read, "WSARecv", (HANDLE)S, Bufs[0].buf,
                    Bufs[0].len, Received, Ov, nullptr);
  return Ok ? 0 : SOCKET_ERROR;
}

int WINAPI WSASend(SOCKET S, LPWSABUF Bufs, DWORD Count, LPDWORD Sent, DWORD,
                   LPWSAOVERLAPPED Ov,
                   LPWSAOVERLAPPED_COMPLETION_ROUTINE Routine) {
  if (Routine || Count != 1)
    return fail(ERROR_INVALID_FUNCTION), SOCKET_ERROR; // not modelled
  BOOL Ok = startIo(OpKind::Write, "WSASend", (HANDLE)S, Bufs[0].buf,
                    Bufs[0].len, Sent, Ov, nullptr);
  return Ok ? 0 : SOCKET_ERROR;
}

BOOL WINAPI WSAGetOverlappedResult(SOCKET S, LPWSAOVERLAPPED Ov, LPDWORD Bytes,
                                   BOOL Wait, LPDWORD Flags) {
  if (Flags)
    *Flags = 0;
  return overlappedResult("WSAGetOverlappedResult", (HANDLE)S, Ov, Bytes,
                          Wait ? INFINITE : 0, FALSE, wsaError);
}

int WINAPI closesocket(SOCKET S) {
  K().apiBoundary();
  if (!K().closeHandleFromProgram((HANDLE)S))
    return fail(10038), SOCKET_ERROR; // WSAENOTSOCK
  return 0;
}

BOOL WINAPI AcceptEx(SOCKET Listener, SOCKET, PVOID Buffer, DWORD, DWORD,
                     DWORD, LPDWORD Received, LPOVERLAPPED Ov) {
  return startIo(OpKind::Listen, "AcceptEx", (HANDLE)Listener, Buffer, 0,
                 Received, Ov, nullptr);
}

static DWORD ConnectCompletesAt = INFINITE;
static BOOL PASCAL shimConnectEx(SOCKET S, const struct sockaddr *, int,
                                 PVOID, DWORD, LPDWORD Sent,
                                 LPOVERLAPPED Ov) {
  File *F = fileOf((HANDLE)S);
  BOOL Ok = startIo(OpKind::Connect, "ConnectEx", (HANDLE)S, nullptr, 0, Sent,
                    Ov, nullptr);
  if (!Ok && K().LastError == ERROR_IO_PENDING && F &&
      ConnectCompletesAt != INFINITE)
    for (Op *O : K().pendingOps(*F))
      if (O->Kind == OpKind::Connect)
        K().schedule(ConnectCompletesAt, "a connection completes", [O] {
          if (O->State == OpState::Pending) {
            Kernel::get().complete(*O, StatusSuccess, 0);
          }
        });
  return Ok;
}

// --- Harness calls (iodrain_shim.h) ------------------------------------

void ShimDirectoryChangeAt(HANDLE Dir, DWORD AtMs) {
  File *F = fileOf(Dir);
  if (F)
    K().schedule(AtMs, "a file changes in the directory",
                 [F] { announceDirectoryChange(*F); });
}

void ShimSocketPair(SOCKET *A, SOCKET *B) {
  File *FA, *FB;
  createSocketPair(FA, FB, K().Site);
  // Winsock sockets are inheritable unless WSA_FLAG_NO_HANDLE_INHERIT.
  *A = (SOCKET)K().addHandle(FA, 0, site("ShimSocketPair"), true);
  *B = (SOCKET)K().addHandle(FB, 0, site("ShimSocketPair"), true);
}

SOCKET ShimListeningSocket(void) {
  return (SOCKET)K().addHandle(createListener(K().Site), 0,
                               site("ShimListeningSocket"), true);
}

void ShimIncomingConnectionAt(SOCKET Listener, DWORD AtMs) {
  File *F = fileOf((HANDLE)Listener);
  if (F)
    K().schedule(AtMs, "a connection arrives", [F] { acceptIncoming(*F); });
}

LPFN_CONNECTEX ShimConnectExCompletingAt(DWORD AtMs) {
  ConnectCompletesAt = AtMs;
  return shimConnectEx;
}

void ShimSocketSendQuota(SOCKET S, DWORD Bytes) {
  if (File *F = fileOf((HANDLE)S))
    setSendQuota(*F, Bytes);
}

void ShimPeerReadsAt(SOCKET Peer, DWORD AtMs) {
  File *F = fileOf((HANDLE)Peer);
  if (F)
    K().schedule(AtMs, "the peer reads", [F] { peerReadsAll(*F); });
}

HANDLE ShimCreateChildProcess(void) {
  int Pid = K().NextPid++;
  Process *P = K().make<Process>(Pid, label("simulated child process"));
  return K().addHandle(P, 0, site("ShimCreateChildProcess"));
}

HANDLE ShimCreateChildInheriting(void) {
  int Pid = K().NextPid++;
  Process *P = K().make<Process>(Pid, label("simulated child process"));
  K().inheritInto(Pid, "inherited by the child created at " + K().Site);
  return K().addHandle(P, 0, site("ShimCreateChildInheriting"));
}

void ShimChildExit(HANDLE H) {
  Process *P = K().processOf(H);
  if (!P || P->Exited)
    return;
  P->Exited = true;
  K().closeHandlesOf(P->Pid);
}

HANDLE ShimOpenNoCancelDevice(void) {
  File *F = K().make<File>(label("no-cancel device"));
  F->Dev = createNoCancelDevice();
  return K().addHandle(F, 0, site("ShimOpenNoCancelDevice"));
}

void ShimCreatePipePair(HANDLE *Server, HANDLE *Client) {
  File *S, *C;
  createPipe(/*Connected=*/true, S, C, K().Site);
  *Server = K().addHandle(S, 0, site("ShimCreatePipePair"));
  *Client = K().addHandle(C, 0, site("ShimCreatePipePair"));
}

void ShimPeerWriteAt(HANDLE End, const void *Data, DWORD Size, DWORD AtMs) {
  std::string Bytes((const char *)Data, Size);
  std::string What = "a peer writes to handle " +
                     std::to_string((uintptr_t)End) + " at " +
                     std::to_string(AtMs) + " ms";
  K().schedule(AtMs, What, [End, Bytes] {
    DWORD N;
    WriteFile(End, Bytes.data(), (DWORD)Bytes.size(), &N, nullptr);
  });
}

void ShimDeviceCompleteAt(HANDLE Device, DWORD AtMs) {
  File *F = fileOf(Device); // the device outlives the handle's close
  if (!F)
    return;
  K().schedule(AtMs, "the device completes its requests", [F] {
    for (Op *O : K().pendingOps(*F)) {
      char Byte = 'x';
      // A read's data, an ioctl's output (WaitCommEvent's event mask).
      bool Writes = (O->Kind == OpKind::Read || O->Kind == OpKind::Ioctl) &&
                    O->Length;
      if (Writes)
        K().kernelWrite(O->Buffer, &Byte, 1, "the data", O);
      K().complete(*O, StatusSuccess, Writes ? 1 : 0);
    }
  });
}

void ShimDeferCancellation(HANDLE H) {
  if (File *F = fileOf(H))
    F->DeferCancellation = true;
}

void ShimPeerCloseAt(HANDLE End, DWORD AtMs) {
  K().schedule(AtMs, "a peer closes its end", [End] {
    K().apiBoundary();
    K().closeHandle(End); // the peer's close, not the program's
  });
}

void ShimClientConnectAt(LPCWSTR Name, DWORD AtMs) {
  std::wstring Pipe(Name);
  K().schedule(AtMs, "a client opens the pipe", [Pipe] {
    CreateFileW(Pipe.c_str(), GENERIC_READ | GENERIC_WRITE, 0, nullptr,
                OPEN_EXISTING, FILE_FLAG_OVERLAPPED, nullptr);
  });
}

void ShimChildExitAt(HANDLE Process, DWORD AtMs) {
  K().schedule(AtMs, "a child exits", [Process] { ShimChildExit(Process); });
}

void ShimFinish(void) { K().finish(); }

} // extern "C"
