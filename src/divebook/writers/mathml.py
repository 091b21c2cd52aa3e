"""LaTeX math -> MathML with latex2mathml, so pages need no script or CDN for math.

A few environments latex2mathml does not know are rewritten to ones it does
(``aligned`` -> ``align*``); commands it cannot read are reported with the
equation's file and line instead of showing up as stray text.
"""

from __future__ import annotations

import re

from latex2mathml.converter import convert

_REWRITES = [
    (re.compile(r"\\(begin|end)\{aligned\}"), r"\\\1{align*}"),
    (re.compile(r"\\(begin|end)\{alignedat\}(\{\d+\})?"), r"\\\1{align*}"),
    (re.compile(r"\\(begin|end)\{gathered\}"), r"\\\1{gather*}"),
    (re.compile(r"\\(begin|end)\{(equation|displaymath)\*?\}"), ""),
    (re.compile(r"\\(label|nonumber|notag)(\{[^}]*\})?"), ""),
    (re.compile(r"\\textup\b"), r"\\textrm"),
]
_UNKNOWN = re.compile(r"<mi>(\\[A-Za-z]+)</mi>")


class MathError(ValueError):
    """The LaTeX could not be converted; the message says why."""


def brace_problem(latex: str) -> str | None:
    """Why the braces ``{ }`` of ``latex`` do not pair up, or None when they do.

    ``\\{``, ``\\}`` and ``\\\\`` are commands, not braces, and ``%`` starts a
    comment to the end of the line, as TeX reads them.  The PDF writer uses
    this check too, so both outputs refuse the same math.
    """
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


def to_mathml(latex: str, display: bool) -> str:
    """MathML for ``latex``; raises MathError for LaTeX it cannot convert."""
    source = latex
    for pattern, replacement in _REWRITES:
        source = pattern.sub(replacement, source)
    problem = brace_problem(source)
    if problem:
        raise MathError(problem)
    try:
        mathml = convert(source, display="block" if display else "inline")
    except Exception as exc:  # latex2mathml raises many kinds; all mean "cannot read"
        raise MathError(str(exc) or type(exc).__name__) from None
    unknown = _UNKNOWN.findall(mathml)
    if unknown:
        raise MathError(f"unknown command {', '.join(dict.fromkeys(unknown))}")
    # latex2mathml writes \sim as a plain tilde identifier.
    return mathml.replace("<mi>&#x0007E;</mi>", "<mo>&#x0223C;</mo>")
