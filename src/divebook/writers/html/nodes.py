"""One page's document tree -> the HTML of its body.

A table of small functions keyed by node type, for blocks and for inlines.
Everything a node needs from the rest of the book (where a label lives,
the page's URL) has been put on the node by the transforms; the renderer
only adds URLs relative to the page being written.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from ...bookpaths import book_path, is_local, readable
from ...confine import book_file, outside_message
from ...diagnostics import Diagnostics
from ...languages import reference_text
from ...codemarks import strip_hide_marks
from ...tree import (
    BibItem, Bibliography, Block, Cite, Code, CodeCell, Directive, Emph, FootnoteDef,
    FootnoteRef, Figure, HardBreak, Heading, Image, Inline, Link, ListBlock, Math, MathBlock,
    Paragraph, Pos, Quote, Raw, RawInline, Ref, Role, Rule, SoftBreak, Strike, Strong, Table,
    TabContent, TabGroup, Text, Toc, TocNode, Translated, plain_text, walk_blocks,
)
from ..code.highlight import highlight_html
from .outputs import render_outputs
from .raw_images import rewrite_image_sources
from .text import esc, href_to, relative_url  # noqa: F401  (offered here too)
from ..math.mathml import MathError, to_mathml
from ..math.mathml_tex import split_tag

TAB_TITLES = {"pytorch": "PyTorch", "mxnet": "MXNet", "tensorflow": "TensorFlow", "jax": "JAX",
              "python": "Python", "numpy": "NumPy", "paddle": "PaddlePaddle"}


def tab_title(tab: str) -> str:
    return TAB_TITLES.get(tab, tab.replace("_", " ").title())


def _wide(ch: str) -> bool:
    """A Chinese or Japanese character (or full-width punctuation): no spaces between them."""
    cp = ord(ch)
    hangul = 0x1100 <= cp <= 0x11FF or 0x3130 <= cp <= 0x318F or 0xAC00 <= cp <= 0xD7AF \
        or 0xFFA0 <= cp <= 0xFFDC
    return not hangul and unicodedata.east_asian_width(ch) in ("F", "W", "H")


def _joins_wide_text(nodes: list[Inline], i: int) -> bool:
    """Whether the line break ``nodes[i]`` falls between two Chinese or Japanese characters.

    Browsers show a line break in the source as a space, which Chinese and
    Japanese do not put between characters (CSS Text 3 drops it; Chromium
    does not yet).  Korean writes spaces between words: its breaks stay.
    """
    def edge(node: Inline, last: bool) -> str:
        if not isinstance(node, (Text, Emph, Strong, Strike, Link)):
            return ""  # code, math, a reference: keep the space around it
        text = plain_text([node])
        return (text[-1] if last else text[0]) if text else ""

    before = edge(nodes[i - 1], True) if i > 0 else ""
    if not before or ord(before) < 0x1100 or not _wide(before):  # most text: no need to look on
        return False
    after = edge(nodes[i + 1], False) if i + 1 < len(nodes) else ""
    return bool(after) and _wide(after)


@dataclass
class Site:
    """What rendering a page needs from the whole book."""

    lang: str
    strings: dict[str, str]
    outputs: dict[str, str]  # page source -> output path
    titles: dict[str, tuple[str | None, str]]  # page source -> (number, title text)
    toc: list[TocNode]
    bibliography_page: str | None
    tab_names: list[str]
    book_root: str  # absolute path of the book, to check images exist
    existing_files: frozenset[str] = frozenset()  # book-relative files (images) that exist
    origin_lang: str = ""  # a translated book: the original's language (untranslated blocks)
    side_by_side: bool = False  # pages show original and translation side by side


@dataclass
class PageResult:
    body: str
    local_toc: list[tuple[int, str, str]]  # (level, anchor, title html)
    images: set[str] = field(default_factory=set)  # book-relative paths to copy
    tabs: list[str] = field(default_factory=list)  # tabs shown on the page


def tabs_on_page(blocks: list[Block], tab_names: list[str]) -> list[str]:
    """The tabs that have a panel somewhere on the (tab-grouped) page, in book order."""
    found: set[str] = set()
    for block in walk_blocks(blocks):
        if isinstance(block, TabGroup):
            found.update(block.panels)
        elif isinstance(block, TabContent):
            found.update(block.tabs[:1])
    return [t for t in tab_names if t in found]


class PageRenderer:
    def __init__(self, site: Site, source: str, diags: Diagnostics,
                 math_cache: dict[tuple[str, bool], str], page_tabs: list[str] | None = None) -> None:
        self.site = site
        #: the tabs the whole page has code or prose for (a group lacking some says so)
        self.page_tabs = page_tabs if page_tabs is not None else list(site.tab_names)
        self.source = source
        self.output = site.outputs[source]
        self.diags = diags
        self.math_cache = math_cache
        self.images: set[str] = set()
        self.local_toc: list[tuple[int, str, str]] = []
        self.tabs: set[str] = set()
        self.footnotes: list[FootnoteDef] = []
        self.cell_count = 0
        #: position of the block being rendered, for problems found in its inlines
        self.pos = Pos(source, 0)

    # ---------------------------------------------------------------- blocks

    def render(self, blocks: list[Block]) -> PageResult:
        body = self.blocks(blocks)
        if self.footnotes:
            items = "".join(
                f'<li id="fn-{esc(f.label)}">{self.blocks(f.children)}</li>' for f in
                sorted(self.footnotes, key=lambda f: f.number))
            body += f'<section class="footnotes"><hr><ol>{items}</ol></section>'
        return PageResult(body, self.local_toc, self.images,
                          [t for t in self.site.tab_names if t in self.tabs])

    def blocks(self, blocks: list[Block]) -> str:
        return "".join(self.block(b) for b in blocks)

    def block(self, block: Block) -> str:
        handler = _BLOCKS.get(type(block))
        self.pos = getattr(block, "pos", self.pos)
        return handler(self, block) if handler else ""

    def heading(self, h: Heading) -> str:
        level = min(max(h.level, 1), 6)
        title = self.inlines(h.children)
        number = f'<span class="section-number">{esc(h.number)}</span> ' if h.number else ""
        if level in (2, 3):
            self.local_toc.append((level, h.anchor, number + title))
        link = f'<a class="headerlink" href="#{esc(h.anchor)}" aria-label="Link to this section">#</a>'
        return f'<h{level} id="{esc(h.anchor)}">{number}{title}{link}</h{level}>\n'

    def paragraph(self, p: Paragraph) -> str:
        return f"<p>{self.inlines(p.children)}</p>\n"

    def code_cell(self, cell: CodeCell) -> str:
        if "hide" in cell.marks:
            return ""
        self.cell_count += 1
        parts = []
        if "hide_code" not in cell.marks:
            source = strip_hide_marks(cell.source) if cell.executable else cell.source
            code = highlight_html(source, cell.language or "text")
            lang = esc(cell.language or "text")
            parts.append(f'<div class="input"><pre class="highlight language-{lang}"><code>{code}</code></pre></div>')
        if cell.outputs and "hide_output" not in cell.marks:
            parts.append(f'<div class="outputs">{render_outputs(cell.outputs, self.site.strings)}</div>')
        elif cell.status == "pending" and "hide_output" not in cell.marks:
            parts.append(f'<div class="outputs output-pending" data-pagefind-ignore>'
                         f'{esc(self.site.strings["output_pending"])}</div>')
        if not parts:
            return ""
        kind = "cell" if cell.executable else "cell display"
        status = f' data-status="{esc(cell.status)}"' if cell.status else ""
        return f'<div class="{kind}"{status}>{"".join(parts)}</div>\n'

    def math_block(self, m: MathBlock) -> str:
        latex, tag = split_tag(m.latex)
        math = self.math(latex, True, m.pos)
        if m.number or tag:
            # A \tag{} is the equation's number (transforms/numbering.py); \tag*{} has no parentheses.
            number = tag or f"({m.number})"
            anchor = m.anchor or m.label
            id_attr = f' id="{esc(anchor)}"' if anchor else ""
            return (f'<div class="math display numbered"{id_attr}>{math}'
                    f'<span class="eqno">{esc(number)}</span></div>\n')
        return f'<div class="math display">{math}</div>\n'

    def figure(self, f: Figure) -> str:
        caption = self.inlines(f.caption)
        alt = esc(plain_text(f.caption))
        style = []
        if f.width:
            style.append(f"width:{esc(_css_length(f.width))}")
        if f.height:
            style.append(f"height:{esc(_css_length(f.height))}")
        style_attr = f' style="{";".join(style)}"' if style else ""
        image = self.image_tag(f.src, alt, f.pos, style_attr)
        number = ""
        if f.number:
            number = f'<span class="caption-number">{esc(self.site.strings["figure_caption"].format(number=f.number))}</span> '
        anchor = f' id="{esc(f.anchor)}"' if f.anchor else ""
        figcaption = f"<figcaption>{number}{caption}</figcaption>" if number or alt else ""
        return f'<figure class="figure"{anchor}>{image}{figcaption}</figure>\n'

    def image_tag(self, src: str, alt: str, pos: Pos, extra: str = "") -> str:
        parts = urlsplit(src)
        if parts.scheme in ("http", "https") or src.startswith("//"):
            # Loading it would make the page reach outside the site: offer it instead.
            host = esc(parts.netloc or src)
            label = esc(self.site.strings["external_image"].format(host=parts.netloc))
            return (f'<a class="external-image" href="{esc(src)}" data-src="{esc(src)}" '
                    f'data-alt="{alt}" title="{host}">{label}</a>')
        if parts.scheme == "data":
            return f'<img src="{esc(src)}" alt="{alt}"{extra}>'
        return f'<img src="{esc(self.local_image(src, pos))}" alt="{alt}" loading="lazy"{extra}>'

    def local_image(self, src: str, pos: Pos) -> str:
        """Check the book's image ``src`` names, mark it to be copied, and give its address."""
        path = book_path(self.source, src)  # the file on disk: decoded (符号.png, a b.png)
        if path.startswith("../"):
            self.diags.warning(pos, f"image `{readable(src)}` is outside the book folder; keep images "
                               "inside the book (e.g. in img/)", "image-outside")
        elif path not in self.site.existing_files:
            self.diags.warning(pos, f"image `{readable(src)}` does not exist (looked for `{path}`); fix the "
                             "path, which is relative to this page", "missing-image")
        elif book_file(Path(self.site.book_root), path) is None:  # a symlink out of the book
            self.diags.warning(pos, outside_message("image", readable(src)), "image-outside")
        else:
            self.images.add(path)
        return href_to(self.output, path)  # the link: encoded again

    def raw_html(self, text: str, pos: Pos) -> str:
        """Raw HTML of the page, its ``<img>`` of local files handled as Markdown images."""
        def replace(src: str, line: int) -> str:
            if not is_local(src) or not urlsplit(src).path:  # another site, data:, #here
                return src
            return self.local_image(src, Pos(pos.file, pos.line + line) if pos.line else pos)

        return rewrite_image_sources(text, replace)

    def table(self, t: Table) -> str:
        rows = []
        if t.head:
            cells = "".join(self._cell("th", c.children, t.align, i) for row in t.head
                            for i, c in enumerate(row))
            rows.append(f"<thead><tr>{cells}</tr></thead>")
        body = "".join("<tr>" + "".join(self._cell("td", c.children, t.align, i)
                                        for i, c in enumerate(row)) + "</tr>" for row in t.body)
        rows.append(f"<tbody>{body}</tbody>")
        caption = ""
        if t.caption or t.number:
            number = ""
            if t.number:
                number = f'<span class="caption-number">{esc(self.site.strings["table_caption"].format(number=t.number))}</span> '
            caption = f"<caption>{number}{self.inlines(t.caption)}</caption>"
        anchor = f' id="{esc(t.anchor)}"' if t.anchor else ""
        return f'<div class="table-wrap"><table{anchor}>{caption}{"".join(rows)}</table></div>\n'

    def _cell(self, tag: str, children: list[Inline], align: list[str], i: int) -> str:
        a = align[i] if i < len(align) else ""
        style = f' style="text-align:{a}"' if a else ""
        return f"<{tag}{style}>{self.inlines(children)}</{tag}>"

    def list_block(self, lst: ListBlock) -> str:
        tag = "ol" if lst.ordered else "ul"
        start = f' start="{lst.start}"' if lst.ordered and lst.start != 1 else ""
        items = []
        for item in lst.items:
            # Tight lists: a lone paragraph is shown without <p>.
            if len(item) == 1 and isinstance(item[0], Paragraph):
                items.append(f"<li>{self.inlines(item[0].children)}</li>")
            else:
                items.append(f"<li>{self.blocks(item)}</li>")
        return f"<{tag}{start}>{''.join(items)}</{tag}>\n"

    def quote(self, q: Quote) -> str:
        return f"<blockquote>{self.blocks(q.children)}</blockquote>\n"

    def tab_content(self, t: TabContent) -> str:
        # Outside a tab group (e.g. a one-tab book): shown for its first tab.
        return self.tab_group(TabGroup({tab: t.children for tab in t.tabs[:1]}, t.pos)) if t.tabs else ""

    def tab_group(self, g: TabGroup) -> str:
        tabs = [t for t in self.site.tab_names if t in g.panels]
        self.tabs.update(tabs)
        if not tabs:
            return ""
        default = self.site.tab_names[0]
        shown = default if default in tabs else tabs[0]
        buttons = "".join(
            f'<button type="button" role="tab" class="tab" data-tab="{esc(t)}" '
            f'aria-selected="{"true" if t == shown else "false"}">{esc(tab_title(t))}</button>'
            for t in tabs)
        panels = "".join(
            f'<div class="tabpanel" role="tabpanel" data-tab="{esc(t)}"'
            f'{"" if t == shown else " hidden"}>{self.blocks(g.panels[t])}</div>'
            for t in tabs)
        only = ""
        if len(self.site.tab_names) > 1 and set(tabs) < set(self.page_tabs):
            names = ", ".join(tab_title(t) for t in tabs)
            note = self.site.strings["only_tab_here"].format(tabs=names)
            only = f'<p class="tab-only">{esc(note)}</p>'
        return (f'<div class="tabgroup" data-tabs="{esc(" ".join(tabs))}">'
                f'<div class="tabbar" role="tablist">{buttons}</div>{only}{panels}</div>\n')

    def toc(self, t: Toc) -> str:
        by_page = _index_toc(self.site.toc)
        items = []
        for entry in t.entries:
            if entry.page is None:
                continue
            node = by_page.get(entry.page)
            items.append(self._toc_item(entry.page, node, t.maxdepth))
        return f'<nav class="toc-block"><ul>{"".join(items)}</ul></nav>\n' if items else ""

    def _toc_item(self, page: str, node: TocNode | None, depth: int) -> str:
        number, title = self.site.titles.get(page, (None, page))
        url = href_to(self.output, self.site.outputs[page])
        num = f'<span class="section-number">{esc(number)}</span> ' if number else ""
        children = ""
        if node and node.children and depth > 1:
            children = "<ul>" + "".join(self._toc_item(c.page, c, depth - 1) for c in node.children) + "</ul>"
        return f'<li><a href="{esc(url)}">{num}{esc(title)}</a>{children}</li>'

    def raw(self, r: Raw) -> str:
        return self.raw_html(r.text, r.pos) if r.format == "html" else ""

    def bibliography(self, b: Bibliography) -> str:
        items = "".join(self._bib_item(item) for item in b.entries)
        return f'<dl class="bibliography">{items}</dl>\n'

    def _bib_item(self, item: BibItem) -> str:
        return f'<dt id="{esc(item.key)}">{esc(item.label)}</dt><dd>{item.html}</dd>'

    def directive(self, d: Directive) -> str:
        if d.name == "only":
            return self.blocks(d.children) if d.argument.strip() in ("html", "") else ""
        if d.name in ("autoclass", "autofunction", "automodule", "automethod", "autodata",
                      "autoattribute"):
            kind = {"autoclass": "class", "autofunction": "function"}.get(d.name, d.name[4:])
            anchor = esc(d.argument)
            return (f'<dl class="api {esc(kind)}"><dt id="{anchor}"><em>{esc(kind)}</em> '
                    f'<code>{esc(d.argument)}</code></dt></dl>\n')
        return ""

    def rule(self, r: Rule) -> str:
        return "<hr>\n"

    def footnote_def(self, f: FootnoteDef) -> str:
        self.footnotes.append(f)
        return ""

    def translated(self, t: Translated) -> str:
        # One language: the translation, or the original marked as untranslated;
        # side by side: both (writers/html/languages.py).
        from .languages import render_translated

        return render_translated(self, t)

    # ---------------------------------------------------------------- inlines

    def inlines(self, nodes: list[Inline]) -> str:
        return "".join(self.inline(n) for i, n in enumerate(nodes)
                       if not (isinstance(n, SoftBreak) and _joins_wide_text(nodes, i)))

    def inline(self, node: Inline) -> str:
        handler = _INLINES.get(type(node))
        return handler(self, node) if handler else ""

    def math(self, latex: str, display: bool, pos: Pos) -> str:
        key = (latex, display)
        cached = self.math_cache.get(key)
        if cached is None:
            try:
                cached = to_mathml(latex, display)
            except MathError as exc:
                self.diags.warning(pos, f"math cannot be rendered ({exc}): ${latex[:80]}$ — check "
                                   "the LaTeX", "math")
                return f'<code class="math-error" title="{esc(str(exc))}">{esc(latex)}</code>'
            self.math_cache[key] = cached
        return cached

    def ref(self, r: Ref) -> str:
        if not r.resolved:
            return f'<span class="ref unresolved">{esc(r.text or r.target)}</span>'
        url = href_to(self.output, self.site.outputs.get(r.page or "", ""))
        href = f"{url}#{r.anchor}" if r.anchor else (url or "#")
        text = reference_text(r, self.site.lang)
        return f'<a class="ref {esc(r.kind)}" href="{esc(href)}">{esc(text)}</a>'

    def cite(self, c: Cite) -> str:
        bib_url = href_to(self.output, self.site.outputs[self.site.bibliography_page]) \
            if self.site.bibliography_page else None

        def link(key: str, text: str) -> str:
            if bib_url is None:
                return esc(text)
            return f'<a href="{esc(bib_url)}#{esc(key)}">{esc(text)}</a>'

        if c.kind == "citet":
            parts = [f"{esc(e.authors)} ({link(e.key, e.year)})" if e.found else
                     f'<span class="cite unresolved">{esc(e.key)}</span>' for e in c.entries]
            return f'<span class="cite">{", ".join(parts)}</span>'
        parts = [link(e.key, f"{e.authors}, {e.year}") if e.found else
                 f'<span class="unresolved">{esc(e.key)}</span>' for e in c.entries]
        return f'<span class="cite">({"; ".join(parts)})</span>'

    def link(self, link: Link) -> str:
        content = self.inlines(link.children)
        if link.target_page:
            url = href_to(self.output, self.site.outputs[link.target_page])
            href = f"{url}#{link.target_anchor}" if link.target_anchor else (url or "#")
        else:
            href = link.url
        title = f' title="{esc(link.title)}"' if link.title else ""
        external = urlsplit(href).scheme in ("http", "https")
        rel = ' rel="noopener"' if external else ""
        return f'<a href="{esc(href)}"{title}{rel}>{content}</a>'

    def footnote_ref(self, f: FootnoteRef) -> str:
        return f'<sup class="footnote-ref"><a href="#fn-{esc(f.label)}">{f.number}</a></sup>'

    def role(self, r: Role) -> str:
        return f'<code class="role">:{esc(r.name)}:`{esc(r.content)}`</code>'


