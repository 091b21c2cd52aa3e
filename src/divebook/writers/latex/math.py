"""Math for the PDF: the book's LaTeX, checked and made to fit our equation layout.

Math goes to LaTeX as written, but a few things that MathJax and the
website accept would break a whole LaTeX run, so they are checked here
first and reported with the equation's file and line:

* braces that do not pair up (the website's check, ``mathml.brace_problem``),
* ``\\begin``/``\\end`` that do not pair up.

Other mistakes (an unknown command, ``&`` outside an alignment) only stop
the equation itself; LaTeX reports them and the writer traces them back.

Display math written as a top-level ``align``/``gather``/``equation``
environment (which MathJax allows inside ``$$``) becomes the inner
``aligned``/``gathered`` form, so every equation is one ``equation``
environment carrying the website's number as its ``\\tag``.  Greek letters
and common symbols typed as Unicode become their commands, since the
math fonts have no Unicode glyphs; Chinese, Japanese and Korean words in
math are set as text (in the book's CJK font).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .escape import strip_controls
from ..math.mathml import brace_problem

_BEGIN_END = re.compile(r"\\(begin|end)\s*\{([^{}]*)\}")
_OUTER_ENV = re.compile(r"^\s*\\begin\s*\{(align|alignat|flalign|eqnarray|gather|multline|equation|"
                        r"displaymath|math)(\*?)\}(\{\d+\})?(.*)\\end\s*\{\1\2\}\s*$", re.S)
_INNER_FOR = {"align": "aligned", "flalign": "aligned", "eqnarray": "aligned", "alignat": "alignedat",
              "gather": "gathered", "multline": "multlined"}
_LABEL = re.compile(r"\\label\s*\{[^{}]*\}")
_TAG = re.compile(r"\\tag\*?\s*\{[^{}]*\}|\\(nonumber|notag)\b")
_BLANK_LINES = re.compile(r"\n[ \t]*(?=\n)")

#: Unicode that authors type in math, and the command the math fonts have for it.
UNICODE_MATH = {
    "α": r"\alpha", "β": r"\beta", "γ": r"\gamma", "δ": r"\delta", "ε": r"\epsilon",
    "ζ": r"\zeta", "η": r"\eta", "θ": r"\theta", "ι": r"\iota", "κ": r"\kappa",
    "λ": r"\lambda", "μ": r"\mu", "ν": r"\nu", "ξ": r"\xi", "π": r"\pi", "ρ": r"\rho",
    "σ": r"\sigma", "τ": r"\tau", "υ": r"\upsilon", "φ": r"\phi", "χ": r"\chi", "ψ": r"\psi",
    "ω": r"\omega", "Γ": r"\Gamma", "Δ": r"\Delta", "Θ": r"\Theta", "Λ": r"\Lambda",
    "Ξ": r"\Xi", "Π": r"\Pi", "Σ": r"\Sigma", "Φ": r"\Phi", "Ψ": r"\Psi", "Ω": r"\Omega",
    "ϵ": r"\epsilon", "ϕ": r"\varphi",
    "×": r"\times", "÷": r"\div", "·": r"\cdot", "⋅": r"\cdot", "±": r"\pm", "∓": r"\mp",
    "≤": r"\leq", "≥": r"\geq", "≠": r"\neq", "≈": r"\approx", "≡": r"\equiv", "∼": r"\sim",
    "∈": r"\in", "∉": r"\notin", "⊂": r"\subset", "⊆": r"\subseteq", "∪": r"\cup", "∩": r"\cap",
    "∞": r"\infty", "∂": r"\partial", "∇": r"\nabla", "∑": r"\sum", "∏": r"\prod", "∫": r"\int",
    "√": r"\surd", "→": r"\rightarrow", "←": r"\leftarrow", "↔": r"\leftrightarrow",
    "⇒": r"\Rightarrow", "⇔": r"\Leftrightarrow", "↦": r"\mapsto", "∀": r"\forall",
    "∃": r"\exists", "∅": r"\emptyset", "…": r"\ldots", "⋯": r"\cdots", "′": r"'",
    "−": "-", "⊤": r"\top", "⊙": r"\odot", "⊗": r"\otimes", "⊕": r"\oplus", "∘": r"\circ",
    "ℝ": r"\mathbb{R}", "ℕ": r"\mathbb{N}", "ℤ": r"\mathbb{Z}", "ℓ": r"\ell",
    "\u00a0": "~",
}
_UNICODE_RE = re.compile("|".join(re.escape(c) for c in UNICODE_MATH))
#: Chinese, Japanese and Korean letters and full-width punctuation, which math fonts lack.
_CJK_RUN = re.compile("[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f"
                      "\uff00-\uffef\U00020000-\U0002fa1f]+")


@dataclass(slots=True)
class PreparedMath:
    """Math ready to be written, or the reason it cannot be."""

    tex: str
    problem: str | None = None


def strip_comments(latex: str) -> str:
    """``latex`` without ``%`` comments, as TeX would read it (``\\%`` stays)."""
    if "%" not in latex:
        return latex
    out = []
    for line in latex.split("\n"):
        i = 0
        while True:
            j = line.find("%", i)
            if j < 0:
                break
            backslashes = len(line[:j]) - len(line[:j].rstrip("\\"))
            if backslashes % 2 == 0:
                line = line[:j]
                break
            i = j + 1
        out.append(line)
    return "\n".join(out)


def environment_problem(latex: str) -> str | None:
    """Why ``\\begin{..}``/``\\end{..}`` of ``latex`` do not pair up, or None."""
    stack: list[str] = []
    for m in _BEGIN_END.finditer(latex):
        kind, name = m.group(1), m.group(2).strip()
        if kind == "begin":
            stack.append(name)
        elif not stack:
            return f"`\\end{{{name}}}` without a `\\begin{{{name}}}`"
        elif stack[-1] != name:
            return f"`\\begin{{{stack[-1]}}}` is closed by `\\end{{{name}}}`"
        else:
            stack.pop()
    if stack:
        return f"`\\begin{{{stack[-1]}}}` is never ended"
    return None


def check_math(latex: str) -> str | None:
    """Why ``latex`` would break the LaTeX run, or None when it can be written."""
    source = strip_comments(strip_controls(latex))
    return brace_problem(source) or environment_problem(source)


_INNERMOST_ENV = re.compile(r"\\begin\s*\{([^{}]*)\}(?:(?!\\begin\s*\{).)*?\\end\s*\{\1\}", re.S)


def _top_level(latex: str) -> str:
    """``latex`` with every environment's content removed (what is outside them)."""
    previous = None
    while previous != latex:
        previous, latex = latex, _INNERMOST_ENV.sub("", latex)
    return latex


