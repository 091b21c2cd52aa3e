"""The starter book, built for real: every target, every tab, every language.

The build goes to ``starter/_build`` — where ``make demo`` puts it — so
after ``make demo`` the tests find everything in the cache and build in
seconds; on their own they run every page once (a few minutes).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from divebook.cli import main
from divebook.config import Config, load_config
from divebook.diagnostics import Diagnostics
from divebook.reader.book import read_book
from divebook.transforms.tabs import code_for_tab
from divebook.tree import Book, CodeCell, walk_blocks

STARTER = Path(__file__).resolve().parents[2] / "starter"
OUT = STARTER / "_build"


def read_starter(root: Path = STARTER) -> tuple[Config, Book]:
    diags = Diagnostics()
    config = load_config(root, diags)
    return config, read_book(config, None, 1, diags)


def page_cells(book: Book, source: str, tab: str) -> list[str]:
    """The code of ``source`` that tab ``tab`` runs, cell by cell."""
    page = book.pages[source]
    return [code_for_tab(block.source, tab) for block in walk_blocks(page.blocks)
            if isinstance(block, CodeCell) and block.executable and tab in block.tabs]


def runs_in(book: Book, source: str, tab: str, tabs: tuple[str, ...] = ("pytorch", "mxnet")) -> bool:
    """Whether the build runs ``source`` in ``tab`` (d2lbook's rule: a page whose cells are all
    shared runs in the default tab only; another tab runs when some cell names it)."""
    cells = [b for b in walk_blocks(book.pages[source].blocks) if isinstance(b, CodeCell) and b.executable]
    if tab == tabs[0]:
        return any(tab in c.tabs for c in cells)
    return any(tab in c.tabs and len(c.tabs) < len(tabs) for c in cells)


@lru_cache(maxsize=1)
def build_starter() -> tuple[int, Path]:
    """``divebook build all --tab all -C starter`` once per test session: (status, OUT)."""
    status = main(["build", "all", "--tab", "all", "-C", str(STARTER), "-q"])
    return status, OUT
