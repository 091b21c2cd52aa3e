"""``divebook check``: every problem a build would find, without writing the book.

Checks run on the resolved book.  Reading and resolving already report
dialect mistakes, labels and citations; rendering the website in memory
adds what only rendering finds (math LaTeX cannot read, missing images).
Other stages add their own checks to ``CHECKS``.
"""

from __future__ import annotations

from typing import Callable

from .context import BuildContext


def check_rendering(ctx: BuildContext) -> None:
    from .writers.html.site import write_html

    assert ctx.book is not None
    write_html(ctx.book, ctx.config, ctx.out / "html", ctx.store, ctx.diags, dry_run=True, jobs=ctx.jobs)


def check_internal_links(ctx: BuildContext) -> None:
    """Every link inside the book leads to a page, anchor or file (nothing written: files in the book)."""
    from .linkcheck.internal import check_site_links

    check_site_links(ctx, written=False)


def check_link_settings(ctx: BuildContext) -> None:
    """[linkcheck]'s values, checked on every ``check`` (``--links`` or not)."""
    from .linkcheck.settings import read_settings

    read_settings(ctx.config.linkcheck, ctx.config.pos, ctx.diags)


def check_library(ctx: BuildContext) -> None:
    from .library.checks import check_library as run

    run(ctx)


def check_translation(ctx: BuildContext) -> None:
    """A translated book: its other language rendered too, the status into report.json."""
    from .languages.report import check_translated_book

    check_translated_book(ctx)


CHECKS: list[Callable[[BuildContext], None]] = [
    check_rendering, check_internal_links, check_link_settings, check_library, check_translation]


def run_checks(ctx: BuildContext) -> None:
    for check in CHECKS:
        check(ctx)
