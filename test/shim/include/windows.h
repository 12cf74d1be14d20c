/* The Win32 subset implemented by iodrain's runtime shim (test/shim/src).
 *
 * Types have the x64 Windows layout (LLP64: DWORD and LONG are 32 bits) and
 * constants the values of the mingw-w64 10 headers, so that scenario sources
 * compile unchanged here and against the real windows.h. Only what the
 * scenarios use is declared. */
#ifndef IODRAIN_SHIM_WINDOWS_H
#define IODRAIN_SHIM_WINDOWS_H

#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#ifdef __cplusplus
extern "C" {
#endif

#define WINAPI
#define CALLBACK
#define WINBASEAPI
#define VOID void

typedef int BOOL;
typedef uint8_t BYTE;
typedef uint16_t WORD;
typedef uint32_t DWORD;
typedef int32_t LONG;
typedef uint32_t ULONG;
typedef int64_t LONGLONG;
typedef intptr_t INT_PTR;
typedef intptr_t LONG_PTR;
typedef uintptr_t ULONG_PTR;
typedef uintptr_t DWORD_PTR;
typedef ULONG_PTR SIZE_T;
typedef void *PVOID, *LPVOID, *HANDLE;
typedef const void *LPCVOID;
typedef HANDLE *PHANDLE, *LPHANDLE;
typedef DWORD *LPDWORD, *PDWORD;
typedef ULONG_PTR *PULONG_PTR;
typedef ULONG *PULONG;
typedef char CHAR;
typedef const char *LPCSTR;
typedef char *LPSTR;
typedef wchar_t WCHAR;
typedef const wchar_t *LPCWSTR;
typedef LONG NTSTATUS;

#define TRUE 1
#define FALSE 0

typedef struct _OVERLAPPED {
  ULONG_PTR Internal;
  ULONG_PTR InternalHigh;
  union {
    struct {
      DWORD Offset;
      DWORD OffsetHigh;
    };
    PVOID Pointer;
  };
  HANDLE hEvent;
} OVERLAPPED, *LPOVERLAPPED;

typedef struct _OVERLAPPED_ENTRY {
  ULONG_PTR lpCompletionKey;
  LPOVERLAPPED lpOverlapped;
  ULONG_PTR Internal;
  DWORD dwNumberOfBytesTransferred;
} OVERLAPPED_ENTRY, *LPOVERLAPPED_ENTRY;

typedef struct _SECURITY_ATTRIBUTES {
  DWORD nLength;
  LPVOID lpSecurityDescriptor;
  BOOL bInheritHandle;
} SECURITY_ATTRIBUTES, *LPSECURITY_ATTRIBUTES;

typedef void(CALLBACK *LPOVERLAPPED_COMPLETION_ROUTINE)(DWORD dwErrorCode,
                                                        DWORD dwBytes,
                                                        LPOVERLAPPED ov);

#define INVALID_HANDLE_VALUE ((HANDLE)(LONG_PTR)-1)
#define INFINITE 0xFFFFFFFF
// The object a member belongs to (winnt.h).
#define CONTAINING_RECORD(address, type, field)                               \
  ((type *)((char *)(address) - offsetof(type, field)))
// The CRT's array-count macro (stdlib.h on Windows).
#ifndef _countof
#define _countof(a) (sizeof(a) / sizeof((a)[0]))
#endif

#define STATUS_WAIT_0 ((DWORD)0x00000000L)
#define STATUS_USER_APC ((DWORD)0x000000C0L)
#define STATUS_PENDING ((DWORD)0x00000103L)
#define WAIT_OBJECT_0 ((STATUS_WAIT_0) + 0)
#define WAIT_ABANDONED 0x00000080L
#define WAIT_IO_COMPLETION STATUS_USER_APC
#define WAIT_TIMEOUT 258L
#define WAIT_FAILED ((DWORD)0xFFFFFFFF)

#define ERROR_SUCCESS 0L
#define ERROR_INVALID_FUNCTION 1L
#define ERROR_INVALID_HANDLE 6L
#define ERROR_HANDLE_EOF 38L
#define ERROR_NETNAME_DELETED 64L
#define ERROR_INVALID_PARAMETER 87L
#define ERROR_BROKEN_PIPE 109L
#define ERROR_NO_DATA 232L
#define ERROR_PIPE_NOT_CONNECTED 233L
#define ERROR_MORE_DATA 234L
#define ERROR_PIPE_CONNECTED 535L
#define ERROR_PIPE_LISTENING 536L
#define ERROR_ABANDONED_WAIT_0 735L
#define ERROR_OPERATION_ABORTED 995L
#define ERROR_IO_INCOMPLETE 996L
#define ERROR_IO_PENDING 997L
#define ERROR_NOT_FOUND 1168L
#define ERROR_CONNECTION_ABORTED 1236L

#define GENERIC_READ 0x80000000
#define GENERIC_WRITE 0x40000000
#define OPEN_EXISTING 3
#define FILE_ATTRIBUTE_NORMAL 0x00000080
#define FILE_FLAG_OVERLAPPED 0x40000000
#define FILE_SKIP_COMPLETION_PORT_ON_SUCCESS 0x1
#define FILE_SKIP_SET_EVENT_ON_HANDLE 0x2
#define PIPE_ACCESS_INBOUND 0x00000001
#define PIPE_ACCESS_OUTBOUND 0x00000002
#define PIPE_ACCESS_DUPLEX 0x00000003
#define PIPE_TYPE_BYTE 0x00000000
#define PIPE_READMODE_BYTE 0x00000000
#define PIPE_WAIT 0x00000000
#define PIPE_UNLIMITED_INSTANCES 255
#define DUPLICATE_CLOSE_SOURCE 0x00000001
#define DUPLICATE_SAME_ACCESS 0x00000002
#define HANDLE_FLAG_INHERIT 0x00000001

#define HasOverlappedIoCompleted(lpOverlapped)                                 \
  (((DWORD)(lpOverlapped)->Internal) != STATUS_PENDING)

/* Handles, events, waits. */
WINBASEAPI BOOL WINAPI CloseHandle(HANDLE hObject);
WINBASEAPI BOOL WINAPI DuplicateHandle(HANDLE hSourceProcess, HANDLE hSource,
                                       HANDLE hTargetProcess, LPHANDLE lpTarget,
                                       DWORD dwDesiredAccess,
                                       BOOL bInheritHandle, DWORD dwOptions);
WINBASEAPI HANDLE WINAPI GetCurrentProcess(void);
WINBASEAPI BOOL WINAPI SetHandleInformation(HANDLE hObject, DWORD dwMask,
                                            DWORD dwFlags);
WINBASEAPI DWORD WINAPI GetLastError(void);
WINBASEAPI void WINAPI SetLastError(DWORD dwErrCode);
WINBASEAPI HANDLE WINAPI CreateEventW(LPSECURITY_ATTRIBUTES lpEventAttributes,
                                      BOOL bManualReset, BOOL bInitialState,
                                      LPCWSTR lpName);
WINBASEAPI HANDLE WINAPI CreateEventA(LPSECURITY_ATTRIBUTES lpEventAttributes,
                                      BOOL bManualReset, BOOL bInitialState,
                                      LPCSTR lpName);
WINBASEAPI BOOL WINAPI SetEvent(HANDLE hEvent);
WINBASEAPI BOOL WINAPI ResetEvent(HANDLE hEvent);
WINBASEAPI DWORD WINAPI WaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds);
WINBASEAPI DWORD WINAPI WaitForSingleObjectEx(HANDLE hHandle,
                                              DWORD dwMilliseconds,
                                              BOOL bAlertable);
