"""Language views of a translated book: one language each, or both side by side.

The reader leaves an interleaved page as ``Translated`` pairs, and a page
in the paired layout as ``x.md`` written, its ``x_origin.md`` kept beside it
(``Page.origin``).  Before numbering, a view keeps one side of every pair:

* the **translation** view (the book's ``[project] lang``, the default)
  keeps each translation; an original with no translation stays as
  ``Translated(original, None)`` so writers can show it marked as
  untranslated (in the original language);
* the **original** view (``[translation] origin_lang``) keeps each
  original and drops what the translator added.

A page in the paired layout is ``x.md`` alone in the translation view, as
d2lbook builds it, and ``x_origin.md`` alone in the original view, under
the translation's tocs (the book has one structure).  Problems of the
original view that are not about text of an interleaved page belong to the
translation's report (``translation.add_problems``), not to the build:
nothing in ``x_origin.md`` can fail a build of the translation.

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

from ..diagnostics import Diagnostic, Diagnostics
from ..tree import (
    Block, Book, Directive, Figure, FootnoteDef, Heading, ListBlock, MathBlock, Page, Pos, Quote,
    Table, TabContent, Text, Toc, Translated, walk_blocks,
)
from ..transforms import resolve_book

if TYPE_CHECKING:
    from ..context import BuildContext
    from .script import LanguagePair

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
    #: whether a problem this view finds in a file is the build's; the others go to
    #: the translation's report (None: every problem is the build's)
    builds_file: Callable[[str], bool] | None = None

    @property
    def default(self) -> bool:
        return self.prefix == ""

    def report(self, ctx: "BuildContext", problems: list[Diagnostic]) -> None:
        """Hand the problems this view found to the build or to the translation's report."""
        if self.builds_file is None:
            ctx.diags.extend(problems)
            return
        from .status import add_problems

        status = ctx.extra.get("translation")
        held = []
        for d in problems:
            if self.builds_file(d.file) or not isinstance(status, dict):
                ctx.diags.items.append(d)
            else:
                held.append(d)
        if held:
            add_problems(status, held)  # type: ignore[arg-type]


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


def _by_pos(blocks: list[Block]) -> dict[Pos, list[Block]]:
    """A view's top-level blocks by where they were written (a cell run per tab is several)."""
    found: dict[Pos, list[Block]] = {}
    for block in blocks:
        found.setdefault(block.pos, []).append(block)  # type: ignore[union-attr]
    return found


def side_by_side_files(pairs: list[Block], translated: list[Block], original: list[Block]) -> list[Block]:
    """Side by side for the paired layout: the alignment of ``x_origin.md`` with ``x.md``
    (``pairs``), each side taken from its own resolved view, as far as it aligns."""
    t_at, o_at = _by_pos(translated), _by_pos(original)
    out: list[Block] = []
    for row in pairs:
        if not isinstance(row, Translated):
            shown = t_at.get(row.pos, [])  # type: ignore[union-attr]
            if shown:
                out.extend(shown)  # code and the like, shared
            else:  # in the original only
                out.extend(Translated(_original_side(o, True), None, o.pos)  # type: ignore[union-attr]
                           for o in o_at.get(row.pos, []))  # type: ignore[union-attr]
            continue
        left = o_at.get(row.original.pos, []) if row.original is not None else []  # type: ignore[union-attr]
        right = [b for side in ([row.translation] if row.translation is not None else []) + row.more
                 for b in t_at.get(side.pos, [])]  # type: ignore[union-attr]
        if left or right:
            out.append(Translated(_original_side(left[0], True) if left else None,
                                  right[0] if right else None, row.pos, row.stale, right[1:]))
    return out


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
    from ..context import UsageError
    from .book import book_languages
    from .script import base_lang

    if lang in (None, "all"):
        return
    langs = book_languages(config)
    known = [langs.translation, langs.origin] if langs else [config.lang]
    if base_lang(lang) not in {base_lang(k) for k in known} and lang not in known:
        raise UsageError(f"--lang {lang}: the book is written in {' and '.join(known)}"
                         + ("" if langs else " (set [translation] origin_lang for a translated book)"))


def _selected(lang: str | None, langs: LanguagePair) -> list[str]:
    """The view kinds to build for ``--lang``."""
    from .script import base_lang

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
    alone (d2l-ja: d2lbook's ``[translation]`` only names where its machine
    translation came from) is built as a one-language book.
    """
    for page in book.pages.values():
        if page.origin is not None or any(isinstance(block, Translated) and block.original is not None
                                          for block in walk_blocks(page.blocks)):
            return True
    return False


def _title_from_config(book: Book, title: str, langs: LanguagePair, diags: Diagnostics) -> None:
    """The home page's title left in the original is translated by the book's own title.

    A translated book's ``[project] title`` is the translation's title (d2l-ko's
    config names the Korean book while its ``index.md`` kept the English
    heading): the home page shows that, not the original marked untranslated.
    """
    from .script import TRANSLATION as IN_TRANSLATION

    root = book.pages.get(book.root)
    if root is None or root.origin is not None or not title.strip() \
            or langs.classify(title).side != IN_TRANSLATION:
        return
    first = next((b for b in walk_blocks(root.blocks)
                  if isinstance(b, Heading) or isinstance(b, Translated) and isinstance(b.original, Heading)),
                 None)
    if not isinstance(first, Translated) or first.translation is not None or first.original is None:
        return
    heading = first.original
    assert isinstance(heading, Heading)
    first.translation = Heading(heading.level, [Text(title.strip())], heading.pos, heading.label)
    diags.items = [d for d in diags.items
                   if not (d.code == "untranslated" and d.file == heading.pos.file
                           and d.line == heading.pos.line and d.message.startswith("this heading"))]


def _interleaved(page: Page) -> bool:
    """Whether the page holds both languages itself (not ``x_origin.md`` beside it)."""
    return page.origin is None and any(isinstance(b, Translated) for b in walk_blocks(page.blocks))


def _with_tocs(blocks: list[Block], tocs_from: list[Block]) -> list[Block]:
    """``blocks`` (an original) with its tocs replaced by the translation's, in order.

    The book has one structure, the translation's: an original listing other
    pages (or none) would give its site pages that the book does not have.
    """
    tocs = [copy.deepcopy(b) for b in walk_blocks(tocs_from) if isinstance(b, Toc)]
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, Toc):
            if tocs:
                out.append(tocs.pop(0))
            continue
        out.append(block)
    return out + tocs


def original_blocks(page: Page) -> list[Block]:
    """What the original's site shows of ``page`` before one side is kept."""
    if page.origin is None:
        return page.blocks
    return _with_tocs(page.origin.page.blocks, page.blocks)


