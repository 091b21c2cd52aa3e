"""One page of one tab -> its XHTML content document, from the website's node rendering.

``EpubRenderer`` is the site's ``PageRenderer`` with what differs in a book
read on an e-reader: one tab's code and no tab bar, no "#" link after each
heading, MathML with the LaTeX as ``alttext`` (what a reader speaks or shows
when it cannot lay out math), footnotes as EPUB footnotes (``epub:type``),
which readers show as pop-ups.
"""

from __future__ import annotations

import posixpath
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import etree

from ...diagnostics import Diagnostic, Diagnostics
from ...tree import Pos
from ...tree import (
    Block, CodeCell, FootnoteRef, HardBreak, Heading, Inline, Page, Raw, RawInline, Rule, TabContent,
    TabGroup,
)
from ..html.nodes import PageRenderer, Site, esc
from . import xhtml

#: image formats every EPUB 3 reader shows (core media types)
CORE_IMAGES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
               ".gif": "image/gif", ".webp": "image/webp", ".svg": "image/svg+xml"}
STYLESHEET = "epub.css"


class EpubRenderer(PageRenderer):
    def __init__(self, site: Site, source: str, diags: Diagnostics,
                 math_cache: dict[tuple[str, bool], str], tab: str) -> None:
        super().__init__(site, source, diags, math_cache, page_tabs=[tab])
        self.tab = tab

    def render_body(self, blocks: list[Block]) -> str:
        body = self.blocks(blocks)
        if self.footnotes:
            notes = "".join(
                f'<aside data-epub-type="footnote" id="fn-{esc(f.label)}" class="footnote">'
                f'<p class="footnote-number">{f.number}</p>{self.blocks(f.children)}</aside>'
                for f in sorted(self.footnotes, key=lambda f: f.number))
            body += f'<section class="footnotes">{notes}</section>'
        return body

    def block(self, block: Block) -> str:
        # The site's dispatch table holds PageRenderer's own functions: the blocks this
        # class renders differently are sent to its methods here.
        method = _OWN_BLOCKS.get(type(block))
        if method is None:
            return super().block(block)
        self.pos = getattr(block, "pos", self.pos)
        return getattr(self, method)(block)

    # Our markup is written as XML (``<br/>``); markup that is not ours goes through
    # an HTML5 parser first (xhtml.foreign_fragment), so the page parses as XML.

    def image_tag(self, src: str, alt: str, pos, extra: str = "") -> str:  # type: ignore[no-untyped-def]
        tag = super().image_tag(src, alt, pos, extra)
        return tag[:-1] + "/>" if tag.startswith("<img") and not tag.endswith("/>") else tag

    def inline(self, node: Inline) -> str:
        if isinstance(node, HardBreak):
            return "<br/>\n"
        if isinstance(node, RawInline):
            return xhtml.foreign_fragment(self.raw_html(node.text, self.pos)) if node.format == "html" else ""
        if isinstance(node, FootnoteRef):
            return self.footnote_ref(node)
        return super().inline(node)

    def rule(self, r: Rule) -> str:
        return "<hr/>\n"

    def raw(self, r: Raw) -> str:
        return xhtml.foreign_fragment(self.raw_html(r.text, r.pos)) if r.format == "html" else ""

    def code_cell(self, cell: CodeCell) -> str:
        html = super().code_cell(cell)
        rich = any(o.kind not in ("stream", "error") for o in cell.outputs)
        return xhtml.foreign_fragment(html) if rich and html else html

    def heading(self, h: Heading) -> str:
        level = min(max(h.level, 1), 6)
        number = f'<span class="section-number">{esc(h.number)}</span> ' if h.number else ""
        return f'<h{level} id="{esc(h.anchor)}">{number}{self.inlines(h.children)}</h{level}>\n'

    def tab_group(self, g: TabGroup) -> str:
        return self.blocks(g.panels.get(self.tab, []))

    def tab_content(self, t: TabContent) -> str:
        return self.blocks(t.children) if self.tab in t.tabs else ""

    def footnote_ref(self, f: FootnoteRef) -> str:
        return (f'<sup class="footnote-ref"><a data-epub-type="noteref" href="#fn-{esc(f.label)}">'
                f'{f.number}</a></sup>')

    def math(self, latex: str, display: bool, pos) -> str:  # type: ignore[no-untyped-def]
        mathml = super().math(latex, display, pos)
        if not mathml.startswith("<math"):
            return mathml  # the LaTeX could not be converted: shown as code, reported
        mathml = _one_formula(mathml)
        head, _, rest = mathml.partition(">")
        xmlns = "" if "xmlns=" in head else f' xmlns="{xhtml.MATHML}"'
        return f'<math{xmlns} alttext="{esc(latex.strip())}"' + head[5:] + ">" + rest


