"""The paired layout (x.md + x_origin.md): the translation's site is x.md alone.

Small books in the shapes the translated d2l books take: a translation that
merges two paragraphs into one, a label spelled otherwise, a figure only the
original has, tocs that differ.  The original's site and the side-by-side
pages are built from x_origin.md; what does not pair is the translation's
problem (``check --translation``), never the build's.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from divebook.cli import main
from tests.htmldom import Element, parse_html

CONFIG = """
    [project]
    name = small
    title = 작은 책
    lang = ko

    [translation]
    origin_lang = en

    [build]
    tabs = python
    exclusions = */*_origin.md
"""

SVG = "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'/>"

BOOK = {
    "config.ini": CONFIG,
    "img/neuron.svg": SVG,
    "img/extra.svg": SVG,
    # The original's toc names a page the book does not have, and lists the chapter's
    # pages in another order: the book's structure is the translation's.
    "index.md": """
        # 작은 책

        ```toc
        :numbered:

        ch/merged
        ch/kernel
        ```
    """,
    "index_origin.md": """
        # A Small Book

        ```toc
        :numbered:

        ch/kernel
        ch/merged
        ch/colab
        ```
    """,
    "ch/merged_origin.md": """
        # Merging

        The first sentence of the original stands alone here.

        The second sentence of the original follows it here.

        ```{.python .input}
        x = 1
        ```

        Kernel regression is in :numref:`sec_nadaraya-waston`, and :numref:`sec_gone` is not.
    """,
    # the translator made one paragraph of the two
    "ch/merged.md": """
        # 병합

        원문의 첫 문장과 두 번째 문장을 한 문단으로 옮겼습니다.

        ```{.python .input}
        x = 1
        ```

        커널 회귀는 :numref:`sec_nadaraya-watson` 에 있습니다.
    """,
    # the original misspells its label; it also has a figure the translation dropped
    "ch/kernel_origin.md": """
        # Kernel Regression
        :label:`sec_nadaraya-waston`

        ![An extra figure.](../img/extra.svg)
        :label:`fig_extra`

        ![A real neuron.](../img/neuron.svg)
        :label:`fig_neuron`

        As :numref:`fig_neuron` shows, a neuron sums its inputs.
    """,
    "ch/kernel.md": """
        # 커널 회귀
        :label:`sec_nadaraya-watson`

        ![실제 뉴런.](../img/neuron.svg)
        :label:`fig_neuron`

        :numref:`fig_neuron` 처럼 뉴런은 입력을 더합니다.
    """,
}


def article(path: Path) -> Element:
    return parse_html(path.read_text(encoding="utf-8")).find("article")


def build(book: Path, out: Path, *args: str) -> tuple[int, dict]:
    status = main(["build", "html", "--no-eval", "-C", str(book), "--out", str(out), "-q", *args])
    return status, json.loads((out / "report.json").read_text())


@pytest.fixture
def built(make_book, tmp_path):
    book = make_book(BOOK)
    status, report = build(book, tmp_path / "out")
    return book, tmp_path / "out" / "html", status, report


def test_nothing_of_x_origin_md_fails_or_warns_the_build(built):
    _, _, status, report = built
    assert status == 0
    assert report["errors"] == [] and report["warnings"] == []
    assert report["book"]["langs"] == ["ko", "en"]
    assert [p["source"] for p in report["pages"]] == ["index.md", "ch/merged.md", "ch/kernel.md"]


def test_a_translation_merging_two_paragraphs_shows_as_written(built):
    _, html, _, report = built
    ko = article(html / "ch" / "merged.html")
    assert ko.find("p").text() == "원문의 첫 문장과 두 번째 문장을 한 문단으로 옮겼습니다."
    assert "original" not in ko.text() and not ko.find_all(".untranslated")
    en = article(html / "en" / "ch" / "merged.html").text()
    assert "The first sentence" in en and "The second sentence" in en and "원문" not in en
    # side by side: the merged translation beside the first original, the second alone
    rows = article(html / "bilingual" / "ch" / "merged.html").find_all(".bilingual-pair")
    cells = [(r.find(".original").text(), r.find(".translation").text()) for r in rows]
    assert ("The first sentence of the original stands alone here.",
            "원문의 첫 문장과 두 번째 문장을 한 문단으로 옮겼습니다.") in cells
    assert any(o.startswith("The second sentence") and "missing" in r.classes
               for r, (o, _) in zip(rows, cells))
    page = next(p for p in report["translation"]["pages"] if p["source"] == "ch/merged.md")
    assert (page["layout"], page["translated"], page["missing"]) == ("paired", 3, 1)


def test_each_language_numbers_and_resolves_its_own_labels(built):
    _, html, _, _ = built
    ko = (html / "ch" / "kernel.html").read_text(encoding="utf-8")
    # the original's extra figure is not here
    assert re.findall(r'caption-number">([^<]+)<', ko) == ["그림 2.1"]
    assert "그림 2.1" in article(html / "ch" / "kernel.html").find("p").text()
    en = (html / "en" / "ch" / "kernel.html").read_text(encoding="utf-8")
    assert re.findall(r'caption-number">([^<]+)<', en) == ["Fig. 2.1", "Fig. 2.2"]
    assert "Fig. 2.2 shows" in article(html / "en" / "ch" / "kernel.html").text()
    # each spelling of the section's label works in its own language
    ko_ref = article(html / "ch" / "merged.html").find("a.ref")
    en_ref = article(html / "en" / "ch" / "merged.html").find("a.ref")
    assert ko_ref.attrs["href"] == "kernel.html" and en_ref.attrs["href"] == "kernel.html"
    assert (ko_ref.text(), en_ref.text()) == ("2장", "Section 2")


def test_the_book_follows_the_translations_toc(built):
    _, html, _, _ = built
    for index, first in [(html / "index.html", "병합"), (html / "en" / "index.html", "Merging")]:
        links = article(index).find("nav.toc-block").find_all("a")
        assert [a.attrs["href"] for a in links] == ["ch/merged.html", "ch/kernel.html"]
        assert first in links[0].text()
    assert not (html / "en" / "ch" / "colab.html").exists()


def test_the_original_column_reads_in_the_original_language(built):
    _, html, _, _ = built
    rows = article(html / "bilingual" / "ch" / "kernel.html").find_all(".bilingual-pair")
    originals = " ".join(r.find(".original").text() for r in rows)
    translations = " ".join(r.find(".translation").text() for r in rows)
    assert "Fig. 2.1" in originals and "Fig. 2.2" in originals and "그림" not in originals
    assert "그림 2.1" in translations and "Fig." not in translations
    ids = re.findall(r' id="([^"]+)"', (html / "bilingual" / "ch" / "kernel.html").read_text())
    assert len(ids) == len(set(ids))  # the original's anchors are kept apart from the translation's


def test_pairing_problems_are_the_translations_listed_with_file_and_line(built, tmp_path, capsys):
    book, html, _, report = built
    problems = [(p["file"], p["line"], p["code"]) for p in report["translation"]["problems"]]
    assert problems == [
        ("ch/kernel.md", 1, "translation-mismatch"),  # the label's two spellings
        ("ch/kernel_origin.md", 4, "untranslated"),  # the figure only the original has
        ("ch/merged.md", 9, "translation-mismatch"),  # the references differ
        ("ch/merged_origin.md", 5, "untranslated"),  # the paragraph merged into the one before
        ("ch/merged_origin.md", 11, "unresolved-ref"),  # sec_gone: in the English book only
        ("index.md", 3, "translation-mismatch"),  # the tocs differ
    ]
    capsys.readouterr()
    assert main(["check", "-C", str(book), "--out", str(tmp_path / "c"), "--translation"]) == 0
    printed = capsys.readouterr()
    text = printed.out + printed.err
    assert f"{len(problems)} pairing problems" in text
    assert "ch/kernel.md:1: warning: the translation is labelled `sec_nadaraya-watson` but its " \
           "original at ch/kernel_origin.md:1 is `sec_nadaraya-waston`" in text
    check = json.loads((tmp_path / "c" / "check.json").read_text())
    assert check["errors"] == [] and check["warnings"] == []
    # the status page counts them per page, and says where the list is
    status = article(html / "translation-status.html")
    rows = [[c.text() for c in tr.find_all("td")] for tr in status.find_all("tr")[1:]]
    assert [row[5] for row in rows] == ["1", "3", "2", "6"]  # index, merged, kernel, the book
    assert "divebook check --translation" in status.find_all("p")[-1].text()


def test_building_the_original_alone_fails_on_nothing_in_x_origin_md(make_book, tmp_path):
    book = make_book(BOOK)
    status, report = build(book, tmp_path / "en", "--lang", "en")
    assert status == 0 and report["errors"] == [] and report["warnings"] == []
    assert {p["lang"] for p in report["pages"]} == {"en"}
    assert "Kernel Regression" in article(tmp_path / "en" / "html" / "en" / "ch" / "kernel.html").text()


def test_the_home_title_is_the_books_own_when_index_md_kept_the_original(make_book, tmp_path):
    """An interleaved home page whose title was left in English: the book's title (the
    translation's, from its config) is the Korean site's, not a box saying it is untranslated."""
    book = make_book({
        "config.ini": "[project]\ntitle = 딥러닝 입문\nlang = ko\n\n[translation]\norigin_lang = en\n",
        "index.md": """
            Dive into Deep Learning
            =======================

            This book is about deep learning.

            이 책은 딥러닝에 관한 책입니다.
        """,
    })
    status, report = build(book, tmp_path / "out")
    assert status == 0 and report["warnings"] == []
    html = tmp_path / "out" / "html"
    ko = article(html / "index.html")
    assert not ko.find_all(".untranslated") and ko.find("h1").text().startswith("딥러닝 입문")
    assert article(html / "en" / "index.html").find("h1").text().startswith("Dive into Deep Learning")
    # a title left in the original when the book's title is too stays marked
    (book / "config.ini").write_text(
        "[project]\ntitle = Dive\nlang = ko\n\n[translation]\norigin_lang = en\n")
    _, report = build(book, tmp_path / "out2")
    assert [w["code"] for w in report["warnings"]] == ["untranslated"]
    assert article(tmp_path / "out2" / "html" / "index.html").find_all(".untranslated")


def test_each_languages_site_names_the_book_in_its_language(built):
    """``[project] title`` is written in one language; each site's header and <title>
    name the book as its own home page does (the original's site read "작은 책")."""
    _, html, status, _ = built
    assert status == 0

    def names(path: Path) -> tuple[str, str]:
        dom = parse_html(path.read_text(encoding="utf-8"))
        return dom.find(".book-title").text().strip(), dom.find("title").text()

    assert names(html / "index.html") == ("작은 책", "작은 책")
    assert names(html / "en" / "index.html") == ("A Small Book", "A Small Book")
    assert names(html / "en" / "ch" / "kernel.html") == ("A Small Book", "2 Kernel Regression — A Small Book")
    assert names(html / "ch" / "kernel.html")[0] == "작은 책"
    assert names(html / "bilingual" / "ch" / "kernel.html")[0] == "작은 책"


def test_a_title_written_in_the_original_does_not_name_the_translations_site(make_book, tmp_path):
    """The starter's shape: an English ``[project] title`` and a translated home page."""
    book = make_book({
        "config.ini": "[project]\ntitle = A Small Book\nlang = ko\n\n[translation]\norigin_lang = en\n",
        "index.md": """
            # A Small Book

            # 작은 책

            This book is small.

            이 책은 작습니다.
        """,
    })
    status, _ = build(book, tmp_path / "out")
    html = tmp_path / "out" / "html"
    assert status == 0
    header = parse_html((html / "index.html").read_text(encoding="utf-8")).find(".book-title").text()
    assert header.strip() == "작은 책"
    header = parse_html((html / "en" / "index.html").read_text(encoding="utf-8")).find(".book-title").text()
    assert header.strip() == "A Small Book"


def test_a_title_written_in_the_sites_language_stays_the_sites(make_book, tmp_path):
    """d2l-zh's shape: ``[project] title`` is the translation's and its home page heads
    itself otherwise (《...》): the translation's site keeps the configured title."""
    book = make_book({
        "config.ini": "[project]\ntitle = 작은 책\nlang = ko\n\n[translation]\norigin_lang = en\n",
        "index.md": """
            # A Small Book

            # 《작은 책》 입문

            This book is small.

            이 책은 작습니다.
        """,
    })
    status, _ = build(book, tmp_path / "out")
    html = tmp_path / "out" / "html"
    assert status == 0
    for path, title in [("index.html", "작은 책"), ("bilingual/index.html", "작은 책"),
                        ("en/index.html", "A Small Book")]:
        dom = parse_html((html / path).read_text(encoding="utf-8"))
        assert dom.find(".book-title").text().strip() == title, path
