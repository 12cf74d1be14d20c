// Every header the built-in model's functions are declared in, and one
// function so that the unit is analysed.
#include <winsock2.h>
#include <windows.h>
#include <mswsock.h>
#include <process.h>
#include <stdlib.h>

void nothing(void) {}
