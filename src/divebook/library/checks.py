"""``divebook check`` for the library: build it in memory, then look across tabs.

Besides what the build reports (marks that save nothing, saved code that
does not compile, alias rules that do not parse), the check warns about

* a name a tab saves twice with different code (the later one wins, which
  is seldom meant); an early stub (``raise NotImplementedError``) that a
  later section implements is the book's habit and is not reported;
* a name saved for one tab on a page that another tab with a library also
  runs, where that other tab saves no twin of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..transforms.tabs import tabs_with_code
from .extract import TabLibrary, build_libraries
from .collect import library_pages
from .module import Definition

if TYPE_CHECKING:
    from ..context import BuildContext


def check_library(ctx: "BuildContext") -> None:
    assert ctx.book is not None
    libraries = build_libraries(ctx.book, ctx.config, ctx.diags)
    for lib in libraries:
        _twice(lib, ctx)
    _missing_twins(libraries, ctx)


def _twice(lib: TabLibrary, ctx: "BuildContext") -> None:
    seen = {}
    for definition in lib.definitions:
        if definition.kind == "method":
            continue  # redefining a method with add_to_class is how the book grows a class
        earlier = seen.get(definition.name)
        seen[definition.name] = definition
        if earlier is None or earlier.shape == definition.shape or earlier.stub:
            continue
        ctx.diags.warning(definition.pos, f"`{definition.name}` is saved again for tab {lib.tab} with "
                          f"different code (first at {earlier.pos}); the library keeps this one. Rename "
                          "one of them, or save the name once", "library-twice")


def _missing_twins(libraries: list[TabLibrary], ctx: "BuildContext") -> None:
    assert ctx.book is not None
    # the tabs that run each page (a page of `#@tab all` cells is the default tab's)
    with_code = {page.source: set(tabs_with_code(page, ctx.config.tab_names))
                 for page in library_pages(ctx.book, ctx.config)}
    saved: dict[tuple[str, str], dict[str, Definition]] = {}  # (page, name) -> tab -> definition
    for lib in libraries:
        for definition in lib.definitions:
            saved.setdefault((definition.page, definition.name), {}).setdefault(lib.tab, definition)
    for (page, name), by_tab in saved.items():
        missing = [lib.tab for lib in libraries
                   if lib.tab not in by_tab and lib.tab in with_code.get(page, set())]
        if not missing:
            continue
        first_tab = next(lib.tab for lib in libraries if lib.tab in by_tab)
        definition = by_tab[first_tab]
        have, lack = ", ".join(by_tab), ", ".join(missing)
        plural = len(missing) > 1
        ctx.diags.warning(definition.pos, f"`{name}` is saved for {have} but not for {lack}, which "
                          f"also {'run' if plural else 'runs'} this page; save "
                          f"{'their' if plural else 'its'} version too, or the {lack} library "
                          f"will lack `{name}`", "library-twin")
