"""Framework tabs: which code and prose each tab sees, and how tabs are grouped.

Two views of the same page:

* ``group_tabs`` (for the website) gathers each run of tab-specific blocks
  into a ``TabGroup`` whose panels are shown side by side as tabs, the
  default tab first;
* ``select_tab`` (for a PDF or notebook of one framework) keeps only what
  one tab sees.

``code_for_tab`` cuts ``if tab.selected('x'):`` branches the way d2lbook
does, so a cell shared by all tabs shows each tab only its own branch.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..tree import Block, CodeCell, ListBlock, Page, Quote, TabContent, TabGroup, Translated, walk_blocks

_SELECTED = re.compile(r"^(\s*)(if|elif)\b(.*\btab\.selected\([^)]*\).*?)\s*:\s*(#.*)?$")
_SELECTED_CALL = re.compile(r"\btab\.selected\(([^)]*)\)")
_ELSE = re.compile(r"^(\s*)else\s*:\s*(#.*)?$")


def _selected_tabs(condition: str) -> set[str]:
    """Tabs named by the ``tab.selected(...)`` calls in an if-condition (or-ed)."""
    return {a.strip().strip("'\"") for call in _SELECTED_CALL.findall(condition)
            for a in call.split(",") if a.strip()}


def code_for_tab(source: str, tab: str) -> str:
    """The code of ``source`` as tab ``tab`` runs it.

    ``if tab.selected('a', 'b'):`` keeps its body (one level less indented)
    when ``tab`` is listed and drops it otherwise; ``elif tab.selected`` and a
    final ``else:`` continue the same chain.  Selections nested in a kept
    branch are cut too, at any depth: each pass cuts the outermost ones, and
    the passes stop when one changes nothing.
    """
    if "tab.selected" not in source:
        return source
    while True:
        cut = _cut_outermost(source, tab)
        if cut == source or "tab.selected" not in cut:
            return cut
        source = cut


def _cut_outermost(source: str, tab: str) -> str:
    """One pass of ``code_for_tab``: the outermost selections; a kept body is copied as it is."""
    lines = source.split("\n")
    out: list[str] = []
    # (indent of the if-line, whether this branch is kept, whether any branch of the chain matched)
    mode: tuple[int, bool, bool] | None = None
    for line in lines:
        indent = len(line) - len(line.lstrip())
        if mode is not None:
            branch_indent, keep, matched = mode
            m_else = _ELSE.match(line)
            m_sel = _SELECTED.match(line)
            if m_sel and m_sel.group(2) == "elif" and indent == branch_indent:
                take = not matched and tab in _selected_tabs(m_sel.group(3))
                mode = (branch_indent, take, matched or take)
                continue
            if m_else and indent == branch_indent:
                mode = (branch_indent, not matched, True)
                continue
            if line.strip() and indent <= branch_indent:
                mode = None  # left the chain
            else:
                if keep:
                    out.append(_dedent_one(line, branch_indent))
                continue
        m = _SELECTED.match(line)
        if m and m.group(2) == "if":
            take = tab in _selected_tabs(m.group(3))
            mode = (indent, take, take)
            continue
        out.append(line)
    return "\n".join(out)


def code_lines_for_tab(source: str, tab: str) -> tuple[str, list[int]]:
    """``code_for_tab`` and, for each line of the result, the 0-based line of ``source`` it came from.

    Cutting branches only drops lines and removes indentation, so the kept
    lines are found again, in order, by their stripped text.
    """
    code = code_for_tab(source, tab)
    if code == source:
        return code, list(range(source.count("\n") + 1))
    original = source.split("\n")
    mapping: list[int] = []
    k = 0
    for line in code.split("\n"):
        text = line.strip()
        j = k
        while j < len(original) and original[j].strip() != text:
            j += 1
        if j == len(original):  # cannot happen with code_for_tab; keep a sane number
            j = min(k, len(original) - 1)
        mapping.append(j)
        k = j + 1
    return code, mapping


def _dedent_one(line: str, branch_indent: int) -> str:
    """Remove one level of indentation (what the branch added) from ``line``."""
    stripped = line.lstrip()
    if not stripped:
        return ""
    indent = len(line) - len(stripped)
    step = 4
    return " " * max(branch_indent, indent - step) + stripped


def _is_tab_specific(block: Block, all_tabs: set[str]) -> bool:
    if isinstance(block, TabContent):
        return True
    return isinstance(block, CodeCell) and block.executable and set(block.tabs) != all_tabs


def _expand_selected(block: Block, tab_names: list[str]) -> list[Block]:
    """A shared cell with ``tab.selected`` branches becomes one cell per tab."""
    if not (isinstance(block, CodeCell) and block.executable and "tab.selected" in block.source):
        return [block]
    variants: dict[str, str] = {tab: code_for_tab(block.source, tab) for tab in block.tabs}
    if len(set(variants.values())) == 1:
        return [replace(block, source=next(iter(variants.values())))]
    return [replace(block, source=code, tabs=[tab]) for tab, code in variants.items()]


def group_tabs(blocks: list[Block], tab_names: list[str]) -> list[Block]:
    """Gather runs of tab-specific blocks into ``TabGroup`` nodes (website view)."""
    all_tabs = set(tab_names)
    expanded: list[Block] = []
    for block in blocks:
        expanded.extend(_expand_selected(block, tab_names))
    out: list[Block] = []
    run: list[Block] = []

    def flush() -> None:
        if not run:
            return
        panels: dict[str, list[Block]] = {tab: [] for tab in tab_names}
        for block in run:
            for tab in block.tabs:  # type: ignore[union-attr]
                if tab in panels:
                    panels[tab].append(block)
        shown = {tab: _unwrap(panel) for tab, panel in panels.items() if panel}
        if shown:
            out.append(TabGroup(shown, run[0].pos))  # type: ignore[union-attr]
        run.clear()

    for block in expanded:
        if _is_tab_specific(block, all_tabs) and len(tab_names) > 1:
            run.append(block)
            continue
        flush()
        out.append(_recurse(block, lambda b: group_tabs(b, tab_names)))
    flush()
    return out


def _unwrap(blocks: list[Block]) -> list[Block]:
    """Inside a panel, tab prose is shown as plain blocks."""
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, TabContent):
            out.extend(block.children)
        else:
            out.append(block)
    return out


def select_tab(blocks: list[Block], tab: str) -> list[Block]:
    """Only what ``tab`` sees: its code (branches cut) and its tab prose."""
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, CodeCell) and block.executable:
            if tab in block.tabs:
                out.append(replace(block, source=code_for_tab(block.source, tab), tabs=[tab]))
        elif isinstance(block, TabContent):
            if tab in block.tabs:
                out.extend(select_tab(block.children, tab))
        elif isinstance(block, TabGroup):
            out.extend(select_tab(block.panels.get(tab, []), tab))
        else:
            out.append(_recurse(block, lambda b: select_tab(b, tab)))
    return out


def _recurse(block: Block, fn) -> Block:  # type: ignore[no-untyped-def]
    if isinstance(block, Quote):
        return replace(block, children=fn(block.children))
    if isinstance(block, ListBlock):
        return replace(block, items=[fn(item) for item in block.items])
    if isinstance(block, Translated):
        original = fn([block.original]) if block.original is not None else None
        translation = fn([block.translation]) if block.translation is not None else None
        return replace(block, original=original[0] if original and len(original) == 1 else block.original,
                       translation=(translation[0] if translation and len(translation) == 1
                                    else block.translation))
    return block


def group_page_tabs(page: Page, tab_names: list[str]) -> Page:
    return replace(page, blocks=group_tabs(page.blocks, tab_names))


def page_tabs(page: Page) -> list[str]:
    """The tabs that have code on ``page``, in no particular order."""
    from ..tree import walk_blocks

    tabs: set[str] = set()
    for block in walk_blocks(page.blocks):
        if isinstance(block, CodeCell) and block.executable:
            tabs.update(block.tabs)
    return sorted(tabs)


def tabs_with_code(page: Page, tab_names: list[str]) -> list[str]:
    """The tabs that run ``page`` (in the book's order): d2lbook's rule.

    A tab runs a page when some cell names it without naming every tab;
    the default tab (the first) runs it when any cell is its.  So a page
    whose code is all ``#@tab all`` runs in the default tab only.  The
    executor and the companion library both decide by this rule.
    """
    all_tabs = set(tab_names)
    default = tab_names[0]
    named: set[str] = set()
    any_default = False
    for block in walk_blocks(page.blocks):
        if not (isinstance(block, CodeCell) and block.executable):
            continue
        if default in block.tabs:
            any_default = True
        if set(block.tabs) != all_tabs or len(tab_names) == 1:
            named.update(block.tabs)
    return [t for t in tab_names if t in named or (t == default and any_default)]
