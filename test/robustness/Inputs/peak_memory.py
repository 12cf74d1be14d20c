"""Runs a command and fails if its peak resident memory exceeds a limit.

  peak_memory.py LIMIT_MB COMMAND...

The command's output passes through; the exit code is the command's, or 3
when the limit was exceeded (with a line saying by how much). In the
sanitizer lane (IODRAIN_SANITIZED set by lit) the limit is not applied:
AddressSanitizer's shadow memory and quarantine are not iodrain's.
"""
import os
import resource
import subprocess
import sys

limit_mb = int(sys.argv[1])
status = subprocess.call(sys.argv[2:])
peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
if peak_mb > limit_mb and not os.environ.get("IODRAIN_SANITIZED"):
    print("peak memory %d MB exceeds the limit of %d MB" % (peak_mb, limit_mb))
    sys.exit(3)
sys.exit(status)
