"""One page's document tree -> LaTeX, the way ``writers/html/nodes.py`` does it for the website.

A table of small functions keyed by node type.  Numbers, labels and
reference texts come from the resolved tree and ``i18n``, exactly as the
website shows them ("Fig. 3.1.2", "(3.1.4)"), so the two never disagree:
LaTeX's own counters are not used for anything the reader sees.

Inline content is written in one of three modes: ``body`` (running text),
``moving`` (captions and table cells: footnotes become marks whose text
follows the block) and ``toc`` (what goes into the table of contents and
PDF bookmarks: no footnotes, no links).

Every block starts with a mark from ``linemap.py`` so that a LaTeX
error can be traced to the Markdown that produced it.
"""

from __future__ import annotations

import base64
import binascii
import posixpath
import re
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urlsplit

from ...bookpaths import book_path, readable
from ...diagnostics import Diagnostics
from ...codemarks import strip_hide_marks
from ...tree import (
    Bibliography, BibItem, Block, CodeCell, Directive, FootnoteDef, Figure, Heading, Inline,
    ListBlock, MathBlock, Output, Paragraph, Pos, Quote, Raw, Rule, Table, TabContent,
    TabGroup, Toc, Translated, plain_text, walk_blocks,
)
from ..code.highlight import highlight_latex
from ..html.outputs import clean_stream, strip_ansi
from .escape import escape_code, escape_text, strip_controls
from .images import ImageMaker, PdfImage
from .linemap import Marks
from .math import prepare_math
from ..math.mathml import brace_problem
from .inlines import InlineLatex, cite_key, page_key

#: LaTeX sectioning commands by depth in the book (1 = chapter).
SECTIONS = ["chapter", "section", "subsection", "subsubsection", "paragraph", "subparagraph"]
#: Longest cell output printed in the PDF; the rest is summarised in one line.
MAX_OUTPUT_LINES = 400
ADMONITIONS = {"note", "warning", "tip", "important", "caution", "attention", "hint", "danger",
               "error", "admonition", "seealso"}
#: Tags that are true for the PDF in ``.. only::`` expressions.
ONLY_TAGS = {"latex", "pdf", "format_latex", "builder_latex"}
_ONLY_TOKENS = re.compile(r"\s*(\(|\)|and\b|or\b|not\b|[\w.-]+)")
_PARAGRAPH_END = re.compile("\n\n(\x00\\d+\x01)$")  # a paragraph's blank line, then its mark
_LENGTH = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(px|%|cm|mm|in|pt|bp|em|ex|pc)?\s*$")


@dataclass
class LatexSite:
    """What rendering a page needs from the whole book."""

    lang: str
    strings: dict[str, str]
    tab: str
    images: ImageMaker
    #: LaTeX labels defined somewhere in this PDF (references to others are plain text)
    keys: set[str] = field(default_factory=set)
    #: bibliography keys printed in this PDF (citations link to them)
    bib_keys: set[str] = field(default_factory=set)


def only_applies(expression: str) -> bool:
    """Whether ``.. only:: expression`` content belongs in the PDF (Sphinx's tag logic)."""
    tokens = _ONLY_TOKENS.findall(expression)
    if not expression.strip():
        return True
    if "".join(tokens).replace(" ", "") != expression.replace(" ", ""):
        return False
    words = []
    for token in tokens:
        if token in ("(", ")", "and", "or", "not"):
            words.append(token)
        else:
            words.append("True" if token in ONLY_TAGS else "False")
    try:
        return bool(eval(" ".join(words), {"__builtins__": {}}, {}))  # noqa: S307 (only True/False/and/or/not)
    except SyntaxError:
        return False


def latex_length(value: str, along: str) -> str | None:
    """``:width:`` values as LaTeX lengths: px at 96 dpi, % of the line, or TeX units."""
    m = _LENGTH.match(value or "")
    if not m:
        return None
    number, unit = float(m.group(1)), m.group(2) or "px"
    if unit == "px":
        return f"{number * 0.75:g}bp"
    if unit == "%":
        return f"{number / 100:g}\\{'linewidth' if along == 'width' else 'textheight'}"
    return f"{number:g}{unit}"


@dataclass
class PageLatex:
    body: str
    #: book-relative image paths the page shows (for the report)
    images: set[str] = field(default_factory=set)


