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


@lru_cache(maxsize=1)
def build_starter() -> tuple[int, Path]:
    """``divebook build all --tab all -C starter`` once per test session: (status, OUT)."""
    status = main(["build", "all", "--tab", "all", "-C", str(STARTER), "-q"])
    return status, OUT
