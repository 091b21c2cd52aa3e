"""latex2mathml's MathML, built and written with less work per formula.

latex2mathml (3.81) reads a formula in three steps: its tokenizer splits the
LaTeX, its walker makes nodes of the tokens, its converter makes an
ElementTree of the nodes; ``convert`` then writes the tree with
``ElementTree.tostring`` and unescapes the result.  For d2l-en's formulas the
tokenizer takes about a fifth of that time and the writing an eighth.  Here:

* ``tokens`` gives latex2mathml's tokens from the same regular expression, but
  takes the match as it is for the kinds that need nothing more (letters,
  numbers, plain commands, single characters: nine in ten) and asks
  latex2mathml's tokenizer only about the others;
* ``serialize`` writes the tree straight into the string ``convert`` makes.

Both lean on how latex2mathml works inside, so they are used only with the
version they were checked against (``TESTED_VERSION``); any other version gets
latex2mathml's public ``convert_to_element``.  tests/unit/test_mathml_fast.py
checks that the strings are the same, formula by formula.
"""

from __future__ import annotations

from collections.abc import Iterator
from xml.etree.ElementTree import Element, SubElement, tostring
from xml.sax.saxutils import unescape

import latex2mathml
from latex2mathml.converter import Converter, convert_to_element
from latex2mathml.tokenizer import PATTERN, tokenize
from latex2mathml.walker import _walk

TESTED_VERSION = "3.81.1"
# Kinds of match (names of PATTERN's groups) latex2mathml yields unchanged,
# unless they are `%` or start like a command it treats apart.
_AS_MATCHED = frozenset({"letter", "number", "escaped", "char", "command", "dot_decimal"})
_TREATED_APART = ("\\math", "\\verb")
_ATTRIBUTE_ESCAPES = (('"', "&quot;"), ("\r", "&#13;"), ("\n", "&#10;"), ("\t", "&#09;"))


def tokens(latex: str) -> Iterator[str]:
    """The tokens ``latex2mathml.tokenizer.tokenize(latex)`` yields."""
    found: list[str] = []
    for match in PATTERN.finditer(latex):
        token = match.group()
        if match.lastgroup in _AS_MATCHED and token != "%" and not token.startswith(_TREATED_APART):
            found.append(token)
            continue
        try:
            found.extend(tokenize(token))  # the same match again, on its own
        except Exception:  # noqa: BLE001 - a \verb without delimiters: let the walker
            return tokenize(latex)  # meet the error where latex2mathml's would
    return iter(found)


def _element_own_tokens(latex: str, display: str) -> Element:
    """``convert_to_element(latex, display=display)``, tokens from ``tokens``."""
    converter = Converter(display=display)
    math = Element("math", {"xmlns": converter.xmlns, "display": converter.display})
    row = SubElement(math, "mrow")
    nodes = _walk(tokens(latex), block=display == "block", macros=converter.macros)
    converter._convert_group(iter(nodes), row)
    return math


def _element_public(latex: str, display: str) -> Element:
    return convert_to_element(latex, display=display)


element = _element_own_tokens if latex2mathml.__version__ == TESTED_VERSION else _element_public


def serialize(math: Element) -> str:
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
