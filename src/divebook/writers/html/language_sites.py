"""A translated book's website: every language's site, the side-by-side pages, the status page.

``languages.py`` renders the parts of a page that differ in a translated book
(its blocks and its language switcher); this module writes the whole set of
sites, one ``write_html`` per view (layout in docs/translation.md).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ...bookpaths import url_of
from ...diagnostics import Diagnostics
from ...languages import ui_strings
from ...tree import Book, Heading, Link, Page, Paragraph, Pos, Table, TableCell, Text
from .languages import STATUS_SOURCE
from .site import HtmlResult, write_html

if TYPE_CHECKING:
    from ...context import BuildContext


def status_page(status: dict, lang: str, side_by_side: bool) -> Page:
    """A page of the website showing ``status`` (languages.status.translation_status)."""
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
            from ...languages import SIDE_BY_SIDE_DIR

            row.append(TableCell([Link(url_of(f"{SIDE_BY_SIDE_DIR}/{page['output']}"),
                                        [Text(s["side_by_side"])])]))
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
    from ...languages import SIDE_BY_SIDE, TRANSLATION

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
