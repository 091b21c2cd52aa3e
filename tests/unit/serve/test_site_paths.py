"""``divebook serve`` answers only with files under the site folder.

Requests are sent raw over a socket (no client normalises ``..`` away) to a
real server on 127.0.0.1.
"""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path
from typing import Iterator

import pytest

from divebook.cli import make_parser
from divebook.serve import BuildState, SiteServer, make_handler, resolve_site_path, static_server

SECRET = "top secret outside the site"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """OUT/html with a page, assets, a hidden file, and links pointing out of it."""
    tmp_path = tmp_path_factory.mktemp("serve")
    out = tmp_path / "out"
    html = out / "html"
    (html / "chapter").mkdir(parents=True)
    (html / "_static").mkdir()
    (html / "index.html").write_text("<html><body>home</body></html>")
    (html / "chapter" / "page.html").write_text("<html><body>page</body></html>")
    (html / "_static" / "divebook.css").write_text("body{}")
    (html / ".hidden").write_text("hidden")
    (out / "report.json").write_text('{"beside": "the site, not in it"}')
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET)
    (outside / "index.html").write_text(SECRET)
    os.symlink(outside / "secret.txt", html / "leak.txt")
    os.symlink(outside, html / "leakdir")
    os.symlink(outside / "index.html", html / "chapter" / "index.html")
    (html / "inside.txt").symlink_to(html / "_static" / "divebook.css")  # a link within the site is fine
    return html


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[tuple[str, int]]:
    srv = static_server(site.resolve())
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv.server_address[:2]
    srv.shutdown()
    srv.server_close()


def raw_get(address: tuple[str, int], target: str) -> tuple[int, bytes]:
    """Send ``GET target`` exactly as written; the status and body."""
    with socket.create_connection(address, timeout=5) as conn:
        conn.sendall(f"GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


@pytest.mark.parametrize("target", [
    "/../out/report.json",
    "/../../outside/secret.txt",
    "/chapter/../../outside/secret.txt",
    "/%2e%2e/report.json",
    "/%2E%2E/%2e%2e/outside/secret.txt",
    "/..%2freport.json",
    "/..%2Freport.json",
    "/chapter/..%2f..%2f..%2foutside%2fsecret.txt",
    "/.%2e/report.json",
    "/%2e./report.json",
    "/..\\report.json",
    "/%5c..%5creport.json",
    "/%252e%252e/report.json",
    "/etc/passwd",
    "//etc/passwd",
    "/%2fetc%2fpasswd",
    "http://localhost/../report.json",
    "/leak.txt",
    "/leakdir/secret.txt",
    "/leakdir/",
    "/chapter/",
    "/chapter/index.html",
    "/.hidden",
    "/_static/",
    "/_static",
    "/nothing-here.html",
    "/%00index.html",
    "/index.html%00.txt",
    "/%ff%fe",
])
def test_requests_outside_the_site_are_refused(server: tuple[str, int], target: str) -> None:
    status, body = raw_get(server, target)
    assert status in (400, 403, 404), (target, status)
    assert SECRET.encode() not in body and b"beside" not in body and b"root:" not in body


@pytest.mark.parametrize("target, expected", [
    ("/", b"home"), ("/index.html", b"home"), ("/chapter/page.html", b"page"),
    ("/chapter/page.html?tab=mxnet#x", b"page"), ("/chapter/./page.html", b"page"),
    ("/_static/divebook.css", b"body{}"), ("/inside.txt", b"body{}"),
    ("/%63hapter/page.html", b"page"),
])
def test_files_in_the_site_are_served(server: tuple[str, int], target: str, expected: bytes) -> None:
    status, body = raw_get(server, target)
    assert status == 200 and expected in body


def test_resolve_site_path_directly(site: Path) -> None:
    root = site.resolve()
    assert resolve_site_path(root, "/chapter/page.html") == (200, root / "chapter" / "page.html")
    assert resolve_site_path(root, "/%2e%2e/x")[0] == 403
    assert resolve_site_path(root, "/leak.txt")[0] == 403
    assert resolve_site_path(root, "/_static")[0] == 404  # a folder without index: no listing


def test_live_pages_get_the_reload_script(site: Path) -> None:
    srv = SiteServer(("127.0.0.1", 0), make_handler(site, BuildState, None, live=True))
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        status, body = raw_get(srv.server_address[:2], "/chapter/page.html")
        assert status == 200
        assert body.endswith(b'page<script src="/_divebook/live.js"></script>\n</body></html>')
        status, body = raw_get(srv.server_address[:2], "/_divebook/live.js")
        assert status == 200 and b"EventSource" in body
        status, body = raw_get(srv.server_address[:2], "/_divebook/status")
        assert status == 200 and b'"version": 0' in body
        assert raw_get(srv.server_address[:2], "/_divebook/../index.html")[0] in (403, 404)
    finally:
        srv.shutdown()
        srv.server_close()


def test_serve_binds_to_loopback_unless_told() -> None:
    args = make_parser().parse_args(["serve"])
    assert (args.host, args.port) == ("127.0.0.1", 8000)
    args = make_parser().parse_args(["serve", "--host", "0.0.0.0", "--port", "9000"])
    assert (args.host, args.port) == ("0.0.0.0", 9000)