WINBASEAPI DWORD WINAPI WaitForMultipleObjects(DWORD nCount,
                                               const HANDLE *lpHandles,
                                               BOOL bWaitAll,
                                               DWORD dwMilliseconds);
WINBASEAPI DWORD WINAPI WaitForMultipleObjectsEx(DWORD nCount,
                                                 const HANDLE *lpHandles,
                                                 BOOL bWaitAll,
                                                 DWORD dwMilliseconds,
                                                 BOOL bAlertable);
WINBASEAPI DWORD WINAPI SleepEx(DWORD dwMilliseconds, BOOL bAlertable);
#define QS_ALLINPUT 0x04FF
#define MWMO_WAITALL 0x0001
#define MWMO_ALERTABLE 0x0002
WINBASEAPI DWORD WINAPI MsgWaitForMultipleObjects(DWORD nCount,
                                                  const HANDLE *pHandles,
                                                  BOOL fWaitAll,
                                                  DWORD dwMilliseconds,
                                                  DWORD dwWakeMask);
WINBASEAPI DWORD WINAPI MsgWaitForMultipleObjectsEx(DWORD nCount,
                                                    const HANDLE *pHandles,
                                                    DWORD dwMilliseconds,
                                                    DWORD dwWakeMask,
                                                    DWORD dwFlags);
