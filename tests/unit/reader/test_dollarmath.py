"""``$`` math as pandoc reads it (d2lbook renders pages through pandoc).

The expected readings below were checked against pandoc 2.17's
``-f markdown -t native``; the property tests compare the reader with
``tests/dollar_rules.py``, an independent transcription of pandoc's parsers.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from divebook.diagnostics import Diagnostics
from divebook.reader.dollarmath import scan
from divebook.reader.markdown import parser
from divebook.reader.page import read_page
from divebook.tree import Math, MathBlock, Paragraph, Text, page_inlines, plain_text

from tests.dollar_rules import math_at, math_spans


def reader_spans(text: str) -> list[tuple[str, bool]]:
    """The math tokens markdown-it gives for ``text``, in order."""
    out = []
    for token in parser().parse(text):
        if token.type in ("math_block", "math_block_label"):
            out.append((token.content, True))
        for child in token.children or []:
            if child.type in ("math_inline", "math_inline_double"):
                out.append((child.content, child.type == "math_inline_double"))
    return out


def read(text: str):
    diags = Diagnostics()
    page = read_page(Path("."), "ch/page.md", textwrap.dedent(text).lstrip("\n").encode(), ["pytorch"], diags)
    return page, diags


CASES = [
    # (text, math spans as pandoc reads them)
    ("costs $5 and $10", []),
    ("5 $ and 10 $", []),
    ("$ $x$", [("x", False)]),
    ("$x$", [("x", False)]),
    ("$x $", []),
    ("$ x$", []),
    ("$x$5", []),  # a digit after the closing `$`: not math, and no later `$` is tried
    ("$x$ 5", [("x", False)]),
    ("$x$a and a$x$b and 5$x$", [("x", False)] * 3),
    ("$x$.5", [("x", False)]),
    ("$x$5 y$", [("5 y", False)]),
    ("$x$5 $y$", [("y", False)]),
    ("$a $b$", [("b", False)]),
    ("$$x$$", [("x", True)]),
    ("a $$ x $$ b", [(" x ", True)]),
    ("a $$x$$5", [("x", True)]),  # no digit rule for display math
    ("a $$x$ y", [("x", False)]),
    ("a $$$x$$$", [("$x", True)]),
    ("a $$$$", []),
    ("a $$ $$", [(" ", True)]),
    ("$x$$y$", [("x", False), ("y", False)]),
    ("$x$$", [("x", False)]),
    (r"\$x$", []),
    (r"$x\$y$", [(r"x\$y", False)]),
    (r"$a\ $", [(r"a\ ", False)]),
    (r"$a\\ $", []),
    (r"$a\\$b", [(r"a\\", False)]),
    (r"a $$a\$$", [("a\\", True)]),  # display math knows no escapes
    ("`$x$` $y$", [("y", False)]),
    ("$x`y`$", [("x`y`", False)]),
    ("$a\nb$", [("a\nb", False)]),
    ("$a\n$", []),
    ("$a \n b$", [("a \n b", False)]),
    ("a $$a\nb$$", [("a\nb", True)]),
    (r"$\text{a $b$ c}$ d", [(r"\text{a $b$ c}", False)]),
    (r"$\text{a$", [(r"\text{a", False)]),  # unbalanced: `\t`, then plain characters
    ("$\u00a0a$", []),  # a no-break space is a space after the opening `$` ...
    ("$a\u00a0$", [("a\u00a0", False)]),  # ... but a plain character inside
    ("[a $b](u) c$ d", [("b](u) c", False)]),  # math is read first: no link
    ("[a $b$](u) $c$", [("b", False), ("c", False)]),  # math in a link's text
    # `$$` at the start of a paragraph
    ("$$\n- a\n* b\n$$", [("\n- a\n* b\n", True)]),  # no list inside an equation
    ("$$a$$b$$", [("a", True)]),  # the first `$$` closes
    ("$$x$$ (eq1)", [("x", True)]),  # no equation labels in this syntax
    ("$$x$$ $$y$$", [("x", True), ("y", True)]),
    ("$$\na\n\nb\n$$", []),  # a blank line ends the paragraph, and the math
]


@pytest.mark.parametrize("text, spans", CASES)
def test_dollar_cases_read_as_pandoc_reads_them(text, spans):
    assert reader_spans(text) == spans
    assert math_spans(text) == spans  # the reference says the same


def test_money_stays_text_without_diagnostics():
    page, diags = read("""
        It costs $5 and $10, while $n$-grams and $10^{-6}$ are math.

        Custa R$ 5,00 e R$ 10,00, between 5 $ and 10 $.
    """)
    assert not diags.items
    first, second = page.blocks
    assert [n.latex for n in first.children if isinstance(n, Math)] == ["n", "10^{-6}"]
    assert plain_text(first.children) == "It costs $5 and $10, while n-grams and 10^{-6} are math."
    assert plain_text(second.children) == "Custa R$ 5,00 e R$ 10,00, between 5 $ and 10 $."


def test_display_math_in_a_paragraph_and_on_its_own():
    page, diags = read("""
        Before $$a = b$$ after.

        $$
        c = d
        $$
    """)
    assert not diags.items
    para, block = page.blocks
    assert isinstance(para, Paragraph)
    assert [(n.latex, n.display) for n in para.children if isinstance(n, Math)] == [("a = b", True)]
    assert isinstance(block, MathBlock) and block.latex == "c = d"


def test_equation_in_a_quote_keeps_its_lines():
    assert reader_spans("> $$\n> - x\n> $$\n") == [("\n- x\n", True)]


def test_unclosed_display_math_is_text_with_a_warning():
    page, diags = read("""
        # T

        $$
        a = b

        c = d
        $$
    """)
    assert [(d.line, d.code) for d in diags.items] == [(3, "math")]
    assert "remove blank lines inside the equation" in diags.items[0].message
    assert [plain_text(b.children) for b in page.blocks[1:]] == ["$$ a = b", "c = d $$"]


def test_math_across_a_line_break_keeps_the_line_count():
    page, _ = read("""
        A $x +
        y$ and :numref:`sec_x`.
    """)
    maths = [n for n in page_inlines(page.blocks) if isinstance(n, Math)]
    assert [m.latex for m in maths] == ["x +\ny"]
    ref = [n for n in page_inlines(page.blocks) if not isinstance(n, (Math, Text))]
    assert ref and ref[0].pos.line == 2


# ------------------------------------------------------------ property tests

_PIECES = ["a", "x", "1", "$", "$$", " ", "  ", "\t", "\n", "\\", "\\$", "{", "}", "`",
           "\\text{", "\u00a0", "5"]
_texts = st.lists(st.sampled_from(_PIECES), max_size=24).map("".join)


def _no_blank_line(text: str) -> bool:
    return all(line.strip() for line in text.split("\n")[1:-1]) and "\n\n" not in text


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(_texts)
@example("$a \n $")
@example("$\\text{a\\\\}b}$")
@example("$\\text{{}$ b}$")
def test_scan_matches_pandoc_rules_at_every_dollar(text):
    """At every ``$``, the reader's scanner and the reference give the same end (or none)."""
    if not _no_blank_line(text):
        text = text.replace("\n", " ")
    for i, char in enumerate(text):
        if char == "$":
            assert scan(text, i) == math_at(text, i), (text, i)


@settings(max_examples=400, deadline=None)
@given(_texts)
@example("a \\$x$ `$y$` $z$")
@example("a ``$`` $b$`")
def test_paragraph_math_matches_pandoc_rules(text):
    """A whole paragraph through markdown-it: the same math, in order, as the reference finds."""
    lines = [line for line in text.split("\n") if line.strip()]
    paragraph = "\n".join(["a" + lines[0]] + lines[1:]) if lines else "a"
    # markdown-it drops the paragraph's trailing spaces, as pandoc does
    paragraph = paragraph.rstrip(" \t")
    assert reader_spans(paragraph) == math_spans(paragraph), paragraph
