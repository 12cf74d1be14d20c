import os
import re
import sys

doc, root = sys.argv[1], sys.argv[2]
files = []
for base, _, names in os.walk(root):
    for name in names:
        try:
            files.append((os.path.join(base, name), open(os.path.join(base, name)).read()))
        except UnicodeDecodeError:
            pass


def normal(text):
    # Indentation and comment markers differ between a file and a snippet
    # of it (a usage line in a script's comment); the words may not.
    lines = [re.sub(r"^\s*(#|//|--)?\s*", "", l).rstrip() for l in text.split("\n")]
    return [l for l in lines if l]


blocks = re.findall(r"```\w*\n(.*?)```", open(doc).read(), re.S)
missing = []
for block in blocks:
    want = normal(block)
    found = False
    for _, text in files:
        have = normal(text)
        for i in range(len(have) - len(want) + 1):
            if have[i:i + len(want)] == want:
                found = True
                break
        if found:
            break
    if not found:
        missing.append(block)
if missing:
    sys.exit("snippets not found verbatim under integration/:\n" +
             "\n----\n".join(missing))
print("%d snippets, all from tested files" % len(blocks))