def _wrap_lines(latex: str) -> str:
    """Display math with ``\\\\`` outside any environment: lines, as MathJax shows them.

    In an ``equation`` LaTeX ignores such line breaks, so the lines become a
    ``gathered`` (or ``aligned``, when they use ``&``) block.
    """
    outside = _top_level(latex)
    if "\\\\" not in outside:
        return latex
    inner = "aligned" if "&" in outside.replace("\\&", "") else "gathered"
    return f"\\begin{{{inner}}}\n{latex}\n\\end{{{inner}}}"


def prepare_math(latex: str, display: bool) -> PreparedMath:
    """The LaTeX to put between ``$..$`` (inline) or inside an equation (display)."""
    source = strip_comments(strip_controls(latex)).strip()
    problem = brace_problem(source) or environment_problem(source)
    if problem:
        return PreparedMath("", problem)
    source = _UNICODE_RE.sub(lambda m: UNICODE_MATH[m.group(0)] + " ", source)
    # Translated books write words in math (``\\mathbf{X}和\\mathbf{W}``): set them as text.
    source = _CJK_RUN.sub(lambda m: f"\\text{{{m.group(0)}}}", source)
    if display:
        m = _OUTER_ENV.match(source)
        if m:
            env, columns, body = m.group(1), m.group(3) or "", m.group(4)
            inner = _INNER_FOR.get(env)
            source = (f"\\begin{{{inner}}}{columns}{body}\\end{{{inner}}}" if inner
                      else body.strip())
        # The writer sets the label and number; a paragraph break ends display math.
        source = _TAG.sub("", _LABEL.sub("", source))
        source = _wrap_lines(source)
    # A blank line is a paragraph break, which ends math mode in LaTeX.
    return PreparedMath(_BLANK_LINES.sub("", source))
