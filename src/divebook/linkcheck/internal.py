"""Every link the website writes inside the book leads somewhere: a page, a file, an anchor.

The transforms already point each ``.md`` link at its page; this check adds
what only the written site settles: the anchor (``page.md#sec``, ``#fig``)
is an ``id`` that the target page's HTML defines, and a link to any other
file (``../data/x.csv``) names a file the site holds.  The anchors come from
the resolved tree, the same nodes from which the HTML writer writes its
``id`` attributes (``page_anchors`` mirrors it; a test compares both on
d2l-en), so the check reads no HTML and costs a walk over the links.
Problems are warnings at the link's source line, as in Sphinx.
"""

from __future__ import annotations

import posixpath
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterator
from urllib.parse import unquote, urlsplit

from ..diagnostics import Diagnostic, Diagnostics
from ..tree import (
    Bibliography, Block, Directive, Figure, FootnoteDef, Heading, Link, MathBlock, Page, Pos, Raw,
    RawInline, Table, block_inlines, child_blocks, walk_inlines,
)

if TYPE_CHECKING:
    from ..context import BuildContext

#: ``id="..."`` in HTML an author wrote (raw blocks) and in the theme's page template
_ID = re.compile(r"""\bid\s*=\s*["']([^"']+)["']""")
_AUTODOC = ("autoclass", "autofunction", "automodule", "automethod", "autodata", "autoattribute")
#: read as a file, not imported: the website writer is a layer above this check
_TEMPLATE = Path(__file__).resolve().parent.parent / "writers" / "html" / "theme" / "page.html"


@lru_cache(maxsize=1)
def template_ids() -> frozenset[str]:
    """The ids every page of the site has from the theme (``content``, ``search``...)."""
    return frozenset(i for i in _ID.findall(_TEMPLATE.read_text(encoding="utf-8")) if "{" not in i)


def html_blocks(blocks: list[Block]) -> Iterator[Block]:
    """The blocks the website shows, depth first: ``only`` for another format is left out."""
    for block in blocks:
        if isinstance(block, Directive) and block.name == "only" and \
                block.argument.strip() not in ("html", ""):
            continue
        yield block
        yield from html_blocks(list(child_blocks(block)))


def page_anchors(page: Page) -> set[str]:
    """The ``id`` attributes of ``page``'s HTML, from the tree (see writers/html/nodes.py)."""
    ids = set(template_ids())
    for block in html_blocks(page.blocks):
        if isinstance(block, (Heading, Figure, Table)):
            if block.anchor:
                ids.add(block.anchor)
        elif isinstance(block, MathBlock):
            if block.number or "\\tag" in block.latex:
                if block.anchor or block.label:
                    ids.add(block.anchor or block.label or "")
        elif isinstance(block, FootnoteDef):
            ids.add(f"fn-{block.label}")
        elif isinstance(block, Bibliography):
            ids.update(item.key for item in block.entries)
        elif isinstance(block, Directive) and block.name in _AUTODOC:
            ids.add(block.argument)
        elif isinstance(block, Raw) and block.format == "html":
            ids.update(_ID.findall(block.text))
        for inlines in block_inlines(block):
            for node in walk_inlines(inlines):
                if isinstance(node, RawInline) and node.format == "html":
                    ids.update(_ID.findall(node.text))
    return ids


def page_links(page: Page) -> Iterator[tuple[Link, Pos]]:
    """Every link the website writes for ``page``, with the line of its block."""
    for block in html_blocks(page.blocks):
        for inlines in block_inlines(block):
            for node in walk_inlines(inlines):
                if isinstance(node, Link):
                    yield node, block.pos


