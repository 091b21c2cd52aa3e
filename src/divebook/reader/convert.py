"""markdown-it's token stream -> divebook's document tree.

One small function per node type, kept in two tables (blocks and inlines),
as markdown-it keeps its renderer.  The handlers walk the flat token list
directly: a node is an opening token (``nesting == 1``), the tokens up to
its closing one, and that closing token; or a single token, whose
``children`` (inline, image) hold its inline tokens.  This is the tree that
markdown-it's ``SyntaxTreeNode`` would build, without building it (that
costs more than the conversion).  Dialect constructs that span several
blocks (``:begin_tab:``, ``:label:`` after a heading, table captions) are
handled afterwards by ``reader/tabs.py`` and ``reader/labels.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from markdown_it.token import Token

from ..diagnostics import Diagnostics
from ..tree import (
    Block, Cite, Code, CodeCell, Emph, FootnoteDef, FootnoteRef, HardBreak, Heading, Image,
    Inline, Link, ListBlock, Math, MathBlock, Paragraph, Pos, Quote, Raw, RawInline, Ref, Role,
    Rule, SoftBreak, Strike, Strong, Table, TableCell, Text, Toc, TocEntry,
)
from .fences import is_tab_selector, parse_info, read_cell
from .roles import BLOCK_ROLES, CITE_ROLES, REF_ROLES
from .rst import read_rst


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


def convert_tokens(tokens: list[Token], ctx: Context) -> list[Block]:
    """The blocks of a page's whole token stream."""
    return convert_blocks(tokens, 0, len(tokens), 0, ctx)


def node_type(token: Token) -> str:
    """The node's type: ``paragraph`` for ``paragraph_open``, a lone token's own type."""
    return token.type.removesuffix("_open") if token.nesting == 1 else token.type


def closing(tokens: list[Token], i: int) -> int:
    """Index of the token that closes ``tokens[i]``: ``i`` itself for a lone token."""
    depth = tokens[i].nesting
    if depth == 0:
        return i
    if depth != 1:
        raise ValueError("Invalid token nesting")
    for j in range(i + 1, len(tokens)):
        depth += tokens[j].nesting
        if not depth:
            return j
    raise ValueError(f"unclosed tokens starting {tokens[i]}")


def child_nodes(tokens: list[Token], start: int, end: int) -> list[int]:
    """Indexes of the opening (or lone) tokens of the nodes in ``tokens[start:end]``."""
    out = []
    while start < end:
        out.append(start)
        start = closing(tokens, start) + 1
    return out


def nodes(tokens: list[Token], start: int, end: int) -> Iterator[tuple[int, int, str]]:
    """``(i, j, kind)`` for each node in ``tokens[start:end]``: its opening (or lone) token,
    its closing token and its type (``paragraph`` for ``paragraph_open``)."""
    i = start
    while i < end:
        token = tokens[i]
        if token.nesting:
            j = closing(tokens, i)  # refuses a closing token: this one opens a node
            yield i, j, token.type.removesuffix("_open")
        else:
            j = i
            yield i, j, token.type
        i = j + 1


def _line_of(token: Token, parent_line: int) -> int:
    """0-based first line of a node: its own, else its nearest ancestor's (``parent_line``)."""
    return token.map[0] if token.map else parent_line


def convert_blocks(tokens: list[Token], start: int, end: int, parent_line: int, ctx: Context,
                   skip: str = "") -> list[Block]:
    """The blocks of the nodes in ``tokens[start:end]``, children of a node on ``parent_line``.

    Nodes of type ``skip`` are left out silently.
    """
    blocks: list[Block] = []
    for i, j, kind in nodes(tokens, start, end):
        if kind != skip:
            token = tokens[i]
            line = token.map[0] if token.map else parent_line
            handler = BLOCK_HANDLERS.get(kind)
            if handler is None:
                ctx.diags.warning(ctx.pos(line), f"unsupported Markdown construct `{kind}`; it is left out",
                                  "unsupported")
            else:
                blocks.extend(handler(tokens, i, j, line, ctx))
    return blocks


