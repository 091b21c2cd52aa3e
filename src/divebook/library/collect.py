"""Walk the book in reading order and gather one tab's saved blocks.

Each block remembers where it came from (page, file line) and the label of
the nearest section heading above it, which becomes the block's
"Defined in :numref:`...`" note in the library.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..config import Config
from ..globs import matches
from ..transforms.tabs import code_lines_for_tab, tabs_with_code
from ..tree import Book, CodeCell, Heading, Page, Pos, walk_blocks
from .blocks import MarkProblem, saved_lines


@dataclass(frozen=True, slots=True)
class Saved:
    """One saved block as one tab sees it."""

    code: str
    pos: Pos  # the file and line of the block's first saved line
    page: str
    label: str  # nearest preceding section label on the page ("" if none)
    tab: str


@dataclass(frozen=True, slots=True)
class Problem:
    pos: Pos
    message: str


def library_pages(book: Book, config: Config) -> list[Page]:
    """The pages whose code goes into the library: notebooks in reading order (as d2lbook)."""
    pages = []
    for page in book.ordered_pages():
        if config.notebooks and not matches(page.source, config.notebooks):
            continue
        if matches(page.source, config.non_notebooks):
            continue
        pages.append(page)
    return pages


def saved_in_page(page: Page, tab: str, tab_names: list[str]) -> tuple[list[Saved], list[Problem]]:
    """The blocks ``tab`` saves on ``page``, in order, and the marks that save nothing.

    A tab saves only from the pages it runs (``tabs_with_code``): a page whose
    code is all ``#@tab all`` is the default tab's, as in d2lbook, so its
    helpers are not put into a library whose tab never ran them.
    """
    saved: list[Saved] = []
    problems: list[Problem] = []
    if tab not in tabs_with_code(page, tab_names):
        return saved, problems
    label = ""
    for block in walk_blocks(page.blocks):
        if isinstance(block, Heading):
            if block.label:
                label = block.label
            continue
        if not (isinstance(block, CodeCell) and block.executable and "save" in block.marks):
            continue
        if tab not in block.tabs:
            continue
        code, mapping = code_lines_for_tab(block.source, tab)
        found, marks = saved_lines(code)
        start = block.source_line or block.pos.line + 1
        for item in found:
            line = start + mapping[min(item.first, len(mapping) - 1)]
            saved.append(Saved(item.code, Pos(page.source, line), page.source, label, tab))
        for bad in marks:
            problems.append(_problem(page, start, mapping, bad))
    return saved, problems


def _problem(page: Page, start: int, mapping: list[int], bad: MarkProblem) -> Problem:
    return Problem(Pos(page.source, start + mapping[min(bad.line, len(mapping) - 1)]), bad.message)


def collect_tab(pages: list[Page], tab: str, tab_names: list[str]) -> tuple[list[Saved], list[Problem]]:
    """Every block ``tab`` saves, in reading order (``tab_names``: the book's tabs, default first)."""
    saved: list[Saved] = []
    problems: list[Problem] = []
    for page in pages:
        s, p = saved_in_page(page, tab, tab_names)
        saved.extend(s)
        problems.extend(p)
    return saved, problems
