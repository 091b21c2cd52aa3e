"""Nothing from outside the book reaches its outputs: each path a book names that leaves the
book (by ``..``, an absolute path or a symlink) is reported with file and line and left out."""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import pytest

from divebook.cli import main
from divebook.confine import book_file, is_safe_name

SECRET = "TOP-SECRET-4711"
INDEX = "# Book\n\n```toc\na\n{more}```\n"


def everything_in(out: Path) -> bytes:
    """Every byte the build wrote, zip members unpacked, to look for the secret in."""
    found = []
    for path in out.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found.append(data)
            if path.suffix == ".zip":
                with zipfile.ZipFile(io.BytesIO(data)) as z:
                    found += [z.read(name) for name in z.namelist()]
    return b"\n".join(found)


def tree(folder: Path, leave_out: tuple[Path, ...]) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not any(p == x or x in p.parents for x in leave_out)}


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the book holding files the book must never reach."""
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "passwd").write_text(f"root:{SECRET}\n")
    (secret / "page.md").write_text(f"# Stolen\n\n{SECRET}\n")
    (secret / "refs.bib").write_text("@book{Key.2000, author = {A, B}, title = {" + SECRET
                                     + "}, publisher = {P}, year = {2000}}\n")
    (secret / "style.css").write_text(f"/* {SECRET} */\n")
    return secret


def build(book: Path, out: Path, *targets: str) -> tuple[int, dict]:
    status = main(["build", *(targets or ("html", "notebooks")), "--no-eval", "-C", str(book),
                   "--out", str(out), "-q"])
    return status, json.loads((out / "report.json").read_text())


def problems(report: dict) -> set[tuple[str, int, str]]:
    return {(d["file"], d["line"], d["code"]) for d in report["warnings"] + report["errors"]}


def link(book: Path, name: str, target: Path) -> None:
    (book / name).parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, book / name)


def assert_nothing_leaked(tmp_path: Path, book: Path, out: Path, before: dict[str, bytes]) -> None:
    assert SECRET.encode() not in everything_in(out)
    assert tree(tmp_path, (book, out)) == before  # nothing outside the book and out changed or appeared


def run_case(make_book, tmp_path: Path, files: dict[str, str], links: dict[str, Path] = {},
             targets: tuple[str, ...] = ()) -> tuple[int, dict]:
    book = make_book(files)
    for name, target in links.items():
        link(book, name, target)
    out = tmp_path / "out"
    before = tree(tmp_path, (book, out))
    status, report = build(book, out, *targets)
    assert_nothing_leaked(tmp_path, book, out, before)
    return status, report


def test_an_image_linked_out_of_the_book_is_left_out(make_book, tmp_path, outside) -> None:
    files = {"index.md": INDEX.format(more=""), "a.md": "# A\n\n![Pw.](img/pw.svg)\n\n```{.python .input}\n1\n```\n"}
    status, report = run_case(make_book, tmp_path, files, {"img/pw.svg": outside / "passwd"})
    assert status == 0 and ("a.md", 3, "image-outside") in problems(report)
    assert not (tmp_path / "out" / "html" / "img" / "pw.svg").exists()


@pytest.mark.parametrize("name", ["ABS", "../../secret/passwd", "linked.html"])
def test_raw_file_outside_the_book_is_not_pasted(make_book, tmp_path, outside, name) -> None:
    name = str(outside / "passwd") if name == "ABS" else name
    files = {"index.md": INDEX.format(more=""),
             "a.md": f"# A\n\n```eval_rst\n.. raw:: html\n   :file: {name}\n```\n"}
    status, report = run_case(make_book, tmp_path, files, {"linked.html": outside / "passwd"})
    assert ("a.md", 4, "file-outside") in problems(report)


def test_a_page_linked_out_of_the_book_is_not_published(make_book, tmp_path, outside) -> None:
    files = {"index.md": INDEX.format(more="b\n"), "a.md": "# A\n"}
    status, report = run_case(make_book, tmp_path, files, {"b.md": outside / "page.md"})
    assert ("b.md", 0, "file-outside") in problems(report)
    assert not (tmp_path / "out" / "html" / "b.html").exists()


@pytest.mark.parametrize("key,section,value", [
    ("favicon", "html", "../secret/passwd"),
    ("favicon", "html", "ABS"),
    ("html_logo", "html", "linked.svg"),
    ("include_css", "html", "../secret/style.css"),
    ("include_css", "html", "linked.css"),
    ("include_js", "html", "linked.js"),
    ("bibfile", "pdf", "../secret/refs.bib"),
    ("bibfile", "pdf", "linked.bib"),
    ("resources", "build", "../secret/*"),
    ("resources", "build", "linked.css"),
    ("version_file", "library", "linked.py"),
])
def test_config_files_outside_the_book_are_left_out(make_book, tmp_path, outside, key, section,
                                                    value) -> None:
    value = str(outside / "passwd") if value == "ABS" else value
    config = f"[project]\nname = bk\n[{section}]\n{key} = {value}\n"
    files = {"config.ini": config, "index.md": INDEX.format(more=""),
             "a.md": "# A\n\nAs :cite:`Key.2000` says.\n\n```{.python .input}\n1\n```\n"}
    links = {"linked.svg": outside / "passwd", "linked.css": outside / "style.css",
             "linked.js": outside / "passwd", "linked.bib": outside / "refs.bib",
             "linked.py": outside / "passwd"}
    status, report = run_case(make_book, tmp_path, files, links)
    assert ("config.ini", 4, "file-outside") in problems(report)
    page = (tmp_path / "out" / "html" / "index.html").read_text()
    assert "secret" not in page and "linked." not in page


def test_a_bibliography_role_outside_the_book_is_not_read(make_book, tmp_path, outside) -> None:
    files = {"index.md": INDEX.format(more=""),
             "a.md": "# A\n\nAs :cite:`Key.2000` says.\n\n:bibliography:`../secret/refs.bib`\n"}
    status, report = run_case(make_book, tmp_path, files)
    assert ("a.md", 5, "file-outside") in problems(report)


def test_resources_folder_keeps_only_its_own_files(make_book, tmp_path, outside) -> None:
    files = {"config.ini": "[build]\nresources = data\n", "index.md": INDEX.format(more=""),
             "a.md": "# A\n\n```{.python .input}\n1\n```\n", "data/own.csv": "1,2\n"}
    status, report = run_case(make_book, tmp_path, files, {"data/pw.csv": outside / "passwd"})
    with zipfile.ZipFile(next((tmp_path / "out" / "notebooks").glob("*.zip"))) as z:
        names = z.namelist()
    assert any(n.endswith("data/own.csv") for n in names)
    assert not any(n.endswith("data/pw.csv") for n in names)


@pytest.mark.parametrize("tabs", ["../../../x, ok", "ok, a/b", "ok, .hidden"])
def test_tab_names_that_are_not_file_names_are_left_out(make_book, tmp_path, tabs) -> None:
    files = {"config.ini": f"[build]\ntabs = {tabs}\n", "index.md": INDEX.format(more=""),
             "a.md": "# A\n\n```{.python .input}\n#@tab all\n1\n```\n"}
    status, report = run_case(make_book, tmp_path, files)
    assert ("config.ini", 2, "config-value") in problems(report)
    assert report["book"]["tabs"] == ["ok"]
    assert sorted(p.name for p in (tmp_path / "out" / "notebooks").iterdir()) == ["book-ok.zip", "ok"]


def test_unsafe_book_name_and_language_fall_back(make_book, tmp_path) -> None:
    files = {"config.ini": "[project]\nname = ../../../evil\nlang = ../x\n",
             "index.md": INDEX.format(more=""), "a.md": "# A\n\n```{.python .input}\n1\n```\n"}
    status, report = run_case(make_book, tmp_path, files)
    assert {("config.ini", 2, "config-value"), ("config.ini", 3, "config-value")} <= problems(report)
    assert [p.name for p in (tmp_path / "out" / "notebooks").glob("*.zip")] == ["book-python.zip"]


def test_book_file_resolves_links_and_dots(tmp_path: Path) -> None:
    book = tmp_path / "b"
    (book / "in").mkdir(parents=True)
    (book / "in" / "f").write_text("x")
    os.symlink(book / "in" / "f", book / "inner-link")
    os.symlink(tmp_path, book / "up")
    assert book_file(book, "in/f") == book / "in/f"
    assert book_file(book, "inner-link") is not None
    assert book_file(book, "up/b/in/f") is not None  # out and back in: the file is the book's
    for name in ("../b2/f", "/etc/passwd", "up/x", "in/../../x", "a\0b"):
        assert book_file(book, name) is None, name
    assert all(map(is_safe_name, ["pytorch", "zh-CN", "pt_BR", "d2l-en", "tf2.0"]))
    assert not any(map(is_safe_name, ["", ".", "..", "../x", "a/b", ".h", "-x", "a b", "x" * 65]))


def test_the_run_copy_leaves_out_links_out_of_the_book(tmp_path: Path, outside: Path) -> None:
    """Code runs in a copy of the book inside the output folder: a link out is not copied there."""
    from divebook.execute.workdir import mirror_book

    book = tmp_path / "book"
    (book / "data").mkdir(parents=True)
    (book / "data" / "own.csv").write_text("1\n")
    os.symlink(outside / "passwd", book / "data" / "pw.csv")
    os.symlink(book / "data" / "own.csv", book / "data" / "alias.csv")  # inside: copied
    out = tmp_path / "out"
    assert mirror_book(book, out / "run" / "python", out) == 2
    assert sorted(p.name for p in (out / "run" / "python" / "data").iterdir()) == ["alias.csv", "own.csv"]
    assert SECRET.encode() not in everything_in(out)
