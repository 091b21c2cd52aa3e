"""LaTeX math -> MathML with latex2mathml, so pages need no script or CDN for math.

A few environments latex2mathml does not know are rewritten to ones it does
(``aligned`` -> ``align*``); commands it cannot read are reported with the
equation's file and line instead of showing up as stray text.

latex2mathml builds an element tree and serializes it with ElementTree; that
serialization is a sixth of the conversion time, so the tree is written here
by ``_write``, which gives the same string (tests/unit/test_mathml_fast.py
compares the two on random and on all of d2l-en's formulas).
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element, tostring
from xml.sax.saxutils import unescape

from latex2mathml.converter import convert_to_element

from .mathml_break import inline_pieces
from .mathml_tex import correct, prepare, restore_text

_REWRITES = [
    (re.compile(r"\\(begin|end)\{aligned\}"), r"\\\1{align*}"),
    (re.compile(r"\\(begin|end)\{alignedat\}(\{\d+\})?"), r"\\\1{align*}"),
    (re.compile(r"\\(begin|end)\{gathered\}"), r"\\\1{gather*}"),
    # The book numbers equations (:eqlabel:, \tag), not latex2mathml's own counter.
    (re.compile(r"\\(begin|end)\{(align|gather)\}"), r"\\\1{\2*}"),
    (re.compile(r"\\(begin|end)\{(equation|displaymath)\*?\}"), ""),
    (re.compile(r"\\(label|nonumber|notag)(\{[^}]*\})?"), ""),
    (re.compile(r"\\textup\b"), r"\\textrm"),
]
# Every match of a rewrite starts with one of these commands: formulas without
# them (nearly all) skip the six substitutions.
_MAY_REWRITE = re.compile(r"\\(begin|end|label|nonumber|notag|textup)")
_UNKNOWN = re.compile(r"<mi>(\\[A-Za-z]+)</mi>")
_XMLNS = ' xmlns="http://www.w3.org/1998/Math/MathML"'
# What TeX does not read as a brace: a command (``\{``, ``\\``, ...), a comment,
# any other text.
_NOT_BRACES = re.compile(r"\\[\s\S]?|%[^\n]*|[^{}\\%]+")
_ATTRIBUTE_ESCAPES = (('"', "&quot;"), ("\r", "&#13;"), ("\n", "&#10;"), ("\t", "&#09;"))


class MathError(ValueError):
    """The LaTeX could not be converted; the message says why."""


def brace_problem(latex: str) -> str | None:
    """Why the braces ``{ }`` of ``latex`` do not pair up, or None when they do.

    ``\\{``, ``\\}`` and ``\\\\`` are commands, not braces, and ``%`` starts a
    comment to the end of the line, as TeX reads them.  The PDF writer uses
    this check too, so both outputs refuse the same math.
    """
    if "{" not in latex and "}" not in latex:
        return None
    # Pairs `{}` cancel; what is left reads `}}..{{..`: `}` that close nothing,
    # then `{` never closed.
    braces = _NOT_BRACES.sub("", latex)
    while "{}" in braces:
        braces = braces.replace("{}", "")
    if braces.startswith("}"):
        return "unbalanced braces { }: a `}` closes nothing"
    if braces:
        return f"unbalanced braces {{ }}: {len(braces)} `{{` never closed"
    return None


def to_mathml(latex: str, display: bool) -> str:
    """MathML for ``latex``; raises MathError for LaTeX it cannot convert."""
    source = latex
    if "\\" in source and _MAY_REWRITE.search(source):
        for pattern, replacement in _REWRITES:
            source = pattern.sub(replacement, source)
    problem = brace_problem(source)
    if problem:
        raise MathError(problem)
    source = prepare(source, display)
    try:
        tree = convert_to_element(source, display="block" if display else "inline")
        correct(tree, display)
        if display:
            mathml = _serialize(tree)
        else:  # a long inline formula may break where TeX breaks it (mathml_break.py)
            mathml = "<wbr>".join([_serialize(piece) for piece in inline_pieces(tree)])
    except Exception as exc:  # latex2mathml raises many kinds; all mean "cannot read"
        raise MathError(str(exc) or type(exc).__name__) from None
    if "<mi>\\" in mathml:
        unknown = _UNKNOWN.findall(mathml)
        if unknown:
            raise MathError(f"unknown command {', '.join(dict.fromkeys(unknown))}")
    if "\\text" in source or "\\mbox" in source:
        mathml = restore_text(mathml)
    # latex2mathml writes \sim as a plain tilde identifier.
    mathml = mathml.replace("<mi>&#x0007E;</mi>", "<mo>&#x0223C;</mo>")
    # In HTML a <math> element is MathML by its name: the namespace attribute is only
    # weight (40 bytes a formula, 300 kB over d2l-en's pages).
    return mathml.replace(_XMLNS, "")


def _serialize(math: Element) -> str:
    """The string latex2mathml's ``convert`` makes of the tree.

    That is ``unescape(ElementTree.tostring(tree))``: text comes out as it is
    (latex2mathml's ``&#x...;`` entities included, escaping and unescaping
    cancel), attribute values with ``"`` and tab/CR/LF written as references.
    A tree ``_write`` cannot write (text that is not a string) goes the
    ElementTree way, to fail with the same message.
    """
    parts: list[str] = []
    try:
        _write(math, parts)
        return "".join(parts)
    except TypeError:
        return unescape(tostring(math, encoding="unicode"))


def _write(element: Element, parts: list[str]) -> None:
    tag = element.tag
    items = element.items()
    head = "<" + tag + "".join([f' {k}="{_attribute(v)}"' for k, v in items]) if items else "<" + tag
    text = element.text
    if text or len(element):
        parts.append(head + ">")
        if text:
            parts.append(text)
        for child in element:
            _write(child, parts)
        parts.append("</" + tag + ">")
    else:
        parts.append(head + " />")
    if element.tail:
        parts.append(element.tail)


def _attribute(value: str) -> str:
    for char, reference in _ATTRIBUTE_ESCAPES:
        if char in value:
            value = value.replace(char, reference)
    return value
