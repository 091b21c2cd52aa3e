"""Cutting a page's notebook into slides, by d2lbook's rules.

The input is the notebook of one page and tab whose Markdown cells still
hold the slide marks (``[**...**]``, ``(**...**)``, ``[~~...~~]``,
``(~~...~~)``); the output is the RISE notebook d2lbook writes for it:

* a Markdown cell keeps only the text of its marks, one mark a line; it
  starts a new slide (``slide_type: slide``) when one of its marks is a
  square-bracket mark, and adds to the current slide (``-``) otherwise;
* that text gets a capital letter after each ``". "`` and ``".\\n"``, loses
  the ``.`` or ``,`` before a closing ``$$`` and its trailing punctuation
  (``,. :`` and the full-width ``，。：``);
* a cell holding the page's level-1 heading (``# ...``) puts it first;
* a Markdown cell left empty is dropped;
* code cells lose their comment lines and trailing comments (``# ...``);
  consecutive code cells without output are merged into the next one that
  has output (or the last of the run), and ``#@save`` is removed.

A page without any mark has no slides (``cut_slides`` returns None).  A
square-bracket mark followed by ``(`` is a link (``[**a**](url)``), not a
mark.  Marks inside inline code are code, not marks.  Marks do not nest.

Pure functions: nothing here reads files or renders HTML.
"""

from __future__ import annotations

import copy
import io
import re
import tokenize
from dataclasses import dataclass

import nbformat

#: opening mark -> closing mark
PAIRS = {"[**": "**]", "(**": "**)", "[~~": "~~]", "(~~": "~~)"}
_OPEN = re.compile(r"\[\*\*|\(\*\*|\[~~|\(~~")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.S)
_COMMENT = re.compile(r"# .*")
_TRAILING = ",. \n:，。："


@dataclass(frozen=True, slots=True)
class Mark:
    opening: str  # one of PAIRS
    text: str

    @property
    def starts_slide(self) -> bool:
        return self.opening.startswith("[")


@dataclass(frozen=True, slots=True)
class MarkProblem:
    """A mark that is opened and never closed: ``offset`` into the cell's text."""

    opening: str
    offset: int


def find_marks(text: str) -> tuple[list[Mark], list[MarkProblem]]:
    """The marks of one Markdown cell, in order, and the ones left open."""
    if "**" not in text and "~~" not in text:
        return [], []
    # Hide inline code (same length) so `f(**kwargs)` is never taken for a mark.
    masked = _CODE_SPAN.sub(lambda m: "\x00" * len(m.group(0)), text) if "`" in text else text
    marks: list[Mark] = []
    problems: list[MarkProblem] = []
    pos = 0
    while True:
        m = _OPEN.search(masked, pos)
        if m is None:
            break
        opening = m.group(0)
        closing = PAIRS[opening]
        start = m.end()
        end = masked.find(closing, start)
        if end < 0:
            problems.append(MarkProblem(opening, m.start()))
            pos = start
            continue
        pos = end + len(closing)
        if closing.endswith("]") and masked.startswith("(", pos):
            continue  # [**bold link text**](address): a link, not a mark
        marks.append(Mark(opening, text[start:end]))
    return marks, problems


def slide_text(marks: list[Mark]) -> str:
    """The marks' text as the slide shows it (sentence case, no trailing punctuation)."""
    src = "\n".join(m.text for m in marks)
    if not src:
        return ""
    # Split on ". " and ".\n" only: a bare "." is also in code such as `a.text()`.
    for sep in (".\n", ". "):
        src = sep.join(_capital(s.strip()) for s in src.split(sep))
    src = src.replace(".$$", "$$").replace(",$$", "$$")
    return src.rstrip(_TRAILING)


