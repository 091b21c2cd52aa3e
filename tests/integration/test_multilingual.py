"""Translated books built into websites: one per language, side by side, with a switcher.

The corpus's interleaved preface (English, then Korean) is built as a one-page
book; a small book in the paired-files layout is written here.
"""

from __future__ import annotations

import json
import posixpath
import re
import shutil
import textwrap
from pathlib import Path

import pytest

from divebook.cli import main
from divebook.languages.i18n import strings
from tests.conftest import require_corpus, write_book
from tests.htmldom import Element, parse_html

HANGUL = re.compile("[\uac00-\ud7af]")
PROSE_TAGS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption"}


def article(path: Path) -> Element:
    return parse_html(path.read_text(encoding="utf-8")).find("article")


def html_lang(path: Path) -> str:
    return parse_html(path.read_text(encoding="utf-8")).find("html").attrs["lang"]


def inside_untranslated(element: Element) -> bool:
    return any("untranslated" in a.classes for a in [element, *element.ancestors()])


#: Words the page's own language supplies inside any block ("그림 1", "Fig. 1"): not prose.
UI_WORDS = {"ref", "caption-number", "section-number"}


def shown_text(element: Element, skip_untranslated: bool = True) -> str:
    """The prose of an element: no UI words, and nothing marked untranslated inside it."""
    parts: list[str] = []

    def collect(node: "Element | str") -> None:
        if isinstance(node, str):
            parts.append(node)
        elif not (skip_untranslated and "untranslated" in node.classes) \
                and not (node.classes & UI_WORDS) and node.tag not in ("script", "style"):
            for child in node.children:
                collect(child)

    collect(element)
    return " ".join("".join(parts).split())


# --------------------------------------------------------------------------
# The interleaved preface from the corpus
# --------------------------------------------------------------------------


def preface_chunks(text: str) -> list[tuple[int, str]]:
    """(line, chunk) for the blank-line separated chunks of the Markdown, code fences whole."""
    chunks: list[tuple[int, str]] = []
    lines = text.split("\n")
    current: list[str] = []
    start = 0
    in_fence = False
    for number, line in enumerate(lines, 1):
        if line.startswith("```"):
            in_fence = not in_fence
        if not line.strip() and not in_fence:
            if current:
                chunks.append((start, "\n".join(current)))
                current = []
            continue
        if not current:
            start = number
        current.append(line)
    if current:
        chunks.append((start, "\n".join(current)))
    return chunks


def lead_words(chunk: str, n: int = 3) -> str:
    """The first words of a chunk's prose, Markdown taken off, as a page would show them."""
    line = chunk.split("\n")[0]
    line = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", line)
    line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line)
    line = re.sub(r":\w+:`[^`]*`", "", line)
    line = re.sub(r"^[#*\-\d.\s]+", "", line).replace("*", "").replace("`", "")
    return " ".join(line.split()[:n])


def classify(chunk: str) -> str:
    if chunk.startswith("```") or not re.search("[A-Za-z\uac00-\ud7af]", re.sub(r"\([^)]*\)", "", chunk)):
        return "neutral"
    return "ko" if HANGUL.search(chunk) else "en"


def oracle(text: str) -> dict:
    """Pairs as a reader of the file sees them: a Korean chunk right after an English one."""
    chunks = [(line, chunk, classify(chunk)) for line, chunk in preface_chunks(text)]
    pairs, continued, alone = [], [], []
    for i, (line, chunk, lang) in enumerate(chunks):
        if lang != "en":
            continue
        if i + 1 < len(chunks) and chunks[i + 1][2] == "ko":
            pair = [chunk, chunks[i + 1][1]]
            j = i + 2
            while j < len(chunks) and chunks[j][2] == "ko":
                pair.append(chunks[j][1])
                continued.append(chunks[j][1])
                j += 1
            pairs.append(pair)
        else:
            alone.append(chunk)
    return {"pairs": pairs, "alone": alone, "continued": continued}


