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
from dataclasses import dataclass, replace

from ..tree import Block, CodeCell, ListBlock, Page, Quote, TabContent, TabGroup, Translated, walk_blocks

_SELECTED = re.compile(r"^(\s*)(if|elif)\b(.*\btab\.selected\([^)]*\).*?)\s*:\s*(#.*)?$")
_SELECTED_CALL = re.compile(r"\btab\.selected\(([^)]*)\)")
_ELSE = re.compile(r"^(\s*)else\s*:\s*(#.*)?$")


def _selected_tabs(condition: str) -> set[str]:
    """Tabs named by the ``tab.selected(...)`` calls in an if-condition (or-ed)."""
    return {a.strip().strip("'\"") for call in _SELECTED_CALL.findall(condition)
            for a in call.split(",") if a.strip()}


@dataclass(slots=True)
class _Branch:
    """An open ``if tab.selected`` chain while cutting (see ``code_for_tab``)."""

    indent: int  # of the if-line in the source
    keep: bool  # whether the current branch of the chain is the tab's
    matched: bool  # whether some branch of the chain was the tab's
    shift: int  # spaces removed from the kept body's lines


_DEF = re.compile(r"^\s*(async\s+)?def\b")


def code_for_tab(source: str, tab: str) -> str:
    """The code of ``source`` as tab ``tab`` runs it.

    ``if tab.selected('a', 'b'):`` keeps its body (one level less indented)
    when ``tab`` is listed and drops it otherwise; ``elif tab.selected`` and a
    final ``else:`` continue the same chain.  Selections nested in a kept
    branch are cut too, at any depth, their bodies moved out one more level.

    One layout is read as its author means it (and as the published d2l
    modules have it): a nested selection written at the level of a ``def``
    it follows, right after that function's body, continues the function:
    its body stays in it (d2l-en's ``if tab.selected('tensorflow'):
    self.training = None`` right after ``def __init__``'s body).
    """
    if "tab.selected" not in source:
        return source
    out: list[str] = []
    open_: list[_Branch] = []  # innermost last
    for line in source.split("\n"):
        indent = len(line) - len(line.lstrip())
        m_sel = _SELECTED.match(line)
        if line.strip():
            while open_ and indent < open_[-1].indent:
                open_.pop()  # the line leaves these chains
            if _continue_chain(open_, line, indent, m_sel, tab):
                continue
            if open_ and indent == open_[-1].indent:
                open_.pop()
        if not all(branch.keep for branch in open_):
            continue  # inside a branch of another tab
        shift = open_[-1].shift if open_ else 0
        if m_sel and m_sel.group(2) == "if":
            take = tab in _selected_tabs(m_sel.group(3))
            step = 0 if open_ and _continues_def(out, indent - shift) else 4
            open_.append(_Branch(indent, take, take, shift + step))
            continue
        # a body line goes no further left than its branch's first column (continuation lines)
        out.append(_dedent(line, shift, open_[-1].indent + 4 - shift) if open_ else line)
    return "\n".join(out)


def _continue_chain(open_: list[_Branch], line: str, indent: int, m_sel: re.Match[str] | None,
                    tab: str) -> bool:
    """``elif tab.selected`` / ``else`` of the innermost open chain: switch its branch."""
    if not open_ or indent != open_[-1].indent:
        return False
    branch = open_[-1]
    if m_sel and m_sel.group(2) == "elif":
        take = not branch.matched and tab in _selected_tabs(m_sel.group(3))
        branch.keep, branch.matched = take, branch.matched or take
        return True
    if _ELSE.match(line):
        branch.keep, branch.matched = not branch.matched, True
        return True
    return False


def _continues_def(out: list[str], at: int) -> bool:
    """Whether an if-line at column ``at`` directly follows the body of a ``def`` at column ``at``."""
    last = next((line for line in reversed(out) if line.strip()), None)
    if last is None or len(last) - len(last.lstrip()) <= at:
        return False
    for line in reversed(out):
        if line.strip() and len(line) - len(line.lstrip()) <= at:
            return len(line) - len(line.lstrip()) == at and bool(_DEF.match(line))
    return False


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


def _dedent(line: str, shift: int, floor: int) -> str:
    """``line`` moved left by ``shift`` spaces, but not left of column ``floor`` (continuation lines)."""
    stripped = line.lstrip()
    if not stripped:
        return ""
    indent = len(line) - len(stripped)
    return " " * max(floor, indent - shift) + stripped


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
