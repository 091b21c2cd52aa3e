"""`clean` and `build --out` touch only folders divebook made, never the book, a folder above it,
the home folder or /: each refusal exits 2, says why, and changes nothing."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from divebook.cli import main
from divebook.confine import MARKER

BOOK = {"index.md": "# Book\n\n```toc\na\n```\n", "a.md": "# A\n\nText.\n"}


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its content: to show that nothing changed."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def said(capsys) -> str:
    """What divebook printed, with the console's line wrapping undone."""
    return " ".join(capsys.readouterr().err.split())


@pytest.fixture
def book(make_book) -> Path:
    return make_book(BOOK)


def test_clean_refuses_the_book_folder(book: Path, capsys) -> None:
    before = snapshot(book.parent)
    assert main(["clean", "-C", str(book), "--out", str(book)]) == 2
    assert snapshot(book.parent) == before
    err = said(capsys)
    assert "book's own folder" in err and "Nothing was removed" in err


def test_clean_refuses_the_folder_above_the_book(book: Path, monkeypatch, capsys) -> None:
    (book.parent / "neighbour.txt").write_text("keep me")
    before = snapshot(book.parent)
    monkeypatch.chdir(book)
    assert main(["clean", "--out", ".."]) == 2
    assert snapshot(book.parent) == before
    assert "holds the book" in said(capsys)


@pytest.mark.parametrize("where", ["home", "root"])
def test_clean_refuses_home_and_root_even_with_a_marker(book: Path, tmp_path: Path, monkeypatch,
                                                        where: str, capsys) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / MARKER).write_text("planted by a book\n")
    (home / "notes.txt").write_text("mine")
    monkeypatch.setenv("HOME", str(home))
    target = home if where == "home" else Path("/")
    before = snapshot(home)
    assert main(["clean", "-C", str(book), "--out", str(target)]) == 2
    assert snapshot(home) == before
    assert ("home folder" if where == "home" else "root folder") in said(capsys)


def test_clean_refuses_a_folder_divebook_did_not_make(book: Path, tmp_path: Path, capsys) -> None:
    other = tmp_path / "photos"
    other.mkdir()
    (other / "a.jpg").write_bytes(b"\xff\xd8")
    assert main(["clean", "-C", str(book), "--out", str(other)]) == 2
    assert (other / "a.jpg").read_bytes() == b"\xff\xd8"
    assert "divebook did not make it" in said(capsys)


def test_build_marks_its_output_and_clean_removes_it(book: Path) -> None:
    assert main(["build", "--no-eval", "-C", str(book), "-q"]) == 0
    assert (book / "_build" / MARKER).is_file()
    sources = snapshot(book)
    assert main(["clean", "-C", str(book)]) == 0
    assert not (book / "_build").exists()
    assert snapshot(book) == {k: v for k, v in sources.items() if not k.startswith("_build/")}


def test_clean_cache_keeps_the_rest(book: Path) -> None:
    assert main(["build", "--no-eval", "-C", str(book), "-q"]) == 0
    assert main(["clean", "--cache", "-C", str(book)]) == 0
    assert not (book / "_build" / ".cache").exists()
    assert (book / "_build" / "html" / "index.html").is_file()


def test_output_from_before_markers_is_accepted_and_marked(book: Path, tmp_path: Path) -> None:
    """A folder an older divebook wrote (its report.json, no marker) is still divebook's."""
    out = tmp_path / "old"
    (out / "html").mkdir(parents=True)
    (out / "report.json").write_text(json.dumps({"divebook": "0.1", "pages": []}))
    assert main(["build", "--no-eval", "-C", str(book), "--out", str(out), "-q"]) == 0
    assert (out / MARKER).is_file()
    assert main(["clean", "-C", str(book), "--out", str(out)]) == 0
    assert not out.exists()


@pytest.mark.parametrize("kind", ["book", "parent", "foreign", "file"])
def test_build_refuses_to_write_where_it_must_not(book: Path, tmp_path: Path, kind: str, capsys) -> None:
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("years of work")
    (tmp_path / "a-file").write_text("not a folder")
    out = {"book": book, "parent": book.parent, "foreign": foreign, "file": tmp_path / "a-file"}[kind]
    before = snapshot(tmp_path)
    assert main(["build", "--no-eval", "-C", str(book), "--out", str(out), "-q"]) == 2
    assert snapshot(tmp_path) == before
    assert "refusing to write into --out" in said(capsys)


def test_build_into_an_empty_folder_is_fine(book: Path, tmp_path: Path) -> None:
    out = tmp_path / "empty"
    out.mkdir()
    assert main(["build", "--no-eval", "-C", str(book), "--out", str(out), "-q"]) == 0
    assert (out / MARKER).is_file() and (out / "html" / "a.html").is_file()


def test_clean_cache_that_is_a_symlink_removes_only_the_link(book: Path, tmp_path: Path) -> None:
    """A .cache that links elsewhere: the link goes, what it points to stays."""
    real = tmp_path / "real"
    assert main(["build", "--no-eval", "-C", str(book), "--out", str(real), "-q"]) == 0
    (real / ".cache").rename(tmp_path / "elsewhere")
    os.symlink(tmp_path / "elsewhere", real / ".cache")
    assert main(["clean", "--cache", "-C", str(book), "--out", str(real)]) == 0
    assert (tmp_path / "elsewhere").is_dir() and not (real / ".cache").exists()
