#!/usr/bin/env python3
"""Compares the issuing rules of a rules file with the documented table.

Usage: check_result_conventions.py RULES.yaml DOC.md

The table in DOC.md (rows `| `Name` | ... | `convention` | ... |` under the
header `| Function | A pending request returns | `Result` | ...`) says how
each built-in issuing function reports a pending request. Every `Role:
issue` entry of RULES.yaml must be in the table with the same `Result`
(absent means `bool`), and every row of the table must be a rule. Prints
one line per function and exits 1 on any difference.
"""
import re
import sys

ENTRY = re.compile(r"^\s*-\s*\{(?P<body>.*)\}\s*$")
ROW = re.compile(r"^\|\s*`(?P<name>[A-Za-z_]\w*)`\s*\|[^|]*\|\s*`(?P<result>[\w-]+)`\s*\|")


def issuing_rules(path):
    rules = {}
    for line in open(path, encoding="utf-8"):
        m = ENTRY.match(line.split("#", 1)[0])
        if not m:
            continue
        keys = dict(
            (k.strip(), v.strip())
            for k, v in (kv.split(":", 1) for kv in m["body"].split(",")))
        if keys.get("Role") == "issue":
            rules[keys["Name"]] = keys.get("Result", "bool")
    return rules


def documented(path):
    table, inside = {}, False
    for line in open(path, encoding="utf-8"):
        if line.startswith("| Function | A pending request returns |"):
            inside = True
            continue
        if inside and not line.startswith("|"):
            break
        m = ROW.match(line) if inside else None
        if m:
            table[m["name"]] = m["result"]
    return table


def main():
    rules, table = issuing_rules(sys.argv[1]), documented(sys.argv[2])
    if not rules or not table:
        print("error: no issuing rules or no documented table found")
        return 1
    bad = 0
    for name in sorted(set(rules) | set(table)):
        got, want = rules.get(name), table.get(name)
        if got == want:
            print("%s: %s" % (name, got))
            continue
        bad += 1
        print("MISMATCH %s: rules say %s, documentation says %s" %
              (name, got or "nothing", want or "nothing"))
    print("%d issuing functions, %d mismatches" % (len(rules), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
