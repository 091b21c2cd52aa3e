"""The MathML of each construct TeX sets differently from latex2mathml's plain output."""

from __future__ import annotations

import re

import pytest

from divebook.cli import main
from divebook.writers.math.mathml import to_mathml
from divebook.writers.math.mathml_tex import split_tag

THIN = '<mspace width="0.1667em" />'


def inline(latex: str) -> str:
    return to_mathml(latex, False)


def display(latex: str) -> str:
    return to_mathml(latex, True)


@pytest.mark.parametrize("name", ["log", "exp", "sin", "cos", "tanh"])
def test_operator_name_then_letter_gets_a_thin_space(name):
    assert f"<mi>{name}</mi>{THIN}<mi>p</mi>" in inline(f"\\{name} p")


def test_thin_space_before_an_operator_name_after_an_ordinary_atom():
    assert f"<mn>2</mn>{THIN}<mi>log</mi>{THIN}<mi>x</mi>" in inline(r"2\log x")
    assert f"&#x00029;</mo>{THIN}<mi>sin</mi>" in inline(r"(a)\sin x")


def test_no_space_before_a_parenthesis_or_a_relation():
    assert "<mi>log</mi><mo stretchy=\"false\">&#x00028;" in inline(r"\log(x)")
    assert "<mi>exp</mi><mrow><mo stretchy=\"true\" fence=\"true\"" in inline(r"\exp\left(x\right)")
    assert THIN not in inline(r"a = \log(x)")


def test_named_operators_lose_the_default_thick_operator_spacing():
    mathml = inline(r"\max(a, b) + \operatorname{softmax}(x)")
    assert '<mo lspace="0" rspace="0">max</mo><mo stretchy="false">' in mathml
    assert '<mo lspace="0" rspace="0">softmax</mo>' in mathml


def test_subscripted_operator_name_is_spaced_from_its_argument():
    assert f"<msub><mi>log</mi><mn>2</mn></msub>{THIN}<mi>x</mi>" in inline(r"\log_2 x")


@pytest.mark.parametrize("latex", [r"\max_x f", r"\min_{x} f", r"\lim_{n \to \infty} a_n",
                                   r"\operatorname*{argmin}_x f", r"\sup_x f"])
def test_display_limits_go_under_and_inline_ones_beside(latex):
    block = display(latex)
    assert re.search(r'<munder><mo movablelimits="true"[^>]*>\w+</mo>', block), block
    assert "<msub><mo" not in block
    text = inline(latex)
    assert "<msub><mo" in text and "<munder>" not in text


def test_limits_and_nolimits_are_honoured():
    assert "<msub><mo" in display(r"\max\nolimits_x f")
    assert "<munder><mo" in inline(r"\max\limits_x f")
    assert "<munderover><mo>&#x02211;</mo>" in display(r"\sum_{i=1}^n x_i")
    assert "<msubsup><mo>&#x02211;</mo>" in inline(r"\sum_{i=1}^n x_i")


def test_operatorname_without_star_keeps_its_scripts_beside():
    assert "<msub><mo" in display(r"\operatorname{argmin}_x f")


@pytest.mark.parametrize("latex, prime", [("f'(x)", "&#x02032;"), ("x''", "&#x02033;"),
                                          (r"f^{\prime}", "&#x02032;")])
def test_primes_sit_beside_their_base_not_raised_again(latex, prime):
    mathml = inline(latex)
    assert f'<mrow><mi>{latex[0]}</mi><mo lspace="0" rspace="0">{prime}</mo></mrow>' in mathml
    assert "<msup>" not in mathml


def test_prime_with_another_superscript_stays_a_script():
    assert "<msup><mi>x</mi><mn>2</mn></msup>" in inline("x^2")


def test_escaped_braces_in_text_stay_text():
    mathml = inline(r"\textrm{\{cat, dog\}}")
    assert "<mtext>{cat,&#x000A0;dog}</mtext>" in mathml
    assert "\\" not in mathml


@pytest.mark.parametrize("latex, text", [(r"\text{50\% off}", "50%&#x000A0;off"),
                                         (r"\text{a \& b}", "a&#x000A0;&amp;&#x000A0;b"),
                                         (r"\mbox{\$5 \_x \#1}", "$5&#x000A0;_x&#x000A0;#1")])
def test_text_escapes(latex, text):
    mathml = inline(latex)
    assert text in mathml and "\\" not in mathml


@pytest.mark.parametrize("size", ["big", "Big", "bigg", "Bigg", "bigl", "Bigr"])
def test_sized_delimiters_lose_their_backslash(size):
    mathml = display(f"\\{size}\\{{ a \\{size}\\}} \\{size}\\| b \\{size}\\|")
    assert ">{</mo>" in mathml and ">}</mo>" in mathml and ">\u2016</mo>" in mathml
    assert "\\" not in mathml


@pytest.mark.parametrize("latex, letters", [(r"\boldsymbol{\epsilon}", "\U0001d750"),
                                            (r"\bm{x}", "\U0001d499"),
                                            (r"\boldsymbol{\Sigma}", "\U0001d72e"),
                                            (r"\boldsymbol{\phi}", "\U0001d753")])
