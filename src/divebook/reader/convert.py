"""markdown-it's syntax tree -> divebook's document tree.

One small function per node type, kept in two tables (blocks and inlines),
as markdown-it keeps its renderer.  Dialect constructs that span several
blocks (``:begin_tab:``, ``:label:`` after a heading, table captions) are
handled afterwards by ``reader/tabs.py`` and ``reader/labels.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from markdown_it.tree import SyntaxTreeNode

from ..diagnostics import Diagnostics
from ..tree import (
    Block, Cite, Code, CodeCell, Emph, FootnoteDef, FootnoteRef, HardBreak, Heading, Image,
    Inline, Link, ListBlock, Math, MathBlock, Paragraph, Pos, Quote, Raw, RawInline, Ref, Role,
    Rule, SoftBreak, Strike, Strong, Table, TableCell, Text, Toc, TocEntry,
)
from .fences import is_tab_selector, parse_info, read_cell
from .rst import read_rst

#: Roles that attach to the block before them or shape blocks; consumed by
#: reader/labels.py and reader/tabs.py.
BLOCK_ROLES = {"label", "eqlabel", "width", "height", "begin_tab", "end_tab", "bibliography"}
REF_ROLES = {"numref", "ref", "eqref"}
CITE_ROLES = {"cite", "citet", "citep", "citealp", "citeauthor", "citeyear"}


@dataclass
class Context:
    """What converting one page needs to know."""

    file: str  # book-relative path of the page
    book_root: Path
    tab_names: list[str]
    diags: Diagnostics
    lines: list[str] = field(default_factory=list)  # the page's text, for fence checks
    dropped_selector: bool = False
    footnotes: dict[str, int] = field(default_factory=dict)

    def pos(self, line0: int) -> Pos:
        return Pos(self.file, line0 + 1)

    @property
    def page_dir(self) -> str:
        return str(Path(self.file).parent)


# --------------------------------------------------------------------------
# Blocks
# --------------------------------------------------------------------------


def convert_blocks(nodes: list[SyntaxTreeNode], ctx: Context) -> list[Block]:
    blocks: list[Block] = []
    for node in nodes:
        handler = BLOCK_HANDLERS.get(node.type)
        if handler is None:
            ctx.diags.warning(ctx.pos(_line(node)), f"unsupported Markdown construct `{node.type}`; "
                              "it is left out", "unsupported")
            continue
        blocks.extend(handler(node, ctx))
    return blocks


def _line(node: SyntaxTreeNode | None) -> int:
    """0-based first line of ``node``, or of the nearest ancestor that has one."""
    while node is not None and not node.is_root:
        if node.map:
            return node.map[0]
        node = node.parent
    return 0


def _heading(node: SyntaxTreeNode, ctx: Context) -> list[Block]:
    level = int(node.tag[1])
    line = _line(node)
    return [Heading(level, convert_inlines(node.children[0], ctx, line), ctx.pos(line))]


def _paragraph(node: SyntaxTreeNode, ctx: Context) -> list[Block]:
    line = _line(node)
    return [Paragraph(convert_inlines(node.children[0], ctx, line), ctx.pos(line))]


def _list(node: SyntaxTreeNode, ctx: Context) -> list[Block]:
    items = [convert_blocks(item.children, ctx) for item in node.children]
    start = int(node.attrs.get("start", 1)) if node.type == "ordered_list" else 1
    return [ListBlock(items, ctx.pos(_line(node)), ordered=node.type == "ordered_list", start=start)]


def _quote(node: SyntaxTreeNode, ctx: Context) -> list[Block]:
    return [Quote(convert_blocks(node.children, ctx), ctx.pos(_line(node)))]


def _rule(node: SyntaxTreeNode, ctx: Context) -> list[Block]:
    return [Rule(ctx.pos(_line(node)))]


def _html_block(node: SyntaxTreeNode, ctx: Context) -> list[Block]:
    return [Raw("html", node.content, ctx.pos(_line(node)))]


def _math_block(node: SyntaxTreeNode, ctx: Context) -> list[Block]:
    label = node.info.strip() if node.type == "math_block_label" else None
    return [MathBlock(node.content.strip(), ctx.pos(_line(node)), label=label or None)]


def _code_block(node: SyntaxTreeNode, ctx: Context) -> list[Block]:
    """Indented code: display-only."""
    line = _line(node)
    return [CodeCell(node.content.rstrip("\n"), ctx.pos(line), language="", source_line=line + 1)]


def _fence(node: SyntaxTreeNode, ctx: Context) -> list[Block]:
    line = _line(node)
    pos = ctx.pos(line)
    info = parse_info(node.info)
    code = node.content
    if info.language == "toc":
        return [_toc(code, pos, ctx)]
    if info.language == "eval_rst":
        return read_rst(code.rstrip("\n"), Pos(ctx.file, line + 2), ctx.book_root, ctx.page_dir, ctx.diags)
    end_line = node.map[1] if node.map else line + 1  # 0-based exclusive = 1-based closing line
    if not _closed(node, end_line, ctx):
        ctx.diags.error(pos, f"code fence {node.markup!r} opened here is never closed; add a line "
                        f"with {node.markup} after the code (everything after it was read as code)",
                        "unclosed-fence")
    if not info.executable:
        return [CodeCell(code.rstrip("\n"), pos, language=info.language, attrs=info.attrs,
                         source_line=line + 2, end_line=end_line)]
    if is_tab_selector(code):
        ctx.dropped_selector = True
        return []
    head = read_cell(code)
    if head.conflicting_tab_line:
        ctx.diags.warning(Pos(ctx.file, line + 1 + head.conflicting_tab_line),
                          "a tab mark (`#@tab`/`%%tab`) only counts on the first line of a cell; "
                          "this one names other tabs and is ignored", "tab-mark")
    tabs = _resolve_tabs(head.tabs, pos, ctx)
    return [CodeCell(head.source, pos, language=info.language, executable=True, tabs=tabs,
                     marks=head.marks, attrs=info.attrs, source_line=line + 2 + head.skipped_lines,
                     end_line=end_line)]


def _closed(node: SyntaxTreeNode, end_line: int, ctx: Context) -> bool:
    """Whether the fence's last line is a closing fence (markdown-it runs an unclosed one to the end)."""
    if not ctx.lines:
        return True
    last_index = end_line - 1
    if last_index <= _line(node) or last_index >= len(ctx.lines):
        return False
    last = re.sub(r"^[\s>]*", "", ctx.lines[last_index]).strip()  # quotes prefix lines with ">"
    return last.startswith(node.markup) and not last[len(node.markup):].strip(node.markup[0]).strip()


