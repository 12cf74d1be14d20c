"""Says whether each CI workflow file parses as YAML (with PyYAML), or,
without it, that it has the top-level lines the tests rely on.

  lint_workflow_check.py FILE...
"""
import os
import re
import sys

try:
    import yaml
except ImportError:
    yaml = None

status = 0
for path in sys.argv[1:]:
    name = os.path.basename(path)
    text = open(path).read()
    if yaml:
        try:
            document = yaml.safe_load(text)
            ok = isinstance(document, dict) and document
        except yaml.YAMLError as e:
            print("%s: does not parse: %s" % (name, e))
            status = 1
            continue
    else:
        ok = re.search(r"^\S[^:]*:\s*$", text, re.M) and "\t" not in text
    print("%s: %s" % (name, "parses" if ok else "is not a YAML mapping"))
    status |= not ok
sys.exit(status)