def test_bold_symbols_become_unicode_bold_letters(latex, letters):
    # MathML Core (Chromium) draws mathvariant="bold-italic" as plain italic.
    mathml = inline(latex)
    assert f"<mi>{letters}</mi>" in mathml and "mathvariant" not in mathml


def test_letterlike_holes_and_existing_alphabets():
    assert "&#x0211D;" in inline(r"\mathbb{R}")
    assert "&#x1D431;" in inline(r"\mathbf{x}")
    assert "&#x02112;" in inline(r"\mathcal{L}")


@pytest.mark.parametrize("env", ["aligned", "align*", "split"])
def test_alignment_environments_pair_right_and_left_columns(env):
    mathml = display(f"\\begin{{{env}}} a &= b \\\\ c &= d \\end{{{env}}}")
    cells = re.findall(r'<mtd columnalign="(\w+)"', mathml)
    assert cells == ["right", "left", "right", "left"]


def test_cases_and_array_columns_align_as_declared():
    assert re.findall(r'<mtd columnalign="(\w+)"', display(r"\begin{array}{rl} a & b \end{array}")) == \
        ["right", "left"]
    assert set(re.findall(r'<mtd columnalign="(\w+)"',
                          display(r"\begin{cases} 1 & x > 0 \\ 0 & \text{else} \end{cases}"))) == {"left"}


def test_mathrm_of_one_letter_is_upright():
    # latex2mathml gives a one-letter \mathrm a plain <mi>, which browsers set italic.
    assert '<mi mathvariant="normal">d</mi><mi>x</mi>' in inline(r"\int f(x) \mathrm{d}x")
    assert '<msub><mi mathvariant="normal">d</mi><mn>1</mn></msub>' in inline(r"\mathrm{d}_1")
    assert '<mi mathvariant="normal">d</mi><mi mathvariant="normal">x</mi>' in inline(r"\mathrm{dx}")


@pytest.mark.parametrize("latex, text", [
    (r"\text{a \text{b} c}", "a&#x000A0;b&#x000A0;c"),
    (r"\text{if \textrm{\{x\}} else}", "if&#x000A0;{x}&#x000A0;else"),
    (r"\textrm{one \mbox{two \text{three}}}", "one&#x000A0;two&#x000A0;three"),
])
def test_nested_text_is_plain_text(latex, text):
    mathml = inline(latex)
    assert f"<mtext>{text}</mtext>" in mathml
    assert "\\" not in mathml and "}" not in mathml.replace("{x}", "")


def test_relations_and_binary_operators_in_scripts_have_no_space():
    mathml = display(r"\sum_{i=1}^{n-1} x_{i \leq j} = a")
    tight = '<mo lspace="0" rspace="0">'
    assert f"<mi>i</mi>{tight}&#x0003D;</mo>" in mathml
    assert f"<mi>n</mi>{tight}&#x02212;</mo>" in mathml
    assert f"<mi>i</mi>{tight}&#x02264;</mo>" in mathml
    # Outside the scripts the relation keeps TeX's thick space; the sum keeps its own.
    assert "<mo>&#x0003D;</mo><mi>a</mi>" in mathml
    assert "<mo>&#x02211;</mo>" in mathml
    assert f"{tight}&#x02211;" not in inline(r"e^{\sum_i x_i}")


def test_tag_is_split_off_as_the_equation_number():
    assert split_tag(r"a = b \tag{3.1}") == ("a = b ", "(3.1)")
    assert split_tag(r"a = b \tag*{A}") == ("a = b ", "A")
    assert split_tag(r"a = b") == ("a = b", None)
    two = r"\begin{aligned} a \tag{1} \\ b \tag{2} \end{aligned}"
    assert split_tag(two) == (two, None)


def test_tag_shows_as_the_number_beside_the_equation(make_book, tmp_path):
    book = make_book({
        "config.ini": "[project]\nname = t\n",
        "index.md": "# T\n\n```toc\npage\n```\n",
        "page.md": "# Page\n\n$$a = b \\tag{3.1}$$\n\n$$c = d$$\n:eqlabel:`eq_c`\n\n"
                   "$$e = f \\tag*{B}$$\n:eqlabel:`eq_e`\n\n$$g = h$$\n:eqlabel:`eq_g`\n\n"
                   "See :eqref:`eq_e` and :eqref:`eq_g`.\n",
    })
    out = tmp_path / "out"
    assert main(["build", "html", "--no-eval", "-C", str(book), "--out", str(out), "-q"]) == 0
    page = (out / "html" / "page.html").read_text(encoding="utf-8")
    numbers = re.findall(r'<span class="eqno">([^<]*)</span>', page)
    # A tagged equation takes no number from the counter (eq_g is the second counted), as in TeX.
    assert numbers == ["(3.1)", "(1)", "B", "(2)"]
    refs = re.findall(r'<a [^>]*href="#(eq_[eg])"[^>]*>([^<]*)</a>', page)
    assert refs == [("eq_e", "(B)"), ("eq_g", "(2)")], refs
    assert "<mtext>(3.1)</mtext>" not in page and "\\tag" not in page
