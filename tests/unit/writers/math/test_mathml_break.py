"""Inline math cut where TeX may break a line; stretchy shapes and row tags (kernel-free)."""

from __future__ import annotations

import re

from divebook.writers.math.mathml import to_mathml


def pieces(latex: str) -> list[str]:
    """The text of each <math> piece of ``latex`` inline (tags stripped)."""
    return [re.sub(r"<[^>]+>", "", p) for p in to_mathml(latex, False).split("<wbr>")]


def test_breaks_after_top_level_relations_operators_and_commas() -> None:
    assert pieces("a = b + c") == ["a&#x0003D;", "b&#x0002B;", "c"]
    assert pieces(r"\{x, y\}") == ["&#x0007B;x&#x0002C;", "y&#x0007D;"]
    # The cut operator keeps the spacing of an infix operator at the end of its piece.
    assert '<mo form="infix">&#x0003D;</mo></mrow></math><wbr><math display="inline">' in to_mathml("a = b", False)


def test_no_break_for_a_unary_sign_inside_groups_or_at_the_end() -> None:
    assert len(pieces("-a")) == 1
    assert pieces("a = -b") == ["a&#x0003D;", "&#x02212;b"]  # not after the minus that follows =
    assert len(pieces(r"(-1)")) == 1  # after an opening parenthesis the sign is unary
    assert len(pieces(r"\frac{a + b}{c = d}")) == 1  # inside a fraction: no top-level operator
    assert len(pieces(r"\left( a + b \right)")) == 1  # \left..\right is one unit, as in TeX
    assert len(pieces("x^{a + b}")) == 1
    assert len(pieces("a +")) == 1  # nothing follows the operator


def test_display_math_is_one_element() -> None:
    assert "<wbr>" not in to_mathml("a = b + c, d", True)


def test_widehat_and_widetilde_stretch_hat_does_not() -> None:
    wide = to_mathml(r"\widehat{xyz} \widetilde{ab}", True)
    assert wide.count('accent="true"') == 2 and "&#x00302;" in wide and "&#x00303;" in wide
    assert wide.count('stretchy="true"') == 2
    assert 'stretchy="true"' not in to_mathml(r"\hat{x}", True)


def test_matrix_delimiters_are_fences() -> None:
    mathml = to_mathml(r"A = \begin{vmatrix} 1 \\ 2 \end{vmatrix}", True)
    assert '<mo form="prefix" fence="true" stretchy="true">&#x0007C;</mo><mtable>' in mathml
    assert '</mtable><mo form="postfix" fence="true" stretchy="true">&#x0007C;</mo>' in mathml


def test_each_tag_of_an_alignment_goes_to_its_rows_last_cell() -> None:
    mathml = to_mathml(r"\begin{align} a &= b \tag{1.1} \\ c &= d \tag*{(*)} \\ e &= f \end{align}", True)
    cells = re.findall(r'<mtd class="eqno"(?: />|><mtext>(.*?)</mtext></mtd>)', mathml)
    assert cells == ["(1.1)", "(*)", ""]
    assert "(1)" not in mathml  # align is numbered by the book, not by latex2mathml


def test_a_tag_outside_a_table_stays_text_without_its_mark() -> None:
    mathml = to_mathml(r"a \tag{1} b \tag{2}", True)
    assert "<mtext>(1)</mtext>" in mathml and "\ue010" not in mathml