def link_counts(chunks: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for chunk in chunks:
        for url in re.findall(r"(?<!!)\[[^\]]*\]\((https?://[^)\s]+)\)", chunk):
            url = url.rstrip("/")
            counts[url] = counts.get(url, 0) + 1
    return counts


def page_links(root: Element) -> dict[str, int]:
    counts: dict[str, int] = {}
    for a in root.find_all("a"):
        href = a.attrs.get("href", "")
        if href.startswith("http"):
            counts[href.rstrip("/")] = counts.get(href.rstrip("/"), 0) + 1
    return counts


@pytest.fixture(scope="module")
def preface(tmp_path_factory):
    source = require_corpus("bilingual") / "bilingual" / "preface.md"
    base = tmp_path_factory.mktemp("preface")
    book = base / "book"
    book.mkdir()
    shutil.copyfile(source, book / "index.md")  # byte for byte
    (book / "config.ini").write_text("[project]\ntitle = Preface\nlang = ko\n\n[translation]\n"
                                     "origin_lang = en\n\n[build]\ntabs = mxnet\n")
    out = base / "out"
    status = main(["build", "html", "--no-eval", "-C", str(book), "--out", str(out), "-q"])
    report = json.loads((out / "report.json").read_text())
    text = source.read_text(encoding="utf-8")
    return {"status": status, "out": out / "html", "report": report, "oracle": oracle(text)}


def test_the_preface_builds_three_pages_and_reports_only_what_the_excerpt_lacks(preface):
    report = preface["report"]
    # The excerpt refers to chapters and images of the whole book, which a one-page book lacks:
    # warnings, as in Sphinx, so the build succeeds.
    assert preface["status"] == 0 and report["errors"] == []
    assert {"unresolved-ref", "image-outside"} & {w["code"] for w in report["warnings"]}
    assert report["book"]["langs"] == ["ko", "en"]
    assert [v["html"] for v in report["views"]] == ["", "en/", "bilingual/"]
    out = preface["out"]
    assert html_lang(out / "index.html") == "ko"
    assert html_lang(out / "en" / "index.html") == "en"
    assert html_lang(out / "bilingual" / "index.html") == "ko"
    assert report["translation"]["book"]["translated"] == len(preface["oracle"]["pairs"]) == 19


def test_the_korean_page_has_no_english_prose_except_marked_untranslated_blocks(preface):
    body = article(preface["out"] / "index.html")
    for element in body.find_all(lambda e: e.tag in PROSE_TAGS):
        text = shown_text(element)
        if inside_untranslated(element) or not re.search("[A-Za-z]", text):
            continue
        assert HANGUL.search(text), f"English prose on the Korean page: {text[:80]}"
    marked = body.find_all(".untranslated")
    assert marked and all(m.attrs.get("lang") == "en" and not HANGUL.search(shown_text(m, False))
                          for m in marked)
    marked_text = " ".join(m.text() for m in marked)
    for chunk in preface["oracle"]["alone"]:
        assert lead_words(chunk) in marked_text, chunk[:60]
    shown = " ".join(e.text() for e in body.find_all(lambda e: e.tag in PROSE_TAGS)
                     if not inside_untranslated(e))
    for pair in preface["oracle"]["pairs"]:
        for korean in pair[1:]:
            assert lead_words(korean) in shown, korean[:60]
        assert lead_words(pair[0], 5) not in body.text()


def test_the_english_page_has_no_korean(preface):
    body = article(preface["out"] / "en" / "index.html")
    assert not HANGUL.search(body.text())
    assert not body.find_all(".untranslated")
    for pair in preface["oracle"]["pairs"]:
        assert lead_words(pair[0]) in body.text()
    for chunk in preface["oracle"]["alone"]:
        assert lead_words(chunk) in body.text()


def test_the_side_by_side_page_aligns_every_pair(preface):
    body = article(preface["out"] / "bilingual" / "index.html")
    rows = body.find_all(".bilingual-pair")
    cells = []
    for row in rows:
        original, translation = [c for c in row.children if isinstance(c, Element)]
        assert "original" in original.classes and original.attrs["lang"] == "en"
        assert "translation" in translation.classes and translation.attrs["lang"] == "ko"
        cells.append((original.text(), translation.text()))
    for pair in preface["oracle"]["pairs"]:
        english = lead_words(pair[0], 4)
        matching = [(o, t) for o, t in cells if english in o]
        assert len(matching) == 1, english
        _, korean_side = matching[0]
        for korean in pair[1:]:  # a translation in two paragraphs stays in one row
            assert lead_words(korean) in korean_side
    note = strings("ko")["untranslated"]
    for chunk in preface["oracle"]["alone"]:
        english = lead_words(chunk)
        assert any(english in o and t == note for o, t in cells), english
    # Search leaves the side-by-side pages out: each language has its own pages.
    page = (preface["out"] / "bilingual" / "index.html").read_text()
    assert "data-pagefind-body" not in page


def test_code_and_links_come_through_once(preface):
    out, found = preface["out"], preface["oracle"]
    english = [p[0] for p in found["pairs"]]
    korean = [k for p in found["pairs"] for k in p[1:]]
    alone = found["alone"]  # untranslated: shown in the original language in every view
    for path, expected in [(out / "index.html", link_counts(korean + alone)),
                           (out / "en" / "index.html", link_counts(english + alone)),
                           (out / "bilingual" / "index.html", link_counts(english + korean + alone))]:
        body = article(path)
        assert page_links(body) == expected, path
        cells = body.find_all("div.cell")
        assert len(cells) == 1 and "import collections" in cells[0].text()


# --------------------------------------------------------------------------
# The paired-files layout: x.md translated, x_origin.md the original
# --------------------------------------------------------------------------

PAIRED = {
    "config.ini": """
        [project]
        name = paired
        title = Paired Book
        lang = ko

        [translation]
        origin_lang = en

        [build]
        tabs = python
        exclusions = */*_origin.md
    """,
    "index_origin.md": """
        # A Paired Book

        This book is written in English and translated.

        ```toc
        :numbered:

        chapter/intro
        ```
    """,
    "index.md": """
        # 짝지은 책

        이 책은 영어로 쓰이고 번역되었습니다.

        ```toc
        :numbered:

        chapter/intro
        ```
    """,
    "chapter/intro_origin.md": """
        # Introduction
        :label:`sec_intro`

        Machine learning learns from data, as :numref:`fig_line` shows.

        ![A line through points.](../img/line.svg)
        :label:`fig_line`

        ```{.python .input}
        x = [1, 2, 3]
        ```

        ## Linear Models

        A linear model predicts with a weighted sum.

        This paragraph has no translation yet.
    """,
    "chapter/intro.md": """
        # 소개

        머신러닝은 :numref:`fig_line` 처럼 데이터에서 배웁니다.

        ![점들을 지나는 직선.](../img/line.svg)
        :label:`fig_line`

        ```{.python .input}
        x = [1, 2, 3]
        ```

        ## 선형 모델

        선형 모델은 가중합으로 예측합니다.
    """,
    "img/line.svg": "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'/>",
}


def switch_links(page: Path) -> dict[str, str]:
    nav = parse_html(page.read_text()).find("nav.language-switch")
    return {a.attrs.get("hreflang") or ("side" if "side-by-side-link" in a.classes else "status"):
            a.attrs["href"] for a in nav.find_all("a")}


def target(page: Path, href: str) -> Path:
    return (page.parent / href.split("#")[0]).resolve()


@pytest.fixture
def paired_book(make_book):
    return make_book(PAIRED)


def test_a_paired_book_builds_in_both_languages_with_a_working_switcher(paired_book, tmp_path):
    out = tmp_path / "out"
    assert main(["build", "html", "--no-eval", "-C", str(paired_book), "--out", str(out), "-q"]) == 0
    html = out / "html"
    report = json.loads((out / "report.json").read_text())
    assert report["book"]["langs"] == ["ko", "en"]
    assert {p["source"] for p in report["pages"]} == {"index.md", "chapter/intro.md"}
    assert {p["lang"] for p in report["pages"]} == {"ko"}
    # the untranslated paragraph is the translation's problem, not the build's
    assert report["warnings"] == [] and report["errors"] == []
    assert [(w["file"], w["line"], w["code"]) for w in report["translation"]["problems"]] == [
        ("chapter/intro.md", 1, "translation-mismatch"),  # only the original has `sec_intro`
        ("chapter/intro_origin.md", 17, "untranslated")]

    ko, en, side = html / "chapter/intro.html", html / "en/chapter/intro.html", \
        html / "bilingual/chapter/intro.html"
    assert html_lang(ko) == "ko" and html_lang(en) == "en" and html_lang(side) == "ko"
    # the switcher goes to the same page in the other language, and back
    links = switch_links(ko)
    assert target(ko, links["en"]) == en.resolve() and target(ko, links["ko"]) == ko.resolve()
    assert target(ko, links["side"]) == side.resolve()
    assert target(ko, links["status"]) == (html / "translation-status.html").resolve()
    assert target(en, switch_links(en)["ko"]) == ko.resolve()
    assert target(side, switch_links(side)["en"]) == en.resolve()
    for page in html.rglob("*.html"):  # every switcher link lands on a page that exists
        if page.name != "translation-status.html" and "_static" not in page.parts:
            for href in switch_links(page).values():
                assert target(page, href).is_file(), (page, href)

    # numbers and references in each language; images are shared, not copied per language
    ko_body, en_body = article(ko), article(en)
    assert "그림 1.1" in ko_body.text() and "Fig. 1.1" in en_body.text()
    assert ko_body.find("h2").text().startswith("1.1 선형 모델")
    assert en_body.find("h2").text().startswith("1.1 Linear Models")
    assert not (html / "en" / "img").exists() and (html / "img" / "line.svg").is_file()
    assert en_body.find("img").attrs["src"] == "../../img/line.svg"
    # the Korean page is intro.md as written: the untranslated paragraph is on the English
    # page and, beside an empty translation, on the side-by-side one
    assert not ko_body.find_all(".untranslated") and "This paragraph" not in ko_body.text()
    assert "This paragraph has no translation" in en_body.text()
    missing = article(side).find(lambda e: {"bilingual-pair", "missing"} <= e.classes)
    assert missing.find(".original").text().startswith("This paragraph has no translation")
    assert len(ko_body.find_all("div.cell")) == len(en_body.find_all("div.cell")) == 1
    # the status page
    status = article(html / "translation-status.html")
    assert "번역 현황" in status.text()
    rows = [[c.text() for c in tr.find_all("td")] for tr in status.find_all("tr")[1:]]
    assert rows[1][:6] == ["소개", "5", "1", "0", "83.3%", "2"]  # the last: pairing problems

    # a rebuild with nothing changed writes nothing
    assert main(["build", "html", "--no-eval", "-C", str(paired_book), "--out", str(out), "-q"]) == 0
    assert json.loads((out / "report.json").read_text())["outputs"].get("html", []) == []
    # editing the translation rewrites its page and the side-by-side one, not the original's
    intro = paired_book / "chapter" / "intro.md"
    intro.write_text(intro.read_text().replace("가중합으로", "가중치 합으로"))
    assert main(["build", "html", "--no-eval", "-C", str(paired_book), "--out", str(out), "-q"]) == 0
    written = json.loads((out / "report.json").read_text())["outputs"]["html"]
    assert sorted(written) == ["bilingual/chapter/intro.html", "chapter/intro.html"]


def test_lang_builds_one_language(paired_book, tmp_path):
    out = tmp_path / "en-only"
    assert main(["build", "--no-eval", "-C", str(paired_book), "--out", str(out), "--lang", "en", "-q"]) == 0
    pages = sorted(p.relative_to(out / "html").as_posix() for p in (out / "html").rglob("*.html"))
    assert pages == ["en/chapter/intro.html", "en/index.html"]
    report = json.loads((out / "report.json").read_text())
    assert report["book"]["langs"] == ["en", "ko"] and {p["lang"] for p in report["pages"]} == {"en"}
    assert main(["build", "--no-eval", "-C", str(paired_book), "--out", str(tmp_path / "x"),
                 "--lang", "fr"]) == 2


def test_a_one_language_book_has_no_switcher(make_book, tmp_path):
    book = make_book({"index.md": "# Only English\n\nHello.\n"})
    out = tmp_path / "out"
    assert main(["build", "--no-eval", "-C", str(book), "--out", str(out), "-q"]) == 0
    page = (out / "html" / "index.html").read_text()
    assert "language-switch" not in page and "data-pagefind-body" in page
    assert main(["build", "--no-eval", "-C", str(book), "--out", str(out), "--lang", "ko"]) == 2


def test_relative_links_between_views(paired_book, tmp_path):
    """Links between pages stay inside their language."""
    write_book(paired_book, {"chapter/intro_origin.md": textwrap.dedent(PAIRED["chapter/intro_origin.md"]) +
                             "\nBack to [the start](../index.md).\n",
                             "chapter/intro.md": textwrap.dedent(PAIRED["chapter/intro.md"]) +
                             "\n[처음](../index.md)으로 돌아가기.\n"})
    out = tmp_path / "out"
    assert main(["build", "--no-eval", "-C", str(paired_book), "--out", str(out), "-q"]) == 0
    assert "<h1" in (out / "html" / "en" / "chapter" / "intro.html").read_text()
    for page, expected in [("chapter/intro.html", "index.html"), ("en/chapter/intro.html", "en/index.html"),
                           ("bilingual/chapter/intro.html", "bilingual/index.html")]:
        path = out / "html" / page
        hrefs = [a.attrs["href"] for a in article(path).find_all("a") if "index.html" in a.attrs.get("href", "")]
        assert hrefs and all(posixpath.normpath(posixpath.join(posixpath.dirname(page), h)) == expected
                             for h in hrefs), (page, hrefs)


def test_check_renders_both_languages(make_book, tmp_path):
    """A mistake only the original's text has is found too (the translation view never shows it)."""
    book = make_book({
        "config.ini": "[project]\nlang = ko\n\n[translation]\norigin_lang = en\n",
        "index.md": """
            # Title

            # 제목

            The value $\\left( x$ grows.

            값 $x$ 가 커집니다.
        """,
    })
    assert main(["check", "--strict", "-C", str(book), "--out", str(tmp_path / "c")]) == 1
    data = json.loads((tmp_path / "c" / "check.json").read_text())
    assert [(w["file"], w["line"], w["code"]) for w in data["warnings"] if w["code"] == "math"] == [
        ("index.md", 5, "math")]