# Each block handler takes the page's tokens, the node's opening (or lone) token
# ``i`` and closing token ``j``, the node's 0-based first line and the context.


def _heading(tokens: list[Token], i: int, j: int, line: int, ctx: Context) -> list[Block]:
    level = int(tokens[i].tag[1])
    return [Heading(level, convert_inlines(tokens[i + 1], ctx, line), ctx.pos(line))]


def _paragraph(tokens: list[Token], i: int, j: int, line: int, ctx: Context) -> list[Block]:
    children = convert_inlines(tokens[i + 1], ctx, line)
    first = children[0] if children else None
    if isinstance(first, Text) and first.text.startswith("$$"):
        ctx.diags.warning(ctx.pos(line), "`$$` opens no equation here: no `$$` closes it in this "
                          "paragraph, so it is shown as text. A blank line ends the paragraph and the "
                          "equation with it (as in pandoc and LaTeX): remove blank lines inside the "
                          "equation, or write `\\$\\$` for dollar signs", "math")
    return [Paragraph(children, ctx.pos(line))]


def _list(tokens: list[Token], i: int, j: int, line: int, ctx: Context) -> list[Block]:
    items = [convert_blocks(tokens, k + 1, closing(tokens, k), _line_of(tokens[k], line), ctx)
             for k in child_nodes(tokens, i + 1, j)]
    ordered = node_type(tokens[i]) == "ordered_list"
    start = int(tokens[i].attrs.get("start", 1)) if ordered else 1
    return [ListBlock(items, ctx.pos(line), ordered=ordered, start=start)]


def _quote(tokens: list[Token], i: int, j: int, line: int, ctx: Context) -> list[Block]:
    return [Quote(convert_blocks(tokens, i + 1, j, line, ctx), ctx.pos(line))]


def _rule(tokens: list[Token], i: int, j: int, line: int, ctx: Context) -> list[Block]:
    return [Rule(ctx.pos(line))]


def _html_block(tokens: list[Token], i: int, j: int, line: int, ctx: Context) -> list[Block]:
    return [Raw("html", tokens[i].content, ctx.pos(line))]


def _math_block(tokens: list[Token], i: int, j: int, line: int, ctx: Context) -> list[Block]:
    token = tokens[i]
    label = token.info.strip() if node_type(token) == "math_block_label" else None
    return [MathBlock(token.content.strip(), ctx.pos(line), label=label or None)]


def _code_block(tokens: list[Token], i: int, j: int, line: int, ctx: Context) -> list[Block]:
    """Indented code: display-only."""
    return [CodeCell(tokens[i].content.rstrip("\n"), ctx.pos(line), language="", source_line=line + 1)]


