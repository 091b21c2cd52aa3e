"""Numbers for pages, headings, figures, tables and equations, as d2l.ai shows them.

* Heading levels are the page's outline, not the number of ``#``: the first
  heading is the title (level 1) whatever its ``#``s, as Sphinx makes the
  first section style the title, and every later heading sits one level
  below the nearest heading before it with fewer ``#``s (the title at
  least).  So a page written with ``##`` titles and ``###`` sections reads
  like one written with ``#`` and ``##``, and a second ``#`` on a page is a
  section of it, never a second page.  Writers see these levels only.
* Pages in a ``:numbered:`` toc are chapters (3) and sections (3.1); pages
  in other tocs of the root page are front matter (before the numbered
  toc) or back matter (after it), and have no numbers.
* A page's own headings continue its number (3.1.2); in a chapter page the
  ``##`` headings and the toc entries share one counter, as in Sphinx.
* Figures, tables and labelled equations are numbered within their section,
  cut to two levels (Figure 3.1.2 anywhere inside section 3.1); a figure
  or table with neither caption nor label is not numbered (Sphinx's rule).
* An equation with one ``\\tag{..}`` has that as its number, labelled or not,
  and takes none from the counter, as in TeX; ``:eqref:`` shows it too.
* Every heading and numbered figure, table and equation gets an HTML anchor.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ..tree import (
    Block, Book, Figure, Heading, MathBlock, Page, Table, Toc, TocNode, child_blocks, plain_text,
)

#: Levels of the section number that prefix figure, table and equation numbers.
FIGURE_PREFIX_DEPTH = 2


_TAG = re.compile(r"\\tag\*?\s*\{([^{}]*)\}")


def equation_tag(latex: str) -> str | None:
    """The number a display formula's one ``\\tag{..}`` gives it, or None (none, or several:
    those belong to rows of an alignment, which stay inside the formula)."""
    if "\\tag" not in latex:
        return None
    tags = _TAG.findall(latex)
    return tags[0].strip() if len(tags) == 1 else None


def slugify(text: str) -> str:
    """An anchor from a title: lower case, words joined by hyphens, any script kept."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[^\w\s-]", "", text)
    return re.sub(r"[\s_-]+", "-", text).strip("-") or "section"


def rank_headings(blocks: list[Block]) -> None:
    """Set each heading's ``level`` to its place in the page's outline (see the module's rules).

    Running it again changes nothing, so a page may be numbered twice (preview).
    """
    open_: list[tuple[int, int]] = []  # (written level, outline level) of the open headings
    for block in _walk(blocks):
        if not isinstance(block, Heading):
            continue
        written = block.level
        if not open_:  # the title
            block.level = 1
        else:
            while len(open_) > 1 and open_[-1][0] >= written:
                open_.pop()
            block.level = open_[-1][1] + 1
        open_.append((written, block.level))


def number_book(book: Book) -> None:
    """Assign ``part``, ``depth`` and numbers to every page and numbered block."""
    root = book.pages.get(book.root)
    if root is None:
        return
    for page in book.pages.values():
        rank_headings(page.blocks)
    root.depth, root.part, root.number = 0, "front", None
    seen_numbered = False
    chapter = 0
    for node in book.toc:
        page = book.pages[node.page]
        if node.numbered:
            seen_numbered = True
            chapter += 1
            _assign(book, node, [chapter], depth=1, part="main")
        else:
            _assign(book, node, None, depth=1, part="back" if seen_numbered else "front")
    for source in book.orphans:
        page = book.pages[source]
        page.part, page.depth, page.number = "back", 1, None
    counters = _FigureCounters()
    for page in book.pages.values():
        _number_blocks(page, counters)


def _assign(book: Book, node: TocNode, number: list[int] | None, depth: int, part: str) -> None:
    page = book.pages[node.page]
    page.depth, page.part = depth, part
    page.number = ".".join(map(str, number)) if number else None
    # The children's numbers continue the page's own "##" headings; they are
    # worked out in _number_blocks when the page's toc is reached.
    child_numbers = _child_numbers(page, number)
    for child, child_number in zip(node.children, child_numbers):
        _assign(book, child, child_number, depth + 1, part)