def _index_toc(nodes: list[TocNode]) -> dict[str, TocNode]:
    out: dict[str, TocNode] = {}
    for node in nodes:
        out[node.page] = node
        out.update(_index_toc(node.children))
    return out


def _css_length(value: str) -> str:
    value = value.strip()
    return value + "px" if value.isdigit() else value


_BLOCKS: dict[type, Callable[[PageRenderer, Block], str]] = {
    Heading: PageRenderer.heading,
    Paragraph: PageRenderer.paragraph,
    CodeCell: PageRenderer.code_cell,
    MathBlock: PageRenderer.math_block,
    Figure: PageRenderer.figure,
    Table: PageRenderer.table,
    ListBlock: PageRenderer.list_block,
    Quote: PageRenderer.quote,
    TabContent: PageRenderer.tab_content,
    TabGroup: PageRenderer.tab_group,
    Toc: PageRenderer.toc,
    Raw: PageRenderer.raw,
    Bibliography: PageRenderer.bibliography,
    Directive: PageRenderer.directive,
    Rule: PageRenderer.rule,
    FootnoteDef: PageRenderer.footnote_def,
    Translated: PageRenderer.translated,
}

_INLINES: dict[type, Callable[[PageRenderer, Inline], str]] = {
    Text: lambda r, n: esc(n.text),
    Emph: lambda r, n: f"<em>{r.inlines(n.children)}</em>",
    Strong: lambda r, n: f"<strong>{r.inlines(n.children)}</strong>",
    Strike: lambda r, n: f"<s>{r.inlines(n.children)}</s>",
    Code: lambda r, n: f"<code>{esc(n.text)}</code>",
    # $$..$$ inside a paragraph gets the display box too: it scrolls, it does not widen the page.
    Math: lambda r, n: (f'<span class="math display">{r.math(n.latex, True, r.pos)}</span>' if n.display
                        else r.math(n.latex, False, r.pos)),
    Link: PageRenderer.link,
    Image: lambda r, n: r.image_tag(n.src, esc(n.alt), r.pos, ' class="inline"'),
    SoftBreak: lambda r, n: "\n",
    HardBreak: lambda r, n: "<br>\n",
    RawInline: lambda r, n: r.raw_html(n.text, r.pos) if n.format == "html" else "",
    Ref: PageRenderer.ref,
    Cite: PageRenderer.cite,
    FootnoteRef: PageRenderer.footnote_ref,
    Role: PageRenderer.role,
}
