"""TeX's conventions put back into latex2mathml's MathML, for Chromium's MathML Core.

latex2mathml writes what MathML 3 allows, but a browser implementing MathML
Core draws some of it unlike TeX.  Two passes mend that:

* ``prepare`` edits the LaTeX before conversion: escapes inside ``\\text{}``
  become placeholders (latex2mathml ends the text at ``\\}``) and a ``\\text{}``
  inside another is reduced to its words; in display math a named operator
  with scripts (``\\max_x``, ``\\operatorname*{argmin}_x``) gets ``\\limits``,
  as TeX sets it (``\\nolimits`` is left alone); ``\\mathrm{d}`` (one letter,
  which latex2mathml would set italic) becomes ``\\mathrm d``.
* ``correct`` edits the element tree after conversion: thin spaces around
  operator names (TeX's Op atom: ``\\log p``), primes set beside their base
  rather than raised a second time, ``mathvariant`` (ignored by MathML Core)
  turned into Unicode's mathematical letters, and delimiters after
  ``\\big``/``\\Big`` without their backslash; in scripts, no space around
  relations and binary operators (TeX spaces them only in display and text style).
* ``split_tag`` takes a display formula's ``\\tag{}`` out, for the page to show
  it where it shows equation numbers.

Column alignment (``columnalign`` on ``mtd``) is done by the site's CSS.
"""

from __future__ import annotations

import re
import unicodedata
from html import unescape
from functools import lru_cache
from xml.etree.ElementTree import Element
from xml.sax.saxutils import escape

from .mathml_shapes import (TAG_MARK, fence_matrix, lift_tagged_table, mark_tags, tags_to_column, unmark_tag,
                            widen_accent)

#: TeX's operator names that latex2mathml writes as ``<mi>`` (``\log``, ...).
FUNCTION_NAMES = frozenset(
    "arccos arcsin arctan arg cos cosh cot coth csc deg det dim exp gcd hom inf ker lg lim "
    "liminf limsup ln log max min Pr sec sin sinh sup tan tanh".split())
# Named operators whose scripts go under/over in display style (TeX's \mathop with \limits).
_LIMITS_OPS = r"max|min|lim|limsup|liminf|sup|inf|det|Pr|gcd"
_ADD_LIMITS = re.compile(
    r"(\\(?:" + _LIMITS_OPS + r")(?![A-Za-z])|\\operatorname\*\s*\{[^{}]*\})(?=\s*[_^])")
_MATHRM_LETTER = re.compile(r"\\mathrm\s*\{\s*([A-Za-z])\s*\}")
_TAG = re.compile(r"\\tag(\*?)\s*\{([^{}]*)\}")
_TEXT_START = re.compile(r"\\(?:text(?:rm|bf|it|tt|sf|up|normal)?|mbox)\s*\{")
_TEXT_ESCAPES = {"\\{": "\ue000", "\\}": "\ue001", "\\%": "\ue002", "\\$": "\ue003",
                 "\\&": "\ue004", "\\#": "\ue005", "\\_": "\ue006"}
_PLACEHOLDERS = {v: k[1] for k, v in _TEXT_ESCAPES.items()}
_ESCAPE = re.compile(r"\\[{}%$&#_]")
_DELIMITERS = {"\\{": "{", "\\}": "}", "\\|": "\u2016", "\\langle": "\u27e8", "\\rangle": "\u27e9",
               "\\lvert": "|", "\\rvert": "|", "\\lVert": "\u2016", "\\rVert": "\u2016",
               "\\lfloor": "\u230a", "\\rfloor": "\u230b", "\\lceil": "\u2308", "\\rceil": "\u2309"}
_PRIMES = frozenset("\u2032\u2033\u2034\u2057")
_CLOSING = frozenset(")]}|\u2016\u27e9\u230b\u2309")
_SCRIPTED = frozenset(("msub", "msup", "msubsup", "munder", "mover", "munderover"))
_UNDER_OVER = frozenset(("munder", "mover", "munderover"))
# Elements whose children are laid out in a row (MathML's inferred mrow).
_ROWS = frozenset(("math", "mrow", "mtd", "mstyle", "msqrt", "mpadded", "mphantom"))
_THIN = "0.1667em"
_LARGE_RANGES = (("\u2210", "\u2211"), ("\u222b", "\u2233"), ("\u22c0", "\u22c3"), ("\u2a00", "\u2a0c"),
                 ("\u220f", "\u220f"))
_VARIANT_NAMES = {"bold": "BOLD", "italic": "ITALIC", "bold-italic": "BOLD ITALIC",
                  "double-struck": "DOUBLE-STRUCK", "script": "SCRIPT", "bold-script": "BOLD SCRIPT",
                  "fraktur": "FRAKTUR", "bold-fraktur": "BOLD FRAKTUR", "sans-serif": "SANS-SERIF",
                  "bold-sans-serif": "SANS-SERIF BOLD", "sans-serif-italic": "SANS-SERIF ITALIC",
                  "sans-serif-bold-italic": "SANS-SERIF BOLD ITALIC", "monospace": "MONOSPACE"}