def _child_numbers(page: Page, number: list[int] | None) -> list[list[int] | None]:
    """Numbers for the toc entries of ``page``, sharing the ``##`` counter."""
    if number is None:
        return [None] * sum(len(b.entries) for b in _walk(page.blocks) if isinstance(b, Toc))
    counter = 0
    numbers: list[list[int] | None] = []
    title_seen = False
    for block in _walk(page.blocks):
        if isinstance(block, Heading):
            if block.level == 1 and not title_seen:
                title_seen = True
            elif block.level <= 2:
                counter += 1
        elif isinstance(block, Toc):
            for entry in block.entries:
                if entry.page is None:
                    continue
                counter += 1
                numbers.append(number + [counter])
    return numbers


def _walk(blocks: list[Block]):  # type: ignore[no-untyped-def]
    for block in blocks:
        yield block
        yield from _walk(list(child_blocks(block)))


@dataclass
class _FigureCounters:
    """Running counts of figures, tables and equations per (kind, section prefix)."""

    counts: dict[tuple[str, str], int] = field(default_factory=dict)

    def next(self, kind: str, prefix: str) -> int:
        key = (kind, prefix)
        self.counts[key] = self.counts.get(key, 0) + 1
        return self.counts[key]


_SHORT = {"figure": "fig", "table": "tab", "equation": "eq"}


def number_page(page: Page) -> None:
    """Numbers and anchors inside one page whose own number is already set (live preview)."""
    rank_headings(page.blocks)
    _number_blocks(page, _FigureCounters())


def _number_blocks(page: Page, counters: _FigureCounters) -> None:
    base = [int(x) for x in page.number.split(".")] if page.number else None
    stack: list[list[int]] = []  # [markdown level, count] of open headings below the title
    title_seen = False
    current = base
    anchors: set[str] = set()

    def unique(anchor: str) -> str:
        candidate, n = anchor, 1
        while candidate in anchors:
            n += 1
            candidate = f"{anchor}-{n}"
        anchors.add(candidate)
        return candidate

    for block in _walk(page.blocks):
        if isinstance(block, Heading):
            if block.level == 1 and not title_seen:
                title_seen = True
                block.number = page.number
                current = base
            elif base is not None:
                level = max(block.level, 2)
                while stack and stack[-1][0] > level:
                    stack.pop()
                if stack and stack[-1][0] == level:
                    stack[-1][1] += 1
                else:
                    stack.append([level, 1])
                current = base + [count for _, count in stack]
                block.number = ".".join(map(str, current))
            block.anchor = unique(block.label or slugify(plain_text(block.children)))
        elif isinstance(block, Toc) and base is not None:
            # toc entries count as "##" sections of this page
            for entry in block.entries:
                if entry.page is None:
                    continue
                while stack and stack[-1][0] > 2:
                    stack.pop()
                if stack and stack[-1][0] == 2:
                    stack[-1][1] += 1
                else:
                    stack.append([2, 1])
        elif isinstance(block, MathBlock) and (tag := equation_tag(block.latex)) is not None:
            block.number = tag
            block.anchor = unique(block.label or "eq-" + (re.sub(r"[^A-Za-z0-9.-]+", "-", tag) or "tag"))
        elif (isinstance(block, (Figure, Table)) and (block.label or plain_text(block.caption).strip())) \
                or (isinstance(block, MathBlock) and block.label):
            # As in Sphinx, a figure or table with neither caption nor label has no number.
            kind = {Figure: "figure", Table: "table", MathBlock: "equation"}[type(block)]
            # Unnumbered pages count their own figures: Figure 1, 2, ...
            prefix = ".".join(map(str, current[:FIGURE_PREFIX_DEPTH])) if current else ""
            count = counters.next(kind, prefix or page.source)
            block.number = f"{prefix}.{count}" if prefix else str(count)
            block.anchor = unique(block.label or f"{_SHORT[kind]}-{block.number}")
