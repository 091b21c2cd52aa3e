"""Math in Chromium set as TeX sets it, checked on the laid-out boxes of a fixture page.

The fixture page holds the constructs of issue 16 (operator names, alignments,
limits, primes, sizes of braces, bold symbols, text with escapes, matrices,
numbered equations, a formula wider than a phone); the tests measure element
boxes with ``getBoundingClientRect``.  The last test opens d2l-en's
``linear-regression.html`` at 390 px and scrolls every display equation to its
left edge.  Screenshots go to the fixture book's ``_build/screenshots/``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from divebook.cli import main
from tests.conftest import CORPUS, require, write_book
from tests.integration.browser_kit import chromium, served

pytestmark = pytest.mark.browser

# Display formulas, in page order (``.math.display`` index).
ALIGNED, ARGMIN, SUM, LIMITS_INLINE_FRAC, CASES, MATRIX, WIDE, NUMBERED, TAGGED = range(9)

MATH_PAGE = r"""
# Math

Operator names: $\log p$, $\exp x$, $\sin \theta$, $\max_x f(x)$. Primes: $f'(x)$ and $x''$.
Bold: $\boldsymbol{\epsilon}$ and $\bm{x}$; $\mathbb{R}^{n \times d}$, $\mathcal{L}$,
$\mathrm{d}x$, $\mathbf{X}^\top$, $\hat{y}$, $\widehat{y}$, $\overset{\text{def}}{=}$,
and text with escapes $\textrm{\{cat, dog\}}$. The x here sits beside inline math $x$.

$$\begin{aligned} a + b + c &= d \\ x &= y + z \end{aligned}$$

$$\operatorname*{argmin}_x f(x) = \underbrace{g(x)}_{\text{loss}}$$

$$\sum_{i=1}^n x_i = \prod_{j} y_j \lim_{n \to \infty} a_n \Big\{ x \Big\} \bigg( y \bigg)$$

$$\frac{\max_x f}{\sum\nolimits_i x_i}$$

$$f(x) = \begin{cases} 1 & \text{if } x > 0, \\ 0 & \text{otherwise.} \end{cases}$$

$$\begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix} \begin{pmatrix} a \\ b \end{pmatrix}
  \begin{array}{rl} u & v \\ w & z \end{array}$$

$$L = \frac{1}{n} \sum_{i=1}^n \left(y^{(i)} - \mathbf{w}^\top \mathbf{x}^{(i)} - b\right)^2
  + \lambda \|\mathbf{w}\|^2 + \mu \|\mathbf{v}\|^2 + \nu \|\mathbf{u}\|^2 + \xi \|\mathbf{t}\|^2$$

$$y = \log p + \operatorname{softmax}(\mathbf{o}) + \left(\frac{\sum_{k=1}^K w_k}{K}\right)^2
  + \frac{1}{n} \sum_{i=1}^n \left(y^{(i)} - \mathbf{w}^\top \mathbf{x}^{(i)} - b\right)^2$$
:eqlabel:`eq_wide`

$$\int_0^1 f(x) \mathrm{d}x = \sum_{i=1}^{n} x_{i \leq j} \tag{A.1}$$

Text inside text: $\text{if \textbf{both} hold}$.
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    book = write_book(tmp_path_factory.mktemp("math") / "book", {
        "config.ini": "[project]\nname = mathbook\ntitle = Math\n",
        "index.md": "# Math book\n\n```toc\nmath\n```\n",
        "math.md": MATH_PAGE,
    })
    assert main(["build", "html", "--no-eval", "-C", str(book), "-q"]) == 0
    return book / "_build" / "html"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def page(browser, site: Path):  # type: ignore[no-untyped-def]
    with served(site) as base:
        ctx = browser.new_context(viewport={"width": 1280, "height": 900}, device_scale_factor=2)
        page = ctx.new_page()
        page.goto(base + "math.html")
        shots = site.parent / "screenshots"
        shots.mkdir(exist_ok=True)
        page.screenshot(path=str(shots / "math.png"), full_page=True)
        yield page
        ctx.close()


def boxes(page, display_index: int | None, selector: str) -> list[dict]:  # type: ignore[no-untyped-def]
    """Boxes (left, right, top, bottom, text) of ``selector`` in one display formula,
    or in the page's inline math when ``display_index`` is None."""
    return page.evaluate(  # type: ignore[no-any-return]
        """([i, sel]) => {
            const roots = i === null ? [...document.querySelectorAll('p math')]
                                     : [document.querySelectorAll('.math.display math')[i]];
            return roots.flatMap(r => [...r.querySelectorAll(sel)]).map(e => {
                const b = e.getBoundingClientRect();
                return {left: b.left, right: b.right, top: b.top, bottom: b.bottom,
                        text: e.textContent, size: parseFloat(getComputedStyle(e).fontSize)};
            });
        }""", [display_index, selector])


