"""Writes a copy of a JSON file with some values changed, for tests that
feed malformed SARIF to a tool.

  sarif_variant.py IN OUT EDIT...

An EDIT is PATH=JSON (set the value at PATH, or append when PATH is one
past the end of a list; an empty PATH is the whole document) or -PATH
(delete it). A PATH is keys and list indexes joined by
dots: runs.0.results.2.locations.0.physicalLocation.region.startLine.
"""
import json
import sys

source, target, edits = sys.argv[1], sys.argv[2], sys.argv[3:]
document = json.load(open(source, encoding="utf-8"))


def walk(path):
    """The container holding the last step of `path`, and that step."""
    keys = [int(k) if k.isdigit() else k for k in path.split(".")]
    node = document
    for key in keys[:-1]:
        node = node[key]
    return node, keys[-1]


for edit in edits:
    if edit.startswith("-"):
        node, key = walk(edit[1:])
        del node[key]
        continue
    path, value = edit.split("=", 1)
    if not path:
        document = json.loads(value)
        continue
    node, key = walk(path)
    if isinstance(node, list) and key == len(node):
        node.append(None)  # one past the end appends
    node[key] = json.loads(value)
json.dump(document, open(target, "w", encoding="utf-8"), indent=1)
