"""The live preview's first answer to an edit: the edited pages, rendered at once.

A full rebuild of a large book takes a few tenths of a second, most of it
spent on pages the edit did not touch.  ``quick_pages`` re-reads only the
edited pages and resolves them against the last full build — their page
numbers, every label of the book, the bibliography, and the outputs of code
that did not change — renders them, and returns what it wrote.  ``serve``
shows that page, then runs the full rebuild, which corrects whatever the
edit changed elsewhere (other pages' references, the contents, a citation
no page made before, code to run again).
"""

from __future__ import annotations

import time
from dataclasses import replace

from .context import BuildContext
from .diagnostics import Diagnostics
from .execute.attach import rebuild_blocks
from .reader.book import read_pages
from .transforms.citations import cite_page
from .transforms.numbering import number_page
from .transforms.references import page_targets, resolve_page_references
from .transforms.tabs import code_for_tab
from .tree import CodeCell, Page, walk_blocks
from .writers.html.site import write_html


def quick_pages(last: BuildContext, sources: list[str]) -> tuple[list[str], float] | None:
    """Render ``sources`` (edited pages) against the last full build ``last``.

    Returns the site files written and the seconds it took, or None when
    only a full build can answer: a new page, a translated book (its pages
    exist in several views), or no earlier build.
    """
    start = time.perf_counter()
    book = last.book
    if book is None or last.views or not sources or any(s not in book.pages for s in sources):
        return None
    scratch = Diagnostics()  # the full rebuild that follows reports the problems
    fresh = read_pages(last.config, sources, None, 1, scratch)
    pages = dict(book.pages)
    for source, page in fresh.items():
        old = book.pages[source]
        page.number, page.part, page.depth, page.lang = old.number, old.part, old.depth, old.lang
        number_page(page)
        _reuse_outputs(page, old, last.config.tab_names)
        pages[source] = page
    quick = replace(book, pages=pages, targets=dict(book.targets))
    for source in sources:
        for target in page_targets(pages[source]):
            quick.targets[target.label] = target
    for source in sources:
        resolve_page_references(pages[source], quick, scratch)
        cite_page(pages[source], quick)
    result = write_html(quick, last.config, last.out / "html", last.store, scratch, only=set(sources))
    return result.written, time.perf_counter() - start


def _reuse_outputs(page: Page, old: Page, tab_names: list[str]) -> None:
    """Give unchanged cells the outputs they had, the way the execution stage attaches them."""
    known: dict[tuple[str, str], tuple[list, str]] = {}
    for cell in walk_blocks(old.blocks):
        if isinstance(cell, CodeCell) and cell.executable and cell.status:
            for tab in cell.tabs:
                known[(tab, code_for_tab(cell.source, tab))] = (cell.outputs, cell.status)
    per_cell: dict[int, dict[str, tuple[list, str]]] = {}
    for cell in walk_blocks(page.blocks):
        if isinstance(cell, CodeCell) and cell.executable:
            ran = {tab: known[key] for tab in cell.tabs
                   if (key := (tab, code_for_tab(cell.source, tab))) in known}
            if ran:
                per_cell[id(cell)] = ran
    if per_cell:
        page.blocks = rebuild_blocks(page.blocks, per_cell, tab_names)

