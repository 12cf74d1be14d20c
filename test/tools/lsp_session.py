#!/usr/bin/env python3
"""Speaks LSP to a clangd over stdio, as an editor would.

Usage: lsp_session.py CLANGD WORKDIR BUGGY.c FIXED.c

Opens BUGGY.c (as WORKDIR/main.c), waits for its diagnostics and prints the
iodrain ones with their range and related information; then replaces the
text with FIXED.c, waits for the next diagnostics and prints them again.
Every wait is bounded; a missing answer is an error.
"""
import os
import sys

from lsp_client import Client


def show(diagnostics):
    mine = [d for d in diagnostics if str(d.get("code", "")).startswith("iodrain-")]
    print("diagnostics: %d from iodrain" % len(mine))
    for d in mine:
        r = d["range"]
        print("%s %d:%d-%d:%d %s: %s" % (
            d.get("source"), r["start"]["line"] + 1, r["start"]["character"] + 1,
            r["end"]["line"] + 1, r["end"]["character"] + 1, d["code"],
            d["message"]))
        for info in d.get("relatedInformation", []):
            start = info["location"]["range"]["start"]
            print("  related %s:%d:%d: %s" % (
                os.path.basename(info["location"]["uri"]), start["line"] + 1,
                start["character"] + 1, info["message"]))


def main():
    clangd, workdir, buggy, fixed = sys.argv[1:5]
    uri = "file://" + os.path.join(os.path.abspath(workdir), "main.c")
    client = Client([clangd, "--log=error"], workdir)
    client.send("initialize", {
        "processId": os.getpid(), "rootUri": "file://" + os.path.abspath(workdir),
        "capabilities": {"textDocument": {"publishDiagnostics": {
            "relatedInformation": True}}}}, request=True)
    client.wait_for(lambda m: "result" in m)
    client.send("initialized", {})

    client.send("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "c", "version": 1,
        "text": open(buggy).read()}})
    published = client.wait_for(
        lambda m: m.get("method") == "textDocument/publishDiagnostics"
        and m["params"].get("version") == 1)
    print("== opened the buggy file")
    show(published["params"]["diagnostics"])

    client.send("textDocument/didChange", {
        "textDocument": {"uri": uri, "version": 2},
        "contentChanges": [{"text": open(fixed).read()}]})
    published = client.wait_for(
        lambda m: m.get("method") == "textDocument/publishDiagnostics"
        and m["params"].get("version") == 2)
    print("== edited into the fixed file")
    show(published["params"]["diagnostics"])

    client.send("shutdown", None, request=True)
    client.wait_for(lambda m: "result" in m and "id" in m)
    client.send("exit", None)
    client.proc.wait(timeout=60)


if __name__ == "__main__":
    main()
