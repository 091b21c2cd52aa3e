"""Line breaks inside inline math, where TeX allows them.

Chromium lays a ``<math>`` element out on one line: a long inline formula
runs past a phone's screen and makes the whole page scroll sideways.  TeX
breaks inline math after a relation or a binary operator at the formula's
top level (``\\relpenalty``, ``\\binoppenalty``), never inside a group, a
fraction or ``\\left..\\right``.  ``inline_pieces`` cuts the formula's tree
at those places into several ``<math>`` elements, which the page joins with
``<wbr>``; each cut operator keeps the spacing it had (``form="infix"``).

Beyond TeX, a break is also allowed after a top-level comma or semicolon:
d2l-en writes sets and tuples of words (``\\{\\textrm{baby}, ...\\}``) that
have no operator and are wider than a phone; a TeX author would add
``\\allowbreak`` there.  A unary sign (an operator first in the formula, or
after another operator or an opening delimiter) is not a break, as in TeX
(a Bin atom there becomes an Ord).
"""

from __future__ import annotations

from html import unescape
from xml.etree.ElementTree import Element

# TeX's Rel atoms and Bin atoms as latex2mathml writes them, and punctuation.
_RELATIONS = frozenset(
    "=<>:\u2208\u2209\u220b\u221d\u2223\u2225\u223c\u2243\u2245\u2248\u224d\u2250\u225c\u2260"
    "\u2261\u2264\u2265\u226a\u226b\u227a\u227b\u2282\u2283\u2286\u2287\u2291\u2292\u22a2\u22a5"
    "\u22a8\u2190\u2192\u2191\u2193\u2194\u21a6\u21d0\u21d2\u21d4\u27f5\u27f6\u27f9\u27fa\u2a7d"
    "\u2a7e\u2aaf\u2ab0\u2254\u2272\u2273")
_BINARY = frozenset(
    "+\u2212\u00b1\u2213\u00d7\u00b7\u22c5\u2217\u2218\u2219\u2295\u2296\u2297\u2298\u2299\u222a"
    "\u2229\u2227\u2228\u2216\u22c6\u22c4\u2020\u2021\u228e\u2293\u2294\u00f7*")
_PUNCTUATION = frozenset(",;")
_BREAK_AFTER = _RELATIONS | _BINARY | _PUNCTUATION
_OPENING = frozenset("([{\u27e8\u230a\u2308")
_CLOSING = frozenset(")]}|\u2016\u27e9\u230b\u2309\u2032\u2033\u2034")


def inline_pieces(math: Element) -> list[Element]:
    """``math`` (an inline ``<math>``) cut after each top-level operator where
    TeX may break a line; ``[math]`` itself when there is no such place."""
    row = math[0] if len(math) == 1 and math[0].tag == "mrow" else math
    children = list(row)
    cuts = [i for i in range(len(children) - 1) if _breaks_after(children, i)]
    if not cuts:
        return [math]
    pieces = []
    start = 0
    for end in cuts + [len(children) - 1]:
        piece = Element("math", dict(math.attrib))
        inner = Element("mrow") if row is not math else piece
        if inner is not piece:
            piece.append(inner)
        inner.extend(children[start:end + 1])
        if end != len(children) - 1:
            children[end].set("form", "infix")
        pieces.append(piece)
        start = end + 1
    return pieces


def _breaks_after(children: list[Element], i: int) -> bool:
    child = children[i]
    if child.tag != "mo" or i == 0 or child.get("form") == "prefix":
        return False
    if _text(child) not in _BREAK_AFTER:
        return False
    before = children[i - 1]
    if before.tag == "mo":
        # After an operator or an opening delimiter the sign is unary (TeX: Ord).
        text = _text(before)
        if text not in _CLOSING and not (text.isalpha() and len(text) > 1):
            return False
    # Something visible must follow, or the break only moves a space to the next line.
    return any(c.tag != "mspace" for c in children[i + 1:])


def _text(element: Element) -> str:
    text = element.text or ""
    return unescape(text) if "&" in text else text
