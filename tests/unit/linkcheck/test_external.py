"""External links against a local server on 127.0.0.1: no test leaves the machine."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import pytest

from divebook.cli import main
from divebook.linkcheck.external import check_urls, retry_after
from divebook.linkcheck.settings import LinkSettings, add_remap
from tests.linkserver import LinkServer


@pytest.fixture(autouse=True)
def _local_server_without_proxy(monkeypatch):
    """A proxy set in the environment must not carry the local server's requests off the machine."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


def settings(**changes) -> LinkSettings:
    s = LinkSettings(timeout=1.0, retries=1, backoff=0.05)
    for key, value in changes.items():
        setattr(s, key, value)
    return s


def by_url(results) -> dict:
    return {r.url: r for r in results}


def test_each_kind_of_answer(tmp_path: Path) -> None:
    with LinkServer(slow=3.0) as server:
        u = server.url
        urls = [f"{u}/ok", f"{u}/moved", f"{u}/temp", f"{u}/missing", f"{u}/gone", f"{u}/busy",
                f"{u}/nohead", f"{u}/drophead", f"{u}/slow", f"{u}/flaky"]
        start = time.monotonic()
        results, asked = check_urls(urls, settings(timeout=0.5), tmp_path)
        seconds = time.monotonic() - start
        got = {r.url.removeprefix(u): (r.status, r.code) for r in results}
        assert got["/ok"] == ("ok", 200)
        assert got["/moved"] == ("redirected", 301)
        assert by_url(results)[f"{u}/moved"].to == f"{u}/ok"  # the end of the 301 -> 308 chain
        assert got["/temp"] == ("ok", 200)  # a temporary redirect is not reported
        assert got["/missing"] == ("broken", 404)
        assert got["/gone"] == ("broken", 410)
        assert got["/busy"] == ("ok", 200)
        assert got["/nohead"] == ("ok", 200)
        assert got["/drophead"] == ("ok", 200)
        assert got["/slow"][0] == "timeout"
        assert got["/flaky"] == ("ok", 200)
        # 429 waited for its Retry-After (1 s) before asking again; HEAD then GET where refused
        busy = [i for i, (_, p) in enumerate(server.requests) if p == "/busy"]
        assert len(busy) == 2
        assert ("HEAD", "/nohead") in server.requests and ("GET", "/nohead") in server.requests
        assert server.count("/slow") == 2  # tried again once (retries = 1), then given up
        assert 1.0 <= seconds < 6, seconds


def test_anchors_of_external_pages(tmp_path: Path) -> None:
    with LinkServer() as server:
        u = server.url
        urls = [f"{u}/page#here", f"{u}/page#named", f"{u}/page#bare", f"{u}/page#absent",
                f"{u}/page#L20"]
        results = by_url(check_urls(urls, settings(), tmp_path, anchors=True)[0])
        assert server.count("/page") == 1  # one request for every anchor of the page
        assert results[f"{u}/page#here"].status == "ok"
        assert results[f"{u}/page#named"].status == "ok"
        assert results[f"{u}/page#bare"].status == "ok"
        assert results[f"{u}/page#absent"].status == "broken"
        assert "no anchor `#absent`" in results[f"{u}/page#absent"].detail
        assert results[f"{u}/page#L20"].status == "ok"  # line anchors are made by scripts: ignored
        # without --anchors the page is asked with HEAD alone and every anchor passes
        plain = by_url(check_urls(urls, settings(), None)[0])
        assert {r.status for r in plain.values()} == {"ok"}