def test_equals_signs_of_aligned_rows_line_up(page) -> None:  # type: ignore[no-untyped-def]
    equals = [b for b in boxes(page, ALIGNED, "mo") if b["text"] == "="]
    assert len(equals) == 2
    assert abs(equals[0]["left"] - equals[1]["left"]) <= 1, equals
    # The left-hand sides are set flush right, against their `=`, as TeX sets them.
    c = next(b for b in boxes(page, ALIGNED, "mi") if b["text"] == "c")
    x = next(b for b in boxes(page, ALIGNED, "mi") if b["text"] == "x")
    assert abs(c["right"] - x["right"]) <= 1, (c, x)


def test_cases_columns_are_flush_left(page) -> None:  # type: ignore[no-untyped-def]
    cells = boxes(page, CASES, "mtd")
    assert len(cells) == 4
    firsts = boxes(page, CASES, "mtd > :first-child")
    assert abs(firsts[1]["left"] - firsts[3]["left"]) <= 1, firsts  # "if x > 0," over "otherwise."


def test_gap_after_log_is_a_thin_space(page) -> None:  # type: ignore[no-untyped-def]
    names = boxes(page, None, "mi")
    log = next(i for i, b in enumerate(names) if b["text"] == "log")
    assert names[log + 1]["text"] == "p"
    gap = names[log + 1]["left"] - names[log]["right"]
    assert gap >= 0.1 * names[log]["size"], (gap, names[log]["size"])


def test_argmin_subscript_lies_below_the_operator_in_display(page) -> None:  # type: ignore[no-untyped-def]
    op = next(b for b in boxes(page, ARGMIN, "mo") if b["text"] == "argmin")
    sub = next(b for b in boxes(page, ARGMIN, "munder > mi") if b["text"] == "x")
    assert sub["top"] >= op["bottom"] - 2, (op, sub)
    assert op["left"] <= sub["left"] and sub["right"] <= op["right"]


def test_limits_beside_in_a_fraction_and_under_for_sum(page) -> None:  # type: ignore[no-untyped-def]
    # TeX's text style inside a fraction: the scripts of \max go beside (movablelimits).
    op = next(b for b in boxes(page, LIMITS_INLINE_FRAC, "mo") if b["text"] == "max")
    sub = next(b for b in boxes(page, LIMITS_INLINE_FRAC, "munder > mi") if b["text"] == "x")
    assert sub["left"] >= op["right"] - 1, (op, sub)
    total = next(b for b in boxes(page, SUM, "mo") if b["text"] == "\u2211")
    below = next(b for b in boxes(page, SUM, "munderover > mrow") if b["text"] == "i=1")
    assert below["top"] >= total["bottom"] - 2


def test_prime_box_touches_its_base(page) -> None:  # type: ignore[no-untyped-def]
    mis = boxes(page, None, "mi, mo")
    for i, b in enumerate(mis):
        if b["text"] in ("\u2032", "\u2033"):
            base = mis[i - 1]
            assert b["left"] - base["right"] <= 1, (base, b)
            assert b["top"] < base["bottom"] and base["top"] < b["bottom"]


def test_inline_math_has_the_texts_x_height(page) -> None:  # type: ignore[no-untyped-def]
    # 1ex measured in the paragraph's font and in the math font (mspace height="1ex").
    text_ex, math_ex = page.evaluate("""() => {
        const p = [...document.querySelectorAll('p')].find(p => p.querySelector('math'));
        const probe = document.createElement('span');
        probe.style.cssText = 'display:inline-block;width:0;height:1ex';
        p.appendChild(probe);
        const math = p.querySelector('math');
        const space = document.createElementNS('http://www.w3.org/1998/Math/MathML', 'mspace');
        space.setAttribute('height', '1ex');
        math.firstElementChild.appendChild(space);
        const r = [probe.getBoundingClientRect().height, space.getBoundingClientRect().height];
        probe.remove(); space.remove();
        return r;
    }""")
    assert abs(math_ex - text_ex) <= 0.1 * text_ex, (text_ex, math_ex)


def test_no_raw_latex_or_error_box(page) -> None:  # type: ignore[no-untyped-def]
    raw = page.evaluate("() => [...document.querySelectorAll('math')].map(m => m.textContent)"
                        ".filter(t => t.includes('\\\\'))")
    assert raw == []
    assert page.query_selector_all(".math-error") == []


def test_bold_symbol_is_a_bold_letter(page) -> None:  # type: ignore[no-untyped-def]
    texts = [b["text"] for b in boxes(page, None, "mi")]
    assert "\U0001d750" in texts and "\U0001d499" in texts  # bold italic epsilon, x


def test_tag_is_the_equation_number_beside_it(page) -> None:  # type: ignore[no-untyped-def]
    number, formula = page.evaluate("""() => {
        const box = document.querySelectorAll('.math.display')[%d];
        return [box.querySelector('.eqno').textContent, box.querySelector('math').textContent];
    }""" % TAGGED)
    assert number == "(A.1)" and "A.1" not in formula


