"""Copies stdin to stdout with one line replaced.

  lint_edit_line.py LINE-NUMBER NEW-TEXT < IN > OUT
"""
import sys

number, text = int(sys.argv[1]), sys.argv[2]
for index, line in enumerate(sys.stdin, 1):
    sys.stdout.write(text + "\n" if index == number else line)
