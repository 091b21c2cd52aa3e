"""Inline rule for d2l roles: ``:name:`content``` (and bare ``:end_tab:``).

The rule only recognises the syntax; what a role means is decided when the
token stream becomes a tree (``reader/convert.py``).

A known role written with a space before its backtick (``:numref: `x```) is
not a role for d2lbook, nor for Sphinx, which it hands the page to: the name
is text and the backticks quote code.  The rule still marks it (``spaced``
in the token's meta) so that the reader can say where it is and how to mend
it, instead of showing it raw without a word.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

#: Roles that attach to the block before them or shape blocks; consumed by
#: reader/labels.py and reader/tabs.py.
BLOCK_ROLES = {"label", "eqlabel", "width", "height", "begin_tab", "end_tab", "bibliography"}
REF_ROLES = {"numref", "ref", "eqref"}
CITE_ROLES = {"cite", "citet", "citep", "citealp", "citeauthor", "citeyear"}
KNOWN_ROLES = BLOCK_ROLES | REF_ROLES | CITE_ROLES

_ROLE = re.compile(r":([A-Za-z_][\w\-]*):(?:(`{1,2})((?:(?!\2)[^\n]|\n(?![ \t]*\n))*?)\2(?!`))?")
#: a role name, spaces, then code on the same line: ``:numref: `x```
_SPACED_ROLE = re.compile(r":([A-Za-z_][\w\-]*):[ \t]+(`{1,2})((?:(?!\2)[^\n])*?)\2(?!`)")
#: roles written without content
BARE_ROLES = {"end_tab", "numbered"}


def role_rule(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != ":":
        return False
    m = _ROLE.match(state.src, state.pos)
    spaced = False
    if not m or (m.group(2) is None and m.group(1) not in BARE_ROLES):
        m = _SPACED_ROLE.match(state.src, state.pos)
        if not m or m.group(1) not in KNOWN_ROLES:
            return False
        spaced = True
    if not silent:
        token = state.push("role", "", 0)
        token.meta = {"name": m.group(1), "content": (m.group(3) or "").strip("`"), "spaced": spaced}
        token.content = m.group(0)
    state.pos = m.end()
    return True


def roles_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.before("backticks", "role", role_rule)
    md.block.ruler.before("paragraph", "tab_mark", tab_mark_block_rule,
                          {"alt": ["paragraph", "reference", "blockquote", "list"]})


#: d2lbook takes a line that starts with the mark, even with a space before the backtick
_TAB_MARK_LINE = re.compile(r"\s*:(begin_tab|end_tab):(?:[ \t]*`([^`]*)`)?\s*$")


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