class LatexRenderer(InlineLatex):
    """Renders the blocks of one page (already cut to one tab)."""

    def __init__(self, site: LatexSite, source: str, depth: int, diags: Diagnostics,
                 marks: Marks) -> None:
        self.site = site
        self.source = source
        self.depth = max(depth, 1)
        self.diags = diags
        self.marks = marks
        self.pos = Pos(source, 0)
        self.footnotes: dict[str, FootnoteDef] = {}
        self.pending_notes: list[str] = []  # footnote texts for marks made in captions and cells
        self.title_done = False
        self.images: set[str] = set()

    # ------------------------------------------------------------------ page

    def render_page(self, blocks: list[Block], title: list[Inline], number: str | None) -> PageLatex:
        """The page's LaTeX: its heading (from the first ``#`` title or ``title``) and body."""
        for block in walk_blocks(blocks):
            if isinstance(block, FootnoteDef):
                self.footnotes.setdefault(block.label, block)
        out = []
        if not _has_title(blocks):
            out.append(self.marks.mark(Pos(self.source, 1)))
            out.append(self.heading_tex(1, number, title, ""))
            self.title_done = True
        out.append(self.blocks(blocks))
        return PageLatex("".join(out), self.images)

    # ---------------------------------------------------------------- blocks

    def blocks(self, blocks: list[Block]) -> str:
        out = [self.block(b) for b in blocks]
        for i in range(1, len(blocks)):  # a display ends the sentence above: no empty line between
            if isinstance(blocks[i], MathBlock) and isinstance(blocks[i - 1], Paragraph):
                out[i - 1] = _PARAGRAPH_END.sub(r"\n\1", out[i - 1])
        return "".join(out)

    def block(self, block: Block) -> str:
        handler = _BLOCKS.get(type(block))
        if handler is None:
            return ""
        outer = self.pos
        self.pos = getattr(block, "pos", outer)
        body = handler(self, block)
        if self.pending_notes and not isinstance(block, (ListBlock, Quote, Directive, Translated)):
            body += self._flush_notes()
        self.pos = outer
        if not body:
            return ""
        return self.marks.mark(getattr(block, "pos", outer)) + body + self.marks.mark(outer)

    def heading(self, h: Heading) -> str:
        is_title = h.level == 1 and not self.title_done
        self.title_done = self.title_done or is_title
        level = 1 if is_title else max(h.level, 2)
        return self.heading_tex(level, h.number, h.children, h.anchor, is_title)

    def heading_tex(self, level: int, number: str | None, children: list[Inline], anchor: str,
                    is_title: bool = True) -> str:
        """A starred sectioning command with the website's number, a toc line and labels."""
        depth = self.depth + level - 1
        command = SECTIONS[min(depth, len(SECTIONS)) - 1]
        title = self.inlines(children, "moving") or escape_text(posixpath.basename(self.source))
        toc_title = self.inlines(children, "toc") or title
        pdf_title = escape_text(plain_text(children).strip()) or toc_title
        toc_entry = f"\\texorpdfstring{{{toc_title}}}{{{pdf_title}}}"
        shown = f"\\dbsecnum{{{escape_text(number)}}}{title}" if number else title
        numberline = f"\\protect\\numberline{{{escape_text(number)}}}" if number else ""
        labels = []
        if is_title:
            labels.append(page_key(self.source))
        if anchor:
            labels.append(page_key(self.source, anchor))
        mark_text = f"{escape_text(number)} {toc_title}" if number else toc_title
        lines = [f"\\{command}*{{{shown}}}",
                 "\\phantomsection",
                 f"\\addcontentsline{{toc}}{{{command}}}{{{numberline}{toc_entry}}}",
                 "".join(f"\\label{{{k}}}" for k in labels)]
        if command in ("chapter", "section"):
            lines.append(f"\\db{command}mark{{{mark_text}}}")
        return "\n".join(line for line in lines if line) + "\n\n"

    def paragraph(self, p: Paragraph) -> str:
        text = self.inlines(p.children).strip()
        if not text:
            return ""
        return self.marks.mark(p.pos, faithful=True) + text + "\n\n"

    def code_cell(self, cell: CodeCell) -> str:
        if "hide" in cell.marks:
            return ""
        parts = []
        if "hide_code" not in cell.marks:
            source = strip_hide_marks(cell.source) if cell.executable else cell.source
            source = strip_controls(source.expandtabs(4)).rstrip("\n")
            if source.strip():
                code = highlight_latex(source + "\n", cell.language or "text")
                head, _, rest = code.partition("\n")
                first = cell.source_line or cell.pos.line + 1
                parts.append("\\begin{dbinput}\n" + head + "\n"
                             + self.marks.mark(Pos(cell.pos.file, first), faithful=True)
                             + rest.rstrip("\n") + "\n" + self.marks.mark(cell.pos)
                             + "\\end{dbinput}\n")
        if cell.outputs and "hide_output" not in cell.marks:
            parts.extend(self.output(o) for o in cell.outputs)
        body = "".join(p for p in parts if p)
        return body + "\n" if body else ""

    def output(self, output: Output) -> str:
        if output.kind == "stream":
            return self._output_text(clean_stream(output.text), "stderr" if output.name == "stderr" else "")
        if output.kind == "error":
            trace = clean_stream("\n".join(output.traceback)) or f"{output.ename}: {output.evalue}"
            return self._output_text(trace, "error")
        data = output.data
        for mime in ("image/svg+xml", "image/png", "image/jpeg", "application/pdf"):
            if mime in data:
                value = data[mime]
                value = "".join(value) if isinstance(value, list) else str(value)
                if mime == "image/svg+xml":
                    raw = value.encode("utf-8")
                else:
                    try:
                        raw = base64.b64decode(value.strip())
                    except (binascii.Error, ValueError):
                        self.diags.warning(self.pos, f"an output image ({mime}) of this cell is not "
                                           "valid base64 and is left out of the PDF", "output-image")
                        continue
                image = self.site.images.for_data(raw)
                if image.file is None:
                    self.diags.warning(self.pos, f"an output image of this cell cannot go into the "
                                       f"PDF: {image.problem}", "output-image")
                    return f"\\dbmissingimage{{{escape_text(mime)}}}\n"
                return f"\\dboutputimage{{{self._graphics(image, None, None)}}}\n"
        for mime in ("text/plain", "text/markdown", "text/latex"):
            if mime in data:
                value = data[mime]
                value = "".join(value) if isinstance(value, list) else str(value)
                return self._output_text(clean_stream(value), "")
        return ""

    def _output_text(self, text: str, kind: str) -> str:
        # Paper has no terminal colours: what the terminal finally shows, in plain text.
        text = strip_controls(strip_ansi(text).expandtabs(4)).rstrip()
        if not text.strip():
            return ""
        lines = text.split("\n")
        if len(lines) > MAX_OUTPUT_LINES:
            keep = MAX_OUTPUT_LINES - 20
            lines = lines[:keep] + [f"[... {len(lines) - keep - 20} lines ...]"] + lines[-20:]
        code = highlight_latex("\n".join(lines) + "\n", "text")
        env = {"stderr": "dbstderr", "error": "dberror"}.get(kind, "dboutput")
        return f"\\begin{{{env}}}\n{code.rstrip()}\n\\end{{{env}}}\n"

    def math_block(self, m: MathBlock) -> str:
        prepared = prepare_math(m.latex, display=True)
        if prepared.problem:
            self._math_problem(m.latex, prepared.problem, m.pos)
            return f"\\dbmatherror{{{escape_code(m.latex)}}}\n\n"
        if m.number:
            labels = f"\\label{{{page_key(self.source, m.anchor)}}}" if m.anchor else ""
            return (f"\\begin{{equation}}\n{prepared.tex}\n"
                    f"\\tag{{{escape_text(m.number)}}}{labels}\n\\end{{equation}}\n")
        return f"\\begin{{equation*}}\n{prepared.tex}\n\\end{{equation*}}\n"

    def _math_problem(self, latex: str, problem: str, pos: Pos) -> None:
        # The same words as the website's report, so one mistake is listed once.
        self.diags.warning(pos, f"math cannot be rendered ({problem}): ${latex[:80]}$ — check "
                           "the LaTeX", "math")

    def figure(self, f: Figure) -> str:
        graphics = self.image(f.src, f.pos, f.width, f.height)
        caption = self._caption("figure", f.number, f.caption, f.anchor)
        return f"\\begin{{figure}}[!htbp]\n\\centering\n{graphics}\n{caption}\\end{{figure}}\n"

    def image(self, src: str, pos: Pos, width: str | None = None, height: str | None = None) -> str:
        """``\\dbimage[...]{file}`` for ``src`` (relative to the page), or a placeholder."""
        parts = urlsplit(src)
        if parts.scheme in ("http", "https") or src.startswith("//"):
            self.diags.warning(pos, f"image `{src}` is on the web; the PDF cannot include it and "
                               "shows its address instead (download it into the book, e.g. img/, "
                               "to print it)", "remote-image")
            return f"\\dbmissingimage{{{escape_code(src)}}}"
        if parts.scheme == "data":
            head, _, payload = src.partition(",")
            try:
                raw = base64.b64decode(payload) if ";base64" in head else payload.encode("utf-8")
            except (binascii.Error, ValueError):
                raw = b""
            prepared = self.site.images.for_data(raw)
            label = "data URI"
        else:
            path = book_path(self.source, src)  # the file on disk: decoded (符号.png, a b.png)
            label = readable(src)
            if path.startswith("../") or path == "..":
                self.diags.warning(pos, f"image `{label}` is outside the book folder and is left out "
                                   "of the PDF; keep images inside the book (e.g. in img/)",
                                   "image-outside")
                return f"\\dbmissingimage{{{escape_code(label)}}}"
            prepared = self.site.images.for_file(path)
            if prepared.file is not None:
                self.images.add(path)
        if prepared.file is None:
            code = "missing-image" if prepared.problem == "the file does not exist" else "pdf-image"
            self.diags.warning(pos, f"image `{label}` cannot go into the PDF ({prepared.problem}); "
                               "a placeholder is printed instead", code)
            return f"\\dbmissingimage{{{escape_code(label)}}}"
        return self._graphics(prepared, width, height)

    def _graphics(self, image: PdfImage, width: str | None, height: str | None) -> str:
        options = []
        w = latex_length(width, "width") if width else None
        h = latex_length(height, "height") if height else None
        for given, value in ((width, w), (height, h)):
            if given and value is None:
                self.diags.warning(self.pos, f"`{given}` is not a length the PDF understands (use "
                                   "px, %, cm, mm, in or pt); the image keeps its size", "image-size")
        if w:
            options.append(f"width={w}")
        if h:
            options.append(f"height={h}")
        if not w and not h and image.width_px:
            options.append(f"width={image.width_px * 0.75:g}bp")  # as the website: 96 px per inch
        if w and h:
            options.append("keepaspectratio")
        options += ["max width=\\linewidth", "max height=0.8\\textheight"]
        return f"\\dbimage[{','.join(options)}]{{{image.file}}}"

    def _caption(self, kind: str, number: str | None, caption: list[Inline], anchor: str) -> str:
        long = self.inlines(caption, "moving")
        short = self.inlines(caption, "toc")
        label = f"\\label{{{page_key(self.source, anchor)}}}" if anchor else ""
        if number:
            return (f"\\renewcommand{{\\the{kind}}}{{{escape_text(number)}}}"
                    f"\\caption[{{{short}}}]{{{long}}}{label}\n")
        if long:
            return f"\\caption*{{{long}}}{label}\n"
        return f"\\phantomsection{label}\n" if label else ""

    def table(self, t: Table) -> str:
        caption = self._caption("table", t.number, t.caption, t.anchor)  # first: notes in order
        rows = [[self.inlines(c.children, "moving") for c in row] for row in t.head + t.body]
        columns = max((len(r) for r in rows), default=0)
        if not columns:
            return ""
        spec = "".join({"left": "L", "center": "C", "right": "R"}.get(
            t.align[i] if i < len(t.align) else "", "L") for i in range(columns))

        def line(cells: list[str]) -> str:
            cells = cells + [""] * (columns - len(cells))
            return " & ".join(cells) + " \\\\\n"

        head = rows[:len(t.head)]
        body = rows[len(t.head):]
        lines = ["\\toprule\n"] + [line(r) for r in head] + (["\\midrule\n"] if head else [])
        lines += [line(r) for r in body] + ["\\bottomrule\n"]
        return (f"\\begin{{table}}[!htbp]\n\\centering\n{caption}"
                f"\\begin{{tabulary}}{{\\linewidth}}{{{spec}}}\n{''.join(lines)}\\end{{tabulary}}\n"
                "\\end{table}\n")

    def list_block(self, lst: ListBlock) -> str:
        if not lst.items:
            return ""
        env = "enumerate" if lst.ordered else "itemize"
        start = f"[start={lst.start}]" if lst.ordered and lst.start != 1 else ""
        items = []
        for item in lst.items:
            content = self.blocks(item).strip("\n")
            items.append("\\item " + (content or "\\leavevmode") + "\n")
        return f"\\begin{{{env}}}{start}\n{''.join(items)}\\end{{{env}}}\n\n"

    def quote(self, q: Quote) -> str:
        inner = self.blocks(q.children).strip("\n")
        return f"\\begin{{quote}}\n{inner}\n\\end{{quote}}\n\n" if inner else ""

    def tab_content(self, t: TabContent) -> str:
        return self.blocks(t.children) if self.site.tab in t.tabs else ""

    def tab_group(self, g: TabGroup) -> str:
        return self.blocks(g.panels.get(self.site.tab, []))

    def toc(self, t: Toc) -> str:
        return ""  # the PDF has its own table of contents

    def raw(self, r: Raw) -> str:
        return r.text.rstrip("\n") + "\n" if r.format in ("latex", "tex") else ""

    def bibliography(self, b: Bibliography) -> str:
        return bibliography_tex(b.entries)

    def directive(self, d: Directive) -> str:
        if d.name == "only":
            return self.blocks(d.children) if only_applies(d.argument) else ""
        if d.name in ("autoclass", "autofunction", "automodule", "automethod", "autodata",
                      "autoattribute"):
            kind = {"autoclass": "class", "autofunction": "function"}.get(d.name, d.name[4:])
            return f"\\dbapi{{{escape_text(kind)}}}{{{escape_code(d.argument)}}}\n\n"
        if d.name in ADMONITIONS:
            title = escape_text(d.argument.strip() or d.name.title())
            inner = self.blocks(d.children).strip("\n")
            return f"\\begin{{dbadmonition}}{{{title}}}\n{inner}\n\\end{{dbadmonition}}\n\n"
        return ""

    def rule(self, r: Rule) -> str:
        return "\\dbrule\n\n"

    def footnote_def(self, f: FootnoteDef) -> str:
        return ""  # printed where it is referenced

    def translated(self, t: Translated) -> str:
        # One language per PDF: the translation, or the original where none was made yet.
        return self.blocks(shown_side(t))

    def _flush_notes(self) -> str:
        """Footnote texts for the marks made inside a caption, a heading or a table.

        The marks there do not step the counter (tabulary and caption typeset
        their content more than once); each names its offset from the counter,
        and the counter moves on here, once.
        """
        notes, self.pending_notes = self.pending_notes, []
        out = [f"\\footnotetext[\\numexpr\\value{{footnote}}+{k}\\relax]{{{n}}}"
               for k, n in enumerate(notes, 1)]
        return "".join(out) + f"\\addtocounter{{footnote}}{{{len(notes)}}}\n"


