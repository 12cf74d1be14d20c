#!/usr/bin/env python3
"""Opens one file in a clangd over LSP and prints what an editor would show.

Usage: lsp_probe.py [--code-actions] [--log FILE] WORKDIR SOURCE CLANGD [ARG...]

Starts CLANGD ARG... in WORKDIR, opens SOURCE's text as WORKDIR/main.c and
prints every diagnostic of the first publication: its source, code, range,
message and documentation link. With --code-actions, also the titles of the
code actions offered on each diagnostic. --log FILE keeps clangd's log
(stderr). Every wait is bounded; a missing answer is an error (exit 1).
"""
import argparse
import os
import queue
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "tools"))
from lsp_client import Client  # noqa: E402


def describe(d):
    r = d["range"]
    href = d.get("codeDescription", {}).get("href", "(none)")
    return "%s %s %d:%d-%d:%d: %s\n  href: %s" % (
        d.get("source"), d.get("code", "(no code)"),
        r["start"]["line"] + 1, r["start"]["character"] + 1,
        r["end"]["line"] + 1, r["end"]["character"] + 1, d["message"], href)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--code-actions", action="store_true")
    parser.add_argument("--log")
    parser.add_argument("workdir")
    parser.add_argument("source")
    parser.add_argument("clangd", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    workdir = os.path.abspath(args.workdir)
    uri = "file://" + os.path.join(workdir, "main.c")
    log = open(args.log, "w") if args.log else subprocess.DEVNULL
    client = Client(args.clangd, workdir, log)
    client.request("initialize", {
        "processId": os.getpid(), "rootUri": "file://" + workdir,
        "capabilities": {"textDocument": {
            "publishDiagnostics": {"relatedInformation": True,
                                   "codeDescriptionSupport": True},
            "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {
                "valueSet": ["quickfix"]}}}}}})
    client.send("initialized", {})
    client.send("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "c", "version": 1,
        "text": open(args.source).read()}})
    published = client.wait_for(
        lambda m: m.get("method") == "textDocument/publishDiagnostics"
        and m["params"].get("version") == 1)
    diagnostics = published["params"]["diagnostics"]
    print("diagnostics: %d" % len(diagnostics))
    for d in diagnostics:
        print(describe(d))
        if args.code_actions:
            answer = client.request("textDocument/codeAction", {
                "textDocument": {"uri": uri}, "range": d["range"],
                "context": {"diagnostics": [d]}})
            for action in answer.get("result") or []:
                print("  action: %s" % action["title"])

    client.request("shutdown", None)
    client.send("exit", None)
    client.proc.wait(timeout=60)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except queue.Empty:
        print("error: clangd did not answer in time", file=sys.stderr)
        sys.exit(1)
