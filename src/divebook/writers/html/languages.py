"""The website of a translated book: a site per language, side-by-side pages, status.

Layout inside ``OUT/html`` (see docs/translation.md):

* the translation (the book's ``[project] lang``) at the root, as for any book;
* the original (``[translation] origin_lang``) in ``<origin>/``, e.g. ``en/``;
* side-by-side pages for reviewers in ``bilingual/``;
* ``translation-status.html``: how far each page is translated.

Every page has a language switcher linking the same page in the other
language and side by side.  Each page says its language in ``<html lang>``
(Pagefind builds one search index per language from it); an original block
with no translation says ``lang`` on its own element and is marked.
"""

from __future__ import annotations

import posixpath
from dataclasses import replace
from typing import TYPE_CHECKING

from ...diagnostics import Diagnostics
from ...languages.i18n import language_name
from ...languages.i18n import strings as ui_strings
from ...tree import Book, Heading, Link, Page, Paragraph, Pos, Table, TableCell, Text, Translated
from .nodes import esc, relative_url

if TYPE_CHECKING:
    from .site import HtmlResult
    from ...build import BuildContext
    from ...languages.views import LanguageView
    from .nodes import PageRenderer, Site

#: The status page (a page of the default-language site, in no toc).
STATUS_SOURCE = "translation-status.md"
STATUS_OUTPUT = "translation-status.html"


def render_translated(r: "PageRenderer", t: Translated) -> str:
    """A ``Translated`` block: one language (untranslated originals marked), or both."""
    site = r.site
    origin = esc(site.origin_lang or "")
    if not site.side_by_side:
        if t.translation is not None:
            return r.blocks([t.translation, *t.more])
        if t.original is None:
            return ""
        label = esc(site.strings["untranslated"])
        lang = f' lang="{origin}"' if origin else ""
        return (f'<div class="untranslated"{lang} data-label="{label}" title="{label}">'
                f'{r.block(t.original)}</div>\n')
    toc_before = len(r.local_toc)
    left = ""
    if t.original is not None:
        # The original's column reads in its language: "Fig. 2.3.1", not "그림 2.3.1".
        r.site = _in_origin_language(site)
        try:
            left = r.block(t.original)
        finally:
            r.site = site
    if t.translation is not None:
        del r.local_toc[toc_before:]  # the translation's headings make the page's toc
        right = r.blocks([t.translation, *t.more])
    elif t.original is not None:
        right = f'<p class="untranslated-note">{esc(site.strings["untranslated"])}</p>'
    else:
        right = ""
    classes = ["bilingual-pair"]
    if t.stale:
        classes.append("stale")
        right = f'<p class="stale-note">{esc(site.strings["stale_note"])}</p>' + right
    if t.translation is None:
        classes.append("missing")
    if t.original is None:
        classes.append("added")
    return (f'<div class="{" ".join(classes)}"><div class="side original" lang="{origin}">{left}</div>'
            f'<div class="side translation" lang="{esc(site.lang)}">{right}</div></div>\n')


def _in_origin_language(site: "Site") -> "Site":
    """``site`` with the original's language and UI strings (for its column)."""
    if not site.origin_lang or site.origin_lang == site.lang:
        return site
    return replace(site, lang=site.origin_lang, strings=ui_strings(site.origin_lang))


def page_languages(view: "LanguageView", page_output: str, output: str, source: str) -> dict:
    """Template variables of one page: the language switcher and the side-by-side link."""
    from ...languages.views import ORIGINAL, SIDE_BY_SIDE, TRANSLATION, view_prefix

    langs = view.langs
    if source == STATUS_SOURCE:
        return {"languages": [], "side_by_side": False}

    def url(target: str) -> str:
        return relative_url(output, target) or posixpath.basename(output)

    links = []
    for kind, lang in ((TRANSLATION, langs.translation), (ORIGINAL, langs.origin)):
        links.append({"lang": lang, "name": language_name(lang), "current": view.kind == kind,
                      "url": url(view_prefix(kind, langs) + page_output)})
    return {
        "languages": links,
        "side_by_side": view.kind == SIDE_BY_SIDE,
        "side_by_side_url": url(view_prefix(SIDE_BY_SIDE, langs) + page_output),
        "status_url": url(STATUS_OUTPUT),
    }