def _one_formula(mathml: str) -> str:
    """The pieces the website cuts a long inline formula into (``<wbr>`` between
    ``<math>`` elements, math/mathml_break.py) joined again: in an EPUB the
    formula is one element, so its ``alttext`` speaks for all of it."""
    pieces = mathml.split("<wbr>")
    if len(pieces) == 1:
        return mathml
    head = pieces[0][:pieces[0].index(">") + 1]
    inner = "".join(p[p.index(">") + 1:p.rindex("</math>")] for p in pieces)
    return f"{head}<mrow>{inner}</mrow></math>"


_OWN_BLOCKS = {Heading: "heading", TabGroup: "tab_group", TabContent: "tab_content", Rule: "rule",
               Raw: "raw", CodeCell: "code_cell"}


@dataclass
class RenderedPage:
    """A page as it goes into the package, and what the package needs to know about it."""

    path: str  # package path, e.g. chapter_x/y.xhtml
    data: bytes
    properties: list[str]
    images: set[str]  # book-relative image files the page shows
    media: dict[str, bytes]  # package path -> bytes of images taken out of data: URLs
    ids: set[str]
    links: list[tuple[str, str]]  # (package path, fragment) of each internal link
    diags: list[Diagnostic] = field(default_factory=list)


def render_page(page: Page, blocks: list[Block], site: Site, tab: str, title: str,
                math_cache: dict[tuple[str, bool], str]) -> RenderedPage:
    """``blocks`` (the page as ``tab`` sees it) as an XHTML document."""
    diags = Diagnostics()
    renderer = EpubRenderer(site, page.source, diags, math_cache, tab)
    html = renderer.render_body(blocks)
    path = site.outputs[page.source]
    base = "../" * path.count("/")
    media: dict[str, bytes] = {}
    body = xhtml.parse_xml_body(html)
    if body is None:  # not well-formed after all: read it as a browser would
        body = xhtml.parse_body(html)
    holder = etree.Element("{%s}div" % xhtml.XHTML)
    holder.extend(body)
    xhtml.clean(holder, media, base)
    images = set(renderer.images)
    _rasterise_svgs(holder, page.source, path, images, media, Path(site.book_root), diags)
    _unshown_images(holder, path, images | set(media))
    lang = site.lang
    root = xhtml.document(title, lang, list(holder), base + STYLESHEET,
                          body_class="page", epub_type="bodymatter chapter" if page.depth else "")
    _mark_foreign_language(root, site)
    ids = {el.get("id") for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
    links = internal_links(root, path)
    return RenderedPage(path, xhtml.serialise(root), xhtml.properties(root),
                        {i for i in images if posixpath.splitext(i)[1].lower() in CORE_IMAGES},
                        media, ids, links, diags.items)


def svg_reader_unfriendly(path: Path) -> str:
    """Why readers may not show the SVG file ``path`` as it is ("" when they will): EPUB
    readers must show SVG, but only well-formed XML, and HTML inside ``foreignObject``
    (draw.io's text) is shown by few of them."""
    try:
        root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
    except (etree.XMLSyntaxError, OSError) as exc:
        return f"it is not well-formed XML ({exc})"
    if root.tag != "{%s}svg" % xhtml.SVG:
        return "its root element is not <svg> in the SVG namespace"
    if next(root.iter("{%s}foreignObject" % xhtml.SVG), None) is not None:
        return "it holds HTML in <foreignObject>"
    return ""


def _line_naming(page: Path, name: str) -> int:
    """The first line of ``page`` that names ``name`` (0 when none does): where a warning
    about an image points, read only when there is one to give."""
    try:
        lines = page.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return 0
    return next((number for number, line in enumerate(lines, 1) if name in line), 0)


def _rasterise_svgs(root: etree._Element, source: str, path: str, images: set[str],
                    media: dict[str, bytes], book_root: Path, diags: Diagnostics) -> None:
    """SVG figures readers may not show (see ``svg_reader_unfriendly``) as PNG, drawn by
    rsvg-convert at twice their size; the others stay SVG."""
    folder = posixpath.dirname(path)
    done: dict[str, str] = {}
    for img in root.iter("{%s}img" % xhtml.XHTML):
        src = img.get("src", "")
        if urlsplit(src).scheme or not unquote(src).lower().endswith(".svg"):
            continue
        image = posixpath.normpath(posixpath.join(folder, unquote(src)))
        if image in done:
            img.set("src", done[image])
            continue
        if image not in images:
            continue
        why = svg_reader_unfriendly(book_root / image)
        if not why:
            continue
        rsvg = shutil.which("rsvg-convert")
        png = None
        if rsvg:
            run = subprocess.run([rsvg, "-f", "png", "-z", "2", str(book_root / image)],
                                 capture_output=True, timeout=120)
            png = run.stdout if run.returncode == 0 and run.stdout else None
        if png is None:
            diags.warning(Pos(source, _line_naming(book_root / source, posixpath.basename(image))),
                          f"image `{image}` is kept as SVG though {why}; "
                          "install rsvg-convert (librsvg2-bin) to give e-readers a PNG", "epub-image")
            continue
        name = "images/" + posixpath.splitext(image)[0].replace("/", "-") + ".png"
        media[name] = png
        images.discard(image)
        done[image] = "../" * path.count("/") + name
        img.set("src", done[image])


def _unshown_images(root: etree._Element, path: str, images: set[str]) -> None:
    """Images the package cannot hold (a missing file, already reported; a PDF figure, which
    no reader must show): their alt text stays in their place."""
    folder = posixpath.dirname(path)
    for img in list(root.iter("{%s}img" % xhtml.XHTML)):
        src = img.get("src", "")
        if urlsplit(src).scheme:
            continue
        target = posixpath.normpath(posixpath.join(folder, unquote(src)))
        if target not in images or posixpath.splitext(target)[1].lower() not in CORE_IMAGES:
            span = etree.Element("{%s}span" % xhtml.XHTML, {"class": "image-alt"})
            span.text = img.get("alt") or posixpath.basename(unquote(src))
            span.tail = img.tail
            img.getparent().replace(img, span)


def _mark_foreign_language(root: etree._Element, site: Site) -> None:
    """An untranslated block of a translated book keeps its language (``xml:lang``), so a
    reader picks the right font and voice for it."""
    if not site.origin_lang:
        return
    for el in root.iter("{%s}div" % xhtml.XHTML):
        if "untranslated" in (el.get("class") or "").split():
            el.set("lang", site.origin_lang)
            el.set(xhtml.XML_LANG, site.origin_lang)


def internal_links(root: etree._Element, path: str) -> list[tuple[str, str]]:
    """Every link to a place inside the package: (target package path, fragment)."""
    found = []
    folder = posixpath.dirname(path)
    for el in root.iter("{%s}a" % xhtml.XHTML):
        href = el.get("href")
        if href is None:
            continue
        target = resolve_href(folder, path, href)
        if target is not None:
            found.append(target)
    return found


def resolve_href(folder: str, path: str, href: str) -> tuple[str, str] | None:
    """(package path, fragment) an ``href`` on the page ``path`` points to; None if outside."""
    parts = urlsplit(href)
    if parts.scheme or href.startswith("//"):
        return None
    if not parts.path:
        return path, parts.fragment
    return posixpath.normpath(posixpath.join(folder, unquote(parts.path))), parts.fragment