def _fence(tokens: list[Token], i: int, j: int, line: int, ctx: Context) -> list[Block]:
    node = tokens[i]
    pos = ctx.pos(line)
    info = parse_info(node.info)
    code = node.content
    if info.language == "toc":
        return [_toc(code, pos, ctx)]
    if info.language == "eval_rst":
        return read_rst(code.rstrip("\n"), Pos(ctx.file, line + 2), ctx.book_root, ctx.page_dir, ctx.diags)
    end_line = node.map[1] if node.map else line + 1  # 0-based exclusive = 1-based closing line
    if not _closed(node, line, end_line, ctx):
        ctx.diags.warning(pos, f"code fence {node.markup!r} opened here is never closed; add a line "
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


def _closed(node: Token, line: int, end_line: int, ctx: Context) -> bool:
    """Whether the fence's last line is a closing fence (markdown-it runs an unclosed one to the end)."""
    if not ctx.lines:
        return True
    last_index = end_line - 1
    if last_index <= line or last_index >= len(ctx.lines):
        return False
    last = _QUOTE_PREFIX.sub("", ctx.lines[last_index]).strip()  # quotes prefix lines with ">"
    return last.startswith(node.markup) and not last[len(node.markup):].strip(node.markup[0]).strip()


_QUOTE_PREFIX = re.compile(r"^[\s>]*")


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


def _table(tokens: list[Token], i: int, j: int, line: int, ctx: Context) -> list[Block]:
    head: list[list[TableCell]] = []
    body: list[list[TableCell]] = []
    align: list[str] = []
    for s in child_nodes(tokens, i + 1, j):
        is_head = node_type(tokens[s]) == "thead"
        rows = head if is_head else body
        section_line = _line_of(tokens[s], line)
        for tr in child_nodes(tokens, s + 1, closing(tokens, s)):
            row = []
            row_line = _line_of(tokens[tr], section_line)
            for cell in child_nodes(tokens, tr + 1, closing(tokens, tr)):
                if is_head:
                    m = _ALIGN.search(str(tokens[cell].attrs.get("style", "")))
                    align.append(m.group(1) if m else "")
                inlines = convert_inlines(tokens[cell + 1], ctx, row_line) \
                    if closing(tokens, cell) > cell + 1 else []
                row.append(TableCell(inlines))
            rows.append(row)
    return [Table(head, body, align, ctx.pos(line))]


_ALIGN = re.compile(r"text-align:(\w+)")


def _footnote_block(tokens: list[Token], i: int, j: int, line: int, ctx: Context) -> list[Block]:
    defs: list[Block] = []
    for k in child_nodes(tokens, i + 1, j):
        item = tokens[k]
        label = str(item.meta.get("label", item.meta.get("id", "")))
        item_line = _line_of(item, line)
        children = convert_blocks(tokens, k + 1, closing(tokens, k), item_line, ctx, skip="footnote_anchor")
        defs.append(FootnoteDef(label, children, ctx.pos(item_line),
                                number=ctx.footnotes.setdefault(label, len(ctx.footnotes) + 1)))
    return defs


def _front_matter(tokens: list[Token], i: int, j: int, line: int, ctx: Context) -> list[Block]:
    return []  # read by reader.page before conversion


BLOCK_HANDLERS: dict[str, Callable[[list[Token], int, int, int, Context], list[Block]]] = {
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


def convert_inlines(inline: Token, ctx: Context, line0: int) -> list[Inline]:
    """Convert the children of an ``inline`` token; ``line0`` is its node's first line."""
    state = InlineState(ctx, inline.map[0] if inline.map else line0)
    children = inline.children or []
    return _inlines(children, 0, len(children), state)


def _inlines(tokens: list[Token], start: int, end: int, state: InlineState) -> list[Inline]:
    """The inlines of the nodes in ``tokens[start:end]``, neighbouring texts joined."""
    out: list[Inline] = []
    for i, j, kind in nodes(tokens, start, end):
        handler = INLINE_HANDLERS.get(kind)
        if handler is not None:  # anchors of footnotes and the like carry nothing to show
            node = handler(tokens, i, j, state)
            if node.__class__ is Text and out and out[-1].__class__ is Text:
                out[-1] = Text(out[-1].text + node.text)  # type: ignore[union-attr]
            else:
                out.append(node)
    return out


# Each inline handler takes the tokens of an inline node's children, the node's
# opening (or lone) token ``i`` and closing token ``j``, and the running state.


def _text(tokens: list[Token], i: int, j: int, state: InlineState) -> Inline:
    content = tokens[i].content
    state.line += content.count("\n")
    return Text(content)


def _softbreak(tokens: list[Token], i: int, j: int, state: InlineState) -> Inline:
    state.line += 1
    return SoftBreak()


def _hardbreak(tokens: list[Token], i: int, j: int, state: InlineState) -> Inline:
    state.line += 1
    return HardBreak()


def _code_inline(tokens: list[Token], i: int, j: int, state: InlineState) -> Inline:
    return Code(tokens[i].content)


def _em(tokens: list[Token], i: int, j: int, state: InlineState) -> Inline:
    return Emph(_inlines(tokens, i + 1, j, state))


def _strong(tokens: list[Token], i: int, j: int, state: InlineState) -> Inline:
    return Strong(_inlines(tokens, i + 1, j, state))


def _strike(tokens: list[Token], i: int, j: int, state: InlineState) -> Inline:
    return Strike(_inlines(tokens, i + 1, j, state))


def _link(tokens: list[Token], i: int, j: int, state: InlineState) -> Inline:
    attrs = tokens[i].attrs
    return Link(str(attrs.get("href", "")), _inlines(tokens, i + 1, j, state),
                str(attrs.get("title", "") or ""))


def _image(tokens: list[Token], i: int, j: int, state: InlineState) -> Inline:
    """A lone token: its alt text's tokens are its ``children``."""
    node = tokens[i]
    children = node.children or []
    return Image(str(node.attrs.get("src", "")), node.content, str(node.attrs.get("title", "") or ""),
                 children=_inlines(children, 0, len(children), state))


def _html_inline(tokens: list[Token], i: int, j: int, state: InlineState) -> Inline:
    return RawInline("html", tokens[i].content)


def _math_inline(tokens: list[Token], i: int, j: int, state: InlineState) -> Inline:
    content = tokens[i].content
    state.line += content.count("\n")
    return Math(content.strip())


def _math_inline_double(tokens: list[Token], i: int, j: int, state: InlineState) -> Inline:
    content = tokens[i].content
    state.line += content.count("\n")
    return Math(content.strip(), display=True)


def _footnote_ref(tokens: list[Token], i: int, j: int, state: InlineState) -> Inline:
    meta = tokens[i].meta
    label = str(meta.get("label", meta.get("id", "")))
    number = state.ctx.footnotes.setdefault(label, len(state.ctx.footnotes) + 1)
    return FootnoteRef(label, number)


_REF_TEXT = re.compile(r"(.*?)\s*<([^<>]+)>")


def _role(tokens: list[Token], i: int, j: int, state: InlineState) -> Inline:
    meta = tokens[i].meta
    name, content = meta["name"], meta["content"]
    pos = Pos(state.ctx.file, state.line + 1)
    state.line += content.count("\n")
    content = " ".join(content.split())
    if meta.get("spaced"):
        return _spaced_role(name, content, tokens[i].content, pos, state.ctx.diags)
    if name == "begin_tab" and not content:
        state.ctx.diags.warning(pos, "`:begin_tab:` names no tab, so its text is shown in every tab "
                                "(as d2lbook shows it); name the tabs, e.g. `:begin_tab:`pytorch``",
                                "tab-mark")
    if name in REF_ROLES:
        m = _REF_TEXT.fullmatch(content)
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


def _spaced_role(name: str, content: str, source: str, pos: Pos, diags: Diagnostics) -> Inline:
    """``:name: `content``` -- a space before the backtick -- read as d2lbook reads it.

    For a tab mark d2lbook still splits the page at the line, but takes no tab
    names from it: the text up to ``:end_tab:`` shows in every tab.  Any other
    role is no role at all (Sphinx sees the name as text and the backticks as
    code), so it is shown as written.
    """
    fixed = f":{name}:`{content}`"
    if name == "begin_tab":
        diags.warning(pos, f"`{source}` has a space before the backtick, so d2lbook reads no tab names "
                      f"in it and its text is shown in every tab; write `{fixed}`", "tab-mark")
        return Role("begin_tab", "", pos)
    diags.warning(pos, f"`{source}` has a space before the backtick, so it is not a role (d2lbook and "
                  f"Sphinx show it as text); write `{fixed}`", "role-space")
    return Code(source)


INLINE_HANDLERS: dict[str, Callable[[list[Token], int, int, InlineState], Inline]] = {
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