# Letters Unicode placed in Letterlike Symbols before the mathematical block existed.
_HOLES = {("ITALIC", "h"): "\u210e", ("SCRIPT", "B"): "\u212c", ("SCRIPT", "E"): "\u2130",
          ("SCRIPT", "F"): "\u2131", ("SCRIPT", "H"): "\u210b", ("SCRIPT", "I"): "\u2110",
          ("SCRIPT", "L"): "\u2112", ("SCRIPT", "M"): "\u2133", ("SCRIPT", "R"): "\u211b",
          ("SCRIPT", "e"): "\u212f", ("SCRIPT", "g"): "\u210a", ("SCRIPT", "o"): "\u2134",
          ("FRAKTUR", "C"): "\u212d", ("FRAKTUR", "H"): "\u210c", ("FRAKTUR", "I"): "\u2111",
          ("FRAKTUR", "R"): "\u211c", ("FRAKTUR", "Z"): "\u2128", ("DOUBLE-STRUCK", "C"): "\u2102",
          ("DOUBLE-STRUCK", "H"): "\u210d", ("DOUBLE-STRUCK", "N"): "\u2115",
          ("DOUBLE-STRUCK", "P"): "\u2119", ("DOUBLE-STRUCK", "Q"): "\u211a",
          ("DOUBLE-STRUCK", "R"): "\u211d", ("DOUBLE-STRUCK", "Z"): "\u2124"}


def prepare(latex: str, display: bool) -> str:
    """The LaTeX latex2mathml should read: text escapes hidden, display limits asked for."""
    if "\\" not in latex:
        return latex
    if "\\text" in latex or "\\mbox" in latex:
        latex = _hide_text_escapes(latex)
    if "\\mathrm" in latex:
        latex = _MATHRM_LETTER.sub(r"\\mathrm \1 ", latex)
    if display and ("\\operatorname*" in latex or "_" in latex or "^" in latex):
        latex = _ADD_LIMITS.sub(r"\1\\limits", latex)
    if display and "\\tag" in latex:  # several (one is split_tag's): each row's number (mathml_shapes)
        latex = mark_tags(latex)
    return latex


def split_tag(latex: str) -> tuple[str, str | None]:
    """``latex`` without its one ``\\tag{..}``, and the number it sets (``(3)``;
    ``\\tag*{..}`` without parentheses), or ``(latex, None)`` when there is no
    single tag.  The number goes beside the equation, where the page puts numbers,
    not inside the formula as text."""
    if "\\tag" not in latex:
        return latex, None
    tags = _TAG.findall(latex)
    if len(tags) != 1:
        return latex, None
    star, text = tags[0]
    number = text.strip() if star else f"({text.strip()})"
    return _TAG.sub("", latex, count=1), number


def restore_text(mathml: str) -> str:
    """Put back the characters ``prepare`` hid in text (they come back as themselves)."""
    for placeholder, char in _PLACEHOLDERS.items():
        if placeholder in mathml:
            mathml = mathml.replace(placeholder, {"&": "&amp;"}.get(char, char))
    return mathml


def _hide_text_escapes(latex: str) -> str:
    out: list[str] = []
    pos = 0
    for match in _TEXT_START.finditer(latex):
        if match.start() < pos:  # inside a text group already handled
            continue
        end = _group_end(latex, match.end())
        if end is None:
            break  # unbalanced: the brace check reports it
        out.append(latex[pos:match.end()])
        text = latex[match.end():end]
        if "\\" in text:
            text = _ESCAPE.sub(lambda m: _TEXT_ESCAPES[m.group()], _flatten_text(text))
        out.append(text)
        pos = end
    out.append(latex[pos:])
    return "".join(out)


def _flatten_text(text: str) -> str:
    """Text with every ``\\text{..}`` inside it replaced by its words (TeX sets
    them the same; latex2mathml would show the inner command raw)."""
    while True:
        match = _TEXT_START.search(text)
        if match is None:
            return text
        end = _group_end(text, match.end())
        if end is None:
            return text
        text = text[:match.start()] + text[match.end():end] + text[end + 1:]


def _group_end(latex: str, start: int) -> int | None:
    """Index of the ``}`` closing the group that starts at ``start``."""
    depth = 1
    i = start
    while i < len(latex):
        char = latex[i]
        if char == "\\":
            i += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