def test_mathrm_d_is_upright_and_relations_in_scripts_are_tight(page) -> None:  # type: ignore[no-untyped-def]
    d = page.evaluate("""() => [...document.querySelectorAll('.math.display')[%d].querySelectorAll('mi')]
        .filter(e => e.textContent === 'd').map(e => getComputedStyle(e).textTransform)""" % TAGGED)
    assert d == ["none"]  # not math-auto, the italic of a one-letter <mi>
    inner = boxes(page, TAGGED, "msub mi, msub mo")
    i = next(k for k, b in enumerate(inner) if b["text"] == "i")
    assert inner[i + 1]["text"] == "\u2264"
    assert inner[i + 1]["left"] - inner[i]["right"] < 0.05 * inner[i]["size"], inner[i:i + 2]


def test_nested_text_is_shown_as_words(page) -> None:  # type: ignore[no-untyped-def]
    texts = page.evaluate("() => [...document.querySelectorAll('p math mtext')].map(m => m.textContent)")
    assert "if\u00a0both\u00a0hold" in texts, texts


def _scroll_check(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Display equations whose left edge cannot be scrolled into view, or whose number is out of view."""
    return page.evaluate("""() => {
        const bad = [];
        const width = document.documentElement.clientWidth;
        document.querySelectorAll('.math.display').forEach((box, i) => {
            if (box.closest('[hidden]')) return;
            box.scrollLeft = 0;
            const math = box.querySelector('math').getBoundingClientRect();
            const outer = box.getBoundingClientRect();
            if (math.left < outer.left - 1) bad.push(`${i}: starts ${outer.left - math.left}px left of its box`);
            const no = box.querySelector('.eqno');
            if (no) {
                const r = no.getBoundingClientRect();
                if (r.right > Math.min(outer.right, width) + 1) bad.push(`${i}: number out of view`);
            }
        });
        return bad;
    }""")


def test_narrow_screen_fixture_equations_scroll_to_their_left_edge(browser, site: Path) -> None:  # type: ignore[no-untyped-def]
    with served(site) as base:
        ctx = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
        page = ctx.new_page()
        page.goto(base + "math.html")
        widths = page.evaluate("() => [...document.querySelectorAll('.math.display')]"
                               ".map(b => [b.scrollWidth, b.clientWidth])")
        assert widths[WIDE][0] > widths[WIDE][1]  # the wide one does overflow at 390 px
        page.screenshot(path=str(site.parent / "screenshots" / "math-390.png"), full_page=True)
        assert _scroll_check(page) == []
        ctx.close()


@pytest.fixture(scope="module")
def d2l_en(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """d2l-en's website, built once for the tests below."""
    book = CORPUS / "d2l-en"
    require(book.is_dir(), "the d2l-en corpus")
    out = tmp_path_factory.mktemp("d2l-en")
    assert main(["build", "html", "--no-eval", "-C", str(book), "--out", str(out), "-q"]) in (0, 1)
    return out


def test_narrow_screen_d2l_linear_regression(browser, d2l_en: Path) -> None:  # type: ignore[no-untyped-def]
    out = d2l_en
    page_path = next(out.rglob("linear-regression.html"))
    with served(out) as base:
        ctx = browser.new_context(viewport={"width": 390, "height": 844})
        page = ctx.new_page()
        page.goto(base + page_path.relative_to(out).as_posix())
        assert page.query_selector_all(".math.display")
        assert _scroll_check(page) == []
        ctx.close()


# What makes a page wider than the window: the outermost elements past its right
# edge that no scroll box (overflow other than visible) holds.
_WIDER_THAN_WINDOW = """() => {
    const width = window.innerWidth;
    if (document.documentElement.scrollWidth <= width) return [];
    const found = [];
    for (const e of document.querySelectorAll('body *')) {
        const r = e.getBoundingClientRect();
        if (r.right <= width + 1 || r.width === 0 || e.closest('[hidden]')) continue;
        let up = e.parentElement, held = false;
        while (up && up !== document.body && !held) {
            held = getComputedStyle(up).overflowX !== 'visible';
            up = up.parentElement;
        }
        if (!held) found.push(`<${e.tagName.toLowerCase()}> to ${Math.round(r.right)}px: `
                              + (e.textContent || '').slice(0, 60));
        if (found.length === 3) break;
    }
    return found.length ? found : ['wider than the window'];
}"""


def test_no_d2l_en_page_scrolls_sideways_on_a_phone(browser, d2l_en: Path) -> None:  # type: ignore[no-untyped-def]
    # Long inline math breaks after its relations, operators and commas
    # (writers/mathml_break.py), $$..$$ inside a paragraph scrolls in its own box
    # and long names in code wrap: no page of d2l-en is wider than a 390 px phone.
    site = d2l_en / "html"
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert len(pages) > 150
    wide = {}
    with served(site) as base:
        ctx = browser.new_context(viewport={"width": 390, "height": 844})
        page = ctx.new_page()
        for name in pages:
            page.goto(base + name)
            culprits = page.evaluate(_WIDER_THAN_WINDOW)
            if culprits:
                wide[name] = culprits
        ctx.close()
    assert wide == {}
