"""The marked notebook of a page: the tab notebook, its Markdown with the slide marks.

The reader removes the marks before parsing (``reader/slides.py``), keeping
every line, so the page's file read again lines up with the tree: the code
cells (and their outputs, from this build's run) come from the tree as the
notebooks target makes them, and the Markdown comes from the file with its
marks.

Two details follow d2lbook, which cuts slides out of its per-tab notebooks:

* a ``:begin_tab:`` ... ``:end_tab:`` block is a Markdown cell of its own
  (d2lbook's ``split_markdown_cell``), so it starts or continues a slide
  by its own marks;
* one language of a bilingual (interleaved) page: the lines of the blocks
  the view does not show are blanked, so each language's deck has its own
  text.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import nbformat

from ...confine import book_file
from ...execute.attach import outputs_to_notebook
from ...execute.notebook import TabNotebook, page_notebook
from ...library import apply_reverse_alias
from ...tree import Page, walk_blocks

#: put around a tab block's marks (same line, so line numbers stay) to cut the cell there
CUT = "\x01"
_BEGIN = re.compile(r":begin_tab:`")
_END = re.compile(r":end_tab:")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_OPEN = re.compile(r"\[\*\*|\(\*\*|\[~~|\(~~")
_TAB_LINE = re.compile(r"^\s*:(begin|end)_tab:")
#: the cell's key back to the tree's cell (for its outputs); removed before writing
CELL_KEY = "divebook_cell"


def page_file(page: Page) -> str:
    """The file the page's blocks come from (``x_origin.md`` for the original of a paired page)."""
    for block in page.blocks:
        pos = getattr(block, "pos", None)
        if pos is not None and pos.file:
            return pos.file
    return page.source


def shown_lines(page: Page, file: str) -> set[int]:
    """The first line of every block of ``file`` the page shows."""
    return {b.pos.line for b in walk_blocks(page.blocks)
            if getattr(b, "pos", None) is not None and b.pos.file == file and b.pos.line}


def read_marked(root: Path, file: str) -> str | None:
    """The file's text as the reader saw it, marks kept (None: unreadable)."""
    path = book_file(root, file)
    if path is None:
        return None
    try:
        data = Path(path).read_bytes()
    except OSError:
        return None
    text = data.decode("utf-8", errors="replace").removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def keep_language(text: str, shown: set[int]) -> str:
    """Blank the blocks of the other language in an interleaved page's ``text`` (marks kept).

    ``shown``: the first line of every block the view shows.  A top-level
    block (by markdown-it's line map of the text without marks) that starts
    elsewhere is the other language's; its lines are blanked when it holds a
    mark or is a heading, so neither its marks nor its title reach the slides.
    ``:begin_tab:``/``:end_tab:`` lines stay (they belong to both languages).
    """
    from ...reader.markdown import parser
    from ...reader.slides import strip_slide_marks

    lines = text.split("\n")
    for token in parser().parse(strip_slide_marks(text)):
        if token.level != 0 or token.nesting < 0 or not token.map:
            continue
        start, end = token.map
        if start + 1 in shown:
            continue
        block = lines[start:end]
        if token.type != "heading_open" and not any(_OPEN.search(line) for line in block):
            continue
        for n in range(start, min(end, len(lines))):
            if not _TAB_LINE.match(lines[n]):
                lines[n] = ""
    return "\n".join(lines)


def mark_tab_blocks(text: str) -> str:
    """Put ``CUT`` before each ``:begin_tab:`` and after each ``:end_tab:`` outside fences."""
    if ":begin_tab:" not in text:
        return text
    lines = text.split("\n")
    fence = ""
    for i, line in enumerate(lines):
        m = _FENCE.match(line)
        if fence:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = ""
            continue
        if m:
            fence = m.group(1)
            continue
        if ":begin_tab:" in line:
            line = _BEGIN.sub(lambda m: CUT + m.group(0), line)
        if ":end_tab:" in line:
            line = _END.sub(lambda m: m.group(0) + CUT, line)
        lines[i] = line
    return "\n".join(lines)


def unclosed_marks(text: str) -> list[tuple[int, str]]:
    """(line, opening) of each mark opened and not closed before the next code block."""
    from .cutting import find_marks

    found = []
    lines = text.split("\n")
    fence = ""
    start, para = 0, []  # first line (0-based) and lines of the paragraph being read

    def check() -> None:
        if para:
            joined = "\n".join(para)
            for problem in find_marks(joined)[1]:
                found.append((start + joined.count("\n", 0, problem.offset) + 1, problem.opening))

    for i, line in enumerate(lines):
        m = _FENCE.match(line)
        if fence:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = ""
            continue
        if m:
            check()
            para = []
            fence = m.group(1)
            continue
        if not para:
            start = i
        para.append(line)
    check()
    return found


def _split_cells(nb: nbformat.NotebookNode) -> None:
    """Cut Markdown cells at ``CUT`` (tab blocks become cells of their own)."""
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "markdown" or CUT not in cell.source:
            cells.append(cell)
            continue
        for n, part in enumerate(cell.source.split(CUT)):
            part = re.sub(r"\n{3,}", "\n\n", part.strip("\n"))
            if part.strip():
                cells.append(nbformat.from_dict({"id": f"{cell.get('id', 'cell')}-{n}",
                                                 "cell_type": "markdown", "metadata": {},
                                                 "source": part}))
    nb.cells = cells


def marked_notebook(ctx, page: Page, tab: str, one_language: bool = False,
                    ) -> tuple[TabNotebook, str] | None:  # type: ignore[no-untyped-def]
    """The tab notebook of ``page`` with its slide marks, and the file it comes from.

    ``one_language``: the page is one language's view of a translated book
    (``keep_language``).  None when the page has no code for the tab, or its
    file has no mark at all.
    """
    config = ctx.config
    file = page_file(page)
    text = read_marked(config.root, file)
    if text is None or not _OPEN.search(text):
        return None
    if one_language:
        text = keep_language(text, shown_lines(page, file))
    marked = replace(page, text=mark_tab_blocks(text), source=file)
    rules = config.tab(tab).library
    rewrite = None
    if tab != config.default_tab and rules is not None and rules.reverse_alias.strip():
        rewrite = lambda code: apply_reverse_alias(code, rules)  # noqa: E731
    # d2lbook cuts the default tab's slides out of a page without code too
    made = page_notebook(marked, tab, config.tab_names, "python3", rewrite,
                         without_code=tab == config.default_tab)
    if made is None:
        return None
    ran = ctx.execution.get(page.source, {}).get(tab, {}).get("status") in ("executed", "cached", "failed")
    for i, (nb_cell, cell) in enumerate(zip(made.code_cells, made.cells)):
        nb_cell.metadata[CELL_KEY] = i
        if ran and cell.outputs:
            nb_cell.outputs = outputs_to_notebook(cell.outputs)
    _split_cells(made.notebook)
    return made, file
