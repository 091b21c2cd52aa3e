"""``divebook check --translation``: the translation status, printed and kept in report.json.

The status itself is worked out during the transform stage
(``status.translation_status``) and travels in ``ctx.extra["translation"]``,
so every build's report.json has it too.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..cache import write_atomic

if TYPE_CHECKING:
    from ..context import BuildContext

#: How many pairs needing work are listed per page (all are in report.json).
LISTED = 12


def print_translation_status(console: Console, status: dict) -> None:
    """A table of pages (translated, missing, stale), the book's total, and what to do."""
    table = Table(title=Text(f"Translation status ({status['origin_lang']} → {status['lang']})"),
                  title_justify="left")
    table.add_column("page")
    for name in ("translated", "missing", "stale", "done"):
        table.add_column(name, justify="right")
    for page in status["pages"]:
        table.add_row(Text(str(page["source"])), str(page["translated"]), str(page["missing"]),
                      str(page["stale"]), f"{page['percent']:g}%")
    book = status["book"]
    table.add_row(Text("whole book", style="bold"), str(book["translated"]), str(book["missing"]),
                  str(book["stale"]), Text(f"{book['percent']:g}%", style="bold"))
    console.print(table)
    for page in status["pages"]:
        items = page["items"]
        for item in items[:LISTED]:
            where = f"{item['file']}:{item['line']}"
            if item["status"] == "stale":
                what = Text.assemble(("stale", "yellow"), ": the original changed after its translation "
                                     f"({item['translation_file']}:{item['translation_line']})")
            else:
                what = Text.assemble(("missing", "red"), ": not translated")
            console.print(Text.assemble("  ", (where, "bold"), " ", what, " — ", str(item["text"])),
                          soft_wrap=True)
        if len(items) > LISTED:
            console.print(Text(f"  … and {len(items) - LISTED} more on {page['source']} (see report.json)"),
                          highlight=False)
    print_problems(console, status.get("problems", []))
    if not status.get("git"):
        console.print("[yellow]The book is not in a git repository: stale translations cannot be "
                      "found (nothing is marked stale).[/yellow]", highlight=False)


def print_problems(console: Console, problems: list[dict]) -> None:
    """The translation's own problems (pairing, x_origin.md), each with file and line.

    They are not the build's: the translation's site is made from x.md alone.
    """
    if not problems:
        return
    console.print(f"[bold]{len(problems)} pairing problems[/bold] (x.md against x_origin.md; they do "
                  "not affect the translation's site):", highlight=False)
    for p in problems:
        where = f"{p['file']}:{p['line']}" if p["line"] else p["file"]
        code = f" [{p['code']}]" if p.get("code") else ""
        console.print(f"  {where}: {p.get('severity', 'warning')}: {p['message']}{code}",
                      highlight=False, soft_wrap=True, markup=False)


def check_translated_book(ctx: "BuildContext") -> None:
    """A check for translated books: render the other language too, keep the status.

    ``check_rendering`` renders ``ctx.book`` (one language); the original's
    blocks that are translated only show in the other view.
    """
    from ..diagnostics import Diagnostics
    from .views import ORIGINAL, TRANSLATION
    from ..writers.html.site import write_html

    for view in ctx.views[1:]:
        if view.kind in (ORIGINAL, TRANSLATION):
            found = Diagnostics()
            write_html(view.book, ctx.config, ctx.out / "html", ctx.store, found, dry_run=True,
                       view=view)
            view.report(ctx, found.items)
    record_translation_status(ctx)


def record_translation_status(ctx: "BuildContext") -> None:
    """Put the translation status into ``OUT/report.json`` (kept or started)."""
    status = ctx.extra.get("translation")
    if not isinstance(status, dict):
        return
    path = ctx.out / "report.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            data = {}
    except (OSError, ValueError):
        data = {}
    data["translation"] = status
    data.setdefault("book", {"title": ctx.config.title, "tabs": ctx.config.tab_names,
                             "langs": ctx.extra.get("langs", [])})
    write_atomic(path, (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))
