"""Writes compile_commands.json for the C files given, with extra flags.

  make_compdb.py DIR FLAGS FILE...
"""
import json
import os
import sys

directory, flags, files = sys.argv[1], sys.argv[2].split(), sys.argv[3:]
json.dump([{"directory": directory, "file": f,
            "arguments": ["clang", "-c"] + flags + [f]} for f in files],
          open(os.path.join(directory, "compile_commands.json"), "w"), indent=1)
