"""A translated book's notebooks and downloads: each language its own, in its language only."""

from __future__ import annotations

import json
import re
from pathlib import Path

from divebook.cli import main
from divebook.config import load_config
from divebook.diagnostics import Diagnostics
from divebook.writers.html.downloads import sync_downloads
from divebook.writers.latex.book import pdf_name

HANGUL = re.compile("[\uac00-\ud7a3]")

BOOK = {
    "config.ini": """
        [project]
        name = tb
        title = Test Book
        lang = ko

        [translation]
        origin_lang = en

        [build]
        tabs = pytorch, mxnet
        """,
    "refs.bib": "@article{Smith.2000, author = {Smith, Ann and Lee, Bo}, title = {One}, journal = {J}, year = {2000}}\n",
    "index.md": """
        # Test Book

        # 테스트 책

        ```toc
        :maxdepth: 2

        ch/a
        ch/refs
        ```
        """,
    "ch/a.md": """
        # Linear Models
        :label:`sec_linear`

        # 선형 모델

        A model is fitted as in :numref:`sec_linear` and by :citet:`Smith.2000`.

        모델은 :numref:`sec_linear`에서처럼 :citet:`Smith.2000`의 방법으로 맞춥니다.

        - first point
        - 첫째 요점

        ```{.python .input}
        #@tab pytorch
        x = 1
        ```

        ```{.python .input}
        #@tab mxnet
        x = 2
        ```

        An untranslated closing paragraph.
        """,
    "ch/refs.md": """
        # References

        # 참고 문헌

        :bibliography:`../refs.bib`
        """,
}


def _markdown(nb_path: Path) -> str:
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


def test_each_language_has_its_notebooks_and_downloads(make_book) -> None:  # type: ignore[no-untyped-def]
    book = make_book(BOOK)
    out = book / "_build"
    assert main(["build", "html", "notebooks", "--no-eval", "-C", str(book), "-q"]) == 0
    korean = _markdown(out / "notebooks" / "pytorch" / "ch" / "a.ipynb")
    english = _markdown(out / "notebooks" / "pytorch" / "en" / "ch" / "a.ipynb")
    assert "# 선형 모델" in korean and "Linear Models" not in korean and "first point" not in korean
    assert "An untranslated closing paragraph." in korean  # shown, as on the site
    assert "모델은 선형 모델에서처럼" in korean  # the reference as the Korean site writes it (a title)
    assert "Smith and Lee (2000)의" in korean
    assert not HANGUL.search(english)
    assert "# Linear Models" in english and "as in Linear Models and" in english and "by Smith and Lee (2000)." in english
    for text in (korean, english):
        assert not re.search(r":(numref|citet|label):`", text)
    assert json.loads((out / "notebooks" / "mxnet" / "en" / "ch" / "a.ipynb").read_text())["cells"]
    assert (out / "notebooks" / "tb-pytorch.zip").is_file() and (out / "notebooks" / "tb-en-mxnet.zip").is_file()

    # the PDFs the PDF writer would write, then the downloads list
    config = load_config(book, Diagnostics())
    (out / "pdf").mkdir()
    for lang in ("", "en"):
        for tab in config.tab_names:
            (out / "pdf" / f"{pdf_name(config, tab, lang)}.pdf").write_bytes(b"%PDF-1.4\n")
    sync_downloads(out, config)
    script = (out / "html" / "_downloads" / "downloads.js").read_text(encoding="utf-8")
    manifest = json.loads(script.split("=", 1)[1].strip().rstrip(";"))
    assert manifest["pdf"] == "tb.pdf" and manifest["tabs"]["mxnet"]["pdf"] == "tb-mxnet.pdf"
    assert manifest["tabs"]["pytorch"]["zip"] == "tb-pytorch.zip"
    assert manifest["langs"]["en"]["pdf"] == "tb-en.pdf"
    assert manifest["langs"]["en"]["tabs"] == {"pytorch": {"zip": "tb-en-pytorch.zip"},
                                               "mxnet": {"zip": "tb-en-mxnet.zip", "pdf": "tb-en-mxnet.pdf"}}
    # a page's notebook is found by its address in its site: ch/a (Korean), en/ch/a (English)
    assert {"ch/a", "en/ch/a"} <= set(manifest["tabs"]["pytorch"]["pages"])
    assert (out / "html" / "_downloads" / "notebooks" / "pytorch" / "en" / "ch" / "a.ipynb").is_file()
