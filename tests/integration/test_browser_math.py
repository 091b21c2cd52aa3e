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
from tests.conftest import require_corpus, write_book
from tests.integration.browser_kit import chromium, served

pytestmark = pytest.mark.browser

# Display formulas, in page order (``.math.display`` index).
(ALIGNED, ARGMIN, SUM, LIMITS_INLINE_FRAC, CASES, MATRIX, WIDE, NUMBERED, TAGGED,
 ACCENTS, OVERSET, UNDERBRACE, MATRICES, SIZES, LETTERS, TAGGED_ROWS) = range(16)

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

$$\hat{y} \quad \widehat{xyz} \quad \hat{x}$$

$$a \overset{\text{def}}{=} b$$

$$\underbrace{g(x) + h(x)}_{\text{loss}}$$

$$\begin{bmatrix} 1 \\ 2 \\ 3 \end{bmatrix} \begin{pmatrix} 1 \\ 2 \\ 3 \end{pmatrix}
  \begin{vmatrix} 1 \\ 2 \\ 3 \end{vmatrix} \begin{Bmatrix} 1 \\ 2 \\ 3 \end{Bmatrix}
  \begin{matrix} 1 \\ 2 \\ 3 \end{matrix}$$

$$x \big( \Big( \bigg( \Bigg( x \Bigg) \bigg) \Big) \big) \left( \frac{a}{b} \right)$$

