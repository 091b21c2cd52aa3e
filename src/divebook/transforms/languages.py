"""Language views of a translated book: one language each, or both side by side.

The reader leaves a bilingual page as ``Translated`` pairs.  Before
numbering, a view keeps one side of every pair:

* the **translation** view (the book's ``[project] lang``, the default)
  keeps each translation; an original with no translation stays as
  ``Translated(original, None)`` so writers can show it marked as
  untranslated (in the original language);
* the **original** view (``[translation] origin_lang``) keeps each
  original and drops what the translator added.

Each view is then numbered, labelled and cited on its own
(``resolve_book``), so references read "그림 3.1.2" in one and "Fig. 3.1.2"
in the other.  The **side-by-side** view is made afterwards from the two
resolved views, pair by pair: ``Translated(original, translation)`` with
both sides numbered and linked in their own language.

Where each view is written (``prefix`` inside ``OUT/html``): the default
language at the root, the other language in ``<lang>/``, the side-by-side
pages in ``bilingual/``.  A one-language book has no views: it is resolved
as it always was.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Callable

from ..tree import (
    Block, Book, Directive, Figure, FootnoteDef, Heading, ListBlock, MathBlock, Page, Quote, Table,
    TabContent, Translated, walk_blocks,
)
from . import resolve_book

if TYPE_CHECKING:
    from ..build import BuildContext
    from ..reader.languages import LanguagePair

TRANSLATION, ORIGINAL, SIDE_BY_SIDE = "translation", "original", "side-by-side"
#: Folder of the side-by-side pages inside the website.
SIDE_BY_SIDE_DIR = "bilingual"
#: Prefix of the anchors of the original side in side-by-side pages (ids stay unique).
ORIGINAL_ANCHOR = "original-"


@dataclass
class LanguageView:
    """One rendering of a translated book."""

    lang: str  # the language of the view's text (the translation's for side by side)
    kind: str  # TRANSLATION | ORIGINAL | SIDE_BY_SIDE
    prefix: str  # where its pages go inside OUT/html: "", "en/", "bilingual/"
    book: Book
    langs: LanguagePair

    @property
    def default(self) -> bool:
        return self.prefix == ""


# --------------------------------------------------------------------------
# Keeping one side
# --------------------------------------------------------------------------


def _map_children(block: Block, fn: Callable[[list[Block]], list[Block]]) -> Block:
    if isinstance(block, ListBlock):
        return replace(block, items=[fn(item) for item in block.items])
    if isinstance(block, (Quote, TabContent, Directive, FootnoteDef)):
        return replace(block, children=fn(block.children))
    return block


def _marked(block: Block, stale: bool) -> Block:
    """An untranslated block, marked leaf by leaf so containers keep working (tabs, lists)."""
    if isinstance(block, (ListBlock, Quote, TabContent, Directive, FootnoteDef)):
        return _map_children(block, lambda blocks: [_marked(b, stale) for b in blocks])
    if isinstance(block, (Heading, Figure, Table)) or type(block).__name__ == "Paragraph":
        return Translated(block, None, block.pos, stale=stale)
    return block  # code, math and the like read the same in every language


def keep_language(blocks: list[Block], side: str) -> list[Block]:
    """The blocks as the ``side`` (TRANSLATION or ORIGINAL) view shows them."""
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, Translated):
            if side == ORIGINAL:
                if block.original is not None:
                    out.append(block.original)
            elif block.translation is not None:
                out.append(block.translation)
                out.extend(block.more)
            elif block.original is not None:
                out.append(_marked(block.original, block.stale))
        else:
            out.append(_map_children(block, lambda b: keep_language(b, side)))
    return out


def _first_heading(blocks: list[Block]) -> list:
    return next((b.children for b in walk_blocks(blocks) if isinstance(b, Heading)), [])


def resolve_page_language(page: Page, side: str, lang: str) -> None:
    page.blocks = keep_language(page.blocks, side)
    page.title = _first_heading(page.blocks)
    page.lang = lang


# --------------------------------------------------------------------------
# Side by side
# --------------------------------------------------------------------------


def _original_side(block: Block, translated: bool) -> Block:
    """A copy of an original block for the side-by-side page.

    When the translation beside it carries the same anchors, the original's
    get a prefix so that ids stay unique; an untranslated block keeps them.
    """
    if not translated:
        return block
    block = copy.deepcopy(block)
    for b in walk_blocks([block]):
        if isinstance(b, (Heading, Figure, Table, MathBlock)) and b.anchor:
            b.anchor = ORIGINAL_ANCHOR + b.anchor
    return block


def side_by_side(paired: list[Block], translated: list[Block], original: list[Block]) -> list[Block]:
    """Walk the pairs and both resolved views together; pairs get both resolved sides."""
    out: list[Block] = []
    ti = oi = 0
    for block in paired:
        if isinstance(block, Translated):
            if block.translation is not None:
                count = 1 + len(block.more)
                sides = translated[ti:ti + count]
            else:
                count = 1 if block.original is not None else 0
                sides = []
            ti += count
            orig = None
            if block.original is not None:
                orig = _original_side(original[oi], block.translation is not None)
                oi += 1
            out.append(Translated(orig, sides[0] if sides else None, block.pos, block.stale,
                                  list(sides[1:])))
            continue
        t_block, o_block = translated[ti], original[oi]
        ti, oi = ti + 1, oi + 1
        if isinstance(block, ListBlock):
            t_block = replace(t_block, items=[side_by_side(p, t, o) for p, t, o in
                                              zip(block.items, t_block.items, o_block.items)])  # type: ignore[union-attr]
        elif isinstance(block, (Quote, TabContent, Directive, FootnoteDef)):
            t_block = replace(t_block, children=side_by_side(block.children, t_block.children,  # type: ignore[union-attr]
                                                             o_block.children))  # type: ignore[union-attr]
        out.append(t_block)
    return out


# --------------------------------------------------------------------------
# The transform stage for a translated book
# --------------------------------------------------------------------------


def check_lang_option(lang: str | None, config) -> None:  # type: ignore[no-untyped-def]
    """``--lang``: a language of the book, or ``all``; a UsageError otherwise."""
    from ..build import UsageError
    from ..reader.bilingual import book_languages
    from ..reader.languages import base_lang

    if lang in (None, "all"):
        return
    langs = book_languages(config)
    known = [langs.translation, langs.origin] if langs else [config.lang]
    if base_lang(lang) not in {base_lang(k) for k in known} and lang not in known:
        raise UsageError(f"--lang {lang}: the book is written in {' and '.join(known)}"
                         + ("" if langs else " (set [translation] origin_lang for a translated book)"))


def _selected(lang: str | None, langs: LanguagePair) -> list[str]:
    """The view kinds to build for ``--lang``."""
    from ..reader.languages import base_lang

    if lang in (None, "all"):
        return [TRANSLATION, ORIGINAL, SIDE_BY_SIDE]
    if base_lang(lang) == base_lang(langs.origin) and lang != langs.translation:
        return [ORIGINAL]
    return [TRANSLATION]


def view_prefix(kind: str, langs: LanguagePair) -> str:
    if kind == TRANSLATION:
        return ""
    if kind == ORIGINAL:
        return f"{langs.origin}/"
    return f"{SIDE_BY_SIDE_DIR}/"


def has_originals(book: Book) -> bool:
    """Whether any page holds original-language text (interleaved, or in ``x_origin.md``).

    A book configured as a translation whose sources are the translation
    alone (d2l-zh: d2lbook's ``[translation]`` only names where its machine
    translation came from) is built as a one-language book.
    """
    return any(isinstance(block, Translated) and block.original is not None
               for page in book.pages.values() for block in walk_blocks(page.blocks))


def resolve_languages(ctx: "BuildContext") -> bool:
    """For a translated book: status, views and their resolution; False for a one-language book.

    ``ctx.book`` becomes the first selected view (the translation unless
    ``--lang`` names the original), resolved in place; ``ctx.views`` lists
    every view to write.
    """
    from ..reader.bilingual import book_languages
    from ..translation import mark_stale, translation_status

    assert ctx.book is not None
    langs = book_languages(ctx.config)
    if langs is None or not has_originals(ctx.book):
        return False  # one language (a book whose pages hold the translation alone is one too)
    book = ctx.book
    git = mark_stale(book, ctx.config, ctx.store, ctx.diags, ctx.jobs)
    ctx.extra["translation"] = translation_status(book, langs, git)
    kinds = _selected(ctx.options.lang, langs)
    ctx.extra["langs"] = [langs.translation, langs.origin] if kinds[0] == TRANSLATION \
        else [langs.origin, langs.translation]

    paired = {source: page.blocks for source, page in book.pages.items()}
    others: dict[str, Book] = {}
    for kind in kinds[1:]:
        if kind == ORIGINAL:
            others[kind] = copy.deepcopy(book)
    main_kind = kinds[0]
    views: list[LanguageView] = []
    for kind, view_book in [(main_kind, book)] + list(others.items()):
        side, lang = (TRANSLATION, langs.translation) if kind == TRANSLATION else (ORIGINAL, langs.origin)
        for page in view_book.pages.values():
            resolve_page_language(page, side, lang)
        view_book.lang = lang
        # Problems found in both views are reported once (Diagnostics.sorted drops repeats).
        resolve_book(view_book, ctx.config, ctx.store, ctx.diags)
        views.append(LanguageView(lang, kind, view_prefix(kind, langs), view_book, langs))
    if SIDE_BY_SIDE in kinds:
        tbook, obook = book, others[ORIGINAL]
        pages = {source: replace(page, blocks=side_by_side(paired[source], page.blocks,
                                                           obook.pages[source].blocks))
                 for source, page in tbook.pages.items()}
        sbs = replace(tbook, pages=pages)
        views.append(LanguageView(langs.translation, SIDE_BY_SIDE, view_prefix(SIDE_BY_SIDE, langs),
                                  sbs, langs))
    ctx.views = views
    ctx.extra["views"] = [{"lang": v.lang, "kind": v.kind, "html": v.prefix} for v in views]
    return True



def language_books(ctx: "BuildContext") -> list[LanguageView]:
    """The one-language views to write as documents (a PDF per language), default first.

    A one-language book has none: writers then use ``ctx.book`` as always.
    """
    return [view for view in ctx.views if view.kind != SIDE_BY_SIDE]
