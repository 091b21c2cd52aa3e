"""``:begin_tab:`mxnet``` ... ``:end_tab:`` — prose shown only for some tabs.

The marks may stand in paragraphs of their own or open and close the
paragraph they wrap.  A new ``:begin_tab:`` while one is open closes the
open one (d2lbook reads it so, and real books rely on it).  A mark that
names no tab (``:begin_tab: `x``` with a space, which the reader reports)
still pairs with its ``:end_tab:``, and the text between is shown in every
tab, as d2lbook shows it.
"""

from __future__ import annotations

from ..diagnostics import Diagnostics
from ..tree import Block, ListBlock, Paragraph, Quote, Role, SoftBreak, TabContent, Text


def _is_space(node: object) -> bool:
    return isinstance(node, SoftBreak) or (isinstance(node, Text) and not node.text.strip())


def _strip(children: list) -> list:
    start, end = 0, len(children)
    while start < end and _is_space(children[start]):
        start += 1
    while end > start and _is_space(children[end - 1]):
        end -= 1
    return children[start:end]


def _split_marks(para: Paragraph) -> tuple[Role | None, list, Role | None]:
    """(begin role, the paragraph's own content, end role)."""
    children = _strip(para.children)
    begin = end = None
    if children and isinstance(children[0], Role) and children[0].name == "begin_tab":
        begin = children[0]
        children = _strip(children[1:])
    if children and isinstance(children[-1], Role) and children[-1].name == "end_tab":
        end = children[-1]
        children = _strip(children[:-1])
    return begin, children, end


def _pop_nested_end(block: Block) -> Role | None:
    """Remove an ``:end_tab:`` that closes the last paragraph of a list or quote."""
    while isinstance(block, (ListBlock, Quote)):
        children = block.items[-1] if isinstance(block, ListBlock) and block.items else \
            getattr(block, "children", [])
        if not children:
            return None
        block = children[-1]
    if not isinstance(block, Paragraph):
        return None
    content = _strip(block.children)
    if content and isinstance(content[-1], Role) and content[-1].name == "end_tab":
        block.children = _strip(content[:-1])
        return content[-1]
    return None


def group_tab_blocks(blocks: list[Block], tab_names: list[str], diags: Diagnostics) -> list[Block]:
    """Wrap the blocks between tab marks into ``TabContent`` nodes."""
    out: list[Block] = []
    open_tab: TabContent | None = None
    every_tab = False  # the open mark names no tab: its text goes to every tab, untabbed

    def close() -> None:
        nonlocal open_tab, every_tab
        if open_tab is not None and every_tab:
            out.extend(open_tab.children)
        elif open_tab is not None:
            out.append(open_tab)
        open_tab, every_tab = None, False

    for block in blocks:
        if not isinstance(block, Paragraph):
            (open_tab.children if open_tab else out).append(block)
            end_role = _pop_nested_end(block)
            if end_role is not None:
                if open_tab is None:
                    diags.warning(end_role.pos, "`:end_tab:` without a `:begin_tab:` before it; remove it "
                                  "or add the opening mark", "tab-mark")
                close()
            continue
        begin, content, end = _split_marks(block)
        for node in content:
            if isinstance(node, Role) and node.name in ("begin_tab", "end_tab"):
                diags.warning(node.pos, f"`:{node.name}:` must start or end a paragraph; put it on a "
                              "line of its own with a blank line around the tab's text", "tab-mark")
        if begin is not None:
            close()
            tabs = [t.strip() for t in begin.content.split(",") if t.strip()]
            if tabs == ["all"]:
                tabs = list(tab_names)
            unknown = [t for t in tabs if t not in tab_names]
            if unknown:
                diags.warning(begin.pos, f"`:begin_tab:` names tab {', '.join(unknown)}, which the book "
                              f"does not have (tabs: {', '.join(tab_names)})", "unknown-tab")
            open_tab = TabContent([t for t in tabs if t in tab_names], [], begin.pos)
            every_tab = not tabs
        target = open_tab.children if open_tab else out
        if content:
            target.append(Paragraph(content, block.pos))
        if end is not None:
            if open_tab is None:
                diags.warning(end.pos, "`:end_tab:` without a `:begin_tab:` before it; remove it or add "
                              "the opening mark", "tab-mark")
            close()
    if open_tab is not None:
        diags.warning(open_tab.pos, f"`:begin_tab:`{','.join(open_tab.tabs)}`` is never closed; add "
                      "`:end_tab:` after the tab's text", "tab-mark")
        close()
    return out

