"""The site's table of contents: one shared script, and a small list in each page.

Listing every chapter in every page makes each page grow with the book and
the site with its square (a 10,000-page book wrote 191 kB of sidebar into
every page, and Pagefind then parsed all of it).  So, as mdBook does, the
whole table of contents is one script per site (``_toc.js``, beside
``_pages.js``), loaded once and cached by the browser; the theme's script
builds the sidebar from it.  Each page carries only a fallback for readers
without scripts, of bounded size: the chapters around its own (all of them
when the book has at most ``MAX_CHAPTERS``), its own chapter's sections
down to the page, and a link to the book's first page, whose contents list
every chapter.
"""

from __future__ import annotations

import json

from ...tree import Book, TocNode
from .nodes import Site, esc
from .text import href_or_self

#: beside ``_pages.js``: the table of contents of one language's site
TOC_JS = "_toc.js"
#: a page's fallback lists at most this many top-level entries (a window around its chapter)
MAX_CHAPTERS = 40


def toc_script(book: Book, site: Site) -> str:
    """``window.divebookToc``: ``[[url, number, title, part, children], ...]``, URLs site-relative."""
    def node(n: TocNode) -> list:
        number, title = site.titles[n.page]
        return [site.outputs[n.page], number or "", title, book.pages[n.page].part,
                [node(c) for c in n.children]]

    data = [node(n) for n in book.toc if n.page in site.outputs]
    return ("/* The table of contents of this site, shared by its pages (written by divebook). */\n"
            "window.divebookToc = " + json.dumps(data, ensure_ascii=False, separators=(",", ":")) + ";\n")


def fallback_sidebar(book: Book, site: Site, output: str, source: str, ancestors: list[str]) -> str:
    """The page's own list: nearby chapters and the path down to the page (no script needed)."""
    open_pages = set(ancestors) | {source}
    top = [n for n in book.toc if n.page in site.outputs]
    at = next((i for i, n in enumerate(top) if n.page in open_pages), 0)
    start = max(0, min(at - MAX_CHAPTERS // 2, len(top) - MAX_CHAPTERS))
    shown = top[start:start + MAX_CHAPTERS]

    def item(node: TocNode) -> str:
        number, title = site.titles[node.page]
        url = href_or_self(output, site.outputs[node.page])
        num = f'<span class="section-number">{esc(number)}</span> ' if number else ""
        current = ' aria-current="page"' if node.page == source else ""
        children = ""
        if node.children and node.page in open_pages:
            children = "<ul>" + "".join(item(c) for c in node.children) + "</ul>"
        cls = (' class="open"' if node.page in open_pages else ' class="collapsed"') if node.children else ""
        return (f'<li{cls}><a href="{esc(url)}"{current}>{num}{esc(title)}</a>{children}</li>')

    groups: list[tuple[str, list[TocNode]]] = []
    for node in shown:
        part = book.pages[node.page].part
        if not groups or groups[-1][0] != part:
            groups.append((part, []))
        groups[-1][1].append(node)
    html = "".join(f'<ul class="part part-{part}">' + "".join(item(n) for n in nodes) + "</ul>"
                   for part, nodes in groups)
    if len(shown) < len(top):  # the rest of the book is one link away
        home = href_or_self(output, site.outputs.get(book.root, "index.html"))
        html += f'<p class="toc-more"><a href="{esc(home)}">{esc(site.strings.get("contents", "Contents"))} …</a></p>'
    return html
