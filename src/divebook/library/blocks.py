"""Which lines of a code cell a ``#@save`` mark saves (d2lbook's rule, line by line).

d2lbook decides by indentation, not by parsing, and books rely on it:

* ``code  #@save`` — the code before the mark starts the block;
  ``#@save`` alone on a line — the block starts on the next line;
* then every following line that is not indented and not blank (more
  statements written right below, decorators, the ``def``/``class`` line);
* then the indented or blank lines after them (the body), up to the next
  line that is neither indented nor blank.

So ``#@save`` above a run of one-line imports saves them all (d2l's preface
cell: the whole cell), above a decorated ``def`` saves the decorators and
the function, and stops before the first statement that follows a blank
line.  A mark inside lines an earlier mark already saved adds nothing.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass

#: ``#@save`` as d2lbook finds it (``# @save`` too); not ``#@save_all``.
SAVE_MARK = re.compile(r"#\s*@save\b")


@dataclass(frozen=True, slots=True)
class SavedLines:
    """The code one mark saves; ``first``/``mark`` are 0-based lines in the cell's code."""

    code: str
    first: int
    mark: int


@dataclass(frozen=True, slots=True)
class MarkProblem:
    """A mark that saves nothing usable; ``line`` is 0-based in the cell's code."""

    line: int
    message: str


def _indented(line: str) -> bool:
    return line[:1] in (" ", "\t")


def saved_lines(code: str) -> tuple[list[SavedLines], list[MarkProblem]]:
    """Every block the ``#@save`` marks of ``code`` save, in order, and the marks that save nothing."""
    lines = code.split("\n")
    blocks: list[SavedLines] = []
    problems: list[MarkProblem] = []
    consumed_until = -1  # last line index already inside a saved block
    marks = _mark_columns(code)
    for i, line in enumerate(lines):
        if i not in marks or i <= consumed_until:
            continue
        taken: list[str] = []
        first = i
        head = line[:marks[i]].rstrip()
        if head:
            if _indented(head):
                problems.append(MarkProblem(i, "`#@save` marks an indented line, which cannot stand "
                                            "alone in the library; put the mark on the `def`, "
                                            "`class` or statement at the top level of the cell"))
                continue
            taken.append(head)
        else:
            first = i + 1
        j = i + 1
        while j < len(lines) and lines[j] and not _indented(lines[j]):
            taken.append(lines[j])
            j += 1
        while j < len(lines) and (not lines[j].strip() or _indented(lines[j])):
            taken.append(lines[j])
            j += 1
        while taken and not taken[-1].strip():
            taken.pop()
        consumed_until = first + len(taken) - 1 if taken else i
        if not any(t.strip() and not t.strip().startswith("#") for t in taken):
            problems.append(MarkProblem(i, "`#@save` saves nothing here: write it at the end of the "
                                        "line to save, or alone on the line right above the "
                                        "statement (no blank line between)"))
            continue
        blocks.append(SavedLines(_strip_marks("\n".join(taken)), first, i))
    return blocks, problems


def _mark_columns(code: str) -> dict[int, int]:
    """0-based line -> column of its ``#@save`` comment (marks inside strings do not count).

    Code that Python's tokenizer cannot read (IPython magics, a syntax error)
    is searched line by line, as d2lbook does.
    """
    if not SAVE_MARK.search(code):
        return {}
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        tokens = None
    if tokens is not None:
        return {tok.start[0] - 1: tok.start[1] for tok in tokens
                if tok.type == tokenize.COMMENT and SAVE_MARK.match(tok.string)}
    found = {}
    for i, line in enumerate(code.split("\n")):
        m = SAVE_MARK.search(line)
        if m:
            found[i] = m.start()
    return found


def _strip_marks(code: str) -> str:
    """Drop ``#@save`` comments left on lines of the block (a later mark it covers)."""
    if not SAVE_MARK.search(code):
        return code
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    except (tokenize.TokenError, SyntaxError):
        return code
    lines = code.split("\n")
    for tok in tokens:
        if tok.type == tokenize.COMMENT and SAVE_MARK.match(tok.string):
            row, col = tok.start
            lines[row - 1] = lines[row - 1][:col].rstrip()
    return "\n".join(lines)
