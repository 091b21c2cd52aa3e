"""d2l-zh, read unchanged: the Chinese site is its ``x.md`` pages alone, as d2lbook builds it.

d2l-zh keeps the English original of most pages in ``x_origin.md`` (the
translation is an adaptation, not a line-by-line copy).  The Chinese site must
show every block of ``x.md`` and none of ``x_origin.md``; the English site and
the side-by-side pages are extras built from the originals.  The oracle here
reads the Markdown files with a few regular expressions of its own, not with
divebook's reader.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from divebook.cli import main
from tests.htmldom import Element, parse_html

_FENCE = re.compile(r"^\s*(```|~~~)")
_HAN = re.compile(r"[\u4e00-\u9fff]")
#: inline markup whose text the page does not show as written
_MARKUP = [
    (re.compile(r"\[~~.*?~~\]"), " "),  # d2lbook's slide-only text, not in the book
    (re.compile(r"`[^`]*`"), " "),  # code and roles' arguments
    (re.compile(r":\w+:"), " "),  # role names
    (re.compile(r"\$\$?[^$]*\$\$?"), " "),  # math
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), " "),  # images
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links: their text
    (re.compile(r"<[^>]+>"), " "),  # HTML
    (re.compile(r"[*_]+"), ""),  # emphasis
]


def prose_paragraphs(path: Path) -> list[str]:
    """The prose paragraphs of a Markdown file, markup taken out (code, math, tables skipped)."""
    paragraphs: list[str] = []
    current: list[str] = []
    fenced = display_math = False
    for line in path.read_text(encoding="utf-8").split("\n"):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if line.strip().startswith("$$"):
            display_math = not (display_math or line.strip().endswith("$$") and len(line.strip()) > 2)
            continue
        if fenced or display_math:
            continue
        if not line.strip():
            if current:
                paragraphs.append(" ".join(current))
            current = []
            continue
        stripped = line.strip()
        if stripped.startswith(("|", ":label:", ":eqlabel:", ":begin_tab:", ":end_tab:", ":width:")):
            continue
        current.append(stripped.lstrip("#*-+> ").strip())
    if current:
        paragraphs.append(" ".join(current))
    out = []
    for text in paragraphs:
        for pattern, repl in _MARKUP:
            text = pattern.sub(repl, text)
        out.append(" ".join(text.split()))
    return out


def english_probe(paragraph: str) -> str | None:
    """Six words in a row, letters only: enough to recognise an English paragraph."""
    words = paragraph.split(" ")
    for i in range(len(words) - 5):
        window = words[i:i + 6]
        if all(re.fullmatch(r"[A-Za-z]+,?", w) for w in window):
            return " ".join(window)
    return None


def chinese_probe(paragraph: str) -> str | None:
    """Eight Chinese characters (with their punctuation) in a row, from the middle of nowhere."""
    match = re.search(r"[\u4e00-\u9fff，。、；：？！“”（）《》]{8,}", paragraph)
    return match.group(0)[:8] if match and len(_HAN.findall(match.group(0)[:8])) >= 6 else None


def page_text(path: Path) -> str:
    """The page's text without spaces, and without the emphasis marks Markdown left as text
    (``**强调**的`` closes no emphasis in CommonMark)."""
    return re.sub(r"[\s*]+", "", parse_html(path.read_text(encoding="utf-8")).find("article").text())


def spaced_text(path: Path) -> str:
    return parse_html(path.read_text(encoding="utf-8")).find("article").text()


@pytest.fixture(scope="module")
def zh_build(tmp_path_factory):
    from tests.conftest import require_corpus

    book = require_corpus("d2l-zh") / "d2l-zh"
    out = tmp_path_factory.mktemp("zh") / "out"
    status = main(["build", "html", "--no-eval", "-C", str(book), "--out", str(out), "-q"])
    return book, out, status, json.loads((out / "report.json").read_text())


def paired_pages(book: Path, report: dict) -> list[dict]:
    return [p for p in report["pages"] if (book / (p["source"][:-3] + "_origin.md")).is_file()]


def test_every_chinese_page_shows_its_x_md_and_nothing_of_x_origin_md(zh_build):
    book, out, _, report = zh_build
    pages = paired_pages(book, report)
    assert len(pages) > 100
    shown = missing = 0
    foreign: list[str] = []
    lost: list[str] = []
    for page in pages:
        html = out / "html" / page["output"]
        text = spaced_text(html)
        compact = page_text(html)
        translation = prose_paragraphs(book / page["source"])
        translation_text = " ".join(translation)
        for paragraph in prose_paragraphs(book / (page["source"][:-3] + "_origin.md")):
            probe = english_probe(paragraph)
            if probe is None or probe in translation_text:
                continue  # English the translation keeps too (a quotation, a name)
            shown += 1
            if probe in text:
                foreign.append(f"{page['source']}: {probe}")
        for paragraph in translation:
            probe = chinese_probe(paragraph)
            if probe is None:
                continue
            missing += 1
            if probe not in compact:
                lost.append(f"{page['source']}: {probe}")
    assert shown > 1000 and missing > 1000  # the oracle found plenty to look for
    assert foreign == [], f"{len(foreign)} English blocks from x_origin.md on Chinese pages"
    assert lost == [], f"{len(lost)} blocks of x.md missing from their pages"


def test_numbers_labels_and_references_come_from_x_md(zh_build):
    book, out, _, report = zh_build
    html = out / "html"
    regression = (html / "chapter_linear-networks" / "linear-regression.html").read_text(encoding="utf-8")
    captions = dict(re.findall(r'<span class="caption-number">图([\d.]+)</span>\s*([^<]+)', regression))
    assert captions["3.1.3"].startswith("真实的神经元")
    assert list(captions) == ["3.1.1", "3.1.2", "3.1.3"]  # the original's extra figure is not here
    assert "2.1.2.1" not in html.joinpath("chapter_preliminaries", "ndarray.html").read_text(encoding="utf-8")
    # x.md spells the label sec_nadaraya-watson; only x_origin.md has "waston" in the label
    scoring = article(html / "chapter_attention-mechanisms" / "attention-scoring-functions.html")
    first = next(a for a in scoring.find_all("a") if "ref" in a.classes)
    assert first.attrs["href"].split("#")[0] == "nadaraya-waston.html" and first.text().startswith("10.2")
    for problem in report["warnings"] + report["errors"]:
        assert not problem["file"].endswith("_origin.md"), problem
        assert not problem["code"].startswith(("translation", "untranslated")), problem
        assert "listed in more than one toc" not in problem["message"], problem
    # the original's pages are not pages of the book
    assert not any(p["source"].endswith("_origin.md") for p in report["pages"])


def test_the_english_site_and_the_side_by_side_pages_are_still_written(zh_build):
    book, out, _, report = zh_build
    assert report["book"]["langs"] == ["zh", "en"]
    assert [v["html"] for v in report["views"]] == ["", "en/", "bilingual/"]
    en = out / "html" / "en" / "chapter_linear-networks" / "linear-regression.html"
    english = spaced_text(en)
    assert "Linear Regression" in english and not _HAN.search(english.replace("动手学深度学习", ""))
    # English numbers and words, resolved within the English book
    assert re.search(r"Fig\. 3\.1\.\d", english)
    side = out / "html" / "bilingual" / "chapter_linear-networks" / "linear-regression.html"
    rows = article(side).find_all(".bilingual-pair")
    assert len(rows) > 20
    originals = " ".join(r.find(".original").text() for r in rows)
    assert "Fig. 3.1." in originals and "图3.1." not in originals
    # the status counts what the pairing found; its problems are listed, not build warnings
    status = report["translation"]
    assert status["book"]["translated"] > 3000 and status["problems"]
    assert all(p["file"] and p["line"] >= 0 for p in status["problems"])


def test_check_translation_lists_the_pairing_problems(zh_build, tmp_path, capsys):
    book, _, _, report = zh_build
    main(["check", "-C", str(book), "--out", str(tmp_path / "c"), "--translation"])
    printed = capsys.readouterr()
    text = printed.out + printed.err
    problems = report["translation"]["problems"]
    assert f"{len(problems)} pairing problems" in text
    first = problems[0]
    assert f"{first['file']}:{first['line']}: " in text
    data = json.loads((tmp_path / "c" / "check.json").read_text())
    assert all(not e["file"].endswith("_origin.md") for e in data["errors"] + data["warnings"])


def article(path: Path) -> Element:
    return parse_html(path.read_text(encoding="utf-8")).find("article")