def _resolve_tabs(named: list[str] | None, pos: Pos, ctx: Context) -> list[str]:
    if named is None:
        return [ctx.tab_names[0]]
    if "all" in named:
        return list(ctx.tab_names)
    known = [t for t in named if t in ctx.tab_names]
    unknown = [t for t in named if t not in ctx.tab_names]
    if unknown:
        ctx.diags.warning(pos, f"cell names tab {', '.join(f'`{t}`' for t in unknown)}, which the book "
                          f"does not have (tabs: {', '.join(ctx.tab_names)}); add it to [build] tabs "
                          "or fix the name", "unknown-tab")
    return known


def _toc(code: str, pos: Pos, ctx: Context) -> Toc:
    toc = Toc([], pos)
    for i, raw in enumerate(code.split("\n")):
        text = raw.strip()
        if not text:
            continue
        option = re.fullmatch(r":([\w\-]+):\s*(.*)", text)
        if option:
            name, value = option.groups()
            if name == "maxdepth":
                try:
                    toc.maxdepth = int(value)
                except ValueError:
                    ctx.diags.warning(Pos(ctx.file, pos.line + 1 + i),
                                      f"`:maxdepth:` needs a number, not {value!r}", "toc")
            elif name == "numbered":
                toc.numbered = True
            continue
        toc.entries.append(TocEntry(text, pos.line + 1 + i))
    return toc


def _table(node: SyntaxTreeNode, ctx: Context) -> list[Block]:
    line = _line(node)
    head: list[list[TableCell]] = []
    body: list[list[TableCell]] = []
    align: list[str] = []
    for section in node.children:
        rows = head if section.type == "thead" else body
        for tr in section.children:
            row = []
            for cell in tr.children:
                style = cell.attrs.get("style", "")
                if section.type == "thead":
                    m = re.search(r"text-align:(\w+)", str(style))
                    align.append(m.group(1) if m else "")
                row_line = _line(tr)
                inlines = convert_inlines(cell.children[0], ctx, row_line) if cell.children else []
                row.append(TableCell(inlines))
            rows.append(row)
    return [Table(head, body, align, ctx.pos(line))]


def _footnote_block(node: SyntaxTreeNode, ctx: Context) -> list[Block]:
    defs: list[Block] = []
    for item in node.children:
        label = str(item.meta.get("label", item.meta.get("id", "")))
        children = convert_blocks([c for c in item.children if c.type != "footnote_anchor"], ctx)
        defs.append(FootnoteDef(label, children, ctx.pos(_line(item)),
                                number=ctx.footnotes.setdefault(label, len(ctx.footnotes) + 1)))
    return defs


def _front_matter(node: SyntaxTreeNode, ctx: Context) -> list[Block]:
    return []  # read by reader.page before conversion


BLOCK_HANDLERS: dict[str, Callable[[SyntaxTreeNode, Context], list[Block]]] = {
    "heading": _heading,
    "paragraph": _paragraph,
    "bullet_list": _list,
    "ordered_list": _list,
    "blockquote": _quote,
    "hr": _rule,
    "html_block": _html_block,
    "math_block": _math_block,
    "math_block_label": _math_block,
    "fence": _fence,
    "code_block": _code_block,
    "table": _table,
    "footnote_block": _footnote_block,
    "front_matter": _front_matter,
}


