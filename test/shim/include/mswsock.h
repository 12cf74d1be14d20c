/* The Microsoft Winsock extensions of iodrain's runtime shim. */
#ifndef IODRAIN_SHIM_MSWSOCK_H
#define IODRAIN_SHIM_MSWSOCK_H

#include <winsock2.h>

#ifdef __cplusplus
extern "C" {
#endif

BOOL WINAPI AcceptEx(SOCKET sListenSocket, SOCKET sAcceptSocket,
                     PVOID lpOutputBuffer, DWORD dwReceiveDataLength,
                     DWORD dwLocalAddressLength, DWORD dwRemoteAddressLength,
                     LPDWORD lpdwBytesReceived, LPOVERLAPPED lpOverlapped);
typedef BOOL(PASCAL *LPFN_CONNECTEX)(SOCKET s, const struct sockaddr *name,
                                     int namelen, PVOID lpSendBuffer,
                                     DWORD dwSendDataLength,
                                     LPDWORD lpdwBytesSent,
                                     LPOVERLAPPED lpOverlapped);

#ifdef __cplusplus
}
#endif

#ifndef IODRAIN_SHIM_NO_SITES
#define AcceptEx(...) IODRAIN_SHIM_SITE(AcceptEx(__VA_ARGS__))
#endif

#endif /* IODRAIN_SHIM_MSWSOCK_H */