$$\boldsymbol{\epsilon} \epsilon \bm{x} x \mathbf{X}^\top \mathbb{R} \mathcal{L} \mathrm{d}
  \text{\{cat\} \& 50\% \$3 \#1 a\_b}$$

$$\begin{align} a &= b \tag{1.1} \\ c &= d + e \tag{1.2} \\ f &= g \end{align}$$
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
    book = require_corpus("d2l-en") / "d2l-en"
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


def test_no_d2l_en_page_scrolls_sideways_on_a_phone_nor_cuts_an_equation(browser, d2l_en: Path) -> None:  # type: ignore[no-untyped-def]
    # Long inline math breaks after its relations, operators and commas
    # (writers/math/mathml_break.py), $$..$$ inside a paragraph scrolls in its own box
    # and long names in code wrap: no page of d2l-en is wider than a 390 px phone.
    site = d2l_en / "html"
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert len(pages) > 150
    wide, cut = {}, {}
    with served(site) as base:
        ctx = browser.new_context(viewport={"width": 390, "height": 844})
        page = ctx.new_page()
        for name in pages:
            page.goto(base + name)
            culprits = page.evaluate(_WIDER_THAN_WINDOW)
            if culprits:
                wide[name] = culprits
            lost = _scroll_check(page)  # and every display equation can be scrolled to its start
            if lost:
                cut[name] = lost
        ctx.close()
    assert wide == {}
    assert cut == {}


def ink(page, clip: dict) -> dict:  # type: ignore[no-untyped-def]
    """The dark pixels of the page inside ``clip`` (CSS px): their left and right
    edge and their number.  Element boxes do not show a stretched accent's width
    (Chromium gives the unstretched glyph's box), so width is read from pixels."""
    import base64

    png = page.screenshot(clip=clip)
    scale = page.evaluate("() => window.devicePixelRatio")
    blank = page.context.new_page()  # about:blank: no page's policy stands in the way of a data: image
    try:
        found = blank.evaluate("""async (b64) => {
            const img = new Image();
            img.src = 'data:image/png;base64,' + b64;
            await img.decode();
            const c = document.createElement('canvas');
            c.width = img.width; c.height = img.height;
            const g = c.getContext('2d');
            g.drawImage(img, 0, 0);
            const d = g.getImageData(0, 0, c.width, c.height).data;
            let lo = Infinity, hi = -1, n = 0;
            for (let y = 0; y < c.height; y++) for (let x = 0; x < c.width; x++) {
                const i = 4 * (y * c.width + x);
                if (d[i] + d[i + 1] + d[i + 2] < 3 * 128) { n++; lo = Math.min(lo, x); hi = Math.max(hi, x); }
            }
            return [lo, hi, n];
        }""", base64.b64encode(png).decode())
    finally:
        blank.close()
    lo, hi, n = found
    return {"left": clip["x"] + lo / scale, "right": clip["x"] + (hi + 1) / scale, "count": n}


def _clip(left: float, top: float, right: float, bottom: float) -> dict:
    return {"x": left, "y": top, "width": right - left, "height": bottom - top}


def _scrolled(page, index: int) -> None:  # type: ignore[no-untyped-def]
    page.evaluate("(i) => document.querySelectorAll('.math.display')[i].scrollIntoView({block: 'center'})", index)


def test_widehat_stretches_over_its_base_and_hat_does_not(page) -> None:  # type: ignore[no-untyped-def]
    _scrolled(page, ACCENTS)
    movers = boxes(page, ACCENTS, "mover")
    bases = boxes(page, ACCENTS, "mover > :first-child")
    assert len(movers) == 3
    hats = [ink(page, _clip(m["left"] - 10, m["top"] - 2, m["right"] + 10, b["top"])) for m, b in zip(movers, bases)]
    wide, wide_base = hats[1], bases[1]
    assert wide["right"] - wide["left"] >= 0.8 * (wide_base["right"] - wide_base["left"]), (wide, wide_base)
    for hat, base in ((hats[0], bases[0]), (hats[2], bases[2])):  # \hat: one size, centred over its letter
        assert hat["right"] - hat["left"] < 0.6 * (wide["right"] - wide["left"]), (hat, wide)
        assert base["left"] - 2 <= (hat["left"] + hat["right"]) / 2 <= base["right"] + 2, (hat, base)


def test_overset_puts_its_script_over_the_relation(page) -> None:  # type: ignore[no-untyped-def]
    equals = next(b for b in boxes(page, OVERSET, "mo") if b["text"] == "=")
    label = next(b for b in boxes(page, OVERSET, "mtext") if b["text"] == "def")
    assert label["bottom"] <= equals["top"] + 1, (label, equals)
    assert equals["left"] - 2 <= (label["left"] + label["right"]) / 2 <= equals["right"] + 2
    assert label["size"] < equals["size"]  # script size


def test_underbrace_lies_below_its_base_and_its_label_below_it(page) -> None:  # type: ignore[no-untyped-def]
    _scrolled(page, UNDERBRACE)
    base = boxes(page, UNDERBRACE, "munder > munder > :first-child")[0]
    label = next(b for b in boxes(page, UNDERBRACE, "mtext") if b["text"] == "loss")
    assert label["top"] > base["bottom"]
    brace = ink(page, _clip(base["left"] - 10, base["bottom"] + 1, base["right"] + 10, label["top"]))
    assert brace["count"] > 0, "no brace between the base and its label"
    assert brace["right"] - brace["left"] >= 0.8 * (base["right"] - base["left"]), (brace, base)
    assert label["size"] < base["size"] * 0.9 or label["size"] < 16  # the label is set smaller


def test_matrix_delimiters_span_the_rows(page) -> None:  # type: ignore[no-untyped-def]
    parts = page.evaluate("""(i) => [...document.querySelectorAll('.math.display')[i]
            .querySelector('mrow').children].map(e => [e.tagName, e.textContent, e.getBoundingClientRect().height])""",
                          MATRICES)
    tables = [k for k, p in enumerate(parts) if p[0] == "mtable"]
    assert len(tables) == 5
    for k, (left, right) in zip(tables[:4], ["[]", "()", "||", "{}"]):  # bmatrix pmatrix vmatrix Bmatrix
        assert (parts[k - 1][1], parts[k + 1][1]) == (left, right)
        for delimiter in (parts[k - 1], parts[k + 1]):
            assert delimiter[2] >= 0.9 * parts[k][2], (delimiter, parts[k])
    assert tables[4] == tables[3] + 2 == len(parts) - 1  # matrix: no delimiters of its own


def test_big_delimiters_grow_and_left_right_spans_a_fraction(page) -> None:  # type: ignore[no-untyped-def]
    opening = [b for b in boxes(page, SIZES, "mo") if b["text"] == "("]
    heights = [b["bottom"] - b["top"] for b in opening]
    assert len(heights) == 5
    assert heights[0] < heights[1] < heights[2] < heights[3], heights  # \big \Big \bigg \Bigg
    fraction = boxes(page, SIZES, "mfrac")[0]
    assert heights[4] >= fraction["bottom"] - fraction["top"], (heights, fraction)  # \left( \frac..


def test_bold_letters_have_more_ink_and_letters_their_alphabets(page) -> None:  # type: ignore[no-untyped-def]
    _scrolled(page, LETTERS)
    letters = {b["text"]: b for b in boxes(page, LETTERS, "mi")}
    for bold, plain in (("\U0001d750", "\u03f5"), ("\U0001d499", "x")):  # \boldsymbol\epsilon, \bm x
        heavy = ink(page, _clip(letters[bold]["left"], letters[bold]["top"], letters[bold]["right"],
                                letters[bold]["bottom"]))
        light = ink(page, _clip(letters[plain]["left"], letters[plain]["top"], letters[plain]["right"],
                                letters[plain]["bottom"]))
        assert heavy["count"] >= 1.2 * light["count"], (bold, heavy, plain, light)
    assert {"\U0001d417", "\u211d", "\u2112", "d"} <= set(letters)  # \mathbf X, \mathbb R, \mathcal L, \mathrm d
    top = next(b for b in boxes(page, LETTERS, "msup > mo") if b["text"] == "\u22a4")
    base = letters["\U0001d417"]
    assert top["bottom"] < base["bottom"] - 0.2 * base["size"] and top["left"] >= base["right"] - 1  # X^\top
    text = boxes(page, LETTERS, "mtext")[0]["text"].replace("\u00a0", " ")
    assert text == "{cat} & 50% $3 #1 a_b"


def test_each_tagged_row_of_align_carries_its_number_at_its_right(page) -> None:  # type: ignore[no-untyped-def]
    rows = page.evaluate("""(i) => [...document.querySelectorAll('.math.display')[i].querySelectorAll('mtr')]
        .map(r => { const cells = [...r.children]; const last = cells[cells.length - 1];
                    const b = r.getBoundingClientRect(), n = last.firstElementChild?.getBoundingClientRect();
                    return [last.className, last.textContent, b.top, b.bottom, n?.left, n?.right, n?.top, n?.bottom]; })""",
                         TAGGED_ROWS)
    assert [r[:2] for r in rows] == [["eqno", "(1.1)"], ["eqno", "(1.2)"], ["eqno", ""]]
    left, outer = page.evaluate("(i) => { const b = document.querySelectorAll('.math.display')[i]"
                                ".getBoundingClientRect(); return [b.left, b.right]; }", TAGGED_ROWS)
    equals = [b for b in boxes(page, TAGGED_ROWS, "mo") if b["text"] == "="]
    for _, _, top, bottom, _, right, number_top, number_bottom in rows[:2]:
        assert top - 1 <= number_top and number_bottom <= bottom + 1  # in its row
        assert outer - 16 <= right <= outer + 1, (right, outer)  # flush right, as TeX sets numbers
    assert abs(rows[0][5] - rows[1][5]) <= 1
    # The equation stays centred: its = signs lie near the middle of the box.
    middle = (left + outer) / 2
    assert all(abs(e["left"] - middle) < 0.1 * (outer - left) for e in equals), (equals, middle)
    formula = page.evaluate("(i) => document.querySelectorAll('.math.display')[i].querySelector('math').textContent",
                            TAGGED_ROWS)
    assert formula.count("1.1") == 1 and "(1)" not in formula  # no number of latex2mathml's own
