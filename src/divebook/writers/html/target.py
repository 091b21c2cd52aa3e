"""``divebook build html``: the website of the book (each language's, for a translated one).

The writer's entry point: renders the pages (``site.py``, or
``language_sites.py`` for a translated book) and then updates the search
index for the pages that changed (``search.py``).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from ...tree import Pos
from .language_sites import write_language_sites
from .search import SearchIndexError, needs_full_index, stale_pages, update_index
from .site import write_html

if TYPE_CHECKING:
    from ...context import BuildContext


def write_html_target(ctx: BuildContext) -> None:
    """``divebook build html``: the site into ``OUT/html``."""
    assert ctx.book is not None
    site = ctx.out / "html"
    if ctx.views:  # a translated book: a site per language and the side-by-side pages
        result = write_language_sites(ctx)
    else:
        result = write_html(ctx.book, ctx.config, site, ctx.store, ctx.diags, jobs=ctx.jobs)
    ctx.outputs["html"] = result.written
    ctx.extra["html"] = {"rendered": len(result.rendered), "written": len(result.written)}
    changed_pages = {p for p in result.written if p.endswith(".html")}
    ctx.extra["html"]["removed"] = result.removed  # type: ignore[index]
    if not getattr(ctx.options, "index_search", True):
        return
    full = bool(result.removed) or needs_full_index(site)
    if not full:  # pages a killed build wrote but never indexed, as well as this build's
        changed_pages |= stale_pages(site)
    if full or changed_pages:
        start = time.perf_counter()
        try:
            update_index(site, None if full else changed_pages)
            ctx.extra["html"]["search_indexed"] = True  # type: ignore[index]
        except SearchIndexError as exc:
            ctx.diags.warning(Pos(ctx.config.source or ".", 0), str(exc), "search-index")
        ctx.stages["search_index"] = time.perf_counter() - start
