"""The paired-files layout: ``x.md`` holds the translation, ``x_origin.md`` its original.

Where the original of a page is, whether a file is one, and reading it (its
problems stay with it; see ``pairing.py`` for how the two are aligned).
"""

from __future__ import annotations

from pathlib import Path

from ..confine import book_file
from ..diagnostics import Diagnostics
from ..tree import Origin


#: Suffix of the original in the paired-files layout: ``x.md`` + ``x_origin.md``.
ORIGIN_SUFFIX = "_origin.md"



def companion_of(source: str) -> str:
    """``ch/x.md`` -> ``ch/x_origin.md``, where the paired layout keeps the original."""
    return source[: -len(".md")] + ORIGIN_SUFFIX



def is_companion(source: str, sources: list[str] | set[str]) -> bool:
    """Whether ``source`` is the original of another page (``x_origin.md`` beside ``x.md``)."""
    if not source.endswith(ORIGIN_SUFFIX):
        return False
    return source[: -len(ORIGIN_SUFFIX)] + ".md" in sources



def companion_bytes(root: Path, source: str) -> bytes:
    """The bytes of ``source``'s original in the paired layout, b"" when it has none."""
    path = book_file(root, companion_of(source))
    if path is None:  # a link out of the book is no original (find_markdown reports it)
        return b""
    try:
        return path.read_bytes()
    except OSError:
        return b""



def read_origin_page(root: Path, source: str, tab_names: list[str]) -> Origin | None:
    """Read ``source``'s ``x_origin.md`` if it has one (the paired layout).

    Its problems stay with it: nothing in the original can fail a build of
    the translation.
    """
    from ..reader.page import read_page

    companion = companion_of(source)
    data = companion_bytes(root, source)
    if not data and (book_file(root, companion) is None or not (root / companion).is_file()):
        return None
    problems = Diagnostics()
    page = read_page(root, companion, data, tab_names, problems)
    return Origin(page, problems=problems.items)
