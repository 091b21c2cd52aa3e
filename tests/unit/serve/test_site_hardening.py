"""serve is a local preview: over-long names, foreign Host headers and half-sent requests."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

from divebook.serve import site as serve_module
from divebook.serve import host_allowed, static_server


@pytest.fixture
def server(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(serve_module, "REQUEST_TIMEOUT", 1.0)
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>hi</p>", encoding="utf-8")
    srv = static_server(site, "127.0.0.1", 0)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv.server_address[1]
    srv.shutdown()
    srv.server_close()


def _request(port: int, path: str, host: str | None = "127.0.0.1") -> int:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        head = f"GET {path} HTTP/1.1\r\n" + (f"Host: {host}\r\n" if host is not None else "") + \
            "Connection: close\r\n\r\n"
        sock.sendall(head.encode())
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    return int(reply.split(b" ", 2)[1])


def test_over_long_path_segment_is_not_found(server) -> None:
    assert _request(server, "/" + "a" * 300 + ".html") == 404
    assert _request(server, "/" + "/".join(["b" * 250] * 40)) == 404
    assert _request(server, "/index.html") == 200


@pytest.mark.parametrize("host,status", [
    ("127.0.0.1", 200), ("localhost:8000", 200), ("[::1]:8000", 200), ("LOCALHOST", 200), (None, 200),
    ("evil.example", 403), ("evil.example:8000", 403), ("127.0.0.1.evil.example", 403), ("", 403),
])
def test_host_header_must_name_the_served_address(server, host, status) -> None:
    assert _request(server, "/index.html", host) == status


def test_host_rules() -> None:
    assert host_allowed("books.lan:8000", "books.lan")
    assert host_allowed("192.168.1.5:8000", "0.0.0.0")
    assert not host_allowed("evil.example", "0.0.0.0")
    assert not host_allowed("evil.example", "::")


def test_half_sent_request_is_dropped(server) -> None:
    with socket.create_connection(("127.0.0.1", server), timeout=10) as sock:
        sock.sendall(b"GET /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # never finished
        start = time.monotonic()
        rest = sock.recv(65536)  # the server closes (maybe after a 408)
        while rest and (more := sock.recv(65536)):
            rest += more
        assert time.monotonic() - start < 5
