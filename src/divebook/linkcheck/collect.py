"""Every web address of the book, once, with every place that writes it."""

from __future__ import annotations

from urllib.parse import urlsplit

from ..tree import Book, Figure, Image, Link, Pos, block_inlines, walk_inlines
from .internal import html_blocks


def is_web(url: str) -> bool:
    """An ``http(s)`` address with a host (one that cannot be parsed is the internal check's)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def book_urls(books: list[Book], extra: dict[str, Pos] | None = None) -> dict[str, list[Pos]]:
    """``http(s)`` address -> the places (file:line) that write it, across every book given
    (the languages of a translated book), in book order; ``extra``: header links and such."""
    found: dict[str, list[Pos]] = {}

    def add(url: str, pos: Pos) -> None:
        url = url.strip()
        if is_web(url):
            places = found.setdefault(url, [])
            if pos not in places:
                places.append(pos)

    for url, pos in (extra or {}).items():
        add(url, pos)
    for book in books:
        for source in [s for s in book.order if s in book.pages] + list(book.orphans):
            for block in html_blocks(book.pages[source].blocks):
                if isinstance(block, Figure):
                    add(block.src, block.pos)
                for inlines in block_inlines(block):
                    for node in walk_inlines(inlines):
                        if isinstance(node, Link):
                            add(node.url, block.pos)
                        elif isinstance(node, Image):
                            add(node.src, block.pos)
    return found
