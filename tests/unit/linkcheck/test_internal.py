"""Internal links: every link the website writes inside the book leads to a page, file or anchor."""

from __future__ import annotations

from pathlib import Path

from divebook.context import BuildOptions
from divebook.build import build, check

BOOK = {
    "index.md": """
        # Home

        ```toc
        a
        b
        ```
        """,
    "a.md": """
        # Page A
        :label:`sec_a`

        ## Part one
        :label:`sec_one`

        Good: [one](#sec_one), [b](b.md#sec_b_two), [b](b.md), [pic](img/p.png),
        [web](https://example.org/#x), [mail](mailto:a@b.c).

        ![p](img/p.png)

        Bad anchor here: [nowhere](#sec_nowhere).

        Bad anchor there: [b](b.md#sec_missing).

        A file that is not in the site: [data](data/x.csv).

        A file that is nowhere: [gone](data/gone.csv).

        Out of the site: [up](../../outside.html).
        """,
    "b.md": """
        # Page B

        ## Two
        :label:`sec_b_two`

        Text.[^1]

        [^1]: A note; [back](#fn-1) works.
        """,
    "img/p.png": b"\x89PNG\r\n\x1a\n",
    "data/x.csv": "a,b\n",
}


def _problems(diags, code: str = "broken-internal-link") -> dict[tuple[str, int], str]:
    return {(d.file, d.line): d.message for d in diags.items if d.code == code}


def test_build_reports_each_broken_link_at_its_line(make_book, tmp_path: Path) -> None:
    book = make_book(BOOK)
    ctx = build(BuildOptions(book=book, out=tmp_path / "out", evaluate=False, quiet=True,
                             index_search=False))
    found = _problems(ctx.diags)
    assert set(found) == {("a.md", 12), ("a.md", 14), ("a.md", 16), ("a.md", 18), ("a.md", 20)}, found
    assert "no such anchor" in found[("a.md", 12)] and "#sec_nowhere" in found[("a.md", 12)]
    assert "page `b.md` has no anchor `#sec_missing`" in found[("a.md", 14)]
    assert "in the book but not copied into the website" in found[("a.md", 16)]
    assert "website has no file `data/gone.csv`" in found[("a.md", 18)]
    assert "leads out of the website" in found[("a.md", 20)]
    assert all(d.severity == "warning" for d in ctx.diags.items if d.code == "broken-internal-link")


def test_strict_build_fails_on_a_broken_anchor(make_book, tmp_path: Path) -> None:
    book = make_book({"index.md": "# Home\n\nSee [x](#nope).\n"})
    ctx = build(BuildOptions(book=book, out=tmp_path / "out", evaluate=False, quiet=True,
                             index_search=False, strict=True))
    from divebook.build import exit_status

    assert _problems(ctx.diags) and exit_status(ctx) == 1


def test_a_book_whose_links_all_resolve_has_no_warning(make_book, tmp_path: Path) -> None:
    files = dict(BOOK)
    files["a.md"] = "# Page A\n\n## One\n:label:`sec_one`\n\n[one](#sec_one) [b](b.md#sec_b_two) " \
                    "[top](#content) ![p](img/p.png) [p](img/p.png)\n"
    book = make_book(files)
    ctx = build(BuildOptions(book=book, out=tmp_path / "out", evaluate=False, quiet=True,
                             index_search=False))
    assert _problems(ctx.diags) == {}


def test_check_finds_the_same_anchors_and_looks_for_files_in_the_book(make_book, tmp_path: Path) -> None:
    book = make_book(BOOK)
    status, ctx = check(BuildOptions(book=book, out=tmp_path / "out", evaluate=False))
    found = _problems(ctx.diags)
    # nothing is written: data/x.csv is in the book, so only the site build can say it is not copied
    assert set(found) == {("a.md", 12), ("a.md", 14), ("a.md", 18), ("a.md", 20)}, found
    assert "no file `data/gone.csv` in the book" in found[("a.md", 18)]


NOTEBOOK_BOOK = {
    "index.md": """
        # Home

        ```toc
        a
        b
        ```
        """,
    "a.md": """
        # A

        ![p](img/p.png) and [p](img/p.png) travel with the notebook.

        [data](data/x.csv) does only as a resource.

        See [b](b.md) and [web](https://example.org/x.md).

        ```{.python .input}
        x = 1
        ```
        """,
    "b.md": "# B\n\n```{.python .input}\ny = 2\n```\n",
    "img/p.png": b"\x89PNG\r\n\x1a\n",
    "data/x.csv": "a,b\n",
}


def test_notebook_links_name_files_the_notebooks_carry(make_book, tmp_path: Path) -> None:
    book = make_book(NOTEBOOK_BOOK)
    ctx = build(BuildOptions(book=book, out=tmp_path / "out", targets=["notebooks"], evaluate=False,
                             quiet=True))
    found = _problems(ctx.diags, "broken-notebook-link")
    assert set(found) == {("a.md", 5), ("a.md", 7)}, found
    assert "do not carry `data/x.csv`; add it to [build] resources" in found[("a.md", 5)]
    assert "the page is `b.ipynb`" in found[("a.md", 7)]
    # with the data among the resources it travels too
    files = dict(NOTEBOOK_BOOK, **{"divebook.toml": '[build]\nresources = ["data"]\n'})
    book = make_book(files, name="with-resources")
    ctx = build(BuildOptions(book=book, out=tmp_path / "out2", targets=["notebooks"], evaluate=False,
                             quiet=True))
    assert set(_problems(ctx.diags, "broken-notebook-link")) == {("a.md", 7)}


def test_translated_book_checks_each_site_and_reports_a_problem_once(make_book, tmp_path: Path) -> None:
    book = make_book({
        "config.ini": "[project]\nlang = zh\ntitle = T\n[translation]\norigin_lang = en\n",
        "index.md": "# 首页\n\n```toc\na\n```\n",
        "index_origin.md": "# Home\n\n```toc\na\n```\n",
        "a.md": "# 甲\n:label:`sec_a`\n\n这是一个页面。见 [x](#nope) 和 [y](#sec_a)。\n",
        "a_origin.md": "# A\n:label:`sec_a`\n\nThis is a page. See [x](#nope) and [y](#sec_a).\n",
    })
    ctx = build(BuildOptions(book=book, out=tmp_path / "out", evaluate=False, quiet=True,
                             index_search=False))
    assert len(ctx.views) == 3  # the translation, the original, the side-by-side pages
    found = [d for d in ctx.diags.sorted() if d.code == "broken-internal-link"]
    assert [(d.file, d.line) for d in found] == [("a.md", 4)]
