"""The ``slides`` target: a lecture deck for every page with slide marks.

For each page whose file has marks (``[**...**]`` and friends, see
``cutting.py``), each tab with code on the page and each language of a
translated book, two files go into ``OUT/slides``:

* ``<tab>/<lang prefix><page>.html`` - a reveal.js deck that runs from any
  browser, offline (reveal.js is shipped inside divebook, in ``reveal/``);
* ``<tab>/<lang prefix><page>.ipynb`` - the RISE notebook d2lbook writes
  (``slideshow`` cell metadata, ``rise`` settings from ``[slides]``).

``_reveal/`` holds reveal.js and the deck's style, images keep their
book-relative paths.  The outputs shown are this build's (the same run and
cache as the website): nothing runs here.  ``downloads.py`` brings the
folder into the website (``_downloads/slides/``), where pages link to their
decks and decks link back to their pages.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat

from ...bookpaths import is_local
from ...cache import copy_if_changed, write_if_changed
from ...confine import book_file
from ...languages.i18n import strings as ui_strings
from ...tree import Page, Pos, plain_text
from ..code.highlight import html_style_css
from ..html.nodes import Site
from ..html.text import href_to
from .cutting import cut_slides
from .deck import ASSETS, DeckPage, render_deck
from .source import CELL_KEY, marked_notebook, page_file, read_marked, unclosed_marks

#: the site folder the slides are copied into (``writers/html/downloads.py``)
SITE_FOLDER = "_downloads/slides"
_VENDORED = Path(__file__).parent / "reveal"
_ASSET_FILES = ("reveal.js", "reveal.css", "notes.js", "LICENSE", "deck.css")
_IMG = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*([\"'])(.*?)\1[^>]*>", re.I | re.S)
_ROOT = "\x02root\x02"
#: the site's root seen from the slides' root once it is copied to SITE_FOLDER
_TO_SITE = "../" * SITE_FOLDER.count("/") + "../"  # the slides' root, relative to each deck
_RISE_CSS = """/* RISE's style for divebook's slide notebooks (the overlay's corners). */
div.my-top-right { position: absolute; right: 5%; top: 1em; font-size: 2em; }
div.my-top-left { position: absolute; left: 5%; top: 1em; font-size: 2em; }
div.code_cell { font-size: 120%; }
"""


def slide_views(ctx) -> list[tuple[str, str, object]]:  # type: ignore[no-untyped-def]
    """(prefix, language, book) of each language to cut slides for."""
    if ctx.views:
        return [(v.prefix, v.lang, v.book) for v in ctx.views if v.kind != "side-by-side"]
    return [("", ctx.book.lang or ctx.config.lang or "en", ctx.book)]


def write_slides_target(ctx) -> None:  # type: ignore[no-untyped-def]
    """``divebook build slides``: decks and RISE notebooks into ``OUT/slides``."""
    from ..html.site import _existing_files
    from ..notebook import notebook_tabs

    assert ctx.book is not None
    config = ctx.config
    root = ctx.out / "slides"
    produced: set[str] = set()
    written: list[str] = []
    math_cache: dict = {}
    existing = _existing_files(config.root)
    corners = _corners(ctx, root, produced, written)
    views = slide_views(ctx)
    _check_marks(ctx, views)
    decks = 0
    for prefix, lang, book in views:
        # references and citations link to the site's pages, seen from the deck's place there
        outputs = {s: f"{_TO_SITE}{prefix}{p.output}" for s, p in book.pages.items()}
        for s, p in book.pages.items():
            outputs.setdefault(page_file(p), outputs[s])  # x_origin.md: the page it is the original of
        site = Site(lang=lang, strings=ui_strings(lang), outputs=outputs, titles={}, toc=[],
                    bibliography_page=book.bibliography_page, tab_names=config.tab_names,
                    book_root=str(config.root), existing_files=existing)
        for source in [s for s in book.order + book.orphans if s in book.pages]:
            page: Page = book.pages[source]
            for tab in notebook_tabs(ctx):
                made = marked_notebook(ctx, page, tab, one_language=bool(ctx.views))
                if made is None:
                    continue
                tab_nb, file = made
                rise = cut_slides(tab_nb.notebook)
                if rise is None:
                    continue
                stem = prefix + (source[:-3] if source.endswith(".md") else source)
                output = f"{tab}/{stem}.html"
                ran = ctx.execution.get(source, {}).get(tab, {}).get("status") in \
                    ("executed", "cached", "failed")
                up = "../" * output.count("/")
                deck = DeckPage(title=plain_text(page.title).strip() or source, lang=lang, output=output,
                                source=file,
                                back=href_to(f"{SITE_FOLDER}/{output}", prefix + page.output),
                                corners={k: v.replace(_ROOT, up) for k, v in corners.items()})
                text, images = render_deck(rise, deck, site, book, tab_nb.cells, ran, math_cache)
                _put(root, output, text.encode("utf-8"), produced, written)
                for image in images:
                    target = root / image
                    if copy_if_changed(config.root / image, target):
                        written.append(f"slides/{image}")
                    produced.add(image)
                _put(root, f"{tab}/{stem}.ipynb", _rise_json(rise, config).encode("utf-8"),
                     produced, written)
                folder = output.rsplit("/", 1)[0]
                _put(root, f"{folder}/rise.css", _RISE_CSS.encode("utf-8"), produced, written)
                decks += 1
    if decks:
        for name in _ASSET_FILES:
            _put(root, f"{ASSETS}/{name}", (_VENDORED / name).read_bytes(), produced, written)
        css = html_style_css("default", ".reveal .highlight")
        _put(root, f"{ASSETS}/highlight.css", css.encode("utf-8"), produced, written)
    if ctx.options.tab in (None, "all") and ctx.options.lang is None:
        _remove_stale(root, produced)  # a build of every tab and language knows what is stale
    ctx.outputs["slides"] = sorted(f"slides/{p}" for p in produced if p.endswith((".html", ".ipynb")))
    ctx.extra["slides"] = {"decks": decks, "written": len(written)}


def _check_marks(ctx, views) -> None:  # type: ignore[no-untyped-def]
    """A mark opened and never closed: said once per file, with its line; the slides go on."""
    files = {page_file(page) for _, _, book in views for page in book.pages.values()}
    closing = {"[**": "**]", "(**": "**)", "[~~": "~~]", "(~~": "~~)"}
    for file in sorted(files):
        text = read_marked(ctx.config.root, file)
        if text is None or ("**" not in text and "~~" not in text):
            continue
        for line, opening in unclosed_marks(text):
            ctx.diags.warning(Pos(file, line), f"slide mark `{opening}` is not closed before the next "
                              f"code block, so the slides leave it out; close it with "
                              f"`{closing[opening]}`, or put code such as `f(**kwargs)` in backquotes",
                              "slide-mark")


def _put(root: Path, rel: str, data: bytes, produced: set[str], written: list[str]) -> None:
    produced.add(rel)
    if write_if_changed(root / rel, data):
        written.append(f"slides/{rel}")


def _rise_json(rise: nbformat.NotebookNode, config) -> str:  # type: ignore[no-untyped-def]
    """The RISE notebook as d2lbook writes it (its metadata), without divebook's own keys."""
    for cell in rise.cells:
        cell.get("metadata", {}).pop(CELL_KEY, None)
        if cell.cell_type == "markdown":
            cell.pop("outputs", None)
    rise.metadata.update({
        "language_info": {"name": "python"},
        "celltoolbar": "Slideshow",
        "rise": {"autolaunch": True, "enable_chalkboard": True, "scroll": True,
                 "overlay": f"<div class='my-top-right'>{config.slides_top_right}</div>"
                            f"<div class='my-top-left'>{config.slides_top_left}</div>"},
    })
    # nbformat.writes would validate every notebook again (seconds over d2l-en); the tests validate
    return nbformat.v4.nbjson.writes(rise) + "\n"