def correct(element: Element, display: bool, script: bool = False) -> None:
    """Apply TeX's conventions to the tree in place (see the module's docstring);
    ``script``: the element is inside a sub- or superscript, under or over."""
    tag = element.tag
    variant = element.get("mathvariant")
    if variant is not None and variant != "normal" and element.text:
        style = _VARIANT_NAMES.get(variant)
        if style:
            element.text = escape("".join(_styled(char, style) for char in _chars(element)))
            del element.attrib["mathvariant"]
    if tag == "mo":
        text = element.text or ""
        if text.startswith("\\") and text in _DELIMITERS:
            element.text = _DELIMITERS[text]
        if script and "lspace" not in element.attrib and not _is_large(element):
            # TeX's relations and binary operators have space only in display and text style.
            element.set("lspace", "0")
            element.set("rspace", "0")
    elif tag == "mtext" and element.text and element.text[0] == TAG_MARK:
        unmark_tag(element)
    scripted = tag in _SCRIPTED
    for index, child in enumerate(list(element)):
        if child.tag == "msup" and len(child) == 2 and _is_prime(child[1]):
            _unraise_prime(child)
        elif child.tag == "mtable":  # mathml_shapes: a matrix's delimiters, the rows' tags
            fence_matrix(element, index)
            tags_to_column(child)
        correct(child, display, script or (scripted and index > 0))
    if tag == "mover":
        widen_accent(element)
    elif tag == "math":
        lift_tagged_table(element)
    if tag in _UNDER_OVER and len(element) and _name_kind(element[0]) == "op" and element[0].tag == "mo":
        # Under/over in display only; movable so TeX's text style (fractions, scripts) sets them beside.
        element[0].set("movablelimits", "true")
    if tag in _ROWS and len(element) > 1:
        _space_operator_names(element)


def _is_large(mo: Element) -> bool:
    """An n-ary operator (``\\sum``, ``\\int``, ``\\bigcup``), which keeps its spacing."""
    text = _chars(mo)
    return len(text) == 1 and any(lo <= text <= hi for lo, hi in _LARGE_RANGES)


def _chars(element: Element) -> str:
    """The element's text as characters: latex2mathml writes most as ``&#x...;``."""
    text = element.text or ""
    return unescape(text) if "&" in text else text


def _is_prime(script: Element) -> bool:
    if script.tag == "mrow" and len(script) == 1 and not script.text:
        script = script[0]  # f^{\prime}
    text = _chars(script)
    return len(script) == 0 and bool(text) and all(c in _PRIMES for c in text)


def _unraise_prime(msup: Element) -> None:
    """``f'``: Unicode's prime is already a raised glyph; a superscript raises it twice."""
    prime = msup[1]
    if prime.tag == "mrow":
        msup.remove(prime)
        prime = prime[0]
        prime.tail = None
        msup.append(prime)
    prime.tag = "mo"
    prime.attrib.clear()
    prime.set("lspace", "0")
    prime.set("rspace", "0")
    msup.tag = "mrow"


def _name_kind(element: Element) -> str:
    """"op" for an operator name (scripted or not), "fence" for an opening or closing
    mo, "mo" for another operator, "space", or "ord" for everything else."""
    tag = element.tag
    if tag == "mi":
        return "op" if element.text in FUNCTION_NAMES else "ord"
    if tag == "mo":
        text = _chars(element)
        if text.isalpha() and len(text) > 1:
            return "op"
        return "close" if text in _CLOSING and element.get("form") != "prefix" else "mo"
    if tag in _SCRIPTED and len(element):
        return "op" if _name_kind(element[0]) == "op" else "ord"
    if tag == "mspace":
        return "space"
    if tag == "mrow" and len(element) and element[0].tag == "mo":
        return "fenced" if element[0].get("fence") == "true" else "mo"
    return "ord"


def _space_operator_names(row: Element) -> None:
    """TeX's thin space between an Op atom and an ordinary neighbour (``\\log p``,
    ``2\\log x``, ``)\\sin``); none before ``(`` or a relation, as in TeX."""
    kinds = [_name_kind(child) for child in row]
    if "op" not in kinds:
        return
    for child, kind in zip(row, kinds):
        if kind == "op" and child.tag == "mo":
            child.set("lspace", "0")
            child.set("rspace", "0")
        elif kind == "op" and child.tag in _SCRIPTED:
            core = child[0]
            if core.tag == "mo":
                core.set("lspace", "0")
                core.set("rspace", "0")
    inserts = []
    for i in range(len(kinds) - 1):
        left, right = kinds[i], kinds[i + 1]
        if (left == "op" and right in ("ord", "op")) or (right == "op" and left in ("ord", "close", "fenced")):
            inserts.append(i + 1)
    for i in reversed(inserts):
        row.insert(i, Element("mspace", {"width": _THIN}))


@lru_cache(maxsize=None)
def _styled(char: str, style: str) -> str:
    """``char`` in a mathematical style (``BOLD ITALIC``...), or itself when Unicode has none."""
    hole = _HOLES.get((style, char))
    if hole:
        return hole
    try:
        name = unicodedata.name(char)
    except ValueError:
        return char
    for prefix, kind in (("LATIN CAPITAL LETTER ", "CAPITAL "), ("LATIN SMALL LETTER ", "SMALL "),
                         ("GREEK CAPITAL LETTER ", "CAPITAL "), ("GREEK SMALL LETTER ", "SMALL "),
                         ("DIGIT ", "DIGIT "), ("GREEK ", "")):
        if name.startswith(prefix):
            rest = name[len(prefix):]
            if prefix == "GREEK ":
                rest = rest.replace("LUNATE ", "").replace(" SYMBOL", "") + " SYMBOL"
            try:
                return unicodedata.lookup(f"MATHEMATICAL {style} {kind}{rest}")
            except KeyError:
                return char
    return char
