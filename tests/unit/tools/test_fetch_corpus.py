"""tools/fetch_corpus.py against small git repositories made here (file:// URLs, no network)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import require_tool, write_book
from tools import fetch_corpus
from tools.fetch_corpus import (Book, check, corpus_root, digest, fetch, folder_entries, load_lock, load_pins,
                                 write_lock)

BIG = 2048


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_CONFIG_GLOBAL": "/dev/null", "HOME": str(repo)}
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True,
                          env=env).stdout.strip()


def commit_all(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture
def upstream(tmp_path: Path) -> tuple[Path, str]:
    """A book's repository: the book, plus what the trimmed corpus leaves out."""
    require_tool("git")
    repo = write_book(tmp_path / "upstream", {
        "index.md": "# Book\n", "config.ini": "[project]\ntitle = B\n",
        "chapter_one/index.md": "# One\n", "img/small.svg": "<svg/>\n",
        "img/huge.png": b"\x89PNG" + b"0" * BIG,  # over max_bytes
        "d2l/torch.py": "x = 1\n", "graffle/a.graffle": "g\n", ".github/ci.yml": "on: push\n",
        "README.md": "read me\n",
    })
    git(repo, "init", "-q")
    first = commit_all(repo, "book")
    (repo / "index.md").write_text("# Book, later\n")
    commit_all(repo, "later")  # the pin is not the tip
    return repo, first


def pinned(repo: Path, commit: str, expected: Path, **rules) -> Book:
    entries = folder_entries(expected)
    return Book(name="book", url=repo.as_uri(), commit=commit, files=len(entries), digest=digest(entries),
                **rules)


def test_a_pinned_commit_is_fetched_trimmed_as_the_pins_say(upstream, tmp_path: Path) -> None:
    repo, first = upstream
    expected = write_book(tmp_path / "expected", {
        "index.md": "# Book\n", "config.ini": "[project]\ntitle = B\n",
        "chapter_one/index.md": "# One\n", "img/small.svg": "<svg/>\n"})
    book = pinned(repo, first, expected, keep=["index.md", "config.ini", "chapter_*", "img"],
                  drop=["graffle"], max_bytes=BIG)
    fetch(book, tmp_path / "corpus", force=False)
    got = tmp_path / "corpus" / "book"
    assert sorted(p.relative_to(got).as_posix() for p in got.rglob("*") if p.is_file()) == [
        "chapter_one/index.md", "config.ini", "img/small.svg", "index.md"]
    assert (got / "index.md").read_text() == "# Book\n"  # the pinned commit, not the tip
    assert check(book, got) == ""
    assert [p.name for p in (tmp_path / "corpus").iterdir()] == ["book"]  # no scratch left behind


def test_a_fetch_that_does_not_give_the_pinned_bytes_leaves_nothing(upstream, tmp_path: Path) -> None:
    repo, first = upstream
    expected = write_book(tmp_path / "expected", {"index.md": "# Book, other\n"})
    book = pinned(repo, first, expected, keep=["index.md"])
    with pytest.raises(fetch_corpus.FetchError, match="differs from the pins: 1 files .pinned 1., digest"):
        fetch(book, tmp_path / "corpus", force=False)
    assert list((tmp_path / "corpus").iterdir()) == []


def test_a_differing_folder_is_kept_unless_forced(upstream, tmp_path: Path) -> None:
    repo, first = upstream
    expected = write_book(tmp_path / "expected", {"index.md": "# Book\n"})
    book = pinned(repo, first, expected, keep=["index.md"])
    mine = write_book(tmp_path / "corpus" / "book", {"index.md": "my edit\n"})
    with pytest.raises(fetch_corpus.FetchError, match="--force"):
        fetch(book, tmp_path / "corpus", force=False)
    assert (mine / "index.md").read_text() == "my edit\n"
    fetch(book, tmp_path / "corpus", force=True)
    assert (mine / "index.md").read_text() == "# Book\n"


