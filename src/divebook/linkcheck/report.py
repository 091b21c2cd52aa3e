"""``divebook check --links``: the book's web addresses asked, the answers as problems and a table."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..tree import Pos
from .collect import book_urls, is_web
from .external import BROKEN, IGNORED, OK, REDIRECTED, STATUSES, TIMEOUT, UNREACHABLE, UrlResult, check_urls
from .settings import LinkSettings, add_remap, read_settings

if TYPE_CHECKING:
    from ..context import BuildContext

#: how each status counts: an error fails the check, a warning fails it under --strict
_SEVERITY = {BROKEN: "error", UNREACHABLE: "error", TIMEOUT: "warning", REDIRECTED: "warning"}
_LABELS = {BROKEN: "broken", UNREACHABLE: "unreachable", TIMEOUT: "timed out", REDIRECTED: "redirected",
           OK: "ok", IGNORED: "ignored"}


def link_settings(ctx: "BuildContext", anchors: bool = False, remap: list[str] | None = None) -> LinkSettings:
    """[linkcheck] with the command line's ``--anchors`` and ``--remap`` on top."""
    settings = read_settings(ctx.config.linkcheck, ctx.config.pos, ctx.diags)
    settings.anchors = settings.anchors or anchors
    for item in remap or []:
        pattern, _, replacement = item.partition(" ")
        add_remap(settings, pattern, replacement.strip(), lambda what: ctx.diags.warning(
            Pos("--remap"), f"--remap {item!r}: {what}", "usage"))
    return settings


def check_external_links(ctx: "BuildContext", settings: LinkSettings) -> dict:
    """Ask every web address of the book; problems into ``ctx.diags``, the record into
    ``ctx.extra["links"]`` (check.json) and returned."""
    start = time.perf_counter()
    books = [view.book for view in ctx.views] or ([ctx.book] if ctx.book is not None else [])
    extra = {link.url: ctx.config.pos("html.header_links") for link in ctx.config.header_links
             if is_web(link.url)}
    places = book_urls(books, extra)
    results, asked = check_urls(list(places), settings, ctx.out / ".cache", settings.anchors)
    counts = dict.fromkeys(STATUSES, 0)
    problems = []
    for result in results:
        counts[result.status] += 1
        severity = _SEVERITY.get(result.status)
        if severity is None:
            continue
        message = _message(result)
        for pos in places[result.url]:
            (ctx.diags.error if severity == "error" else ctx.diags.warning)(pos, message, f"url-{result.status}")
        problems.append({"url": result.url, "status": result.status, "code": result.code,
                         "detail": result.detail, "to": result.to,
                         "places": [str(pos) for pos in places[result.url]]})
    record = {"urls": len(results), "asked": asked, "cached": sum(r.cached for r in results),
              "counts": counts, "seconds": round(time.perf_counter() - start, 3), "problems": problems}
    ctx.extra["links"] = record
    ctx.stages["check_links"] = time.perf_counter() - start
    return record


def _message(result: UrlResult) -> str:
    url = result.url
    if result.status == REDIRECTED:
        return f"link to {url}: {result.detail} to {result.to}; write the new address"
    if result.status == TIMEOUT:
        return f"link to {url}: {result.detail}; try again later, or add it to [linkcheck] ignore"
    if result.status == UNREACHABLE:
        return f"link to {url}: unreachable ({result.detail}); fix or remove the address"
    return f"link to {url}: {result.detail}; fix or remove the address"


def print_link_table(console: Console, record: dict) -> None:
    """The counts, one row per kind of answer."""
    console.print(Text(f"External links: {record['urls']} addresses, {record['asked']} requests, "
                       f"{record['cached']} from the cache, {record['seconds']:.1f} s"), soft_wrap=True)
    table = Table()
    table.add_column("result")
    table.add_column("links", justify="right")
    colors = {BROKEN: "red", UNREACHABLE: "red", TIMEOUT: "yellow", REDIRECTED: "yellow", OK: "green"}
    for status in STATUSES:
        count = record["counts"].get(status, 0)
        color = colors.get(status, "") if count else ""
        table.add_row(Text(_LABELS[status], color), Text(str(count), color))
    console.print(table)
