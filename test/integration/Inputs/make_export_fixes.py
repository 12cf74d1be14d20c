"""Writes clang-tidy --export-fixes files with many iodrain findings, and
the sources they point into, for iodrain-sarif's scale tests.

  make_export_fixes.py DIR RESULTS UNITS [--merged]

DIR/unitK.c are the sources (one per unit, 200 lines each); DIR/fixes/K.yaml
holds RESULTS/UNITS distinct findings of unit K, each with two notes: one in
its own unit, one in a shared header, as iodrain reports them. --merged
writes one file, DIR/fixes/all.yaml, with every unit's findings, as
run-clang-tidy -export-fixes does.
"""
import os
import sys

directory, results, units = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
merged = sys.argv[4:] == ["--merged"]
os.makedirs(os.path.join(directory, "fixes"), exist_ok=True)
LINE = "  if (!ReadFile(pipe, buffer, sizeof buffer, NULL, &ov)) close(%d);\n"
LINES = 200
header = os.path.join(directory, "shared.h")
with open(header, "w") as f:
    f.write("".join(LINE % n for n in range(LINES)))
offsets = [sum(len(LINE % n) for n in range(k)) for k in range(LINES)]


def quote(text):
    return "'" + text.replace("'", "''") + "'"


everything = []
for unit in range(units):
    source = os.path.join(directory, "unit%d.c" % unit)
    with open(source, "w") as f:
        f.write("".join(LINE % n for n in range(LINES)))
    out = []
    for n in range(results // units + (unit < results % units)):
        at = offsets[n % LINES] + 2 + n // LINES % 40
        message = ("'CloseHandle' closes 'pipe%d' while overlapped I/O on it "
                   "may still be pending; cancel the I/O, wait for it to "
                   "complete, then close the handle" % n)
        out += ["  - DiagnosticName:  iodrain-close-pending-io",
                "    DiagnosticMessage:",
                "      Message:         %s" % quote(message),
                "      FilePath:        %s" % quote(source),
                "      FileOffset:      %d" % at,
                "      Replacements:    []",
                "    Notes:"]
        for path, note in ((source, offsets[(n + 7) % LINES] + 6),
                           (header, offsets[n % LINES] + 6)):
            out += ["      - Message:         %s" % quote(
                        "'ReadFile' starts overlapped I/O on 'pipe%d' that "
                        "may still be pending" % n),
                    "        FilePath:        %s" % quote(path),
                    "        FileOffset:      %d" % note,
                    "        Replacements:    []"]
        out += ["    Level:           Warning",
                "    BuildDirectory:  %s" % quote(directory)]
    if merged:
        everything += out
        continue
    with open(os.path.join(directory, "fixes", "%d.yaml" % unit), "w") as f:
        f.write("\n".join(["---", "MainSourceFile:  %s" % quote(source),
                           "Diagnostics:"] + out + ["..."]) + "\n")
if merged:
    with open(os.path.join(directory, "fixes", "all.yaml"), "w") as f:
        f.write("\n".join(["---", "MainSourceFile:  ''", "Diagnostics:"] +
                          everything + ["..."]) + "\n")
