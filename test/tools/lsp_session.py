#!/usr/bin/env python3
"""Speaks LSP to a clangd over stdio, as an editor would.

Usage: lsp_session.py CLANGD WORKDIR BUGGY.c FIXED.c

Opens BUGGY.c (as WORKDIR/main.c), waits for its diagnostics and prints the
iodrain ones with their range and related information; then replaces the
text with FIXED.c, waits for the next diagnostics and prints them again.
Every wait is bounded; a missing answer is an error.
"""
import json
import os
import subprocess
import sys
import threading
import queue


class Client:
    def __init__(self, argv, cwd):
        self.proc = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL)
        self.inbox = queue.Queue()
        self.next_id = 1
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        stream = self.proc.stdout
        while True:
            headers = {}
            while True:
                line = stream.readline()
                if not line:
                    return
                line = line.decode().strip()
                if not line:
                    break
                key, value = line.split(":", 1)
                headers[key.lower()] = value.strip()
            body = stream.read(int(headers["content-length"]))
            self.inbox.put(json.loads(body))

    def send(self, method, params, request=False):
        message = {"jsonrpc": "2.0", "method": method, "params": params}
        if request:
            message["id"] = self.next_id
            self.next_id += 1
        data = json.dumps(message).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(data) + data)
        self.proc.stdin.flush()
        return message.get("id")

    def wait_for(self, predicate, timeout=120):
        while True:
            message = self.inbox.get(timeout=timeout)
            if predicate(message):
                return message


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