def _corners(ctx, root: Path, produced: set[str], written: list[str]) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """``[slides] top_left/top_right`` as deck HTML: the book's images copied into
    ``_reveal/corner/``, remote ones left out (a deck reads nothing from the network)."""
    config = ctx.config
    found = {}
    for where, key in (("top-left", "top_left"), ("top-right", "top_right")):
        value = getattr(config, f"slides_{key}")
        if not value.strip():
            continue

        def image(m: re.Match[str], key: str = key) -> str:
            src = m.group(2).strip()
            if not is_local(src):
                ctx.diags.warning(config.pos(f"slides.{key}"),
                                  f"[slides] {key}: the image `{src}` is not in the book and decks "
                                  "read nothing from the network, so it is left out; put the image "
                                  "in the book (e.g. img/logo.png) and name it by that path", "slides-image")
                return ""
            path = book_file(config.root, src.lstrip("/"))
            if path is None or not path.is_file():
                ctx.diags.warning(config.pos(f"slides.{key}"),
                                  f"[slides] {key}: the image `{src}` is not a file of the book, so it "
                                  "is left out; give its path from the book's folder", "slides-image")
                return ""
            rel = f"{ASSETS}/corner/{path.name}"
            if copy_if_changed(path, root / rel):
                written.append(f"slides/{rel}")
            produced.add(rel)
            return m.group(0).replace(m.group(2), _ROOT + rel)

        found[where] = _IMG.sub(image, value)
    return found


def _remove_stale(root: Path, produced: set[str]) -> None:
    """Files a former build wrote that this one did not (a page lost its marks)."""
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*"), reverse=True):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and rel not in produced:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            shutil.rmtree(path, ignore_errors=True)
