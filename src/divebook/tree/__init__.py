"""The document tree every stage shares: nodes, the walks over them, the book.

The one interface to ``tree/``: every stage imports from ``divebook.tree``.
It depends on nothing else in divebook (see docs/architecture.md).
"""

from .book import Book, Target  # noqa: F401
from .nodes import (  # noqa: F401
    Bibliography, BibItem, Block, Cite, CiteEntry, Code, CodeCell, Directive, Emph, Figure,
    FootnoteDef, FootnoteRef, HardBreak, Heading, Image, Inline, Link, ListBlock, Math,
    MathBlock, Origin, Output, Page, Paragraph, Pos, Quote, Raw, RawInline, Ref, Role, Rule,
    SoftBreak, Strike, Strong, TabContent, TabGroup, Table, TableCell, Text, Toc, TocEntry,
    TocNode, Translated,
)
from .walk import (  # noqa: F401
    block_inlines, child_blocks, page_inlines, page_math, plain_text, walk_blocks, walk_inlines,
)
