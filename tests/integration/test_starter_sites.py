"""The starter book's two sites (Korean at the root, English in en/) in Chromium.

Every download link of every page of both sites, for each tab, is followed
and the file checked: a notebook's tab and language, a zip's name and its
notebooks' language, a PDF's language and tab.  The notebooks are built
(without running code); the PDFs are placeholders named as the PDF writer
names them (``pdf_name``), each saying its language and tab, because four
real PDFs take minutes of TeX (tests/integration/test_pdf_books.py builds
real ones).  Korean lines must break between words.
"""

from __future__ import annotations

import io
import json
import re
import urllib.request
import zipfile
from pathlib import Path
from typing import Iterator

import pytest

from divebook.cli import main
from divebook.config import load_config
from divebook.diagnostics import Diagnostics
from divebook.writers.html.downloads import sync_downloads
from divebook.writers.latex.book import pdf_name
from tests.integration.browser_kit import chromium, served

pytestmark = pytest.mark.browser

STARTER = Path(__file__).resolve().parents[2] / "starter"
HANGUL = re.compile(r"[\uac00-\ud7a3]")
SITES = {"ko": "", "en": "en/"}


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("starter-sites") / "out"
    args = ["build", "html", "notebooks", "--no-eval", "-C", str(STARTER), "--out", str(out), "-q"]
    assert main(args) == 0
    config = load_config(STARTER, Diagnostics())
    (out / "pdf").mkdir(parents=True, exist_ok=True)
    for lang in ("", "en"):
        for tab in config.tab_names:
            name = pdf_name(config, tab, lang)
            (out / "pdf" / f"{name}.pdf").write_text(f"%PDF-1.4 placeholder lang={lang or 'ko'} tab={tab}\n")
    sync_downloads(out, config)  # what a build of the PDFs does last: bring them into the site
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as b:
        yield b


def _fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as answer:  # noqa: S310 - our own server
        return answer.read()


def _notebook_lang(nb: dict) -> str:
    text = " ".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    return "ko" if HANGUL.search(text) else "en"


def _check_file(url: str, lang: str, tab: str) -> str:
    """What is wrong with the file at ``url`` for a reader of ``lang`` in ``tab`` ("" if nothing)."""
    data = _fetch(url)
    if url.endswith(".ipynb"):
        nb = json.loads(data)
        found = (_notebook_lang(nb), nb["metadata"]["divebook"]["tab"])
        if lang == "ko" and re.search(r":(numref|cite|citet|label):`", json.dumps(nb)):
            return f"{url}: raw roles"
    elif url.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            books = [json.loads(archive.read(n)) for n in archive.namelist() if n.endswith(".ipynb")]
        langs = {_notebook_lang(nb) for nb in books}
        tabs = {nb["metadata"]["divebook"]["tab"] for nb in books}
        found = (langs.pop() if len(langs) == 1 else str(langs), tabs.pop() if len(tabs) == 1 else str(tabs))
    else:
        words = dict(re.findall(r"(lang|tab)=(\w+)", data.decode()))
        # the default tab's PDF stands for every tab that has none of its own
        found = (words["lang"], tab if words["tab"] == "pytorch" and tab != "pytorch" else words["tab"])
    return "" if found == (lang, tab) else f"{url}: {found}, wanted {(lang, tab)}"


def test_every_download_link_is_the_sites_language_and_tab(out: Path, browser) -> None:  # type: ignore[no-untyped-def]
    site = out / "html"
    wrong: list[str] = []
    seen: dict[str, set[str]] = {"ko": set(), "en": set()}
    with served(site) as base:
        page = browser.new_page()
        for lang, prefix in SITES.items():
            pages = sorted(p.relative_to(site / prefix).as_posix() for p in (site / prefix).glob("chapter_*/*.html"))
            assert pages
            for path in pages:
                for tab in ("pytorch", "mxnet"):
                    page.goto(f"{base}{prefix}{path}?tab={tab}", wait_until="load")
                    links = page.eval_on_selector_all(".downloads a", "els => els.map(a => a.href)")
                    for url in links:
                        seen[lang].add(url.rsplit(".", 1)[1])
                        problem = _check_file(url, lang, tab)
                        if problem:
                            wrong.append(f"{prefix}{path} [{tab}] {problem}")
        page.close()
    assert wrong == []
    assert seen["ko"] == seen["en"] == {"ipynb", "zip", "pdf"}


def test_korean_lines_break_between_words(out: Path, browser) -> None:  # type: ignore[no-untyped-def]
    with served(out / "html") as base:
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.goto(base + "chapter_linear/softmax-regression.html", wait_until="load")
        assert page.eval_on_selector("article p", "p => getComputedStyle(p).wordBreak") == "keep-all"
        # where each line of each Korean paragraph starts: the characters on both sides of the break
        breaks = page.evaluate("""() => {
            const found = [];
            for (const p of document.querySelectorAll('article p')) {
                if (p.closest('[lang]').lang !== 'ko' || !/[\\uac00-\\ud7a3]/.test(p.textContent)) continue;
                const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
                let prev = null, prevTop = null;
                for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                    if (node.parentElement.closest('math')) { prev = null; continue; }
                    for (let i = 0; i < node.length; i++) {
                        const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
                        const rect = r.getClientRects()[0];
                        const ch = node.data[i];
                        if (!rect || rect.width === 0) { prev = ch; continue; }  // a space hung at a line's end
                        if (prevTop !== null && rect.top > prevTop + 4) found.push([prev, ch]);
                        prev = ch; prevTop = rect.top;
                    }
                }
            }
            return found; }""")
        page.close()
    assert len(breaks) >= 10  # the page's paragraphs do wrap
    inside = [b for b in breaks if b[0] and HANGUL.match(b[0]) and HANGUL.match(b[1])]
    assert inside == [], f"{len(inside)} of {len(breaks)} line breaks split a Korean word"


def test_side_by_side_pages_use_the_contents_column(out: Path, browser) -> None:  # type: ignore[no-untyped-def]
    with served(out / "html") as base:
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.goto(base + "bilingual/chapter_linear/softmax-regression.html", wait_until="load")
        assert page.locator(".localtoc").count() == 0
        widths = page.eval_on_selector_all(".bilingual-pair .side", "els => els.map(e => e.getBoundingClientRect().width)")
        page.goto(base + "chapter_linear/softmax-regression.html", wait_until="load")
        assert page.is_visible(".localtoc")  # a one-language page keeps it
        page.close()
    assert widths and min(widths) > 450  # each column; about 380 px while the contents column stayed