# --------------------------------------------------------------------------
# The status page
# --------------------------------------------------------------------------


def status_page(status: dict, lang: str, side_by_side: bool) -> Page:
    """A page of the website showing ``status`` (translation.translation_status)."""
    s = ui_strings(lang)
    pos = Pos(STATUS_SOURCE, 0)
    total = status["book"]
    blocks = [
        Heading(1, [Text(s["translation_status"])], pos),
        Paragraph([Text(s["status_summary"].format(
            translated=total["translated"], total=total["paragraphs"], percent=total["percent"],
            missing=total["missing"], stale=total["stale"]))], pos),
    ]
    if not status.get("git"):
        blocks.append(Paragraph([Text(s["status_no_git"])], pos))
    # Paired files (x_origin.md) are compared, not merged: what differs is counted here.
    paired = any(page["layout"] == "paired" for page in status["pages"])
    if paired:
        blocks.append(Paragraph([Text(s["status_problems_note"].format(
            count=len(status.get("problems", []))))], pos))
    head = [s["status_page"], s["status_translated"], s["status_missing"], s["status_stale"],
            s["status_done"]] + ([s["status_problems"]] if paired else []) \
        + ([s["side_by_side"]] if side_by_side else [])
    body = []
    for page in status["pages"]:
        title = page["title"] or page["source"]
        row = [
            TableCell([Link(page["output"], [Text(title)], target_page=page["source"])]),
            TableCell([Text(str(page["translated"]))]),
            TableCell([Text(str(page["missing"]))]),
            TableCell([Text(str(page["stale"]))]),
            TableCell([Text(f'{page["percent"]:g}%')]),
        ]
        if paired:
            row.append(TableCell([Text(str(page.get("problems", 0)))]))
        if side_by_side:
            from ...languages.views import SIDE_BY_SIDE_DIR

            row.append(TableCell([Link(f"{SIDE_BY_SIDE_DIR}/{page['output']}", [Text(s["side_by_side"])])]))
        body.append(row)
    body.append([TableCell([Text(s["status_total"])]), TableCell([Text(str(total["translated"]))]),
                 TableCell([Text(str(total["missing"]))]), TableCell([Text(str(total["stale"]))]),
                 TableCell([Text(f'{total["percent"]:g}%')])]
                + ([TableCell([Text(str(len(status.get("problems", []))))])] if paired else [])
                + ([TableCell([])] if side_by_side else []))
    align = ["left", "right", "right", "right", "right"] + (["right"] if paired else []) \
        + (["left"] if side_by_side else [])
    blocks.append(Table([[TableCell([Text(h)]) for h in head]], body, align, pos))
    return Page(source=STATUS_SOURCE, blocks=blocks, title=blocks[0].children, lang=lang)  # type: ignore[attr-defined]


def _with_status(book: Book, page: Page) -> Book:
    pages = dict(book.pages)
    pages[STATUS_SOURCE] = page
    return replace(book, pages=pages, orphans=list(book.orphans) + [STATUS_SOURCE])


def write_language_sites(ctx: BuildContext) -> HtmlResult:
    """``divebook build html`` for a translated book: every view into ``OUT/html``."""
    from ...languages.views import SIDE_BY_SIDE, TRANSLATION
    from .site import HtmlResult, write_html  # noqa: F811  (html imports this module)

    total = HtmlResult()
    status = ctx.extra.get("translation")
    has_sbs = any(v.kind == SIDE_BY_SIDE for v in ctx.views)
    # The translation's site last: its status page counts what the others found.
    for view in sorted(ctx.views, key=lambda v: v.kind == TRANSLATION):
        book = view.book
        if view.kind == TRANSLATION and isinstance(status, dict):
            book = _with_status(book, status_page(status, view.lang, has_sbs))
        found = Diagnostics()
        result = write_html(book, ctx.config, ctx.out / "html", ctx.store, found, view=view,
                            jobs=ctx.jobs)
        view.report(ctx, found.items)
        total.written.extend(result.written)
        total.rendered.extend(result.rendered)
        total.removed.extend(result.removed)
    return total
