/* Harness calls of iodrain's runtime shim: what a scenario needs beyond
 * Win32 to set up realistic conditions. Scenarios that use them are
 * shim-only (they cannot run under Wine). */
#ifndef IODRAIN_SHIM_H
#define IODRAIN_SHIM_H

#include <windows.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A simulated child process: runs no code, holds the handles duplicated or
 * inherited into it until ShimChildExit. Returns a process handle. */
HANDLE ShimCreateChildProcess(void);
/* CreateProcess with bInheritHandles = TRUE: the child holds a copy of
 * every inheritable handle (sockets are inheritable by default). */
HANDLE ShimCreateChildInheriting(void);
void ShimChildExit(HANDLE process);

/* A misbehaving device: reads pend until fed, cancellation is ignored
 * (CancelIo/CancelIoEx still return TRUE) and closing it cancels nothing. */
HANDLE ShimOpenNoCancelDevice(void);

/* A connected pipe pair with overlapped ends: server end, client end. */
void ShimCreatePipePair(HANDLE *server, HANDLE *client);

/* A remote peer acting later, on the virtual clock: the action runs when
 * the program blocks past AtMs, or at ShimFinish. */
void ShimPeerWriteAt(HANDLE end, const void *data, DWORD size, DWORD at_ms);
void ShimChildExitAt(HANDLE process, DWORD at_ms);
void ShimPeerCloseAt(HANDLE end, DWORD at_ms);
void ShimClientConnectAt(LPCWSTR pipe_name, DWORD at_ms);
/* The no-cancel device completes its pending requests (one byte each). */
void ShimDeviceCompleteAt(HANDLE device, DWORD at_ms);

/* A file changes in the directory opened as dir. */
void ShimDirectoryChangeAt(HANDLE dir, DWORD at_ms);

/* Cancellation of requests on this file completes a moment later (at the
 * next scheduler step) instead of inside CancelIo/CancelIoEx. */
void ShimDeferCancellation(HANDLE file);

/* Sockets on a simulated loopback (spec 2.6.2). Include winsock2.h first.
 * A connected pair; a listening socket and connections that arrive later;
 * a ConnectEx that connects after at_ms; the send quota of a socket (0: a
 * send pends until the peer reads); a peer that reads everything later. */
#ifdef IODRAIN_SHIM_WINSOCK2_H
void ShimSocketPair(SOCKET *a, SOCKET *b);
SOCKET ShimListeningSocket(void);
void ShimIncomingConnectionAt(SOCKET listener, DWORD at_ms);
#ifdef IODRAIN_SHIM_MSWSOCK_H
LPFN_CONNECTEX ShimConnectExCompletingAt(DWORD at_ms);
#endif
void ShimSocketSendQuota(SOCKET s, DWORD bytes);
void ShimPeerReadsAt(SOCKET peer, DWORD at_ms);
#endif

/* Ends the run: lets scheduled outside actions happen, prints the verdict
 * and exits the process. */
void ShimFinish(void);

#ifdef __cplusplus
}
#endif

#ifndef IODRAIN_SHIM_NO_SITES
#define ShimCreateChildProcess(...) IODRAIN_SHIM_SITE(ShimCreateChildProcess(__VA_ARGS__))
#define ShimCreateChildInheriting(...) IODRAIN_SHIM_SITE(ShimCreateChildInheriting(__VA_ARGS__))
#define ShimOpenNoCancelDevice(...) IODRAIN_SHIM_SITE(ShimOpenNoCancelDevice(__VA_ARGS__))
#define ShimCreatePipePair(...) IODRAIN_SHIM_SITE(ShimCreatePipePair(__VA_ARGS__))
#define ShimSocketPair(...) IODRAIN_SHIM_SITE(ShimSocketPair(__VA_ARGS__))
#define ShimListeningSocket(...) IODRAIN_SHIM_SITE(ShimListeningSocket(__VA_ARGS__))
#endif

#endif /* IODRAIN_SHIM_H */
