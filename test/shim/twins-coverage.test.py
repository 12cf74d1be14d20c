import os
import sys

cases = sys.argv[1]
listed = {}
for line in open(os.path.join(cases, "Inputs", "no-twins-yet.txt")):
    if line.strip() and not line.startswith("#"):
        name, reason = line.split(":", 1)
        listed[name.strip()] = reason.strip()

problems = []
paired = 0
for name in sorted(os.listdir(cases)):
    if not name.endswith((".c", ".cpp")):
        continue
    has_twins = "%check_twins" in open(os.path.join(cases, name)).read()
    paired += has_twins
    if has_twins and name in listed:
        problems.append("%s has twins now: remove it from no-twins-yet.txt" % name)
    if not has_twins and name not in listed:
        problems.append("%s has no runtime twins and is not listed" % name)
for name in listed:
    if not os.path.exists(os.path.join(cases, name)):
        problems.append("no-twins-yet.txt lists a missing file %s" % name)
if problems:
    sys.exit("\n".join(problems))
print("%d case files paired with runtime twins; %d listed as not yet" % (paired, len(listed)))