WINBASEAPI void WINAPI Sleep(DWORD dwMilliseconds);

/* Critical sections: recursive locks owned by a thread. Built on an
 * auto-reset event, so a thread that waits for one lets the others run. */
typedef struct _CRITICAL_SECTION {
  HANDLE Free;        /* signalled while nobody owns the lock */
  void *OwningThread;
  LONG RecursionCount;
} CRITICAL_SECTION, *LPCRITICAL_SECTION, *PCRITICAL_SECTION;
WINBASEAPI void WINAPI InitializeCriticalSection(LPCRITICAL_SECTION lpCs);
WINBASEAPI void WINAPI DeleteCriticalSection(LPCRITICAL_SECTION lpCs);
WINBASEAPI void WINAPI EnterCriticalSection(LPCRITICAL_SECTION lpCs);
WINBASEAPI BOOL WINAPI TryEnterCriticalSection(LPCRITICAL_SECTION lpCs);
WINBASEAPI void WINAPI LeaveCriticalSection(LPCRITICAL_SECTION lpCs);
/* One thread runs at a time and switches only inside API calls. */
static inline LONG InterlockedExchange(LONG volatile *Target, LONG Value) {
  LONG Old = *Target;
  *Target = Value;
  return Old;
}

/* Threads. */
typedef DWORD(WINAPI *LPTHREAD_START_ROUTINE)(LPVOID lpThreadParameter);
WINBASEAPI HANDLE WINAPI CreateThread(LPSECURITY_ATTRIBUTES lpAttributes,
                                      SIZE_T dwStackSize,
                                      LPTHREAD_START_ROUTINE lpStartAddress,
                                      LPVOID lpParameter, DWORD dwFlags,
                                      LPDWORD lpThreadId);
WINBASEAPI void WINAPI ExitThread(DWORD dwExitCode);

/* Console control handlers: GenerateConsoleCtrlEvent runs them on a thread
   of their own, last registered first, until one returns TRUE. */
typedef BOOL(WINAPI *PHANDLER_ROUTINE)(DWORD CtrlType);
#define CTRL_C_EVENT 0
#define CTRL_BREAK_EVENT 1
WINBASEAPI BOOL WINAPI SetConsoleCtrlHandler(PHANDLER_ROUTINE HandlerRoutine,
                                             BOOL Add);
WINBASEAPI BOOL WINAPI GenerateConsoleCtrlEvent(DWORD dwCtrlEvent,
                                                DWORD dwProcessGroupId);
WINBASEAPI HANDLE WINAPI GetCurrentThread(void);

/* Pipes and files. */
WINBASEAPI HANDLE WINAPI CreateNamedPipeW(LPCWSTR lpName, DWORD dwOpenMode,
                                          DWORD dwPipeMode, DWORD nMaxInstances,
                                          DWORD nOutBufferSize,
                                          DWORD nInBufferSize,
                                          DWORD nDefaultTimeOut,
                                          LPSECURITY_ATTRIBUTES lpAttributes);
WINBASEAPI HANDLE WINAPI CreateFileW(LPCWSTR lpFileName, DWORD dwDesiredAccess,
                                     DWORD dwShareMode,
                                     LPSECURITY_ATTRIBUTES lpAttributes,
                                     DWORD dwCreationDisposition,
                                     DWORD dwFlagsAndAttributes,
                                     HANDLE hTemplateFile);
