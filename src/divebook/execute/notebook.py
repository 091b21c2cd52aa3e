"""A page as the Jupyter notebook of one framework tab (d2lbook's semantics).

The notebook's code cells are the page's executable cells for the tab, in
order: untagged cells belong to the default tab, ``#@tab all`` cells to
every tab, ``#@tab a, b`` cells to those tabs; ``if tab.selected(...)``
branches are cut to the tab's own.  Its Markdown cells are the text between
them, sliced from ``Page.text`` by the cells' lines, with ``:begin_tab:``
prose kept only for its tabs and the d2lbook tab-selector cell dropped.

A tab has a notebook for a page only when the page has code for it: a cell
naming the tab (not all tabs at once), or, for the default tab, any cell
(``transforms.tabs.tabs_with_code``, which the library follows too).

This module is pure: the executor runs what it returns and the notebooks
writer saves it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import nbformat

from ..tree import CodeCell, Heading, Page, walk_blocks
from ..transforms.tabs import code_lines_for_tab, tabs_with_code

_FENCE_OPEN = re.compile(r"^(\s{0,3})(`{3,}|~{3,})(.*)$")
_BEGIN_TAB = re.compile(r":begin_tab:`([^`]*)`")
_END_TAB = re.compile(r":end_tab:")
_ATX = re.compile(r"^( {0,3})#{1,6}(?=[ \t]|$)")
#: a link or image address without ``<>``, e.g. ``![x](../img/a b.png "title")``
_SPACED_LINK = re.compile(r"(\]\()\s*([^()\"'<>\n]*?[^()\"'<>\s])(\s+\"[^\"\n]*\")?\s*\)")
_FRONT_MATTER = re.compile(r"\A---\n.*?\n(?:---|\.\.\.)\n", re.S)


@dataclass(slots=True)
class TabNotebook:
    """The notebook of one page and tab, and where its code cells come from."""

    notebook: nbformat.NotebookNode
    #: the tree's cells, one per code cell of the notebook, in the same order
    cells: list[CodeCell]
    #: for each code cell, the line in the page file of each of its code lines
    lines: list[list[int]] = field(default_factory=list)

    @property
    def code_cells(self) -> list[nbformat.NotebookNode]:
        return [c for c in self.notebook.cells if c.cell_type == "code"]


def executable_cells(page: Page) -> list[CodeCell]:
    """Every executable cell of the page, in document order."""
    return [b for b in walk_blocks(page.blocks) if isinstance(b, CodeCell) and b.executable]


def tab_code(cell: CodeCell, tab: str) -> tuple[str, list[int]]:
    """The code ``tab`` runs for ``cell`` and the source line of each of its lines."""
    code, mapping = code_lines_for_tab(cell.source, tab)
    return code, [cell.source_line + j for j in mapping]


def cell_tags(cell: CodeCell) -> list[str]:
    """Jupyter tags of a cell: ``raises-exception`` for cells expected to fail."""
    tags = [t for t in re.split(r"[\s,]+", cell.attrs.get("tags", "")) if t]
    if "expect_error" in cell.marks and "raises-exception" not in tags:
        tags.append("raises-exception")
    return tags


def page_notebook(page: Page, tab: str, tab_names: list[str], kernel: str = "python3",
                  rewrite=None, without_code: bool = False,
                  drop: set[int] | frozenset[int] = frozenset(),
                  prose=None) -> TabNotebook | None:  # type: ignore[no-untyped-def]
    """The notebook of ``page`` for ``tab``; None when the page has no code for it.

    ``rewrite(code) -> code`` is applied to each code cell (the library's
    reverse aliases for a non-default tab).  ``without_code``: a page with
    no code at all has a notebook too (its slides, as d2lbook cuts them).
    ``drop``: lines of prose to leave out and ``prose(markdown) -> markdown``:
    applied to each Markdown cell (a translated book's notebook of one
    language, writers/notebook/languages.py).
    """
    if tab not in tabs_with_code(page, tab_names) and not (without_code and not executable_cells(page)):
        return None
    mine = [c for c in executable_cells(page) if tab in c.tabs]
    by_line = {c.pos.line: c for c in mine}
    # headings at their level in the page's outline, as the website shows them (a `##` title is `#`)
    levels = {b.pos.line: b.level for b in walk_blocks(page.blocks)
              if isinstance(b, Heading) and b.pos.file == page.source}
    text = page.text
    front = _FRONT_MATTER.match(text)
    lines = text.split("\n")
    skip_until = front.group(0).count("\n") if front else 0

    cells: list[nbformat.NotebookNode] = []
    tree_cells: list[CodeCell] = []
    line_maps: list[list[int]] = []
    lines_kept: list[str] = []
    state = _TabProse(tab, tab_names)

    def flush() -> None:
        md = "\n".join(lines_kept)
        md = _tidy(prose(md) if prose is not None else md)
        lines_kept.clear()
        if md:
            cells.append(_cell("markdown", md, len(cells)))

    i = skip_until
    while i < len(lines):
        number = i + 1
        cell = by_line.get(number)
        fence = _FENCE_OPEN.match(lines[i])
        if cell is not None:
            flush()
            code, code_lines = tab_code(cell, tab)
            if rewrite is not None:
                code = rewrite(code)
            nb_cell = _cell("code", code, len(cells))
            tags = cell_tags(cell)
            if tags:
                nb_cell.metadata["tags"] = tags
            cells.append(nb_cell)
            tree_cells.append(cell)
            line_maps.append(code_lines)
            i = max(cell.end_line, number)  # continue after the closing fence
            continue
        if fence:
            end = _fence_end(lines, i, fence.group(2))
            if "{" in fence.group(3) and ".input" in fence.group(3):
                i = end + 1  # another tab's cell, or the tab-selector cell
                continue
            for line in lines[i:end + 1]:
                if state.keep:
                    lines_kept.append(line)
            i = end + 1
            continue
        kept = state.feed(lines[i])
        if kept is not None and number in drop:
            kept = None
        if kept is not None:
            if number in levels:
                kept = _ATX.sub(lambda m: m.group(1) + "#" * min(levels[number], 6), kept, count=1)
            if "](" in kept:
                kept = _SPACED_LINK.sub(_angled, kept)
            lines_kept.append(kept)
        i += 1
    flush()
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    nb.metadata["kernelspec"] = {"name": kernel, "display_name": kernel, "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return TabNotebook(nb, tree_cells, line_maps)


def _angled(m: re.Match[str]) -> str:
    """``[x](a b.png)`` -> ``[x](<a b.png>)``: Jupyter reads CommonMark, where only ``<>`` holds spaces."""
    address = m.group(2)
    if " " not in address or re.match(r"[A-Za-z][A-Za-z0-9+.-]*:|//", address):
        return m.group(0)
    return f"{m.group(1)}<{address}>{m.group(3) or ''})"


def _cell(kind: str, source: str, index: int) -> nbformat.NotebookNode:
    """A notebook cell, made directly: nbformat's ``new_*_cell`` checks each one against the
    schema, which cost seconds over d2l-en's 400 notebooks at every build that runs code."""
    cell = {"id": f"cell-{index}", "cell_type": kind, "metadata": {}, "source": source}
    if kind == "code":
        cell.update(execution_count=None, outputs=[])
    return nbformat.from_dict(cell)


