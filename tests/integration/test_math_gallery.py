"""bench/math_gallery.py: every formula twice, MathML in Chromium beside TeX's PNG.

The gallery is built for a small book holding the constructs of issue 16 (the
fixture page of test_browser_math.py), opened in Chromium and photographed
into the book's ``_build/screenshots/`` for a reviewer to look at.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, require_tool, write_book
from tests.integration.browser_kit import chromium, served
from tests.integration.test_browser_math import MATH_PAGE

pytestmark = pytest.mark.browser


def test_gallery_sets_every_formula_in_mathml_and_in_tex(tmp_path: Path) -> None:
    require_tool("xelatex")
    require_tool("pdftoppm")
    book = write_book(tmp_path / "book", {
        "config.ini": "[project]\nname = gallery\ntitle = Gallery\n",
        "index.md": "# Gallery book\n\n```toc\nmath\n```\n",
        "math.md": MATH_PAGE,
    })
    run = subprocess.run([sys.executable, str(REPO / "bench" / "math_gallery.py"), str(book)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "(0 the website cannot convert, 0 TeX rejects)" in run.stdout, run.stdout
    gallery = book / "_build" / "math-gallery"
    shots = book / "_build" / "screenshots"
    shots.mkdir()
    with chromium() as browser, served(gallery) as base:
        ctx = browser.new_context(viewport={"width": 1280, "height": 900}, device_scale_factor=2)
        page = ctx.new_page()
        page.goto(base + "index.html")
        page.wait_for_load_state("load")
        counts = page.evaluate("""() => ({
            math: [...document.querySelectorAll('td.web')].filter(td => td.querySelector('math')).length,
            images: [...document.querySelectorAll('img.tex')].filter(i => i.naturalWidth > 0).length,
            rows: document.querySelectorAll('tr[id]').length,
            errors: document.querySelectorAll('.math-error, .tex-error').length,
            raw: [...document.querySelectorAll('math')].filter(m => m.textContent.includes('\\\\')).length,
        })""")
        page.screenshot(path=str(shots / "math-gallery.png"), full_page=True)
        ctx.close()
    # Every formula of the page is unique and they are fewer than 40: the gallery shows them all.
    display = re.findall(r"\$\$(.+?)\$\$", MATH_PAGE, re.S)
    inline = re.findall(r"\$([^$]+)\$", re.sub(r"\$\$(.+?)\$\$", "", MATH_PAGE, flags=re.S))
    n = len(display) + len(inline)
    assert (len(display), n) == (16, 34)
    assert counts == {"math": n, "images": n, "rows": n, "errors": 0, "raw": 0}
    assert (shots / "math-gallery.png").stat().st_size > 10_000
