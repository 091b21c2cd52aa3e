"""The command line on small books: bad input reported with file and line, exit codes,
incremental rebuilds."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

from divebook.cli import main

GOOD = {
    "config.ini": "[project]\ntitle = Good\n[build]\ntabs = pytorch, mxnet\n",
    "index.md": """
        # Good

        ```toc
        :numbered:

        ch/a
        ch/b
        ```
    """,
    "ch/a.md": """
        # A
        :label:`sec_a`

        First paragraph of A.

        ![Fig.](../img/x.svg)
        :label:`fig_x`
    """,
    "ch/b.md": """
        # B

        See :numref:`fig_x` and :numref:`sec_a`.
    """,
    "img/x.svg": "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'/>",
}

BAD = {
    "config.ini": "[project]\ntitle = Bad\n[build]\ntabs = pytorch, mxnet\n",
    "index.md": """
        # Bad

        ```toc
        :numbered:

        ch/fence
        ch/tabs
        ch/refs
        ch/nofile
        ```
    """,
    "ch/fence.md": """
        # Fence

        ```python
        x = 1
    """,
    "ch/tabs.md": """
        # Tabs
        :label:`sec_tabs`

        :begin_tab:`mxnet`
        Never closed.
    """,
    "ch/refs.md": """
        # Refs
        :label:`sec_tabs`

        A :strange:`role`, :numref:`no_such_label` and :cite:`Missing.2020`.

        ![Missing image.](../img/none.png)
    """,
    "refs.bib": "@book{Real.2000, author = {Real, A.}, title = {T}, publisher = {P}, year = {2000}}\n",
    "back.md": "# Back\n\n:bibliography:`refs.bib`\n",
}


def run(*args: str) -> int:
    return main(list(args))


def report(out: Path) -> dict:
    return json.loads((out / "report.json").read_text())


def test_good_book_builds_with_status_0(make_book, tmp_path):
    book = make_book(GOOD)
    out = tmp_path / "out"
    assert run("build", "html", "--no-eval", "-C", str(book), "--out", str(out)) == 0
    data = report(out)
    assert [p["source"] for p in data["pages"]] == ["index.md", "ch/a.md", "ch/b.md"]
    assert [p["number"] for p in data["pages"]] == [None, "1", "2"]
    assert data["errors"] == [] and data["warnings"] == []
    assert set(data["stages"]) >= {"read", "execute", "transform", "write"}
    html = (out / "html" / "ch" / "b.html").read_text()
    assert 'href="a.html#fig_x">Fig. 1.1</a>' in html and "Section 1" in html
    assert not (book / "_build").exists()  # --out: nothing written into the book


def test_each_bad_input_is_one_message_with_file_and_line(make_book, tmp_path, capsys):
    book = make_book(BAD)
    out = tmp_path / "out"
    # As in Sphinx, problems in the text are warnings: the build succeeds unless --strict.
    assert run("build", "--no-eval", "-C", str(book), "--out", str(out)) == 0
    data = report(out)
    assert data["errors"] == [] and (data["strict"], data["failed"]) == (False, False)
    warnings = {(w["file"], w["line"], w["code"]) for w in data["warnings"]}
    assert warnings == {
        ("ch/fence.md", 3, "unclosed-fence"),
        ("ch/tabs.md", 4, "tab-mark"),
        ("ch/refs.md", 1, "duplicate-label"),
        ("ch/refs.md", 4, "unresolved-ref"),
        ("ch/refs.md", 4, "missing-citation"),
        ("index.md", 9, "toc"),
        ("ch/refs.md", 4, "unknown-role"),
        ("ch/refs.md", 6, "missing-image"),
        ("back.md", 1, "orphan"),
    }
    # everything else is still built
    for page in ["index.html", "ch/fence.html", "ch/tabs.html", "ch/refs.html"]:
        assert (out / "html" / page).exists()
    err = capsys.readouterr().err
    assert "ch/refs.md:4" in err and "Traceback" not in err


def test_check_reports_the_same_problems_and_writes_no_site(make_book, tmp_path):
    book = make_book(BAD)
    out = tmp_path / "out"
    assert run("check", "-C", str(book), "--out", str(out)) == 0
    data = json.loads((out / "check.json").read_text())
    assert data["errors"] == []
    assert {w["code"] for w in data["warnings"]} == {
        "unclosed-fence", "tab-mark", "duplicate-label", "unresolved-ref", "missing-citation", "toc",
        "unknown-role", "missing-image", "orphan"}
    assert run("check", "--strict", "-C", str(book), "--out", str(out)) == 1
    assert not (out / "html").exists()


def test_broken_config_is_exit_2(make_book, tmp_path, capsys):
    book = make_book({"config.ini": "[project\ntitle = x\n", "index.md": "# X\n"})
    assert run("build", "--no-eval", "-C", str(book), "--out", str(tmp_path / "o")) == 2
    assert "config.ini:1" in capsys.readouterr().err


def test_bad_usage_is_exit_2(make_book, tmp_path):
    book = make_book(GOOD)
    assert run("build", "nonsense", "-C", str(book), "--out", str(tmp_path / "o")) == 2
    assert run("build", "--tab", "jax", "--no-eval", "-C", str(book), "--out", str(tmp_path / "o")) == 2


def test_strict_turns_warnings_into_errors(make_book, tmp_path):
    files = dict(GOOD)
    files["ch/a.md"] = textwrap.dedent(files["ch/a.md"]) + "\nAn :odd:`role`.\n"
    book = make_book(files)
    assert run("build", "--no-eval", "-C", str(book), "--out", str(tmp_path / "a")) == 0
    assert run("build", "--no-eval", "--strict", "-C", str(book), "--out", str(tmp_path / "b")) == 1
    data = report(tmp_path / "b")
    assert data["errors"] == [] and data["warnings"][0]["code"] == "unknown-role"
    assert (data["strict"], data["failed"]) == (True, True)


def _mtimes(root: Path) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def test_nothing_changed_rewrites_nothing(make_book, tmp_path):
    book = make_book(GOOD)
    out = tmp_path / "out"
    args = ("build", "--no-eval", "-C", str(book), "--out", str(out))
    assert run(*args) == 0
    before = _mtimes(out / "html")
    os.utime(book / "ch" / "a.md")  # a `touch` changes nothing either
    assert run(*args) == 0
    assert _mtimes(out / "html") == before
    assert report(out)["html"] == {"rendered": 0, "written": 0}


def test_an_edit_rerenders_that_page_and_pages_whose_references_changed(make_book, tmp_path):
    book = make_book(GOOD)
    out = tmp_path / "out"
    args = ("build", "--no-eval", "-C", str(book), "--out", str(out))
    assert run(*args) == 0
    a = book / "ch" / "a.md"
    a.write_text(a.read_text().replace("First paragraph of A.", "The first paragraph of A, edited."))
    assert run(*args) == 0
    assert report(out)["outputs"]["html"] == ["ch/a.html"]
    # A new figure before fig_x changes its number: b.html, which refers to it, changes too.
    a.write_text(a.read_text().replace("The first paragraph", "![New.](../img/x.svg)\n\nThe first paragraph"))
    assert run(*args) == 0
    assert sorted(report(out)["outputs"]["html"]) == ["ch/a.html", "ch/b.html"]
    assert "Fig. 1.2" in (out / "html" / "ch" / "b.html").read_text()


def test_init_then_build(tmp_path):
    target = tmp_path / "newbook"
    assert run("init", str(target)) == 0
    assert run("build", "--no-eval", "-C", str(target)) == 0
    assert (target / "_build" / "html" / "chapter_intro" / "first-steps.html").exists()
    assert run("init", str(target)) == 2


def test_clean_cache(make_book, tmp_path):
    book = make_book(GOOD)
    out = tmp_path / "out"
    run("build", "--no-eval", "-C", str(book), "--out", str(out))
    assert (out / ".cache").exists()
    assert run("clean", "--cache", "-C", str(book), "--out", str(out)) == 0
    assert not (out / ".cache").exists() and (out / "html").exists()