# --------------------------------------------------------------------------
# Inlines
# --------------------------------------------------------------------------


@dataclass
class InlineState:
    ctx: Context
    line: int  # 0-based line of the current position


def convert_inlines(inline: SyntaxTreeNode, ctx: Context, line0: int) -> list[Inline]:
    """Convert the children of an ``inline`` node; ``line0`` is its first line."""
    state = InlineState(ctx, inline.map[0] if inline.map else line0)
    return _inlines(inline.children, state)


def _inlines(nodes: list[SyntaxTreeNode], state: InlineState) -> list[Inline]:
    out: list[Inline] = []
    for node in nodes:
        handler = INLINE_HANDLERS.get(node.type)
        if handler is None:
            continue  # anchors of footnotes and the like carry nothing to show
        result = handler(node, state)
        if isinstance(result, list):
            out.extend(result)
        elif result is not None:
            out.append(result)
    return _merge_text(out)


def _merge_text(nodes: list[Inline]) -> list[Inline]:
    merged: list[Inline] = []
    for node in nodes:
        if isinstance(node, Text) and merged and isinstance(merged[-1], Text):
            merged[-1] = Text(merged[-1].text + node.text)
        else:
            merged.append(node)
    return merged


def _text(node: SyntaxTreeNode, state: InlineState) -> Inline:
    state.line += node.content.count("\n")
    return Text(node.content)


def _softbreak(node: SyntaxTreeNode, state: InlineState) -> Inline:
    state.line += 1
    return SoftBreak()


def _hardbreak(node: SyntaxTreeNode, state: InlineState) -> Inline:
    state.line += 1
    return HardBreak()


def _code_inline(node: SyntaxTreeNode, state: InlineState) -> Inline:
    return Code(node.content)


def _em(node: SyntaxTreeNode, state: InlineState) -> Inline:
    return Emph(_inlines(node.children, state))


def _strong(node: SyntaxTreeNode, state: InlineState) -> Inline:
    return Strong(_inlines(node.children, state))


def _strike(node: SyntaxTreeNode, state: InlineState) -> Inline:
    return Strike(_inlines(node.children, state))


def _link(node: SyntaxTreeNode, state: InlineState) -> Inline:
    return Link(str(node.attrs.get("href", "")), _inlines(node.children, state),
                str(node.attrs.get("title", "") or ""))


def _image(node: SyntaxTreeNode, state: InlineState) -> Inline:
    return Image(str(node.attrs.get("src", "")), node.content, str(node.attrs.get("title", "") or ""),
                 children=_inlines(node.children, state))


def _html_inline(node: SyntaxTreeNode, state: InlineState) -> Inline:
    return RawInline("html", node.content)


def _math_inline(node: SyntaxTreeNode, state: InlineState) -> Inline:
    state.line += node.content.count("\n")
    return Math(node.content.strip())


def _math_inline_double(node: SyntaxTreeNode, state: InlineState) -> Inline:
    state.line += node.content.count("\n")
    return Math(node.content.strip(), display=True)


def _footnote_ref(node: SyntaxTreeNode, state: InlineState) -> Inline:
    label = str(node.meta.get("label", node.meta.get("id", "")))
    number = state.ctx.footnotes.setdefault(label, len(state.ctx.footnotes) + 1)
    return FootnoteRef(label, number)


def _role(node: SyntaxTreeNode, state: InlineState) -> Inline:
    name, content = node.meta["name"], node.meta["content"]
    pos = Pos(state.ctx.file, state.line + 1)
    state.line += content.count("\n")
    content = " ".join(content.split())
    if name in REF_ROLES:
        m = re.fullmatch(r"(.*?)\s*<([^<>]+)>", content)
        text, target = (m.group(1) or None, m.group(2).strip()) if m else (None, content.strip())
        return Ref(name, target, pos, text=text)
    if name in CITE_ROLES:
        keys = [k.strip() for k in content.split(",") if k.strip()]
        kind = {"citealp": "citep", "citeauthor": "citet", "citeyear": "citep"}.get(name, name)
        return Cite(kind, keys, pos)
    if name not in BLOCK_ROLES:
        state.ctx.diags.warning(pos, f"unknown role `:{name}:`; it is shown as written (known roles: "
                                f"{', '.join(sorted(REF_ROLES | CITE_ROLES | BLOCK_ROLES))})",
                                "unknown-role")
    return Role(name, content, pos)


INLINE_HANDLERS: dict[str, Callable[[SyntaxTreeNode, InlineState], Inline | list[Inline] | None]] = {
    "text": _text,
    "softbreak": _softbreak,
    "hardbreak": _hardbreak,
    "code_inline": _code_inline,
    "em": _em,
    "strong": _strong,
    "s": _strike,
    "link": _link,
    "image": _image,
    "html_inline": _html_inline,
    "math_inline": _math_inline,
    "math_inline_double": _math_inline_double,
    "footnote_ref": _footnote_ref,
    "role": _role,
}