def shown_side(t: Translated) -> list[Block]:
    """What a one-language document shows of a translated pair."""
    if t.translation is not None:
        return [t.translation, *t.more]
    return [t.original] if t.original is not None else []


def bibliography_tex(items: list[BibItem]) -> str:
    """The list of cited works, each with the target its citations link to."""
    if not items:
        return ""
    lines = ["\\begin{dbbibliography}"]
    for item in items:
        latex = item.latex.strip()
        if not latex or brace_problem(latex):
            latex = escape_text(item.text)  # pybtex's LaTeX would break the run: print the text
        latex = strip_controls(latex).replace("\n\n", "\n")
        # The entry follows the item instead of being an argument: \\url inside reads % and #.
        lines.append(f"\\dbbibitem{{{cite_key(item.key)}}}{{{escape_text(item.label)}}}{latex}")
    lines.append("\\end{dbbibliography}")
    return "\n".join(lines) + "\n\n"


def _has_title(blocks: list[Block]) -> bool:
    """Whether the page's own ``#`` title is printed in the PDF."""
    for block in blocks:
        if isinstance(block, Heading):
            return block.level == 1
        if isinstance(block, Directive) and block.name == "only":
            if only_applies(block.argument) and _has_title(block.children):
                return True
            continue
        if isinstance(block, (Toc, FootnoteDef, Raw)):
            continue
        if isinstance(block, Translated):
            shown = shown_side(block)
            if not shown:
                continue
            return isinstance(shown[0], Heading) and shown[0].level == 1
        return False
    return False


_BLOCKS: dict[type, Callable[[LatexRenderer, Block], str]] = {
    Heading: LatexRenderer.heading,
    Paragraph: LatexRenderer.paragraph,
    CodeCell: LatexRenderer.code_cell,
    MathBlock: LatexRenderer.math_block,
    Figure: LatexRenderer.figure,
    Table: LatexRenderer.table,
    ListBlock: LatexRenderer.list_block,
    Quote: LatexRenderer.quote,
    TabContent: LatexRenderer.tab_content,
    TabGroup: LatexRenderer.tab_group,
    Toc: LatexRenderer.toc,
    Raw: LatexRenderer.raw,
    Bibliography: LatexRenderer.bibliography,
    Directive: LatexRenderer.directive,
    Rule: LatexRenderer.rule,
    FootnoteDef: LatexRenderer.footnote_def,
    Translated: LatexRenderer.translated,
}