WINBASEAPI BOOL WINAPI DisconnectNamedPipe(HANDLE hNamedPipe);
WINBASEAPI BOOL WINAPI ConnectNamedPipe(HANDLE hNamedPipe,
                                        LPOVERLAPPED lpOverlapped);
WINBASEAPI BOOL WINAPI ReadFile(HANDLE hFile, LPVOID lpBuffer,
                                DWORD nNumberOfBytesToRead,
                                LPDWORD lpNumberOfBytesRead,
                                LPOVERLAPPED lpOverlapped);
WINBASEAPI BOOL WINAPI WriteFile(HANDLE hFile, LPCVOID lpBuffer,
                                 DWORD nNumberOfBytesToWrite,
                                 LPDWORD lpNumberOfBytesWritten,
                                 LPOVERLAPPED lpOverlapped);
WINBASEAPI BOOL WINAPI ReadFileEx(HANDLE hFile, LPVOID lpBuffer,
                                  DWORD nNumberOfBytesToRead,
                                  LPOVERLAPPED lpOverlapped,
                                  LPOVERLAPPED_COMPLETION_ROUTINE routine);
WINBASEAPI BOOL WINAPI WriteFileEx(HANDLE hFile, LPCVOID lpBuffer,
                                   DWORD nNumberOfBytesToWrite,
                                   LPOVERLAPPED lpOverlapped,
                                   LPOVERLAPPED_COMPLETION_ROUTINE routine);
WINBASEAPI BOOL WINAPI WaitCommEvent(HANDLE hFile, LPDWORD lpEvtMask,
                                     LPOVERLAPPED lpOverlapped);
WINBASEAPI BOOL WINAPI DeviceIoControl(HANDLE hDevice, DWORD dwIoControlCode,
                                       LPVOID lpInBuffer, DWORD nInBufferSize,
                                       LPVOID lpOutBuffer, DWORD nOutBufferSize,
                                       LPDWORD lpBytesReturned,
                                       LPOVERLAPPED lpOverlapped);

/* Completion ports, cancellation, results. */
WINBASEAPI HANDLE WINAPI CreateIoCompletionPort(HANDLE FileHandle,
                                                HANDLE ExistingCompletionPort,
                                                ULONG_PTR CompletionKey,
                                                DWORD NumberOfConcurrentThreads);
WINBASEAPI BOOL WINAPI GetQueuedCompletionStatus(HANDLE CompletionPort,
                                                 LPDWORD lpNumberOfBytes,
                                                 PULONG_PTR lpCompletionKey,
                                                 LPOVERLAPPED *lpOverlapped,
                                                 DWORD dwMilliseconds);
WINBASEAPI BOOL WINAPI PostQueuedCompletionStatus(HANDLE CompletionPort,
                                                  DWORD dwBytes,
                                                  ULONG_PTR dwCompletionKey,
                                                  LPOVERLAPPED lpOverlapped);
WINBASEAPI BOOL WINAPI CancelIo(HANDLE hFile);
WINBASEAPI BOOL WINAPI CancelIoEx(HANDLE hFile, LPOVERLAPPED lpOverlapped);
WINBASEAPI BOOL WINAPI CancelSynchronousIo(HANDLE hThread);
WINBASEAPI BOOL WINAPI GetOverlappedResult(HANDLE hFile, LPOVERLAPPED ov,
                                           LPDWORD lpNumberOfBytesTransferred,
                                           BOOL bWait);
WINBASEAPI BOOL WINAPI GetOverlappedResultEx(HANDLE hFile, LPOVERLAPPED ov,
                                             LPDWORD lpNumberOfBytesTransferred,
                                             DWORD dwMilliseconds,
                                             BOOL bAlertable);
WINBASEAPI BOOL WINAPI SetFileCompletionNotificationModes(HANDLE FileHandle,
                                                          BYTE Flags);

WINBASEAPI BOOL WINAPI GetQueuedCompletionStatusEx(
    HANDLE CompletionPort, LPOVERLAPPED_ENTRY lpEntries, ULONG ulCount,
    PULONG ulNumEntriesRemoved, DWORD dwMilliseconds, BOOL fAlertable);

