"""Serving the built website over HTTP: safe paths, the live-reload channel, the handler.

The rules are in the docstring of ``serve/__init__.py`` (what is served, which
``Host`` is accepted, how long a request may take); ``Preview`` there builds
the site this serves.
"""

from __future__ import annotations

import json
import mimetypes
import queue
import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlsplit


LIVE_PREFIX = "/_divebook/"



_TYPES = {".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css",
          ".svg": "image/svg+xml", ".ipynb": "application/x-ipynb+json", ".json": "application/json",
          ".wasm": "application/wasm", ".pagefind": "application/octet-stream",
          ".pf_meta": "application/octet-stream", ".pf_index": "application/octet-stream",
          ".pf_fragment": "application/octet-stream", ".zip": "application/zip",
          ".pdf": "application/pdf", ".html": "text/html; charset=utf-8"}



#: seconds a client may take to send a request (a half-sent one is then dropped)
REQUEST_TIMEOUT = 10.0



#: the longest file name the file systems divebook writes allow (bytes)
_NAME_MAX = 255



_LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})



def host_allowed(header: str | None, served: str) -> bool:
    """Whether a request's ``Host`` names the address served (no header: an old client, allowed).

    Loopback names always; the ``--host`` given; and, bound to every address
    (0.0.0.0 or ::), any IP address, never a DNS name that is not the one served.
    """
    if header is None:
        return True
    name = header.strip().lower()
    if name.startswith("["):  # [::1]:8000
        name = name[1:name.find("]")] if "]" in name else ""
    elif name.count(":") == 1:
        name = name.rsplit(":", 1)[0]
    name = name.rstrip(".")
    served = served.strip("[]").lower()
    if name in _LOOPBACK_NAMES or (name and name == served):
        return True
    if served in ("0.0.0.0", "::", ""):
        import ipaddress

        try:
            ipaddress.ip_address(name)
            return True
        except ValueError:
            return False
    return False



def resolve_site_path(site: Path, raw: str) -> tuple[int, Path | None]:
    """Map a request target to a file under ``site``: (200, path), (403, None) or (404, None).

    ``site`` must be absolute and resolved.  The path is percent-decoded once;
    a ``..`` segment is refused, a hidden segment is not found, and the final
    file (links followed) must lie inside ``site``.
    """
    path = unquote(urlsplit(raw).path, errors="strict") if raw else "/"
    if "\x00" in path or "\\" in path:
        return HTTPStatus.NOT_FOUND, None
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts):
        return HTTPStatus.FORBIDDEN, None
    if any(p.startswith(".") for p in parts):
        return HTTPStatus.NOT_FOUND, None
    if any(len(p.encode("utf-8", "surrogateescape")) > _NAME_MAX for p in parts):
        return HTTPStatus.NOT_FOUND, None  # no file has such a name (the OS would refuse it)
    try:
        target = site.joinpath(*parts).resolve()
        if target != site and not target.is_relative_to(site):
            return HTTPStatus.FORBIDDEN, None
        if target.is_dir():
            target = target / "index.html"  # a folder shows its index page, never a listing
            if target.is_symlink() and not target.resolve().is_relative_to(site):
                return HTTPStatus.FORBIDDEN, None
        if not target.is_file():
            return HTTPStatus.NOT_FOUND, None
    except (OSError, RuntimeError, ValueError):  # a path too long, a loop of links, ...
        return HTTPStatus.NOT_FOUND, None
    return HTTPStatus.OK, target



@dataclass
class BuildState:
    """What the browser is told after each build."""

    version: int = 0
    ok: bool = True
    seconds: float = 0.0
    errors: list[dict] = field(default_factory=list)
    failure: str = ""  # the build did not finish: why
    pending: int = 0  # page runs left to the background: their pages show no outputs yet
    changed: list[str] = field(default_factory=list)  # book files whose change started the build
    written: list[str] = field(default_factory=list)  # site files the build wrote

    def to_json(self) -> str:
        many = len(self.written) > 500  # then every page reloads
        return json.dumps({"version": self.version, "ok": self.ok, "seconds": round(self.seconds, 3),
                           "errors": self.errors[:50], "failure": self.failure,
                           "changed": self.changed[:50], "written": [] if many else self.written,
                           "all": many, "pending": self.pending}, ensure_ascii=False)



