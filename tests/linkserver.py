"""A local web server on 127.0.0.1 that answers as the sites of a book's links do (for link checks).

Paths: ``/ok``; ``/page`` (HTML with anchors ``here`` and ``named``);
``/moved`` (301 -> 308 -> ``/ok``), ``/temp`` (302 -> ``/ok``); ``/missing``
(404), ``/gone`` (410); ``/busy`` (429 with ``Retry-After: 1`` once, then
200); ``/nohead`` (HEAD 405, GET 200); ``/drophead`` (HEAD: the connection
is closed unanswered); ``/slow`` (answers after ``slow`` seconds); ``/flaky``
(503 once, then 200); ``/hold/...`` (200 after 0.2 s, counting how many
are in flight); anything else: 200 unless it starts with ``/missing``.
Every request is recorded as (method, path).
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PAGE = b'<html><body><h2 id="here">Here</h2><a name="named"></a><p id=bare>x</p></body></html>'


class LinkServer:
    def __init__(self, slow: float = 3.0) -> None:
        self.slow = slow
        self.requests: list[tuple[str, str]] = []
        self.seen: dict[str, int] = {}
        self.in_flight = 0
        self.most_in_flight = 0
        self.lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_HEAD(self) -> None:
                owner.answer(self, "HEAD")

            def do_GET(self) -> None:
                owner.answer(self, "GET")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "LinkServer":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def count(self, path: str) -> int:
        """How many requests asked for ``path``."""
        return sum(1 for _, p in self.requests if p == path)

    def answer(self, h: BaseHTTPRequestHandler, method: str) -> None:
        path = h.path.split("?")[0]
        with self.lock:
            self.requests.append((method, path))
            self.seen[path] = self.seen.get(path, 0) + 1
            first = self.seen[path] == 1
        if path == "/moved":
            return self.send(h, 301, headers={"Location": "/moved2"})
        if path == "/moved2":
            return self.send(h, 308, headers={"Location": "/ok"})
        if path == "/temp":
            return self.send(h, 302, headers={"Location": "/ok"})
        if path.startswith("/missing"):
            return self.send(h, 404)
        if path == "/gone":
            return self.send(h, 410)
        if path == "/busy" and first:
            return self.send(h, 429, headers={"Retry-After": "1"})
        if path == "/flaky" and first:
            return self.send(h, 503)
        if path == "/nohead" and method == "HEAD":
            return self.send(h, 405)
        if path == "/drophead" and method == "HEAD":
            h.close_connection = True
            h.connection.close()
            return None
        if path == "/slow":
            time.sleep(self.slow)
        if path.startswith("/hold/"):
            with self.lock:
                self.in_flight += 1
                self.most_in_flight = max(self.most_in_flight, self.in_flight)
            time.sleep(0.2)
            with self.lock:
                self.in_flight -= 1
        if path == "/page":
            return self.send(h, 200, PAGE, {"Content-Type": "text/html; charset=utf-8"})
        return self.send(h, 200, b"ok\n")

    @staticmethod
    def send(h: BaseHTTPRequestHandler, code: int, body: bytes = b"", headers: dict | None = None) -> None:
        try:
            h.send_response(code)
            for key, value in (headers or {}).items():
                h.send_header(key, value)
            h.send_header("Content-Length", str(len(body)))
            if "Content-Type" not in (headers or {}):
                h.send_header("Content-Type", "text/plain")
            h.end_headers()
            if h.command != "HEAD":
                h.wfile.write(body)
        except OSError:
            pass  # the client gave up (a timeout test)
