"""Writes compile_commands.json with one entry per FILE argument, in order;
FILE:FLAG adds FLAG to that entry only (the same file may come twice).

  lint_compdb.py DIR FLAGS FILE[:FLAG]...
"""
import json
import os
import sys

directory, flags = sys.argv[1], sys.argv[2].split()
entries = []
for argument in sys.argv[3:]:
    name, _, extra = argument.partition(":")
    entries.append({"directory": directory, "file": name,
                    "arguments": ["clang", "-c"] + flags + extra.split() + [name]})
with open(os.path.join(directory, "compile_commands.json"), "w") as f:
    json.dump(entries, f, indent=1)
