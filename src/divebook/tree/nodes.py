"""The document tree: plain dataclasses that every stage reads and writes.

The reader builds these nodes from Markdown, the executor attaches outputs to
code cells, transforms fill in numbers and resolved references, and writers
turn them into files.  Every block node carries ``pos`` (source file and
line) so that any stage can report a problem where the author can fix it.
Nothing here knows about Markdown, HTML or LaTeX.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union


@dataclass(frozen=True, slots=True)
class Pos:
    """A place in the book: a path relative to the book root and a 1-based line."""

    file: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file

    # Every node of a page has a Pos, and pages are pickled (cache, workers): a
    # plain tuple pickles and unpickles faster than the frozen dataclass's
    # generic state (which looks up the fields for each object).
    def __getstate__(self) -> tuple[str, int]:
        return (self.file, self.line)

    def __setstate__(self, state: tuple[str, int]) -> None:
        object.__setattr__(self, "file", state[0])
        object.__setattr__(self, "line", state[1])


# --------------------------------------------------------------------------
# Inline nodes
# --------------------------------------------------------------------------


@dataclass(slots=True)
class Text:
    text: str


@dataclass(slots=True)
class Emph:
    children: list[Inline]


@dataclass(slots=True)
class Strong:
    children: list[Inline]


@dataclass(slots=True)
class Strike:
    children: list[Inline]


@dataclass(slots=True)
class Code:
    text: str


@dataclass(slots=True)
class Math:
    """Inline math, LaTeX source without the dollars (``display`` for ``$$..$$`` in text)."""

    latex: str
    display: bool = False


@dataclass(slots=True)
class Link:
    url: str
    children: list[Inline]
    title: str = ""
    #: For links to another page of the book (``../x/y.md#a``) the transform
    #: fills in the page path and anchor so writers can link in their format.
    target_page: str | None = None
    target_anchor: str | None = None


@dataclass(slots=True)
class Image:
    """An image inside running text; ``children`` is the parsed alt text."""

    src: str
    alt: str
    title: str = ""
    children: list[Inline] = field(default_factory=list)


@dataclass(slots=True)
class SoftBreak:
    pass


@dataclass(slots=True)
class HardBreak:
    pass


@dataclass(slots=True)
class RawInline:
    format: str  # "html"
    text: str


@dataclass(slots=True)
class Ref:
    """``:numref:``, ``:ref:`` or ``:eqref:`` — resolved by transforms.references.

    ``text`` is the explicit text of ``:numref:`Figure %s <fig_x>``` forms, if any.
    """

    kind: str  # "numref" | "ref" | "eqref"
    target: str
    pos: Pos
    text: str | None = None
    # Filled by the references transform:
    resolved: bool = False
    label_kind: str = ""  # "section" | "figure" | "table" | "equation" | ...
    number: str | None = None
    title: list[Inline] | None = None
    page: str | None = None  # source path of the page holding the target
    anchor: str | None = None


@dataclass(slots=True)
class Cite:
    """``:cite:``, ``:citet:`` or ``:citep:`` with one or more keys."""

    kind: str  # "cite" | "citet" | "citep"
    keys: list[str]
    pos: Pos
    # Filled by the citations transform: one entry per key, in order.
    entries: list[CiteEntry] = field(default_factory=list)


@dataclass(slots=True)
class CiteEntry:
    key: str
    authors: str  # "Smith and Jones", "Smith et al."
    year: str
    found: bool = True


@dataclass(slots=True)
class FootnoteRef:
    label: str
    number: int = 0


@dataclass(slots=True)
class Role:
    """A role the reader does not know; kept so writers can show it verbatim."""

    name: str
    content: str
    pos: Pos


Inline = Union[
    Text, Emph, Strong, Strike, Code, Math, Link, Image, SoftBreak, HardBreak,
    RawInline, Ref, Cite, FootnoteRef, Role,
]


# --------------------------------------------------------------------------
# Outputs of executed code (attached by the executor)
# --------------------------------------------------------------------------


@dataclass(slots=True)
class Output:
    """One output of a cell, in Jupyter's terms.

    ``kind`` is "stream", "display_data", "execute_result" or "error".
    For streams ``name`` is stdout/stderr and ``text`` the text; for data
    outputs ``data`` maps MIME types to content (str; images base64); for
    errors ``ename``, ``evalue`` and ``traceback`` are set.
    """

    kind: str
    name: str = ""
    text: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    ename: str = ""
    evalue: str = ""
    traceback: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------
# Block nodes
# --------------------------------------------------------------------------


@dataclass(slots=True)
class Heading:
    level: int
    children: list[Inline]
    pos: Pos
    label: str | None = None
    #: Filled by transforms.numbering ("3.1", "3.1.2"); None when unnumbered.
    number: str | None = None
    anchor: str = ""


@dataclass(slots=True)
class Paragraph:
    children: list[Inline]
    pos: Pos


@dataclass(slots=True)
class CodeCell:
    """A fenced code block.

    ``executable`` cells (``{.python .input}``) belong to ``tabs``; display
    cells (```` ```python ````) are shown as they are.  ``source`` has the tab
    line (``%%tab``/``#@tab``) removed; ``marks`` holds the ``#@`` marks found
    (``save``, ``hide``, ``hide_code``, ``hide_output``, ``expect_error``).
    """

    source: str
    pos: Pos
    language: str = "python"
    executable: bool = False
    tabs: list[str] = field(default_factory=list)
    marks: set[str] = field(default_factory=set)
    attrs: dict[str, str] = field(default_factory=dict)
    outputs: list[Output] = field(default_factory=list)
    #: Line in ``pos.file`` where ``source`` starts (after the fence and tab line).
    source_line: int = 0
    #: Line of the closing fence (the cell spans ``pos.line`` .. ``end_line``).
    end_line: int = 0
    #: Filled by the executor: "executed", "cached", "failed", "pending" (``serve`` runs it in
    #: the background) or "" (not run).
    status: str = ""


@dataclass(slots=True)
class MathBlock:
    latex: str
    pos: Pos
    label: str | None = None
    number: str | None = None
    anchor: str = ""


@dataclass(slots=True)
class Figure:
    src: str
    caption: list[Inline]
    pos: Pos
    label: str | None = None
    width: str | None = None
    height: str | None = None
    number: str | None = None
    title: str = ""
    anchor: str = ""


@dataclass(slots=True)
class TableCell:
    children: list[Inline]


@dataclass(slots=True)
class Table:
    head: list[list[TableCell]]
    body: list[list[TableCell]]
    align: list[str]  # "left" | "center" | "right" | "" per column
    pos: Pos
    caption: list[Inline] = field(default_factory=list)
    label: str | None = None
    number: str | None = None
    anchor: str = ""


@dataclass(slots=True)
class ListBlock:
    items: list[list[Block]]
    pos: Pos
    ordered: bool = False
    start: int = 1


@dataclass(slots=True)
class Quote:
    children: list[Block]
    pos: Pos


@dataclass(slots=True)
class TabContent:
    """Prose between ``:begin_tab:`x``` and ``:end_tab:`` — shown for those tabs."""

    tabs: list[str]
    children: list[Block]
    pos: Pos


@dataclass(slots=True)
class TabGroup:
    """Made by transforms.tabs: blocks for several tabs shown as one tab widget.

    ``panels`` maps tab name to its blocks, in the book's tab order.
    """

    panels: dict[str, list[Block]]
    pos: Pos


@dataclass(slots=True)
class TocEntry:
    """One line of a ``toc`` fence; ``page`` is filled when the file exists."""

    text: str
    line: int
    page: str | None = None


@dataclass(slots=True)
class Toc:
    entries: list[TocEntry]
    pos: Pos
    maxdepth: int = 2
    numbered: bool = False


@dataclass(slots=True)
class Raw:
    """Raw content for one format (HTML blocks, ``.. raw:: html``)."""

    format: str
    text: str
    pos: Pos


@dataclass(slots=True)
class Bibliography:
    """``:bibliography:`file.bib``` — the transform fills the cited entries."""

    files: list[str]
    pos: Pos
    #: (key, authors-year label, formatted entry as inline nodes) sorted.
    entries: list[BibItem] = field(default_factory=list)


@dataclass(slots=True)
class BibItem:
    key: str
    label: str
    text: str  # formatted by pybtex, plain text with simple markup kept apart
    html: str = ""
    latex: str = ""


@dataclass(slots=True)
class Directive:
    """An ``eval_rst`` directive we render ourselves (``autoclass``, ``only``...)."""

    name: str
    argument: str
    options: dict[str, str]
    children: list[Block]
    pos: Pos


@dataclass(slots=True)
class Rule:
    pos: Pos


@dataclass(slots=True)
class FootnoteDef:
    label: str
    children: list[Block]
    pos: Pos
    number: int = 0


@dataclass(slots=True)
class Translated:
    """An original block and its translation (bilingual books).

    The language transform keeps one side, or both for the side-by-side view.
    ``translation`` is None while the block is not translated; ``original``
    is None for a translator's addition that has no original.  ``more``
    holds further blocks of the same translation (one paragraph translated
    as two).  ``stale``: the original changed after the translation.
    """

    original: Block | None
    translation: Block | None
    pos: Pos
    stale: bool = False
    more: list[Block] = field(default_factory=list)


Block = Union[
    Heading, Paragraph, CodeCell, MathBlock, Figure, Table, ListBlock, Quote,
    TabContent, TabGroup, Toc, Raw, Bibliography, Directive, Rule, FootnoteDef,
    Translated,
]


# --------------------------------------------------------------------------
# Pages and the book
# --------------------------------------------------------------------------


@dataclass(slots=True)
class Page:
    """One Markdown file of the book."""

    source: str  # path relative to the book root, with "/" separators
    blocks: list[Block]
    front_matter: dict[str, Any] = field(default_factory=dict)
    #: sha256 of the file's bytes; keys every cache.
    digest: str = ""
    #: the Markdown as read (slide marks removed, newlines normalised); notebooks
    #: take their Markdown cells from it, by the lines of the code cells.
    text: str = ""
    title: list[Inline] = field(default_factory=list)
    # Filled by transforms:
    number: str | None = None  # "3.1"; None for unnumbered pages
    part: str = "main"  # "front" | "main" | "back"
    depth: int = 0  # 0 = root, 1 = chapter, 2 = section
    lang: str = ""
    #: a translated book's paired layout: the original of this page (``x_origin.md``)
    origin: Origin | None = None

    @property
    def output(self) -> str:
        """The page's path in the website, e.g. ``chapter_x/y.html``."""
        stem = self.source[:-3] if self.source.endswith(".md") else self.source
        return stem + ".html"


@dataclass(slots=True)
class Origin:
    """The original of a page in the paired layout (``x.md`` + ``x_origin.md``).

    The page itself is ``x.md`` as written: the translation's site shows it
    alone.  The original feeds the other site, the side-by-side page and the
    translation status, so its problems are kept here, not in the build's.
    """

    page: Page  # ``x_origin.md`` as written
    #: the two files aligned: ``Translated(original, translation)`` rows (and the
    #: translation's shared blocks), the very block objects of both pages
    pairs: list[Block] = field(default_factory=list)
    #: pairing problems and problems of ``x_origin.md`` (``Diagnostic``s), for
    #: ``divebook check --translation`` and the status page
    problems: list[Any] = field(default_factory=list)


@dataclass(slots=True)
class TocNode:
    """A page in the book's table of contents, with its children."""

    page: str
    children: list[TocNode] = field(default_factory=list)
    numbered: bool = False
    maxdepth: int = 2
