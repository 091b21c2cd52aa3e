"""to_mathml's quick paths give exactly what the slow, obvious way gives.

The reference below is to_mathml written the slow, obvious way: latex2mathml's
tree corrected by mathml_tex as to_mathml does, serialized by ElementTree as
``latex2mathml.converter.convert`` does, every rewrite applied, a
character-by-character brace check and the unknown-command check on every formula.
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree.ElementTree import Element, SubElement, tostring
from xml.sax.saxutils import unescape

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from latex2mathml.converter import convert_to_element

from divebook.config import load_config
from divebook.diagnostics import Diagnostics
from divebook.reader.book import read_book
from divebook.tree import page_math
from divebook.writers.math import mathml as mathml_module
from divebook.writers.math.mathml import MathError, _serialize, brace_problem, to_mathml
from divebook.writers.math.mathml_break import inline_pieces
from divebook.writers.math.mathml_tex import correct, prepare, restore_text

REPO = Path(__file__).resolve().parents[4]

# The rewrites and the unknown-command pattern are the module's own; what the
# reference below does differently is apply them always, one by one.
_REWRITES, _UNKNOWN = mathml_module._REWRITES, mathml_module._UNKNOWN


def reference_brace_problem(latex: str) -> str | None:
    depth = 0
    i, n = 0, len(latex)
    while i < n:
        c = latex[i]
        if c == "\\":
            i += 2
            continue
        if c == "%":
            end = latex.find("\n", i)
            i = n if end < 0 else end
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth < 0:
                return "unbalanced braces { }: a `}` closes nothing"
        i += 1
    if depth:
        return f"unbalanced braces {{ }}: {depth} `{{` never closed"
    return None


def reference_to_mathml(latex: str, display: bool) -> str:
    source = latex
    for pattern, replacement in _REWRITES:
        source = pattern.sub(replacement, source)
    problem = reference_brace_problem(source)
    if problem:
        raise MathError(problem)
    source = prepare(source, display)
    try:
        tree = convert_to_element(source, display="block" if display else "inline")
        correct(tree, display)
        pieces = [tree] if display else inline_pieces(tree)
        mathml = "<wbr>".join(unescape(tostring(piece, encoding="unicode")) for piece in pieces)
    except Exception as exc:  # noqa: BLE001 - as to_mathml
        raise MathError(str(exc) or type(exc).__name__) from None
    unknown = _UNKNOWN.findall(mathml)
    if unknown:
        raise MathError(f"unknown command {', '.join(dict.fromkeys(unknown))}")
    mathml = restore_text(mathml)
    mathml = mathml.replace("<mi>&#x0007E;</mi>", "<mo>&#x0223C;</mo>")
    return mathml.replace(' xmlns="http://www.w3.org/1998/Math/MathML"', "")  # HTML needs none


def outcome(function, latex: str, display: bool) -> tuple[str, str]:
    """("ok", MathML) or ("error", message): the two must agree on both."""
    try:
        return "ok", function(latex, display)
    except MathError as exc:
        return "error", str(exc)


def assert_same(latex: str, display: bool) -> None:
    assert outcome(to_mathml, latex, display) == outcome(reference_to_mathml, latex, display), latex


TRICKY = [
    r"\begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix}",
    r"\begin{pmatrix} a & b \\ \hline c & d \end{pmatrix}",
    r"\begin{array}{c|l} x & y \\ z & w \end{array}",
    r"\begin{aligned} a &= b \\ &= c \end{aligned}",
    r"\begin{alignedat}{2} a &= b & c &= d \end{alignedat}",
    r"\begin{gathered} a \\ b \end{gathered}",
    r"\begin{equation} x = 1 \label{eq:x} \end{equation}",
    r"\begin{equation*} x \nonumber \end{equation*}",
    r"\begin{displaymath} x \notag \end{displaymath}",
    r"\begin{cases} 1 & x > 0 \\ 0 & \text{otherwise} \end{cases}",
    r"\textup{d}x",
    r"\te\label{x}xtup{d}",  # a rewrite that makes room for the next one
    r"\text{a <b> & \"c\" 'd'}",
    r"\text{&lt; &amp; &#x41;}",
    r"\mathrm{x<y} < z > w & v",
    r"a < b > c",
    r"\operatorname{softmax}(x)",
    r"\operatorname*{argmax}_x f(x)",
    r"\mathop{\mathrm{argmin}}_{\mathbf{w}, b}",
    r"{}",
    r"x^{}_{}",
    r"\left( \frac{a}{b} \right)",
    r"\left\{ x \right\}",
    r"\left. x \right|",
    r"a \sim b",
    r"\tilde{x} \sim \mathcal{N}(0, 1)",
    r"x^2_3'",
    r"f''(x)",
    r"\color{red} x",
    r'\color{a"b} x',
    "\\color{a\tb\nc} x",
    r"\href{http://a.b/?c=1&d=<2>}{x}",
    r"\hspace{1em} x \quad y \qquad z \, \; \! \:",
    r"\overbrace{a+b}^{n} \underbrace{c}_{m}",
    r"\xrightarrow{f} \sqrt[3]{x} \binom{n}{k}",
    r"\hat{\mathbf{x}} \bar{y} \vec{z} \dot{a} \ddot{b}",
    r"\sum_{i=1}^n \prod_j \int_0^\infty \lim_{x \to 0}",
    r"\mathbb{R}^{n \times d} \mathbf{X} \boldsymbol{\theta} \mathcal{L}",
    r"\verb|a<b&c|",
    r"\mbox{a b}",
    r"\% \$ \# \& \_ \{ \}",
    "x % a comment }\n y",
    "a \\\\{b}",
    r"\unknowncommand x",
    r"\foo \bar \foo",
    r"\frac{1}{2",
    r"x}",
    r"}{",
    r"\left( x",
    r"x \right)",
    r"x^1^2",
    r"x_1_2",
    r"\frac",
    r"\sqrt",
    r"\begin{bmatrix} 1 & 2",
    r"\end{bmatrix}",
    r"^",
    "",
    " ",
    "\\",
    "x\\",
    r"\\",
    r"\tag{1} x",
    r"\substack{a \\ b}",
    r"\pmod{n} a \bmod b",
    r"\not= \neq \ne",
    r"1.5 .5 3.14159 2,000",
    r"\dfrac{1}{2} \tfrac12 \frac 1 2",
    r"\mathrm{d}x \, \mathrm{e}^{i\pi}",
    r"\lVert x \rVert_2 \lvert y \rvert",
    r"\phantom{x} \hphantom{y}",
    r"\fbox{a} \boxed{b}",
    r"\style{color:red}{x}",
    r"\mathring{A} \mathbin{+} \mathrel{=}",
    r"\newcommand{\R}{\mathbb{R}} \R",
    r"\def\x{y} \x",
    r"\hbox{$x$ and $y$}",
    r"\text{a \$ b}",
]


@pytest.mark.parametrize("display", [False, True])
@pytest.mark.parametrize("latex", TRICKY)
def test_tricky_formulas_are_byte_identical(latex, display):
    assert_same(latex, display)


PIECES = [
    "x", "y", "1", "2.5", " ", "\n", "\t", "{", "}", "^", "_", "'", "&", "\\\\", "%", "<", ">", '"',
    "=", "+", "(", ")", "|", ".", ",", "~", "$",
    r"\frac", r"\sqrt", r"\sum", r"\left(", r"\right)", r"\left.", r"\right|", r"\{", r"\}",
    r"\text{", r"\mathrm{", r"\mathbf{", r"\operatorname{", r"\operatorname*{", r"\color{",
    r"\begin{bmatrix}", r"\end{bmatrix}", r"\begin{aligned}", r"\end{aligned}",
    r"\begin{alignedat}{2}", r"\end{alignedat}", r"\begin{equation}", r"\end{equation}",
    r"\begin{cases}", r"\end{cases}", r"\begin{array}{cc}", r"\end{array}", r"\hline",
    r"\label{a}", r"\nonumber", r"\notag", r"\textup", r"\te", r"xtup",
    r"\sim", r"\alpha", r"\mathbb{R}", r"\hat", r"\overbrace", r"\hspace{", "1em",
    r"\unknown", r"\verb|", r"\mbox{", r"\%", r"\&", r"\lim", r"\to", r"\in", r"\cdot",
]
latexish = st.lists(st.sampled_from(PIECES), max_size=14).map("".join)


@settings(max_examples=1500, deadline=None)
@given(latexish, st.booleans())
@example(r"\text{<&>}", False)
def test_random_latexish_strings_are_byte_identical(latex, display):
    assert_same(latex, display)


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet="{}\\%\nab ", max_size=30))
def test_brace_problem_agrees_with_reading_character_by_character(latex):
    assert brace_problem(latex) == reference_brace_problem(latex)


words = st.text(alphabet='ab <>&";#x0\t\r\n', max_size=8)


@st.composite
def trees(draw, depth: int = 0) -> Element:
    """Element trees like latex2mathml's, with text, tails and attributes of any characters."""
    element = Element(draw(st.sampled_from(["math", "mi", "mo", "mrow", "mtext"])),
                      draw(st.dictionaries(st.sampled_from(["xmlns", "display", "width", "mathcolor"]),
                                           words, max_size=3)))
    element.text = draw(st.none() | words)
    for _ in range(draw(st.integers(0, 3 if depth < 2 else 0))):
        child = draw(trees(depth + 1))
        child.tail = draw(st.none() | words)
        element.append(child)
    return element


@settings(max_examples=300, deadline=None)
@given(trees())
def test_serializer_writes_what_elementtree_and_unescape_write(tree):
    assert _serialize(tree) == unescape(tostring(tree, encoding="unicode"))


def test_serializer_fails_as_elementtree_does():
    tree = Element("math")
    SubElement(tree, "mi").text = 3  # not a string
    with pytest.raises(TypeError) as expected:
        tostring(tree, encoding="unicode")
    with pytest.raises(TypeError) as got:
        _serialize(tree)
    assert str(got.value) == str(expected.value)


def book_formulas(book: Path) -> list[tuple[str, bool]]:
    diags = Diagnostics()
    pages = read_book(load_config(book, diags), None, 1, diags).pages.values()
    return list(dict.fromkeys(formula for page in pages for formula in page_math(page.blocks)))


def test_starter_book_formulas_are_byte_identical():
    formulas = book_formulas(REPO / "starter")
    assert formulas
    for latex, display in formulas:
        assert_same(latex, display)


@pytest.mark.corpus
def test_d2l_formulas_are_byte_identical(corpus):
    formulas = book_formulas(corpus / "d2l-en")
    assert len(formulas) > 3000
    for latex, display in formulas:
        assert_same(latex, display)
