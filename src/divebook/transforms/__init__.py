"""Whole-book passes that run after reading (and execution), before writing.

Each pass is a function of the book (and what it needs), in its own module;
``resolve_book`` runs them in the order they depend on each other.
"""

from __future__ import annotations

from ..cache import Store
from ..config import Config
from ..diagnostics import Diagnostics
from ..tree import Book
from .citations import resolve_citations
from .numbering import number_book
from .references import collect_targets, resolve_references
from .typography import smarten_book


def resolve_book(book: Book, config: Config, store: Store | None, diags: Diagnostics) -> Book:
    """Number, label, cite and set the punctuation: the book as every writer sees it."""
    number_book(book)
    collect_targets(book, diags)
    resolve_references(book, diags)
    resolve_citations(book, config, store, diags)
    smarten_book(book, config.lang, config.origin_lang)  # after numbering: anchors keep the source's text
    return book