def test_cache_asks_again_only_what_failed_or_expired(tmp_path: Path) -> None:
    with LinkServer() as server:
        u = server.url
        urls = [f"{u}/ok", f"{u}/moved", f"{u}/missing", f"{u}/ok#x"]
        first, asked = check_urls(urls, settings(), tmp_path, now=1_000_000.0)
        assert asked >= 3
        server.requests.clear()
        again, asked = check_urls(urls, settings(), tmp_path, now=1_000_000.0 + 6 * 86400)
        assert [r.status for r in again] == [r.status for r in first]
        assert {p for _, p in server.requests} == {"/missing"}  # the good ones came from the cache
        assert by_url(again)[f"{u}/ok"].cached and not by_url(again)[f"{u}/missing"].cached
        server.requests.clear()
        check_urls(urls, settings(), tmp_path, now=1_000_000.0 + 8 * 86400)  # a week later: expired
        assert {p for _, p in server.requests} == {"/ok", "/moved", "/moved2", "/missing"}
        data = json.loads((tmp_path / "linkcheck.json").read_text())
        assert f"{u}/missing" not in data["urls"] and f"{u}/ok" in data["urls"]


def test_per_host_limit_counts_the_host_the_author_wrote(tmp_path: Path) -> None:
    with LinkServer() as server:
        s = settings(per_host=2, hosts={"three.test": 1})
        add_remap(s, r"^http://[a-z]+\.test/", server.url + "/", print)
        urls = [f"http://one.test/hold/{i}" for i in range(6)]
        check_urls(urls, s, None)
        assert server.most_in_flight == 2
        server.most_in_flight = 0
        check_urls([f"http://three.test/hold/{i}" for i in range(4)], s, None)
        assert server.most_in_flight == 1
        server.most_in_flight = 0
        many = urls + [f"http://two.test/hold/{i}" for i in range(6)]
        results, _ = check_urls(many, s, None)
        assert server.most_in_flight == 4 and {r.status for r in results} == {"ok"}


