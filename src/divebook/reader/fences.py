"""Fenced code: the info string, the tab line and the ``#@`` marks of a cell.

```` ```{.python .input n=3} ```` is an executable cell; ```` ```python ```` is
display-only.  The first line of an executable cell may name its tabs
(``#@tab pytorch, mxnet``, ``%%tab all``); marks such as ``#@save`` stay in
the code and are also recorded on the cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_TAB_LINE = re.compile(r"^\s*(?:#\s*@tab|%%tab)\b\s*(.*?)\s*$")
_MARK = re.compile(r"#\s*@(save|hide_code|hide_output|hide|expect_error)\b")
#: The d2lbook tab-selector cell, which only makes sense inside d2lbook.
_TAB_SELECTOR = re.compile(r"%load_ext\s+d2lbook\.tab|^\s*tab\.interact_select\(", re.M)


@dataclass(slots=True)
class FenceInfo:
    language: str
    classes: list[str] = field(default_factory=list)
    attrs: dict[str, str] = field(default_factory=dict)

    @property
    def executable(self) -> bool:
        return "input" in self.classes


def parse_info(info: str) -> FenceInfo:
    """``{.python .input n=3}`` -> python, [python, input], {n: 3}; ``bash`` -> bash."""
    info = info.strip()
    if info.startswith("{") and info.endswith("}"):
        classes: list[str] = []
        attrs: dict[str, str] = {}
        for part in info[1:-1].split():
            if part.startswith("."):
                classes.append(part[1:])
            elif "=" in part:
                key, _, value = part.partition("=")
                attrs[key] = value.strip("\"'")
        language = next((c for c in classes if c != "input"), "python")
        return FenceInfo(language, classes, attrs)
    word = info.split()[0] if info else ""
    return FenceInfo(word.lower())


@dataclass(slots=True)
class CellHead:
    """What the first lines of an executable cell say."""

    source: str  # the code without tab lines
    tabs: list[str] | None  # None when the cell names no tab
    skipped_lines: int  # lines removed from the top (for source_line)
    marks: set[str]
    #: 1-based line (within the cell) of a later tab line naming other tabs; 0 if none
    conflicting_tab_line: int = 0


def _tab_list(m: re.Match[str]) -> list[str]:
    return [t.strip() for t in m.group(1).split(",") if t.strip()] or ["all"]


def read_cell(code: str) -> CellHead:
    """Split off the tab line (the first non-blank line, as d2lbook reads it).

    Later tab lines are dropped too; one that names other tabs is reported.
    """
    lines = code.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    tabs: list[str] | None = None
    skipped = 0
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None:
        m = _TAB_LINE.match(lines[first])
        if m:
            tabs = _tab_list(m)
            skipped = first + 1
            lines = lines[skipped:]
    conflicting = 0
    source = "\n".join(lines)
    if "@tab" in source or "%%tab" in source:  # else no line is a tab line
        kept = []
        for i, line in enumerate(lines):
            m = _TAB_LINE.match(line)
            if m:
                if _tab_list(m) != tabs and not conflicting:
                    conflicting = i + 1 + skipped
                continue
            kept.append(line)
        source = "\n".join(kept)
    marks = {m.group(1) for m in _MARK.finditer(source)}
    return CellHead(source, tabs, skipped, marks, conflicting)


def is_tab_selector(code: str) -> bool:
    """The ``%load_ext d2lbook.tab`` / ``tab.interact_select`` cell."""
    return bool(_TAB_SELECTOR.search(code))