def _original_book(book: Book) -> Book:
    """The book for the original's view, made before ``book`` is resolved.

    An ``x_origin.md`` is shown by this view only, so its blocks are used as
    they are; other pages are copied (both views number and link them).
    """
    pages = {}
    for source, page in book.pages.items():
        blocks = original_blocks(page) if page.origin is not None else copy.deepcopy(page.blocks)
        pages[source] = replace(page, blocks=blocks, title=list(page.title))
    return Book(root=book.root, pages=pages, order=list(book.order), toc=copy.deepcopy(book.toc),
                orphans=list(book.orphans))


def resolve_languages(ctx: "BuildContext") -> bool:
    """For a translated book: status, views and their resolution; False for a one-language book.

    ``ctx.book`` becomes the first selected view (the translation unless
    ``--lang`` names the original), resolved in place; ``ctx.views`` lists
    every view to write.
    """
    from .book import book_languages
    from .status import mark_stale, page_pairs, translation_status

    assert ctx.book is not None
    langs = book_languages(ctx.config)
    if langs is None or not has_originals(ctx.book):
        return False  # one language (a book whose pages hold the translation alone is one too)
    book = ctx.book
    _title_from_config(book, ctx.config.title, langs, ctx.diags)
    git = mark_stale(book, ctx.config, ctx.store, ctx.diags, ctx.jobs)
    status = translation_status(book, langs, git)
    ctx.extra["translation"] = status
    kinds = _selected(ctx.options.lang, langs)
    ctx.extra["langs"] = [langs.translation, langs.origin] if kinds[0] == TRANSLATION \
        else [langs.origin, langs.translation]
    interleaved = {source for source, page in book.pages.items() if _interleaved(page)}
    companions = {page.origin.page.source for page in book.pages.values() if page.origin is not None}

    def not_companion(file: str) -> bool:
        return file not in companions

    paired = {source: page.blocks for source, page in book.pages.items()}
    obook = _original_book(book) if ORIGINAL in kinds[1:] else None
    if kinds[0] == ORIGINAL:  # --lang <origin>: the book itself becomes the original's
        for page in book.pages.values():
            page.blocks = original_blocks(page)
    views: list[LanguageView] = []
    for kind in kinds:
        if kind == SIDE_BY_SIDE:
            continue
        main = kind == kinds[0]
        view_book = book if main else obook
        assert view_book is not None
        side, lang = (TRANSLATION, langs.translation) if kind == TRANSLATION else (ORIGINAL, langs.origin)
        for page in view_book.pages.values():
            resolve_page_language(page, side, lang)
        view_book.lang = lang
        builds_file: Callable[[str], bool] | None = None  # the translation: all its problems
        if kind == ORIGINAL and main:  # built alone (--lang): x_origin.md still fails nothing
            builds_file = not_companion
        elif kind == ORIGINAL:
            # Beside the translation's site, only problems in text that interleaved pages
            # hold are the build's (the translation's site has the same text).
            builds_file = interleaved.__contains__
        view = LanguageView(lang, kind, view_prefix(kind, langs), view_book, langs, builds_file)
        found = Diagnostics()
        resolve_book(view_book, ctx.config, ctx.store, found)
        # Problems found in both views are reported once (Diagnostics.sorted drops repeats).
        view.report(ctx, found.items)
        views.append(view)
    if SIDE_BY_SIDE in kinds:
        assert obook is not None
        pages = {}
        for source, page in book.pages.items():
            other = obook.pages[source].blocks
            blocks = side_by_side_files(page_pairs(page), page.blocks, other) if page.origin is not None \
                else side_by_side(paired[source], page.blocks, other)
            pages[source] = replace(page, blocks=blocks)
        sbs = replace(book, pages=pages)
        # Its translations are the translation's site's; the originals of x_origin.md are not.
        views.append(LanguageView(langs.translation, SIDE_BY_SIDE, view_prefix(SIDE_BY_SIDE, langs),
                                  sbs, langs, not_companion))
    ctx.views = views
    ctx.extra["views"] = [{"lang": v.lang, "kind": v.kind, "html": v.prefix} for v in views]
    return True


def language_books(ctx: "BuildContext") -> list[LanguageView]:
    """The one-language views to write as documents (a PDF per language), default first.

    A one-language book has none: writers then use ``ctx.book`` as always.
    """
    return [view for view in ctx.views if view.kind != SIDE_BY_SIDE]
