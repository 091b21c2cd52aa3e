"""Attach ``:label:``, ``:eqlabel:``, ``:width:`` and ``:height:`` to their blocks.

In the d2l dialect these roles follow the thing they name, on the lines
right after it: a heading, an equation (``$$...$$``), a figure (a paragraph
that is only an image) or a table.  Tables also take a caption line
(``: Caption``) before them, with the label next to either.  A
``:bibliography:`refs.bib``` paragraph becomes the bibliography block.
"""

from __future__ import annotations

from ..diagnostics import Diagnostics
from ..tree import (
    Bibliography, Block, Figure, Heading, Image, Inline, ListBlock, Math, MathBlock, Paragraph,
    Pos, Quote, Role, SoftBreak, Table, TabContent, Text,
)

ATTRIBUTE_ROLES = {"label", "eqlabel", "width", "height"}


def _is_space(node: Inline) -> bool:
    return isinstance(node, SoftBreak) or (isinstance(node, Text) and not node.text.strip())


def _split_trailing_attrs(children: list[Inline]) -> tuple[list[Inline], list[Role]]:
    """Peel attribute roles (and the breaks between them) off the end."""
    end = len(children)
    attrs: list[Role] = []
    while end > 0:
        node = children[end - 1]
        if _is_space(node):
            end -= 1
        elif isinstance(node, Role) and node.name in ATTRIBUTE_ROLES:
            attrs.insert(0, node)
            end -= 1
        else:
            break
    rest = children[:end]
    while rest and _is_space(rest[0]):
        rest = rest[1:]
    return rest, attrs


def _caption_start(children: list[Inline]) -> list[Inline] | None:
    """The caption of a ``: Caption`` paragraph, or None."""
    if not children or not isinstance(children[0], Text):
        return None
    text = children[0].text
    if not text.startswith(":") or text.startswith("::"):
        return None
    first = text[1:].lstrip()
    return ([Text(first)] if first else []) + children[1:]


class _Attacher:
    def __init__(self, diags: Diagnostics) -> None:
        self.diags = diags

    def apply(self, target: Block | None, attrs: list[Role], where: Pos) -> bool:
        """Set the attributes on ``target``; False when it cannot take them."""
        if target is None:
            return False
        for role in attrs:
            name, value = role.name, role.content.strip()
            if name in ("label", "eqlabel"):
                if not isinstance(target, (Heading, MathBlock, Figure, Table)):
                    return False
                if name == "eqlabel" and not isinstance(target, MathBlock):
                    self.diags.warning(role.pos, "`:eqlabel:` names an equation; use `:label:` for "
                                       "headings, figures and tables", "label")
                if target.label and target.label != value:
                    self.diags.warning(role.pos, f"a second label `{value}` for the same block "
                                       f"(already `{target.label}`); only the first is kept", "label")
                    continue
                target.label = value
            elif name in ("width", "height"):
                if not isinstance(target, Figure):
                    self.diags.warning(role.pos, f"`:{name}:` belongs after an image; it is ignored here",
                                       "label")
                    continue
                setattr(target, name, value)
        return True


def _split_leading_attrs(children: list[Inline]) -> tuple[list[Role], list[Inline]]:
    """``:label:`x``` lines opening a paragraph (a label written right above text)."""
    attrs: list[Role] = []
    i = 0
    while i < len(children):
        node = children[i]
        if isinstance(node, Role) and node.name in ATTRIBUTE_ROLES:
            attrs.append(node)
        elif not _is_space(node):
            break
        i += 1
    if not attrs or i == len(children) or not isinstance(children[i - 1], SoftBreak):
        return [], children
    return attrs, children[i:]


def _split_display_math(para: Paragraph) -> list[Paragraph | MathBlock]:
    """Cut ``$$...$$`` lines (with the labels after them) out of running text.

    Authors write an equation on the line after a sentence, with no blank
    line; it is still a displayed, labelled equation.
    """
    children = para.children
    pieces: list[Paragraph | MathBlock] = []
    start = 0
    i = 0
    while i < len(children):
        node = children[i]
        at_line_start = i == 0 or isinstance(children[i - 1], SoftBreak)
        if isinstance(node, Math) and node.display and at_line_start:
            j = i + 1
            attrs: list[Role] = []
            while j < len(children) and (isinstance(children[j], Role) and children[j].name in
                                         ATTRIBUTE_ROLES or _is_space(children[j])):
                if isinstance(children[j], Role):
                    attrs.append(children[j])  # type: ignore[arg-type]
                j += 1
            ends_line = j == len(children) or isinstance(children[j - 1], SoftBreak)
            if ends_line and (i > 0 or j < len(children)):
                before = children[start:i]
                while before and _is_space(before[-1]):
                    before = before[:-1]
                if before:
                    pieces.append(Paragraph(before, para.pos))
                math = MathBlock(node.latex, para.pos)
                math_label = next((a.content.strip() for a in attrs if a.name in ("eqlabel", "label")), None)
                math.label = math_label
                pieces.append(math)
                start = i = j
                continue
        i += 1
    if not pieces:
        return [para]
    rest = children[start:]
    while rest and _is_space(rest[0]):
        rest = rest[1:]
    if rest:
        pieces.append(Paragraph(rest, para.pos))
    return pieces


