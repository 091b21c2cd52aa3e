"""Link checks on d2l-en: internal anchors as written, external addresses against 127.0.0.1 only."""

from __future__ import annotations

import html
import json
import re
import socket
import time
from pathlib import Path

import pytest

from divebook.context import BuildOptions
from divebook.build import prepare, read_stage, transform_stage
from divebook.cli import main
from divebook.linkcheck.internal import check_site_links, page_anchors
from tests.linkserver import LinkServer

pytestmark = pytest.mark.corpus

_ID = re.compile(r'\bid="([^"]+)"')


@pytest.fixture(autouse=True)
def _local_server_without_proxy(monkeypatch):
    """A proxy set in the environment must not carry the local server's requests off the machine."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


@pytest.fixture(scope="module")
def d2l_site(tmp_path_factory):
    from tests.conftest import CORPUS, require_corpus

    book = CORPUS / "d2l-en"
    require_corpus("d2l-en")
    out = tmp_path_factory.mktemp("links") / "out"
    assert main(["build", "html", "--no-eval", "-C", str(book), "--out", str(out), "-q"]) == 0
    return book, out


def test_anchors_from_the_tree_are_the_ids_the_site_writes(d2l_site) -> None:
    book, out = d2l_site
    ctx = prepare(BuildOptions(book=book, out=out))
    read_stage(ctx)
    transform_stage(ctx)
    pages = [ctx.book.pages[s] for s in ctx.book.order + ctx.book.orphans]
    assert len(pages) == 192
    for page in pages:
        written = {html.unescape(i) for i in _ID.findall((out / "html" / page.output).read_text("utf-8"))}
        assert page_anchors(page) == written, page.source
    # and the check itself: nothing broken in d2l-en, well under 0.2 s (the bench's machine is
    # faster than a loaded test machine: measured with process time, best of three)
    times = []
    for _ in range(3):
        start = time.process_time()
        check_site_links(ctx)
        times.append(time.process_time() - start)
    assert not [d for d in ctx.diags.items if d.code == "broken-internal-link"]
    assert min(times) < 0.2, times


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_every_address_unreachable_against_a_refusing_address(tmp_path: Path, corpus) -> None:
    start = time.monotonic()
    out = tmp_path / "out"
    status = main(["check", "--links", "-C", str(corpus / "d2l-en"), "--out", str(out),
                   "--remap", f"^https?:// http://127.0.0.1:{_free_port()}/"])
    seconds = time.monotonic() - start
    links = json.loads((out / "check.json").read_text())["links"]
    assert status == 1
    assert links["urls"] > 550
    assert links["counts"]["unreachable"] == links["urls"], links["counts"]
    assert seconds < 60, seconds
    # one address per host finds out, by its retries, that the host is down; the others
    # are not asked (d2l-en: about 85 hosts, 605 addresses, 257 requests)
    assert links["asked"] < links["urls"] / 2


def test_no_address_broken_against_the_local_server(tmp_path: Path, corpus) -> None:
    out = tmp_path / "out"
    with LinkServer() as server:
        status = main(["check", "--links", "--anchors", "-C", str(corpus / "d2l-en"), "--out", str(out),
                       "--remap", f"^https?:// {server.url}/"])
        links = json.loads((out / "check.json").read_text())["links"]
        assert links["counts"]["broken"] == links["counts"]["unreachable"] == 0, links["problems"][:5]
        assert links["counts"]["ok"] == links["urls"] > 550
        assert status == 0
        asked = len(server.requests)
        # the second run takes every answer from the cache
        server.requests.clear()
        assert main(["check", "--links", "-C", str(corpus / "d2l-en"), "--out", str(out),
                     "--remap", f"^https?:// {server.url}/"]) == 0
        assert server.requests == [] and asked >= links["urls"] * 0.9
