// The rules name a third argument of a two-parameter function: that entry
// is said, once; the one that fits and the variadic one are not.
typedef void *HANDLE;
void device_close(HANDLE h, int flags);
void device_free(HANDLE h, void *buffer);
void device_log(HANDLE h, const char *format, ...);

void shutdown_device(HANDLE h, void *buffer) {
  device_close(h, 0);
  device_free(h, buffer);
  device_log(h, "%d %d", 1, 2);
}