/* Thread-pool I/O. */
typedef struct _TP_IO TP_IO, *PTP_IO;
typedef struct _TP_CALLBACK_INSTANCE TP_CALLBACK_INSTANCE,
    *PTP_CALLBACK_INSTANCE;
typedef struct _TP_CALLBACK_ENVIRON_V3 TP_CALLBACK_ENVIRON,
    *PTP_CALLBACK_ENVIRON;
typedef void(WINAPI *PTP_WIN32_IO_CALLBACK)(PTP_CALLBACK_INSTANCE Instance,
                                            PVOID Context, PVOID Overlapped,
                                            ULONG IoResult,
                                            ULONG_PTR NumberOfBytesTransferred,
                                            PTP_IO Io);
WINBASEAPI PTP_IO WINAPI CreateThreadpoolIo(HANDLE fl,
                                            PTP_WIN32_IO_CALLBACK pfnio,
                                            PVOID pv, PTP_CALLBACK_ENVIRON pcbe);
WINBASEAPI void WINAPI StartThreadpoolIo(PTP_IO pio);
WINBASEAPI void WINAPI CancelThreadpoolIo(PTP_IO pio);
WINBASEAPI void WINAPI WaitForThreadpoolIoCallbacks(PTP_IO pio,
                                                    BOOL fCancelPendingCallbacks);
WINBASEAPI void WINAPI CloseThreadpoolIo(PTP_IO pio);

/* Byte-range locks and directory notifications on disk files. */
#define LOCKFILE_EXCLUSIVE_LOCK 0x00000002
#define FILE_NOTIFY_CHANGE_FILE_NAME 0x00000001
WINBASEAPI BOOL WINAPI LockFileEx(HANDLE hFile, DWORD dwFlags, DWORD dwReserved,
                                  DWORD nLow, DWORD nHigh,
                                  LPOVERLAPPED lpOverlapped);
WINBASEAPI BOOL WINAPI ReadDirectoryChangesW(
    HANDLE hDirectory, LPVOID lpBuffer, DWORD nBufferLength,
    BOOL bWatchSubtree, DWORD dwNotifyFilter, LPDWORD lpBytesReturned,
    LPOVERLAPPED lpOverlapped, LPOVERLAPPED_COMPLETION_ROUTINE routine);

#ifdef __cplusplus
}
#endif

/* Shim call-site tracking: reports name the file and line of the call that
 * created an object or started an operation. These macros exist only in the
 * shim's header; under the real windows.h the calls are plain calls. */
