"""The whole book: its pages in reading order, its table of contents, its targets.

What the reader hands on, and what transforms resolve in place.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .nodes import BibItem, Inline, Page, Pos, TocNode


@dataclass(slots=True)
class Target:
    """Something a label names, as the references transform records it."""

    label: str
    kind: str  # "section" | "chapter" | "figure" | "table" | "equation"
    page: str  # source path of the page
    anchor: str
    pos: Pos
    number: str | None = None
    title: list[Inline] = field(default_factory=list)



@dataclass(slots=True)
class Book:
    """All pages of a book, in reading order, with their table of contents."""

    root: str  # source path of the root page (index.md)
    pages: dict[str, Page]
    order: list[str]  # reading order: the root, then the toc depth first
    toc: list[TocNode]  # the root page's entries
    orphans: list[str] = field(default_factory=list)  # pages in no toc
    # Filled by transforms:
    targets: dict[str, Target] = field(default_factory=dict)
    bibliography: list[BibItem] = field(default_factory=list)
    bibliography_page: str | None = None  # source of the page with the bibliography
    #: every key of the book's bib files -> (authors, year), for citing on a single page
    bib_entries: dict[str, tuple[str, str]] = field(default_factory=dict)
    lang: str = ""

    def ordered_pages(self) -> list[Page]:
        return [self.pages[p] for p in self.order if p in self.pages]