def attach_labels(blocks: list[Block], diags: Diagnostics) -> list[Block]:
    """Return ``blocks`` with attribute paragraphs folded into their blocks."""
    expanded: list[Block] = []
    for block in blocks:
        expanded.extend(_split_display_math(block) if isinstance(block, Paragraph) else [block])
    attacher = _Attacher(diags)
    out: list[Block] = []
    caption: tuple[list[Inline], Pos] | None = None
    caption_label: list[Role] = []

    for block in expanded:
        _recurse(block, diags)
        if isinstance(block, Table):
            if caption is not None:
                block.caption = caption[0]
                attacher.apply(block, caption_label, caption[1])
                caption, caption_label = None, []
            _label_from_last_row(block, attacher)
            out.append(block)
            continue
        if caption is not None:
            diags.warning(caption[1], "a table caption (`: Caption`) must come right before its table; "
                          "no table follows, so it is shown as text", "caption")
            out.append(Paragraph([Text(":")] + caption[0], caption[1]))
            caption, caption_label = None, []
        if not isinstance(block, Paragraph):
            out.append(block)
            continue

        leading, children = _split_leading_attrs(block.children)
        if leading and attacher.apply(out[-1] if out else None, leading, block.pos):
            block = Paragraph(children, block.pos)
        rest, attrs = _split_trailing_attrs(block.children)
        if not rest and attrs:
            target = out[-1] if out else None
            if not attacher.apply(target, attrs, block.pos):
                names = ", ".join(f"`:{a.name}:`" for a in attrs)
                diags.warning(block.pos, f"{names} must come right after a heading, an equation, an "
                              "image or a table; here it follows "
                              f"{_describe(target)}. Move it under the block it names", "label")
            continue
        if len(rest) == 1 and isinstance(rest[0], Image):
            image = rest[0]
            figure = Figure(image.src, image.children or [Text(image.alt)], block.pos, title=image.title)
            attacher.apply(figure, attrs, block.pos)
            out.append(figure)
            continue
        if len(rest) == 1 and isinstance(rest[0], Math) and rest[0].display:
            math = MathBlock(rest[0].latex, block.pos)
            attacher.apply(math, attrs, block.pos)
            out.append(math)
            continue
        if len(rest) == 1 and isinstance(rest[0], Role) and rest[0].name == "bibliography":
            files = [f.strip() for f in rest[0].content.split(",") if f.strip()]
            out.append(Bibliography(files, block.pos))
            continue
        cap = _caption_start(rest)
        if cap is not None and (not attrs or all(a.name == "label" for a in attrs)):
            caption, caption_label = (cap, block.pos), attrs
            continue
        if attrs:
            names = ", ".join(f"`:{a.name}:`" for a in attrs)
            diags.warning(attrs[0].pos, f"{names} must come right after a heading, an equation, an image "
                          "or a table, not after running text; put a blank line before it or move it",
                          "label")
        out.append(Paragraph(rest, block.pos) if attrs else block)
    if caption is not None:
        diags.warning(caption[1], "a table caption (`: Caption`) must come right before its table; "
                      "no table follows, so it is shown as text", "caption")
        out.append(Paragraph([Text(":")] + caption[0], caption[1]))
    return out


def _recurse(block: Block, diags: Diagnostics) -> None:
    if isinstance(block, (Quote, TabContent)):
        block.children = attach_labels(block.children, diags)
    elif isinstance(block, ListBlock):
        block.items = [attach_labels(item, diags) for item in block.items]


def _label_from_last_row(table: Table, attacher: _Attacher) -> None:
    """``| ... |`` followed directly by ``:label:`x``` parses as a last row."""
    if not table.body:
        return
    last = table.body[-1]
    cells = [c for c in last if c.children]
    if len(cells) != 1:
        return
    rest, attrs = _split_trailing_attrs(cells[0].children)
    if attrs and not rest:
        table.body.pop()
        attacher.apply(table, attrs, table.pos)


def _describe(block: Block | None) -> str:
    if block is None:
        return "nothing"
    return {
        "Paragraph": "a paragraph", "CodeCell": "a code cell", "ListBlock": "a list",
        "Quote": "a quote", "TabContent": "tab text", "Raw": "raw HTML", "Toc": "a toc",
    }.get(type(block).__name__, f"a {type(block).__name__.lower()}")


def leftover_roles(blocks: list[Block], diags: Diagnostics) -> None:
    """Report block roles that ended up inside running text."""
    from ..tree import page_inlines

    for node in page_inlines(blocks):
        if isinstance(node, Role) and node.name in ATTRIBUTE_ROLES | {"bibliography"}:
            diags.warning(node.pos, f"`:{node.name}:` inside running text has no effect; put it on its "
                          "own line after the heading, equation, image or table it names", "label")
