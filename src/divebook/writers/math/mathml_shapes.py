"""Shapes TeX stretches that latex2mathml leaves at their natural size in Chromium,
and equation numbers of the rows of an alignment.

* ``\\widehat``/``\\widetilde``: latex2mathml writes ASCII ``^``/``~`` over the
  base, which no math font stretches; the combining accents U+0302/U+0303 are
  what a math font's MATH table stretches (``\\hat`` stays one size, as in TeX).
* a matrix's delimiters (``vmatrix``'s ``|``, ``Vmatrix``'s ``‖``): between other
  atoms MathML Core takes them for infix operators, which do not stretch; marked
  as prefix/postfix fences they span the rows, as ``bmatrix``'s brackets do.
* ``\\tag`` in the rows of ``align``: ``mark_tags`` turns each into marked text
  before conversion and ``tags_to_column`` moves each row's number into a last
  column of its own instead of text inside the formula; the site's CSS sets
  that column flush right, as TeX sets equation numbers.
"""

from __future__ import annotations

import re
from html import unescape
from xml.etree.ElementTree import Element, SubElement

TAG_MARK = "\ue010"
_TAG = re.compile(r"\\tag(\*?)\s*\{([^{}]*)\}")
_WIDE_ACCENTS = {"^": "&#x00302;", "~": "&#x00303;"}  # as latex2mathml writes text
_FENCES = frozenset("()[]{}|\u2016\u27e8\u27e9\u230a\u230b\u2308\u2309")


def mark_tags(latex: str) -> str:
    """Each ``\\tag{x}`` as text ``(x)`` marked for ``tags_to_column`` (``\\tag*{x}``: ``x``)."""
    def text(match: re.Match[str]) -> str:
        number = match.group(2).strip() if match.group(1) else f"({match.group(2).strip()})"
        return "\\text{" + TAG_MARK + number + "}"
    return _TAG.sub(text, latex)


def tags_to_column(table: Element) -> None:
    """Move each row's marked tag text into a last cell of that row (class ``eqno``)."""
    rows = [row for row in table if row.tag == "mtr"]
    tags: list[Element | None] = [_take_tag(row) for row in rows]
    if not any(tag is not None for tag in tags):
        return
    table.set("class", "tagged")
    for row, tag in zip(rows, tags):
        # A first, empty cell as wide as the numbers' keeps the equation centred (site CSS).
        row.insert(0, Element("mtd", {"class": "eqpad"}))
        cell = SubElement(row, "mtd", {"class": "eqno"})
        if tag is not None:
            cell.append(tag)


def lift_tagged_table(math: Element) -> None:
    """A formula that is one tagged table: the table straight under ``<math>``, so
    the site's CSS can make it as wide as the display box (an ``mrow`` between
    them would be only as wide as the table)."""
    if len(math) == 1 and math[0].tag == "mrow" and len(math[0]) == 1:
        table = math[0][0]
        if table.tag == "mtable" and table.get("class") == "tagged":
            math.remove(math[0])
            table.tail = None
            math.append(table)


def _take_tag(row: Element) -> Element | None:
    for cell in row:
        for child in list(cell):
            if child.tag == "mtext" and (child.text or "").startswith(TAG_MARK):
                cell.remove(child)
                child.text = child.text[len(TAG_MARK):]  # type: ignore[index]
                child.tail = None
                return child
    return None


def unmark_tag(mtext: Element) -> None:
    """A marked tag left where no row takes it: plain text, as before."""
    text = mtext.text or ""
    if text.startswith(TAG_MARK):
        mtext.text = text[len(TAG_MARK):]


def widen_accent(over: Element) -> None:
    """``\\widehat``/``\\widetilde`` (an ``mover`` without ``accent``, whose script is
    ``^`` or ``~``): a stretchy accent as wide as its base."""
    if len(over) != 2 or over.get("accent") == "true" or over[1].tag != "mo":
        return
    accent = _WIDE_ACCENTS.get(_text(over[1]))
    if accent is None or over[1].get("stretchy") == "false":
        return
    over.set("accent", "true")
    over[1].text = accent
    over[1].set("stretchy", "true")


def fence_matrix(row: Element, index: int) -> None:
    """The delimiters around the table ``row[index]`` (a matrix) span its rows."""
    if index == 0 or index + 1 >= len(row):
        return
    before, after = row[index - 1], row[index + 1]
    if before.tag == "mo" and after.tag == "mo" and _text(before) in _FENCES and _text(after) in _FENCES:
        for mo, form in ((before, "prefix"), (after, "postfix")):
            if mo.get("stretchy") != "false":
                mo.set("form", form)
                mo.set("fence", "true")
                mo.set("stretchy", "true")


def _text(element: Element) -> str:
    text = element.text or ""
    return unescape(text) if "&" in text else text