#ifndef IODRAIN_SHIM_NO_SITES
#ifdef __cplusplus
extern "C" {
#endif
void ShimSetSite(const char *file, int line);
#ifdef __cplusplus
}
#endif
#define IODRAIN_SHIM_SITE(call) (ShimSetSite(__FILE__, __LINE__), call)
#define CloseHandle(...) IODRAIN_SHIM_SITE(CloseHandle(__VA_ARGS__))
#define DuplicateHandle(...) IODRAIN_SHIM_SITE(DuplicateHandle(__VA_ARGS__))
#define CreateEventW(...) IODRAIN_SHIM_SITE(CreateEventW(__VA_ARGS__))
#define CreateEventA(...) IODRAIN_SHIM_SITE(CreateEventA(__VA_ARGS__))
#define SetEvent(...) IODRAIN_SHIM_SITE(SetEvent(__VA_ARGS__))
#define ResetEvent(...) IODRAIN_SHIM_SITE(ResetEvent(__VA_ARGS__))
#define WaitForSingleObject(...) IODRAIN_SHIM_SITE(WaitForSingleObject(__VA_ARGS__))
#define WaitForSingleObjectEx(...) IODRAIN_SHIM_SITE(WaitForSingleObjectEx(__VA_ARGS__))
#define WaitForMultipleObjects(...) IODRAIN_SHIM_SITE(WaitForMultipleObjects(__VA_ARGS__))
#define WaitForMultipleObjectsEx(...) IODRAIN_SHIM_SITE(WaitForMultipleObjectsEx(__VA_ARGS__))
#define SleepEx(...) IODRAIN_SHIM_SITE(SleepEx(__VA_ARGS__))
#define MsgWaitForMultipleObjects(...) IODRAIN_SHIM_SITE(MsgWaitForMultipleObjects(__VA_ARGS__))
#define MsgWaitForMultipleObjectsEx(...) IODRAIN_SHIM_SITE(MsgWaitForMultipleObjectsEx(__VA_ARGS__))
#define Sleep(...) IODRAIN_SHIM_SITE(Sleep(__VA_ARGS__))
#define CreateNamedPipeW(...) IODRAIN_SHIM_SITE(CreateNamedPipeW(__VA_ARGS__))
#define CreateFileW(...) IODRAIN_SHIM_SITE(CreateFileW(__VA_ARGS__))
#define ConnectNamedPipe(...) IODRAIN_SHIM_SITE(ConnectNamedPipe(__VA_ARGS__))
#define DisconnectNamedPipe(...) IODRAIN_SHIM_SITE(DisconnectNamedPipe(__VA_ARGS__))
#define ReadFile(...) IODRAIN_SHIM_SITE(ReadFile(__VA_ARGS__))
#define WriteFile(...) IODRAIN_SHIM_SITE(WriteFile(__VA_ARGS__))
#define ReadFileEx(...) IODRAIN_SHIM_SITE(ReadFileEx(__VA_ARGS__))
#define WriteFileEx(...) IODRAIN_SHIM_SITE(WriteFileEx(__VA_ARGS__))
#define DeviceIoControl(...) IODRAIN_SHIM_SITE(DeviceIoControl(__VA_ARGS__))
#define WaitCommEvent(...) IODRAIN_SHIM_SITE(WaitCommEvent(__VA_ARGS__))
#define CreateIoCompletionPort(...) IODRAIN_SHIM_SITE(CreateIoCompletionPort(__VA_ARGS__))
#define GetQueuedCompletionStatus(...) IODRAIN_SHIM_SITE(GetQueuedCompletionStatus(__VA_ARGS__))
#define PostQueuedCompletionStatus(...) IODRAIN_SHIM_SITE(PostQueuedCompletionStatus(__VA_ARGS__))
#define CancelIo(...) IODRAIN_SHIM_SITE(CancelIo(__VA_ARGS__))
#define CancelIoEx(...) IODRAIN_SHIM_SITE(CancelIoEx(__VA_ARGS__))
#define GetOverlappedResult(...) IODRAIN_SHIM_SITE(GetOverlappedResult(__VA_ARGS__))
#define GetOverlappedResultEx(...) IODRAIN_SHIM_SITE(GetOverlappedResultEx(__VA_ARGS__))
#define CreateThread(...) IODRAIN_SHIM_SITE(CreateThread(__VA_ARGS__))
#define GetQueuedCompletionStatusEx(...) IODRAIN_SHIM_SITE(GetQueuedCompletionStatusEx(__VA_ARGS__))
#define CreateThreadpoolIo(...) IODRAIN_SHIM_SITE(CreateThreadpoolIo(__VA_ARGS__))
#define StartThreadpoolIo(...) IODRAIN_SHIM_SITE(StartThreadpoolIo(__VA_ARGS__))
#define CancelThreadpoolIo(...) IODRAIN_SHIM_SITE(CancelThreadpoolIo(__VA_ARGS__))
#define WaitForThreadpoolIoCallbacks(...) IODRAIN_SHIM_SITE(WaitForThreadpoolIoCallbacks(__VA_ARGS__))
#define CloseThreadpoolIo(...) IODRAIN_SHIM_SITE(CloseThreadpoolIo(__VA_ARGS__))
#define LockFileEx(...) IODRAIN_SHIM_SITE(LockFileEx(__VA_ARGS__))
#define ReadDirectoryChangesW(...) IODRAIN_SHIM_SITE(ReadDirectoryChangesW(__VA_ARGS__))
#define SetFileCompletionNotificationModes(...) IODRAIN_SHIM_SITE(SetFileCompletionNotificationModes(__VA_ARGS__))
#endif

#endif /* IODRAIN_SHIM_WINDOWS_H */