def test_a_file_pinned_by_content_is_found_in_the_history(tmp_path: Path) -> None:
    require_tool("git")
    repo = write_book(tmp_path / "ko", {"chapter_preface/index.md": "draft\n"})
    git(repo, "init", "-q")
    commit_all(repo, "draft")
    text = "# Preface\n\n# 서문\n\nJust a few years ago.\n\n불과 몇 년 전.\n"
    (repo / "chapter_preface" / "index.md").write_text(text, encoding="utf-8")
    commit_all(repo, "translated")
    (repo / "chapter_preface" / "index.md").write_text("rewritten\n")
    commit_all(repo, "rewritten")
    data = text.encode("utf-8")
    entries = [("preface.md", fetch_corpus.blob_id(data))]
    book = Book(name="bilingual", url=repo.as_uri(), blob=entries[0][1], source_path="chapter_preface/index.md",
                target="preface.md", files=1, digest=digest(entries))
    assert git(repo, "hash-object", "chapter_preface/index.md") != book.blob
    fetch(book, tmp_path / "corpus", force=False)
    assert (tmp_path / "corpus" / "bilingual" / "preface.md").read_bytes() == data
    missing = Book(name="other", url=repo.as_uri(), blob="0" * 40, target="x.md", files=1, digest="")
    with pytest.raises(fetch_corpus.FetchError, match="no commit of .* holds the pinned file"):
        fetch(missing, tmp_path / "corpus", force=False)


def test_the_corpus_folder_is_one_setting(tmp_path: Path) -> None:
    assert corpus_root({"DIVEBOOK_CORPUS": str(tmp_path)}) == tmp_path.resolve()
    assert corpus_root({}) == (fetch_corpus.REPO.parent / "shared" / "corpus").resolve()


def test_the_pins_name_every_book_the_tests_read() -> None:
    pins = load_pins()
    assert set(pins) == {"d2l-en", "d2l-zh", "d2l-tvm", "bilingual"}
    for book in pins.values():
        assert book.url.startswith("https://github.com/d2l-ai/"), book.name
        assert re.fullmatch("[0-9a-f]{40}", book.commit or book.blob), book.name
        assert book.files > 0 and re.fullmatch("[0-9a-f]{64}", book.digest), book.name
    used = set()
    for test in Path(__file__).resolve().parents[2].rglob("test_*.py"):
        used |= set(re.findall(r'require_corpus\(([^)]*)\)', test.read_text(encoding="utf-8")))
    names = {name for call in used for name in re.findall(r'"([^"]+)"', call)}
    assert names and names <= set(pins)


def test_trim_rules_keep_drop_size_and_dot_files() -> None:
    book = Book(name="b", url="", drop=["graffle"], max_bytes=10)
    assert fetch_corpus.kept(book, "chapter_a/x.md", 10)
    assert not fetch_corpus.kept(book, "img/big.png", 11)
    assert not fetch_corpus.kept(book, "graffle/a.graffle", 1)
    assert not fetch_corpus.kept(book, ".github/ci.yml", 1) and not fetch_corpus.kept(book, "a/.gitignore", 1)
    only = Book(name="b", url="", keep=["chapter_*", "index.md"])
    assert fetch_corpus.kept(only, "chapter_a/img/x.png", 10**9)
    assert not fetch_corpus.kept(only, "d2l/torch.py", 1) and not fetch_corpus.kept(only, "index.md.bak", 1)


def test_the_lock_mends_keep_rules_that_disagree_and_names_differing_files(upstream, tmp_path: Path, capsys) -> None:
    repo, first = upstream
    expected = write_book(tmp_path / "expected", {"index.md": "# Book\n", "README.md": "read me\n"})
    listed = folder_entries(expected)
    book = pinned(repo, first, expected, keep=["index.md"])  # rules that forget README.md
    fetch(book, tmp_path / "corpus", force=False, listed=listed)
    assert "1 missing (README.md)" in capsys.readouterr().out
    got = tmp_path / "corpus" / "book"
    assert folder_entries(got) == listed
    (got / "README.md").write_text("edited\n")
    (got / "new.md").write_text("new\n")
    (got / "index.md").unlink()
    assert check(book, got, listed).endswith(": 1 missing (index.md); 1 extra (new.md); 1 changed (README.md)")


def test_the_lock_round_trips_and_matches_the_pinned_digests(tmp_path: Path) -> None:
    listed = {"b": [("img/Canvas 1.svg", "1" * 40), ("index.md", "2" * 40)]}
    write_lock(listed, tmp_path / "lock")
    assert load_lock(tmp_path / "lock") == listed
    lock = load_lock()
    for name, book in load_pins().items():
        assert len(lock[name]) == book.files and digest(lock[name]) == book.digest, name
