/* The Winsock subset of iodrain's runtime shim (see windows.h). */
#ifndef IODRAIN_SHIM_WINSOCK2_H
#define IODRAIN_SHIM_WINSOCK2_H

#include <windows.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef uintptr_t SOCKET;
#define INVALID_SOCKET ((SOCKET)(~0))
#define SOCKET_ERROR (-1)
#define PASCAL

typedef OVERLAPPED WSAOVERLAPPED, *LPWSAOVERLAPPED;
typedef struct _WSABUF {
  ULONG len;
  CHAR *buf;
} WSABUF, *LPWSABUF;
typedef void(CALLBACK *LPWSAOVERLAPPED_COMPLETION_ROUTINE)(
    DWORD dwError, DWORD cbTransferred, LPWSAOVERLAPPED lpOverlapped,
    DWORD dwFlags);

struct sockaddr {
  unsigned short sa_family;
  char sa_data[14];
};
struct in_addr {
  uint32_t s_addr;
};
typedef struct sockaddr_in {
  short sin_family;
  unsigned short sin_port;
  struct in_addr sin_addr;
  char sin_zero[8];
} SOCKADDR_IN;

#define WSA_IO_PENDING ERROR_IO_PENDING
#define WSA_IO_INCOMPLETE ERROR_IO_INCOMPLETE
#define WSA_OPERATION_ABORTED ERROR_OPERATION_ABORTED
#define WSAECONNABORTED 10053L
#define WSAECONNRESET 10054L
#define WSAENOTSOCK 10038L

int WINAPI WSARecv(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                   LPDWORD lpNumberOfBytesRecvd, LPDWORD lpFlags,
                   LPWSAOVERLAPPED lpOverlapped,
                   LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
int WINAPI WSASend(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                   LPDWORD lpNumberOfBytesSent, DWORD dwFlags,
                   LPWSAOVERLAPPED lpOverlapped,
                   LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
BOOL WINAPI WSAGetOverlappedResult(SOCKET s, LPWSAOVERLAPPED lpOverlapped,
                                   LPDWORD lpcbTransfer, BOOL fWait,
                                   LPDWORD lpdwFlags);
int WINAPI WSAGetLastError(void);
int WINAPI closesocket(SOCKET s);

#ifdef __cplusplus
}
#endif

#ifndef IODRAIN_SHIM_NO_SITES
#define WSARecv(...) IODRAIN_SHIM_SITE(WSARecv(__VA_ARGS__))
#define WSASend(...) IODRAIN_SHIM_SITE(WSASend(__VA_ARGS__))
#define WSAGetOverlappedResult(...) IODRAIN_SHIM_SITE(WSAGetOverlappedResult(__VA_ARGS__))
#define closesocket(...) IODRAIN_SHIM_SITE(closesocket(__VA_ARGS__))
#endif

#endif /* IODRAIN_SHIM_WINSOCK2_H */
