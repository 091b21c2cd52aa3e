"""``$...$`` and ``$$...$$`` in running text, read as pandoc reads them.

d2lbook sends a page's Markdown through pandoc, so a ``$`` is math exactly
when pandoc's ``tex_math_dollars`` extension says so:

- ``$$`` opens display math, closed by the next ``$$`` (anything between,
  spaces included, but at least one character);
- otherwise ``$`` opens inline math when the next character is not a space
  and not another ``$``.  The math runs to the first ``$`` that ends an
  item, where an item is a character that is not a space, a backslash with
  the character after it (so ``\\$`` does not close), ``\\text{...}`` with
  balanced braces (which may hold ``$``), or a run of spaces and at most one
  line break that is not followed by ``$``.  A digit may not follow the
  closing ``$``.  When the first ``$`` met fails either test, the opening
  ``$`` is plain text: pandoc looks for no later ``$``.  So ``costs $5 and
  $10`` is text (a space before the second ``$``), and so is ``$x$5``.

A ``$`` that opens nothing is plain text, and the next ``$`` is tried on its
own (``$ $x$`` is ``$`` and then math).  ``\\$`` and ``$`` inside code spans
never reach this rule: markdown-it's escape and backtick rules consume them
first, as pandoc's parsers do.

``$$`` at the start of a paragraph is read as a block (mdit-py-plugins'
rule), so that a line of the equation that starts with ``-`` or ``*`` is not
taken for a list, as CommonMark would; pandoc, whose lists cannot interrupt
a paragraph, reads the equation whole.  The block is taken only when pandoc
would close the math at the end of a line, and never across a blank line
(pandoc ends the paragraph there); otherwise the paragraph's text is read by
the inline rule, as pandoc reads it.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.dollarmath.index import math_block_dollar

#: Items of inline math that need no look at brace depth: runs of characters
#: that are not spaces, ``\`` and a character (but not ``\text{``), and space
#: runs that are not followed by ``$`` (nor by more space: the run is whole).
_INLINE_ITEMS = re.compile(r"(?:[^ \t\n\\$]+|\\(?!text\{)[\s\S]|[ \t\n]+(?![ \t\n$]))*")
_DIGITS = frozenset("0123456789")


def display_end(src: str, pos: int, limit: int) -> int | None:
    """End (after the closing ``$$``) of display math opened at ``src[pos:pos+2] == "$$"``."""
    start = pos + 2
    if start >= limit or src.startswith("$$", start):
        return None
    close = src.find("$$", start + 1, limit)
    return None if close < 0 else close + 2


def _text_group_end(src: str, start: int, limit: int) -> int | None:
    """End of the ``{...}`` group of ``\\text`` at ``start``, or None when unbalanced.

    As pandoc counts: a character right after a backslash (even an escaped
    backslash) is never a brace.
    """
    depth, previous = 0, ""
    for i in range(start, limit):
        char = src[i]
        if previous != "\\":
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0:
                    return i + 1
        previous = char
    return None


def inline_end(src: str, pos: int, limit: int) -> int | None:
    """End (after the closing ``$``) of inline math opened at ``src[pos] == "$"``."""
    i = pos + 1
    if i >= limit or src[i] == "$" or src[i].isspace():
        return None
    while True:
        i = _INLINE_ITEMS.match(src, i, limit).end()  # type: ignore[union-attr]
        if i >= limit:
            return None
        char = src[i]
        if char == "$":
            return None if i + 1 < limit and src[i + 1] in _DIGITS else i + 1
        if char == "\\" and src.startswith("\\text{", i):
            group = _text_group_end(src, i + 5, limit)
            i = group if group is not None else i + 2  # unbalanced: just `\t`
            continue
        return None  # spaces before `$`, or a `\` that ends the text


def scan(src: str, pos: int, limit: int | None = None) -> tuple[int, bool] | None:
    """``(end, display)`` of the math that the ``$`` at ``pos`` opens, or None if it is text."""
    if limit is None:
        limit = len(src)
    if src.startswith("$$", pos):
        end = display_end(src, pos, limit)
        return None if end is None else (end, True)
    end = inline_end(src, pos, limit)
    return None if end is None else (end, False)


def math_inline_rule(state: StateInline, silent: bool) -> bool:
    """markdown-it inline rule: ``math_inline`` / ``math_inline_double`` tokens."""
    pos = state.pos
    if state.src[pos] != "$":
        return False
    found = scan(state.src, pos, state.posMax)
    if found is None:
        return False
    end, display = found
    if not silent:
        width = 2 if display else 1
        token = state.push("math_inline_double" if display else "math_inline", "math", 0)
        token.content = state.src[pos + width:end - width]
        token.markup = "$" * width
    state.pos = end
    return True


_plugin_block_rule = math_block_dollar(allow_labels=False, allow_blank_lines=False)


def math_block_rule(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """mdit-py-plugins' ``$$`` block, when pandoc's first closing ``$$`` ends a line."""
    src = state.src
    start = state.bMarks[start_line] + state.tShift[start_line]
    if not src.startswith("$$", start):
        return False
    close = display_end(src, start, len(src))
    if close is None:
        return False
    line_end = src.find("\n", close)
    if src[close:line_end if line_end >= 0 else len(src)].strip():
        return False  # text after the math: a paragraph
    return _plugin_block_rule(state, start_line, end_line, silent)


def dollarmath(md: MarkdownIt) -> None:
    """``$$`` blocks by :func:`math_block_rule`, ``$`` in text by :func:`math_inline_rule`."""
    md.use(dollarmath_plugin)  # for its render rules
    md.block.ruler.at("math_block", math_block_rule)
    md.inline.ruler.at("math_inline", math_inline_rule)
