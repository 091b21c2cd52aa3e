"""A RISE notebook -> a reveal.js deck (one HTML file), rendered as the website renders.

Each slide's Markdown is read by divebook's own reader, its references and
citations resolved against the book as the page's are, and rendered by the
website's renderer (``writers/html/nodes.py``, ``PageRenderer``): the same MathML, the same
highlighted code, the same outputs (``html_outputs``), images by the same
paths.  References link to the website's pages, where the deck is copied.

reveal.js (vendored in ``reveal/``) gives keyboard and touch navigation,
slide numbers, the speaker view (``S``, its notes plugin) and the print
layout (``?print-pdf``, one page per slide).
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ...diagnostics import Diagnostics
from ...reader.page import read_page
from ...transforms.citations import cite_page
from ...transforms.references import resolve_page_references
from ...tree import Block, Book, CodeCell
from ..code.highlight import highlight_html
from ..html.nodes import PageRenderer, Site, esc
from ..html.outputs import render_outputs
from .cutting import slides_of

#: what a blank line does not end: fences and the raw HTML blocks that run to their own end
_UNBOUNDED = re.compile(r"```|~~~|<!--|<(?:script|pre|style|textarea)\b|<\?|<!\[CDATA\[", re.I)

#: the folder, inside the slides' root, that holds reveal.js and the deck's style
ASSETS = "_reveal"

_REVEAL_OPTIONS = {
    "hash": True, "slideNumber": "c/t", "center": False, "width": 1280, "height": 720,
    "margin": 0.04, "transition": "none", "pdfMaxPagesPerSlide": 1, "touch": True,
    "keyboard": True, "showNotes": False,
}


@dataclass
class DeckPage:
    """What a deck needs to know about where it is and what it came from."""

    title: str
    lang: str
    #: the deck's path inside the slides' root (``pytorch/chapter_x/y.html``)
    output: str
    #: the file its Markdown comes from (image paths are relative to it)
    source: str
    #: the page on the website, relative to the deck when both are in the site ("" for none)
    back: str = ""
    corners: dict[str, str] = field(default_factory=dict)  # "top-left"/"top-right" -> HTML


def render_deck(nb: nbformat.NotebookNode, deck: DeckPage, site: Site, book: Book, cells: list[CodeCell],
                ran: bool, math_cache: dict) -> tuple[str, set[str]]:
    """The deck's HTML and the book-relative images it shows (to copy beside it).

    ``book``: the resolved book of the deck's language, against which the
    slides' references and citations are resolved as the page's are.
    """
    renderer = PageRenderer(site, deck.source, Diagnostics(), math_cache)
    renderer.output = deck.output  # images from the deck's folder; references to the site's pages
    texts = [c.source for c in nb.cells if c.cell_type == "markdown"]
    blocks = iter(markdown_blocks(texts, deck.source, site, book))
    sections = []
    for number, slide in enumerate(slides_of(nb), 1):
        parts = [renderer.blocks(next(blocks)) if cell.cell_type == "markdown"
                 else _code_html(cell, site, cells, ran) for cell in slide]
        # a slide's headings have no anchors (the page has them): no empty id for reveal's hash
        body = "".join(parts).replace(' id=""', "")
        sections.append(f'<section data-slide="{number}">\n{body}</section>\n')
    up = "../" * deck.output.count("/")
    corners = "".join(f'<div class="deck-corner {esc(where)}">{content}</div>'
                      for where, content in deck.corners.items() if content)
    back = (f'<a class="deck-back" href="{esc(deck.back)}">{esc(site.strings.get("slides_back", "Page"))}'
            f' &#x2197;</a>' if deck.back else "")
    options = json.dumps(_REVEAL_OPTIONS)
    page = f"""<!DOCTYPE html>
<html lang="{esc(deck.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="divebook">
<title>{esc(deck.title)}</title>
<link rel="stylesheet" href="{up}{ASSETS}/reveal.css">
<link rel="stylesheet" href="{up}{ASSETS}/deck.css">
<link rel="stylesheet" href="{up}{ASSETS}/highlight.css">
</head>
<body>
<div class="reveal"><div class="slides">
{"".join(sections)}</div></div>
{corners}{back}
<script src="{up}{ASSETS}/reveal.js"></script>
<script src="{up}{ASSETS}/notes.js"></script>
<script>Reveal.initialize(Object.assign({options}, {{plugins: [RevealNotes]}}));</script>
</body>
</html>
"""
    return page, set(renderer.images)


def markdown_blocks(texts: list[str], source: str, site: Site, book: Book) -> list[list[Block]]:
    """Each slide text read as Markdown (against ``book``): one parse for the whole deck.

    The texts are read as one document, a blank line apart, and the blocks
    handed back by line; texts with constructs a blank line does not end
    (fences, raw HTML blocks, unbalanced ``$$``) are read one by one.
    """
    def read(text: str) -> list[Block]:
        page = read_page(Path(site.book_root), source, text.encode("utf-8"), site.tab_names, Diagnostics())
        # the page's own problems are the site's to report: none are said twice
        resolve_page_references(page, book, Diagnostics())
        cite_page(page, book)
        return page.blocks

    if not texts:
        return []
    if any(_UNBOUNDED.search(t) or t.count("$$") % 2 for t in texts):
        return [read(t) for t in texts]
    starts, parts, line = [], [], 1
    for text in texts:
        text = text.rstrip("\n")
        starts.append(line)
        parts.append(text)
        line += text.count("\n") + 2
    found: list[list[Block]] = [[] for _ in texts]
    for block in read("\n\n".join(parts)):
        at = getattr(block, "pos", None)
        found[max(bisect_right(starts, at.line if at is not None else 1) - 1, 0)].append(block)
    return found


def _code_html(cell: nbformat.NotebookNode, site: Site, cells: list[CodeCell], ran: bool) -> str:
    parts = []
    if cell.source.strip():
        code = highlight_html(cell.source, "python")
        parts.append(f'<div class="input"><pre class="highlight language-python"><code>{code}</code>'
                     f'</pre></div>')
    index = cell.get("metadata", {}).get("divebook_cell")
    tree = cells[index] if isinstance(index, int) and 0 <= index < len(cells) else None
    if ran and tree is not None and tree.outputs and "hide_output" not in tree.marks:
        parts.append(f'<div class="outputs">{render_outputs(tree.outputs, site.strings)}</div>')
    return f'<div class="cell">{"".join(parts)}</div>\n' if parts else ""