def test_refused_connections_are_unreachable_quickly(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    s = settings(retries=2)
    add_remap(s, r"^https?://", f"http://127.0.0.1:{port}/", print)
    urls = [f"https://host{i % 7}.test/p/{i}" for i in range(60)]
    start = time.monotonic()
    results, _ = check_urls(urls, s, None)
    assert {r.status for r in results} == {"unreachable"}
    assert "cannot connect" in results[0].detail
    assert time.monotonic() - start < 10


def test_ignore_patterns_and_retry_after_dates() -> None:
    s = settings(ignore=[__import__("re").compile(r"^https://ignored\.test/")])
    results, asked = check_urls(["https://ignored.test/x"], s, None)
    assert results[0].status == "ignored" and asked == 0
    assert retry_after("7", 0) == 7
    assert 59 <= retry_after("Thu, 01 Jan 1970 00:01:00 GMT", 0.5) <= 60
    assert retry_after("soon", 0) is None


def test_check_links_command(make_book, tmp_path: Path, capsys) -> None:
    with LinkServer() as server:
        book = make_book({
            "index.md": """
                # Home

                Good [site](https://good.test/ok) and [moved](https://good.test/moved).

                Broken [here](https://bad.test/missing) and [again](https://bad.test/missing).
                """,
            "divebook.toml": f"""
                [project]
                title = "Links"
                [linkcheck]
                timeout = 2
                retries = 0
                remap = {{"^https://[a-z]+\\\\.test/" = "{server.url}/"}}
                """,
        })
        out = tmp_path / "out"
        status = main(["check", "--links", "-C", str(book), "--out", str(out)])
        text = capsys.readouterr().err
        assert status == 1
        assert "index.md:5: error: link to https://bad.test/missing: 404" in text
        assert "index.md:3: warning: link to https://good.test/moved: moved permanently" in text
        assert "External links: 3 addresses" in text
        report = json.loads((out / "check.json").read_text())
        assert report["links"]["counts"]["broken"] == 1 and report["links"]["counts"]["ok"] == 1
        problems = {p["url"]: p for p in report["links"]["problems"]}
        assert problems["https://bad.test/missing"]["places"] == ["index.md:5"]
        assert problems["https://good.test/moved"]["to"] == f"{server.url}/ok"
        assert server.count("/missing") == 2  # HEAD, then GET: once for both links to it
        # a second run: only the broken one is asked again
        server.requests.clear()
        assert main(["check", "--links", "-C", str(book), "--out", str(out)]) == 1
        assert {p for _, p in server.requests} == {"/missing"}


def test_bad_linkcheck_settings_are_warnings_at_their_line(make_book, tmp_path: Path, capsys) -> None:
    book = make_book({"index.md": "# Home\n", "divebook.toml": """
        [linkcheck]
        per_host = 0
        ignore = ["("]
        """})
    assert main(["check", "--links", "-C", str(book), "--out", str(tmp_path / "o")]) == 0
    text = capsys.readouterr().err
    assert "divebook.toml:2: warning: [linkcheck] per_host: 0 is not a number of 1 or more" in text
    assert "divebook.toml:3: warning: [linkcheck] ignore: `(` is not a regular expression" in text


def test_settings_from_config_ini_and_divebook_toml(make_book) -> None:
    from divebook.config import load_config
    from divebook.diagnostics import Diagnostics
    from divebook.linkcheck.settings import read_settings

    ini = make_book({"index.md": "# Home\n", "config.ini": """
        [project]
        title = T
        [linkcheck]
        ignore = ^https://skip\\.test/
            ^https://also\\.test/
        per_host = 3
        hosts = github.com 6
        remap = ^https://x\\.test/ http://127.0.0.1:9/
        anchors = true
        expiry_days = 0.5
        """}, name="ini")
    toml = make_book({"index.md": "# Home\n", "divebook.toml": """
        [linkcheck]
        ignore = ["^https://skip\\\\.test/", "^https://also\\\\.test/"]
        per_host = 3
        hosts = { "github.com" = 6 }
        remap = { "^https://x\\\\.test/" = "http://127.0.0.1:9/" }
        anchors = true
        expiry_days = 0.5
        """}, name="toml")
    for root in (ini, toml):
        diags = Diagnostics()
        config = load_config(root, diags)
        s = read_settings(config.linkcheck, config.pos, diags)
        assert diags.items == [], diags.items
        assert s.ignored("https://skip.test/a") and s.ignored("https://also.test/") and not s.ignored("https://x.test/")
        assert s.per_host == 3 and s.limit_for("github.com") == 6 and s.limit_for("other.org") == 3
        assert s.remapped("https://x.test/p?q=1#a") == "http://127.0.0.1:9/p?q=1#a"
        assert s.anchors is True and s.expiry_days == 0.5


def test_a_host_that_never_answers_costs_one_address_its_retries(tmp_path: Path) -> None:
    with socket.socket() as sock:  # listens but never accepts: connections stall
        sock.bind(("127.0.0.1", 0))
        sock.listen(0)
        port = sock.getsockname()[1]
        s = settings(timeout=0.3, retries=2)
        add_remap(s, r"^https?://", f"http://127.0.0.1:{port}/", print)
        urls = [f"https://silent.test/p/{i}" for i in range(40)]
        start = time.monotonic()
        results, _ = check_urls(urls, s, None)
        seconds = time.monotonic() - start
    assert {r.status for r in results} == {"timeout"}
    # every address trying 3 times, 4 at a time, would take 40 / 4 * 3 * 0.3 s = 9 s at least;
    # one address tries 3 times (about 1 s), the others wait for it
    assert seconds < 4, seconds
    assert "not asked again" in results[-1].detail


def test_anchors_found_are_cached_and_not_asked_again(tmp_path: Path) -> None:
    with LinkServer() as server:
        u = server.url
        urls = [f"{u}/page#here", f"{u}/ok#page=3", f"{u}/page#absent"]
        first = by_url(check_urls(urls, settings(), tmp_path, anchors=True, now=1000.0)[0])
        assert [first[x].status for x in urls] == ["ok", "ok", "broken"]
        server.requests.clear()
        # the missing anchor is asked for again (with the page), the others come from the cache
        again = by_url(check_urls(urls[:2], settings(), tmp_path, anchors=True, now=1001.0)[0])
        assert server.requests == [] and all(r.cached for r in again.values())
        check_urls(urls, settings(), tmp_path, anchors=True, now=1002.0)
        assert server.requests == [("GET", "/page")]
