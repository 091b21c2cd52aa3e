"""Math for the PDF: checks that keep one bad equation from breaking the book."""

from __future__ import annotations

from divebook.writers.latex.math import (
    check_math, environment_problem, prepare_math, strip_comments,
)
from divebook.writers.math.mathml import MathError, brace_problem, to_mathml

import pytest


def test_brace_check_reads_latex_as_tex_does():
    assert brace_problem(r"\frac{a}{b}") is None
    assert brace_problem(r"\left\{ x \right\}") is None  # escaped braces are not groups
    assert brace_problem("a \\\\{b}") is None  # a row break, then a group
    assert brace_problem("x % } a comment\n") is None
    assert "never closed" in brace_problem(r"\frac{1}{2")
    assert "closes nothing" in brace_problem(r"x}")


def test_the_website_uses_the_same_brace_check():
    with pytest.raises(MathError, match="unbalanced braces"):
        to_mathml(r"\frac{1}{2", display=True)


def test_environments_must_pair_up():
    assert environment_problem(r"\begin{bmatrix}1\end{bmatrix}") is None
    assert "never ended" in environment_problem(r"\begin{bmatrix}1")
    assert "closed by" in environment_problem(r"\begin{bmatrix}1\end{pmatrix}")
    assert "without" in environment_problem(r"x\end{cases}")
    assert check_math(r"\begin{aligned}a&=b\end{aligned}") is None


def test_bad_math_is_refused_with_the_reason():
    prepared = prepare_math(r"x = \frac{1}{2", display=True)
    assert prepared.problem and "brace" in prepared.problem and prepared.tex == ""


def test_top_level_environments_become_their_inner_forms():
    tex = prepare_math("\\begin{align}a &= b \\\\\n c &= d\\end{align}", display=True).tex
    assert tex.startswith(r"\begin{aligned}") and tex.endswith(r"\end{aligned}")
    tex = prepare_math(r"\begin{equation*}e^{i\pi}+1=0\end{equation*}", display=True).tex
    assert tex == r"e^{i\pi}+1=0"
    tex = prepare_math(r"\begin{alignat}{2}a&=b\end{alignat}", display=True).tex
    assert tex == r"\begin{alignedat}{2}a&=b\end{alignedat}"


def test_labels_tags_comments_and_blank_lines_are_removed_from_display_math():
    tex = prepare_math("a = b \\label{eq:x}\\tag{7} % why\n\n c", display=True).tex
    assert "\\label" not in tex and "\\tag" not in tex and "why" not in tex
    assert "\n\n" not in tex
    assert strip_comments(r"50\% of x % comment") == r"50\% of x "


def test_unicode_in_math_becomes_commands():
    assert prepare_math("α × β ≤ ∞", display=False).tex == r"\alpha  \times  \beta  \leq  \infty "


def test_line_breaks_outside_environments_become_lines_as_on_the_website():
    assert prepare_math("a=1,\\\\ b=2", display=True).tex == \
        "\\begin{gathered}\na=1,\\\\ b=2\n\\end{gathered}"
    assert prepare_math("a&=1\\\\ b&=2", display=True).tex.startswith("\\begin{aligned}")
    matrix = "\\begin{bmatrix}1\\\\2\\end{bmatrix}"
    assert prepare_math(matrix, display=True).tex == matrix


def test_cjk_words_in_math_are_set_as_text():
    # as translated books write them: words between symbols, a full-width comma
    assert prepare_math(r"\mathbf{X}和\mathbf{W}", False).tex == r"\mathbf{X}\text{和}\mathbf{W}"
    assert prepare_math(r"x_2， \ldots", False).tex == r"x_2\text{，} \ldots"
    assert prepare_math(r"y \quad \text{其中}\quad", False).tex == r"y \quad \text{\text{其中}}\quad"
