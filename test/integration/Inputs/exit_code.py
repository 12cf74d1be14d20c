"""Runs a command and succeeds only if it exits with the given code.

  exit_code.py CODE COMMAND...
"""
import subprocess
import sys

want, command = int(sys.argv[1]), sys.argv[2:]
got = subprocess.run(command).returncode
if got != want:
    sys.exit("exit_code.py: %s exited %d, not %d" % (command[0], got, want))
