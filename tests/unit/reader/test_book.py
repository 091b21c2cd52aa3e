"""Which files are pages: d2lbook's wildcards, exclusions, non-notebooks and orphan pages."""

from __future__ import annotations

import glob
import json
import os
from pathlib import Path

import pytest

from divebook.cli import main
from divebook.config import load_config
from divebook.diagnostics import Diagnostics
from divebook.execute.settings import is_evaluated
from divebook.globs import matches
from divebook.reader.book import find_markdown, read_book

#: files of a book folder, for comparing our wildcards with Python's glob
FILES = [
    "index.md", "README.md", "a.md", "ab.md", "a b.md", "[x].md", "符号/页.md",
    "ch1/x.md", "ch1/index.md", "ch1/y_origin.md", "ch1/.h.md", "ch2/sub/deep.md",
    "contrib/z.md", "contrib/chapter_x/y.md", "static/vol1/tools-index.md",
    ".hidden/h.md", "a/b/c/d.md", "img/p.png",
]
PATTERNS = [
    "*.md", "*/*.md", "**/*.md", "**", "*.md */*.md", "contrib/*md", "contrib", "contrib/",
    "*/*_origin.md", "**/index.md", "a**.md", "ch?/*.md", "[ab].md", "[!a]*.md", "./*.md",
    "a/**/d.md", "**/*/*.md", "ch1/**", "符号/*.md", ".hidden/*.md", "*/.h.md", "[[]x].md",
    "ch*/**/*.md", "README.md",
]


def d2lbook_find(root: Path, pattern: str) -> set[str]:
    """What d2lbook's ``find_files`` returns: glob.glob(recursive=True), folders expanded."""
    found: set[str] = set()
    for p in pattern.split():
        path = os.path.join(root, p)
        if os.path.isdir(path):
            path = os.path.join(path, "**")
        found |= {os.path.relpath(f, root) for f in glob.glob(path, recursive=True) if os.path.isfile(f)}
    return found


@pytest.mark.parametrize("pattern", PATTERNS)
def test_wildcards_match_what_python_glob_finds(tmp_path: Path, pattern: str) -> None:
    for name in FILES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    ours = {f for f in FILES if matches(f, pattern.split())}
    assert ours == d2lbook_find(tmp_path, pattern)


def test_star_stays_in_a_folder_and_double_star_crosses_them() -> None:
    d2l_en = ["*.md", "*/*.md"]
    assert matches("chapter_x/y.md", d2l_en) and matches("index.md", d2l_en)
    assert not matches("contrib/chapter_x/y.md", d2l_en)
    assert not matches("static/vol1/tools-index.md", d2l_en)
    assert matches("part/chapter/page.md", ["**/*.md"]) and matches("index.md", ["**/*.md"])
    assert not matches("part/chapter/page.md", ["a**.md"])  # glued to a name, ** is a plain *


D2L_LIKE = {
    "config.ini": """
        [build]
        notebooks = *.md */*.md
        non-notebooks = notes/*.md
        exclusions = README.md contrib/*md chapter_a/draft.md
    """,
    "index.md": """
        # Book

        ```toc
        :numbered:

        chapter_a/index
        ```

        ```toc
        notes/glossary
        ```
    """,
    "chapter_a/index.md": """
        # A
        :label:`chap_a`

        ```toc
        one
        ```
    """,
    "chapter_a/one.md": """
        # One

        ```{.python .input}
        1 + 1
        ```
    """,
    "chapter_a/draft.md": "# Draft\n",
    "chapter_a/lost.md": "# Lost\n",
    "chapter_a/quiet.md": "---\norphan: true\n---\n# Quiet\n",
    "notes/glossary.md": "# Glossary\n\n```{.python .input}\nraise SystemExit\n```\n",
    "README.md": "# Readme, not a page\n",
    # Not matched by */*.md: their broken citation and duplicate label must not count.
    "contrib/chapter_x/y.md": "# Y\n:label:`chap_a`\n\nSee :cite:`Nobody.2000`.\n",
    "static/vol1/tools-index.md": "# Tools\n:label:`chap_a`\n",
}


def test_pages_are_the_files_the_wildcards_choose(make_book) -> None:
    root = make_book(D2L_LIKE)
    config = load_config(root, Diagnostics())
    assert find_markdown(config) == [
        "chapter_a/index.md", "chapter_a/lost.md", "chapter_a/one.md", "chapter_a/quiet.md",
        "index.md", "notes/glossary.md",
    ]
    assert is_evaluated("chapter_a/one.md", config)
    assert not is_evaluated("notes/glossary.md", config)  # a page, but its code never runs


def test_files_that_are_not_pages_do_not_fail_the_build(make_book, tmp_path: Path) -> None:
    root = make_book(D2L_LIKE)
    out = tmp_path / "out"
    assert main(["build", "html", "--no-eval", "-C", str(root), "--out", str(out), "-q"]) == 0
    report = json.loads((out / "report.json").read_text())
    assert [p["source"] for p in report["pages"]] == [
        "index.md", "chapter_a/index.md", "chapter_a/one.md", "notes/glossary.md",
        "chapter_a/lost.md", "chapter_a/quiet.md",
    ]
    assert report["errors"] == []
    # An orphan page is built and reported, like Sphinx; `orphan: true` says it is meant.
    assert [(w["file"], w["code"]) for w in report["warnings"]] == [("chapter_a/lost.md", "orphan")]
    assert (out / "html" / "chapter_a" / "lost.html").is_file()
    assert not (out / "html" / "contrib").exists() and not (out / "html" / "README.html").exists()


def test_a_toc_entry_naming_a_file_that_is_not_a_page_says_why(make_book) -> None:
    root = make_book({**D2L_LIKE, "chapter_a/index.md": "# A\n\n```toc\none\ndraft\n```\n"})
    diags = Diagnostics()
    config = load_config(root, diags)
    read_book(config, None, 1, diags)
    (toc,) = [d for d in diags.items if d.code == "toc"]
    assert (toc.file, toc.line) == ("chapter_a/index.md", 5)
    assert "`chapter_a/draft.md` does not exist or is not a page" in toc.message
    assert "exclusions" in toc.message


def test_double_star_finds_pages_two_levels_down(make_book) -> None:
    root = make_book({
        "config.ini": "[build]\nnotebooks = *.md **/*.md\nexclusions = README.md\n",
        "index.md": "# B\n\n```toc\n:numbered:\n\npart/chapter/index\n```\n",
        "part/chapter/index.md": "# C\n\n```toc\npage\n```\n",
        "part/chapter/page.md": "# P\n",
        "README.md": "# R\n",
    })
    diags = Diagnostics()
    book = read_book(load_config(root, diags), None, 1, diags)
    assert book.order == ["index.md", "part/chapter/index.md", "part/chapter/page.md"]
    assert diags.items == []


def test_the_root_page_is_a_page_whatever_the_wildcards(make_book) -> None:
    root = make_book({
        "config.ini": "[build]\nnotebooks = chapters/*.md\n",
        "index.md": "# B\n\n```toc\nchapters/a\n```\n",
        "chapters/a.md": "# A\n",
    })
    diags = Diagnostics()
    book = read_book(load_config(root, diags), None, 1, diags)
    assert book.order == ["index.md", "chapters/a.md"] and diags.items == []