class Broadcaster:
    """Server-sent events to every open page."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._clients: list[queue.Queue[str | None]] = []

    def subscribe(self) -> queue.Queue[str | None]:
        q: queue.Queue[str | None] = queue.Queue()
        with self._lock:
            self._clients.append(q)
        return q

    def unsubscribe(self, q: queue.Queue[str | None]) -> None:
        with self._lock:
            if q in self._clients:
                self._clients.remove(q)

    def send(self, message: str | None) -> None:
        with self._lock:
            for q in self._clients:
                q.put(message)



LIVE_JS = r"""/* divebook serve: reload after each rebuild, show build errors on the page. */
(function () {
  "use strict";
  var seen = null;
  var box = null;
  function show(state) {
    var lines = [];
    if (state.failure) lines.push(state.failure);
    (state.errors || []).forEach(function (e) {
      lines.push((e.file || "") + (e.line ? ":" + e.line : "") + ": " + (e.severity || "error") + ": " + e.message);
    });
    if (!lines.length) { if (box) { box.remove(); box = null; } return; }
    if (!box) {
      box = document.createElement("div");
      box.id = "divebook-build-errors";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;left:1rem;right:1rem;bottom:1rem;z-index:1000;max-height:45vh;" +
        "overflow:auto;background:#2d1414;color:#ffd7d2;border:2px solid #ff8a80;border-radius:10px;" +
        "padding:.8rem 1rem;font:13px/1.5 ui-monospace,monospace;white-space:pre-wrap;box-shadow:0 8px 30px rgba(0,0,0,.4)";
      var close = document.createElement("button");
      close.textContent = "\u00d7";
      close.setAttribute("aria-label", "Close");
      close.style.cssText = "float:right;background:none;border:0;color:inherit;font-size:20px;cursor:pointer";
      close.onclick = function () { box.remove(); box = null; };
      box.appendChild(close);
      box.appendChild(document.createElement("strong"));
      box.appendChild(document.createElement("div"));
      document.body.appendChild(box);
    }
    box.childNodes[1].textContent = state.failure ? "divebook: the build failed" :
      "divebook: " + state.errors.length + " problem(s) to fix";
    box.childNodes[2].textContent = lines.join("\n");
  }
  /* Reload when this page, or anything every page uses, was written again. */
  function touchesThisPage(state) {
    var me = decodeURIComponent(window.location.pathname).replace(/^\//, "");
    if (me === "" || /\/$/.test(me)) me += "index.html";
    return state.all || (state.written || []).some(function (w) {
      return w === me || !/\.html$/.test(w) && !/^_downloads\//.test(w);
    });
  }
  function connect() {
    var events = new EventSource("/_divebook/events");
    events.addEventListener("build", function (e) {
      var state = JSON.parse(e.data);
      var fresh = seen !== null && state.version !== seen;
      seen = state.version;
      if (fresh && state.ok && touchesThisPage(state)) { window.location.reload(); return; }
      show(state);
    });
  }
  connect();
})();
"""



def make_handler(site: Path, state: Callable[[], BuildState], broadcaster: Broadcaster | None,
                 live: bool = True, host: str = "127.0.0.1") -> type[BaseHTTPRequestHandler]:
    """A request handler serving ``site`` (resolved), with live reload when ``live``.

    ``host``: the address served, which a request's ``Host`` header must name.
    """
    site = site.resolve()
    inject = b'<script src="/_divebook/live.js"></script>\n'

    class Handler(BaseHTTPRequestHandler):
        server_version = "divebook"
        protocol_version = "HTTP/1.1"
        timeout = REQUEST_TIMEOUT  # the socket's: a half-sent request is dropped

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass  # quiet: the console shows builds, not requests

        def do_HEAD(self) -> None:  # noqa: N802
            self._respond(head=True)

        def do_GET(self) -> None:  # noqa: N802
            self._respond(head=False)

        def _send(self, status: int, body: bytes, content_type: str, head: bool) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-cache")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            if not head:
                self.wfile.write(body)

        def _error(self, status: int, head: bool) -> None:
            phrase = HTTPStatus(status).phrase
            self._send(status, f"{status} {phrase}\n".encode(), "text/plain; charset=utf-8", head)

        def _respond(self, head: bool) -> None:
            if not host_allowed(self.headers.get("Host"), host):
                self.close_connection = True
                return self._error(HTTPStatus.FORBIDDEN, head)  # DNS rebinding: not our name
            path = urlsplit(self.path).path
            if live and path.startswith(LIVE_PREFIX):
                name = path[len(LIVE_PREFIX):]
                if name == "live.js":
                    return self._send(200, LIVE_JS.encode(), "text/javascript; charset=utf-8", head)
                if name == "status":
                    return self._send(200, state().to_json().encode(), "application/json", head)
                if name == "events" and broadcaster is not None and not head:
                    return self._events()
                return self._error(HTTPStatus.NOT_FOUND, head)
            try:
                status, target = resolve_site_path(site, self.path)
            except UnicodeDecodeError:
                status, target = HTTPStatus.NOT_FOUND, None
            if target is None:
                return self._error(status, head)
            try:
                body = target.read_bytes()
            except OSError:
                return self._error(HTTPStatus.NOT_FOUND, head)
            suffix = target.suffix.lower()
            content_type = _TYPES.get(suffix) or mimetypes.guess_type(target.name)[0] or \
                "application/octet-stream"
            if live and suffix == ".html":
                at = body.rfind(b"</body>")
                body = body[:at] + inject + body[at:] if at >= 0 else body + inject
            self._send(200, body, content_type, head)

        def _events(self) -> None:
            assert broadcaster is not None
            q = broadcaster.subscribe()
            try:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.send_header("Connection", "close")
                self.end_headers()
                self.close_connection = True
                self.wfile.write(f"retry: 500\nevent: build\ndata: {state().to_json()}\n\n".encode())
                self.wfile.flush()
                while True:
                    try:
                        message = q.get(timeout=15)
                    except queue.Empty:
                        message = ""  # keep the connection alive
                    if message is None:
                        return
                    data = f"event: build\ndata: {message}\n\n" if message else ": ping\n\n"
                    self.wfile.write(data.encode())
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError, OSError):
                return
            finally:
                broadcaster.unsubscribe(q)

    return Handler



class SiteServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True



def static_server(site: Path, host: str = "127.0.0.1", port: int = 0) -> SiteServer:
    """A plain server for a built site (no live reload): for tests and quick looks."""
    return SiteServer((host, port), make_handler(site, BuildState, None, live=False, host=host))