class SiteLinks:
    """The internal links of one website (a language, or the side-by-side pages)."""

    def __init__(self, pages: dict[str, Page], outputs: dict[str, str], book_root: Path,
                 site_dir: Path | None) -> None:
        self.pages = pages
        self.outputs = outputs  # source -> site-relative output path
        self.book_root = book_root
        #: the written site, or None for ``divebook check`` (nothing written: files are
        #: looked for in the book)
        self.site_dir = site_dir
        self._anchors: dict[str, set[str]] = {}
        self._files: dict[str, bool] = {}

    def anchors(self, source: str) -> set[str]:
        found = self._anchors.get(source)
        if found is None:
            found = self._anchors[source] = page_anchors(self.pages[source])
        return found

    def check(self) -> list[Diagnostic]:
        problems = Diagnostics()
        for source, output in self.outputs.items():
            page = self.pages.get(source)
            if page is None:
                continue
            for link, pos in page_links(page):
                message = self.problem(link, source, output)
                if message:
                    problems.warning(pos, message, "broken-internal-link")
        return problems.items

    def problem(self, link: Link, source: str, output: str) -> str:
        """What is wrong with one link of ``source`` (written to ``output``), or ""."""
        url = link.url
        if link.target_page:
            anchor = link.target_anchor
            if anchor and unquote(anchor) not in self.anchors(link.target_page):
                return (f"link to `{unquote(url)}`: page `{link.target_page}` has no anchor "
                        f"`#{unquote(anchor)}`; use the `:label:` of a heading, figure, table or "
                        "equation there, or `:ref:`/`:numref:` to it")
            return ""
        try:
            parts = urlsplit(url)
        except ValueError as exc:  # "http://[x" and such
            return f"link to `{url}`: not a valid address ({exc}); fix it"
        if parts.scheme or url.startswith("//"):
            return ""  # another site (check --links asks those), mailto:, data:
        if not parts.path:
            anchor = unquote(parts.fragment)
            if anchor and anchor not in self.anchors(source):
                return (f"link to `#{anchor}`: this page has no such anchor; use the `:label:` of "
                        "a heading, figure, table or equation of this page")
            return ""
        path = unquote(parts.path)
        if path.endswith((".md", ".ipynb")):
            return ""  # a page of the book: the references transform reports a missing one
        if path.startswith("/"):
            return (f"link to `{unquote(url)}`: an absolute path depends on where the site is "
                    "served; write the path relative to this file")
        return self._file_problem(url, path, source, output)

    def _file_problem(self, url: str, path: str, source: str, output: str) -> str:
        if self.site_dir is None:  # nothing written: the file must be in the book
            target = posixpath.normpath(posixpath.join(posixpath.dirname(source), path))
            if target.startswith("../") or not self._exists(self.book_root, target):
                return (f"link to `{unquote(url)}`: there is no file `{target}` in the book; fix "
                        "the path (relative to this file)")
            return ""
        target = posixpath.normpath(posixpath.join(posixpath.dirname(output), path))
        if target == ".." or target.startswith("../"):
            return (f"link to `{unquote(url)}`: it leads out of the website (to `{target}`); "
                    "link to a page or a file of the book")
        if not self._exists(self.site_dir, target):
            in_book = posixpath.normpath(posixpath.join(posixpath.dirname(source), path))
            hint = (f"`{in_book}` is in the book but not copied into the website; show it as an "
                    "image, or link to where it is published" if not in_book.startswith("../")
                    and self._exists(self.book_root, in_book) else
                    "fix the path (relative to this file)")
            return f"link to `{unquote(url)}`: the website has no file `{target}`; {hint}"
        return ""

    def _exists(self, root: Path, rel: str) -> bool:
        key = f"{root}\0{rel}"
        found = self._files.get(key)
        if found is None:
            found = self._files[key] = (root / rel).exists()
        return found


def check_site_links(ctx: "BuildContext", written: bool = True) -> None:
    """Check every website the build writes (each language, the side-by-side pages).

    ``written``: after ``build html`` files are looked for in ``OUT/html``;
    ``divebook check`` writes nothing and looks for them in the book.
    """
    site_dir = ctx.out / "html" if written else None
    views = ctx.views or [None]
    for view in views:
        book = view.book if view is not None else ctx.book
        if book is None:
            continue
        prefix = view.prefix if view is not None else ""
        sources = [s for s in book.order if s in book.pages] + list(book.orphans)
        outputs = {s: prefix + book.pages[s].output for s in sources if s in book.pages}
        problems = SiteLinks(book.pages, outputs, ctx.config.root, site_dir).check()
        if view is not None:
            view.report(ctx, problems)
        else:
            ctx.diags.extend(problems)
