"""Labels and the references to them, across the whole book.

Collects every ``:label:``/``:eqlabel:`` (headings, figures, tables,
equations) into ``book.targets``, reports duplicates, and resolves
``:numref:``, ``:ref:`` and ``:eqref:`` and links to other pages' ``.md``
files.  Run after numbering, so targets carry their numbers.
"""

from __future__ import annotations

import difflib
import posixpath
from typing import Iterator
from urllib.parse import unquote, urlsplit

from ..diagnostics import Diagnostics
from ..tree import (
    Book, Figure, Heading, Link, MathBlock, Page, Pos, Ref, Table, Target, block_inlines,
    walk_blocks, walk_inlines,
)


def page_targets(page: Page) -> Iterator[Target]:
    """The labelled headings, figures, tables and equations of ``page``, in order."""
    title_seen = False
    for block in walk_blocks(page.blocks):
        if isinstance(block, Heading):
            is_title = not title_seen and block.level == 1
            title_seen = title_seen or is_title
            if not block.label:
                continue
            kind = "chapter" if is_title and page.depth == 1 and page.number else "section"
            yield Target(block.label, kind, page.source, "" if is_title else block.anchor,
                         block.pos, block.number, block.children)
        elif isinstance(block, (Figure, Table, MathBlock)) and block.label:
            kind = {Figure: "figure", Table: "table", MathBlock: "equation"}[type(block)]
            title = block.caption if isinstance(block, (Figure, Table)) else []
            yield Target(block.label, kind, page.source, block.anchor, block.pos, block.number, title)


def collect_targets(book: Book, diags: Diagnostics) -> None:
    """Fill ``book.targets`` from every labelled block, in reading order."""
    book.targets.clear()
    for page in book.ordered_pages() + [book.pages[s] for s in book.orphans]:
        for target in page_targets(page):
            first = book.targets.get(target.label)
            if first is not None:
                diags.warning(target.pos, f"label `{target.label}` is already used at {first.pos}; "
                              "labels must be unique in the book — rename one", "duplicate-label")
                continue
            book.targets[target.label] = target


def resolve_references(book: Book, diags: Diagnostics) -> None:
    """Point every reference and page link at its target; report the ones that miss."""
    for page in book.pages.values():
        resolve_page_references(page, book, diags)


def resolve_page_references(page: Page, book: Book, diags: Diagnostics) -> None:
    """The references and page links of one page, against ``book.targets``."""
    for block in walk_blocks(page.blocks):
        for inlines in block_inlines(block):
            for node in walk_inlines(inlines):
                if isinstance(node, Ref):
                    _resolve_ref(node, book, diags)
                elif isinstance(node, Link):
                    _resolve_link(node, page, block.pos, book, diags)


def _resolve_ref(ref: Ref, book: Book, diags: Diagnostics) -> None:
    target = book.targets.get(ref.target)
    if target is None:
        close = difflib.get_close_matches(ref.target, list(book.targets), n=1)
        hint = f" Did you mean `{close[0]}`?" if close else ""
        diags.warning(ref.pos, f"`:{ref.kind}:` refers to label `{ref.target}`, which no heading, "
                      f"figure, table or equation defines.{hint}", "unresolved-ref")
        ref.resolved = False
        return
    if ref.kind == "eqref" and target.kind != "equation":
        diags.warning(ref.pos, f"`:eqref:` refers to `{ref.target}`, which is a {target.kind}, "
                      "not an equation; use `:numref:`", "ref-kind")
    ref.resolved = True
    ref.label_kind = target.kind
    ref.number = target.number
    ref.title = target.title
    ref.page = target.page
    ref.anchor = target.anchor


def _resolve_link(link: Link, page: Page, pos: Pos, book: Book, diags: Diagnostics) -> None:
    url = link.url
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith("//"):
        return
    if not parts.path:
        return  # "#anchor" on the same page
    path = unquote(parts.path)
    if not path.endswith((".md", ".ipynb")):
        return
    stem = path[: -len(".ipynb")] + ".md" if path.endswith(".ipynb") else path
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page.source), stem))
    if target not in book.pages:
        diags.warning(pos, f"link to `{url}`: there is no page `{target}` in the book; fix the "
                      "path (relative to this file)", "broken-link")
        return
    link.target_page = target
    link.target_anchor = parts.fragment or None