def _capital(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


def _level1_heading(source: str) -> str | None:
    for line in source.splitlines():
        if line.strip().startswith("# "):
            return line
    return None


def strip_comments(code: str) -> str:
    """Code as a slide shows it: comment lines dropped, trailing comments cut.

    A comment is ``# `` and what follows (``#@save`` stays, for the merge to
    remove).  d2lbook cuts ``# `` wherever it is, inside strings too
    (``print('# a')`` loses its end); here Python's tokenizer says where the
    comments are, and the plain rule is kept for code it cannot read
    (IPython's ``!pip``, unfinished code).
    """
    comments = _comment_columns(code)
    lines = []
    for number, line in enumerate(code.splitlines(), 1):
        if comments is None:
            cut = _COMMENT.sub("", line)
        else:
            column = comments.get(number)
            cut = line if column is None else line[:column]
        if cut != line and not cut.rstrip():
            continue
        lines.append(cut.rstrip())
    return "\n".join(lines)


def _comment_columns(code: str) -> dict[int, int] | None:
    """Line -> column of its ``# `` comment, by Python's tokenizer; None if it cannot read the code."""
    if "#" not in code:
        return {}
    found: dict[int, int] = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            if token.type == tokenize.COMMENT and token.string.startswith("# "):
                found[token.start[0]] = token.start[1]
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return None
    return found


def slide_cell(cell: nbformat.NotebookNode) -> tuple[nbformat.NotebookNode | None, bool]:
    """One Markdown cell as its slide cell (None: nothing to show) and whether it had marks."""
    marks, _ = find_marks(cell.source)
    src = slide_text(marks)
    heading = _level1_heading(cell.source)
    if heading is not None:
        src = heading + "\n\n" + src
    kind = "slide" if any(m.starts_slide for m in marks) else "-"
    if not src:
        return None, bool(marks)
    made = nbformat.from_dict({"cell_type": "markdown", "source": src,
                               "metadata": {"slideshow": {"slide_type": kind}}})
    if "id" in cell:
        made["id"] = cell["id"]
    return made, bool(marks)


def cut_slides(nb: nbformat.NotebookNode) -> nbformat.NotebookNode | None:
    """The RISE notebook of ``nb`` (cells as d2lbook's rules make them); None without marks."""
    cells: list[nbformat.NotebookNode] = []
    has_marks = False
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            made, marked = slide_cell(cell)
            has_marks = has_marks or marked
            if made is not None:
                cells.append(made)
        else:  # a new cell: the notebook's own is left as it was (its outputs are shared)
            code = nbformat.from_dict({**cell, "metadata": dict(cell.get("metadata", {})),
                                       "source": strip_comments(cell.source)})
            cells.append(code)
    if not has_marks:
        return None
    merged: list[nbformat.NotebookNode] = []
    pending: list[str] = []  # code of the cells without output before this one
    for i, cell in enumerate(cells):
        if cell.cell_type != "code":
            merged.append(cell)
            continue
        pending.append(cell.source)
        last_of_run = i + 1 == len(cells) or cells[i + 1].cell_type != "code"
        if last_of_run or cell.get("outputs"):
            cell.source = "\n\n".join(pending)
            pending = []
            merged.append(cell)
    for cell in merged:
        if cell.cell_type == "code":
            cell.source = cell.source.replace("\n#@save\n", "\n").replace("#@save", "").strip()
    out = nbformat.from_dict({**nb, "metadata": copy.deepcopy(nb.get("metadata", {})), "cells": []})
    out.cells = merged
    return out


def slides_of(nb: nbformat.NotebookNode) -> list[list[nbformat.NotebookNode]]:
    """The cells of a RISE notebook grouped into slides, as RISE shows them.

    A Markdown cell marked ``slide`` starts a slide; every other cell (``-``,
    code) goes on the current one; the first cell always starts one.
    """
    slides: list[list[nbformat.NotebookNode]] = []
    for cell in nb.cells:
        kind = cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-")
        if kind == "slide" or not slides:
            slides.append([])
        slides[-1].append(cell)
    return slides
