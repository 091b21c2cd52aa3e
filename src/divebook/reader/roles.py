"""Inline rule for d2l roles: ``:name:`content``` (and bare ``:end_tab:``).

The rule only recognises the syntax; what a role means is decided when the
token stream becomes a tree (``reader/convert.py``).
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

_ROLE = re.compile(r":([A-Za-z_][\w\-]*):(?:(`{1,2})((?:(?!\2)[^\n]|\n(?![ \t]*\n))*?)\2(?!`))?")
#: roles written without content
BARE_ROLES = {"end_tab", "numbered"}


def role_rule(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != ":":
        return False
    m = _ROLE.match(state.src, state.pos)
    if not m or (m.group(2) is None and m.group(1) not in BARE_ROLES):
        return False
    if not silent:
        token = state.push("role", "", 0)
        token.meta = {"name": m.group(1), "content": (m.group(3) or "").strip("`")}
        token.content = m.group(0)
    state.pos = m.end()
    return True


def roles_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.before("backticks", "role", role_rule)
    md.block.ruler.before("paragraph", "tab_mark", tab_mark_block_rule,
                          {"alt": ["paragraph", "reference", "blockquote", "list"]})


_TAB_MARK_LINE = re.compile(r"\s*:(begin_tab|end_tab):(?:`([^`]*)`)?\s*$")


def tab_mark_block_rule(state, start_line: int, end_line: int, silent: bool) -> bool:  # type: ignore[no-untyped-def]
    """A line that is only ``:begin_tab:`x``` or ``:end_tab:`` is a block of its own.

    d2lbook splits a page at these lines before reading the Markdown, so they
    end a paragraph or a list even without a blank line; this rule gives
    markdown-it the same reading.
    """
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False
    begin = state.bMarks[start_line] + state.tShift[start_line]
    # Matched in place: this rule is tried on nearly every line of a page.
    m = _TAB_MARK_LINE.fullmatch(state.src, begin, state.eMarks[start_line])
    if not m or (m.group(1) == "begin_tab" and m.group(2) is None):
        return False
    if silent:
        return True
    line = m.group(0)
    state.line = start_line + 1
    token = state.push("paragraph_open", "p", 1)
    token.map = [start_line, state.line]
    inline = state.push("inline", "", 0)
    inline.content = line.strip()
    inline.map = [start_line, state.line]
    inline.children = []
    state.push("paragraph_close", "p", -1)
    return True
