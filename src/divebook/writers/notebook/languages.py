"""Notebooks of a translated book: one set per language, each in its language only.

A page in the interleaved layout holds every block twice, original then
translation, and a notebook is sliced from the page's text; so each
language's notebook leaves out the lines of the other language's side of
every pair (found from the side-by-side view, whose ``Translated`` pairs
carry both sides with their lines).  An original with no translation stays
in the translation's notebook, as the website shows it.  The d2lbook roles
that Jupyter cannot show become text, as that language's website writes
them: ``:numref:`` "그림 3.1.2", ``:cite:`` "(Smith et al., 2020)", and
``:label:`` marks go.

Where they go (the website's layout, see writers/downloads.py): the book's
language as any book's notebooks, ``OUT/notebooks/<tab>/<page>.ipynb``; the
original's under ``OUT/notebooks/<tab>/<lang>/`` (the page's address in the
original's site), zipped as ``<name>-<lang>-<tab>.zip``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Callable

from ...languages.i18n import reference_text
from ...tree import (
    Block, Book, Cite, CiteEntry, CodeCell, Page, Ref, Translated, page_inlines, walk_blocks,
)

if TYPE_CHECKING:
    from ...context import BuildContext

_ROLE = re.compile(r":(numref|ref|eqref|cite|citet|citep|label|eqlabel):`([^`]*)`")
_EXPLICIT = re.compile(r"^(.*?)\s*<([^<>]+)>\s*$", re.S)


@dataclass
class NotebookLanguage:
    """How one language's notebooks are cut from the pages."""

    lang: str
    prefix: str  # "" for the book's language, "en/" for the original's
    book: Book  # the language's resolved view (numbers and citations in its language)
    drop: dict[str, set[int]]  # source -> lines of the other language

    def page(self, source: str) -> Page:
        return self.book.pages[source]

    def prose(self, source: str) -> Callable[[str], str]:
        """Markdown of ``source`` with its roles as this language's text."""
        refs, cites = _targets(self.book.pages[source])
        lang = self.lang

        def rewrite(md: str) -> str:
            def role(m: re.Match[str]) -> str:
                kind, inside = m.group(1), m.group(2)
                if kind in ("label", "eqlabel"):
                    return ""
                if kind in ("cite", "citet", "citep"):
                    entries = [cites.get(k.strip()) for k in inside.split(",") if k.strip()]
                    if not entries or any(e is None for e in entries):
                        return m.group(0)
                    return _cite_text(kind, entries)  # type: ignore[arg-type]
                explicit = _EXPLICIT.match(inside)
                text, target = (explicit.group(1), explicit.group(2)) if explicit else (None, inside)
                ref = refs.get((kind, target.strip()))
                if ref is None:
                    return m.group(0)
                return reference_text(replace(ref, text=text), lang)

            text = _ROLE.sub(role, md)
            return re.sub(r"(?m)^[ \t]+$", "", text)  # a line that held only a label

        return rewrite


def notebook_languages(ctx: "BuildContext") -> list[NotebookLanguage] | None:
    """The languages to write notebooks for, or None for a one-language book (or a build of
    one language of a translated book, which has no side-by-side view to pair the lines)."""
    from ...languages.views import ORIGINAL, SIDE_BY_SIDE, TRANSLATION

    views = {view.kind: view for view in ctx.views}
    if SIDE_BY_SIDE not in views:
        return None
    pairs = views[SIDE_BY_SIDE].book
    found = []
    for kind in (TRANSLATION, ORIGINAL):
        view = views.get(kind)
        if view is None:
            continue
        drop = {source: _other_side(page, keep_original=kind == ORIGINAL)
                for source, page in pairs.pages.items()}
        found.append(NotebookLanguage(view.lang, view.prefix, view.book, drop))
    return found


def _other_side(page: Page, keep_original: bool) -> set[int]:
    """Lines of ``page``'s file that belong to the side of each pair that is not kept.

    A side runs from its first line to the line before a blank one, the start of
    another side or a code cell (lists pair item by item, with no blank line between).
    """
    lines = page.text.split("\n")
    others: list[Block] = []
    starts: set[int] = set()
    for block in walk_blocks(page.blocks):
        if isinstance(block, CodeCell):
            starts.add(block.pos.line)
        if not isinstance(block, Translated):
            continue
        translation = [b for b in (block.translation, *block.more) if b is not None]
        if keep_original:  # the original's notebook: no translation, no translator's addition
            others += translation
        elif block.original is not None and translation:  # an untranslated original stays
            others.append(block.original)
        for side in (block.original, *translation):
            if side is not None and side.pos.file == page.source:
                starts.add(side.pos.line)
    drop: set[int] = set()
    for side in others:
        if side.pos.file != page.source:
            continue
        line = start = side.pos.line
        while line <= len(lines) and (line == start or (line not in starts and lines[line - 1].strip())):
            drop.add(line)
            line += 1
    return drop


def _targets(page: Page) -> tuple[dict[tuple[str, str], Ref], dict[str, CiteEntry]]:
    """The page's resolved references by (role, target) and citations by key."""
    refs: dict[tuple[str, str], Ref] = {}
    cites: dict[str, CiteEntry] = {}
    for node in page_inlines(page.blocks):
        if isinstance(node, Ref) and node.resolved:
            refs.setdefault((node.kind, node.target), node)
        elif isinstance(node, Cite):
            for entry in node.entries:
                if entry.found:
                    cites.setdefault(entry.key, entry)
    return refs, cites


def _cite_text(kind: str, entries: list[CiteEntry]) -> str:
    """As the website writes a citation: "Smith et al. (2020)" or "(Smith et al., 2020; ...)"."""
    if kind == "citet":
        return ", ".join(f"{e.authors} ({e.year})" for e in entries)
    return "(" + "; ".join(f"{e.authors}, {e.year}" for e in entries) + ")"
