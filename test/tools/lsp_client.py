"""An LSP client over a language server's stdio, as an editor speaks it:
requests and notifications out, messages in on a reader thread, every wait
bounded. Shared by the clangd tests' drivers."""
import json
import queue
import subprocess
import threading


class Client:
    def __init__(self, argv, cwd, log=subprocess.DEVNULL):
        self.proc = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=log)
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

    def request(self, method, params):
        id = self.send(method, params, request=True)
        return self.wait_for(lambda m: m.get("id") == id and "method" not in m)