def _fence_end(lines: list[str], start: int, marker: str) -> int:
    """Index of the line closing the fence opened at ``start`` (the last line if none)."""
    closing = re.compile(rf"^\s{{0,3}}{re.escape(marker[0])}{{{len(marker)},}}\s*$")
    for j in range(start + 1, len(lines)):
        if closing.match(lines[j]):
            return j
    return len(lines) - 1


class _TabProse:
    """Follows ``:begin_tab:``/``:end_tab:`` marks line by line for one tab."""

    def __init__(self, tab: str, tab_names: list[str]) -> None:
        self.tab = tab
        self.tab_names = tab_names
        self.keep = True

    def feed(self, line: str) -> str | None:
        """The line as the tab's notebook shows it, or None to drop it."""
        out = line
        begin = _BEGIN_TAB.search(out)
        if begin:
            tabs = [t.strip() for t in begin.group(1).split(",") if t.strip()]
            before = out[:begin.start()]
            out = before + out[begin.end():]
            self.keep = "all" in tabs or self.tab in tabs
        end = _END_TAB.search(out)
        if end:
            kept_text = out[:end.start()] if self.keep else ""
            self.keep = True
            rest = kept_text + out[end.end():]
            return rest if rest.strip() or not (begin or end) else None
        if begin and not out.strip():
            return None
        return out if self.keep else None


def _tidy(md: str) -> str:
    """Trim blank lines around a Markdown cell and squeeze runs of them."""
    md = re.sub(r"\n{3,}", "\n\n", md.strip("\n"))
    return md if md.strip() else ""


def code_cell_sources(tab_notebook: TabNotebook) -> list[str]:
    """The code cells' sources as run, for the cache key."""
    return [c.source for c in tab_notebook.code_cells]

