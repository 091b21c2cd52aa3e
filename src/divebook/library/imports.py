"""The library's imports: gathered from every saved block, deduplicated, sorted.

Saved blocks repeat imports page after page; the module states each once,
at the top, in isort's default order: ``__future__``, the standard library,
third-party packages, then the library's own package, each group with
``import x`` lines before ``from x import y`` lines, modules compared
without regard to case.  ``from m import a`` and ``from m import b`` become
``from m import a, b``.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass, field

from ..tree import Pos

_LINE = 79


@dataclass(frozen=True, slots=True)
class ImportName:
    """One name an import statement binds: ``import a.b as c`` / ``from m import x as y``."""

    module: str  # "a.b"; for relative imports the dots are included (".x")
    name: str | None  # None for ``import module``
    asname: str | None

    @property
    def bound(self) -> str:
        """The name this import defines in the module."""
        if self.asname:
            return self.asname
        if self.name is not None:
            return self.name
        return self.module.split(".")[0]

    @property
    def target(self) -> tuple[str, str | None]:
        """What the bound name refers to (for finding two imports that disagree)."""
        if self.name is None and not self.asname:
            return (self.module.split(".")[0], None)
        return (self.module, self.name)


@dataclass(slots=True)
class Imports:
    """Every import of one tab's saved blocks, in reading order, with where it was saved."""

    names: dict[ImportName, Pos] = field(default_factory=dict)

    def add(self, node: ast.Import | ast.ImportFrom, pos: Pos) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                self.names.setdefault(ImportName(alias.name, None, alias.asname), pos)
        else:
            module = "." * node.level + (node.module or "")
            for alias in node.names:
                self.names.setdefault(ImportName(module, alias.name, alias.asname), pos)

    def conflicts(self) -> list[tuple[ImportName, Pos, ImportName, Pos]]:
        """Pairs (earlier, later) that bind one name to different things."""
        seen: dict[str, tuple[ImportName, Pos]] = {}
        out = []
        for item, pos in self.names.items():
            if item.name == "*":
                continue
            previous = seen.get(item.bound)
            if previous is not None and previous[0].target != item.target:
                out.append((previous[0], previous[1], item, pos))
            seen[item.bound] = (item, pos)
        return out

    def render(self, own_package: str) -> str:
        """The import lines, grouped and sorted.

        A name two imports bind to different things keeps the later import
        (what a reader running the pages in order ends up with).
        """
        last: dict[str, tuple[str, str | None]] = {}
        for item in self.names:
            if item.name != "*":
                last[item.bound] = item.target
        kept = [item for item in self.names if item.name == "*" or last[item.bound] == item.target]
        groups: dict[int, list[ImportName]] = {}
        for item in kept:
            groups.setdefault(_section(item.module, own_package), []).append(item)
        out: list[str] = []
        for section in sorted(groups):
            items = groups[section]
            plain = sorted((i for i in items if i.name is None),
                           key=lambda i: (i.module.lower(), i.module, i.asname or ""))
            lines = [f"import {i.module}" + (f" as {i.asname}" if i.asname else "") for i in plain]
            by_module: dict[str, list[ImportName]] = {}
            for i in items:
                if i.name is not None:
                    by_module.setdefault(i.module, []).append(i)
            for module in sorted(by_module, key=lambda m: (m.lower(), m)):
                names = sorted(by_module[module], key=_name_key)
                lines.append(_from_line(module, [n.name + (f" as {n.asname}" if n.asname else "")
                                                 for n in names if n.name is not None]))
            if out:
                out.append("")
            out.extend(lines)
        return "\n".join(out)


def _section(module: str, own_package: str) -> int:
    top = module.split(".")[0]
    if module.startswith(".") or (own_package and top == own_package):
        return 3
    if top == "__future__":
        return 0
    if top in sys.stdlib_module_names:
        return 1
    return 2


def _name_key(item: ImportName) -> tuple[int, str, str]:
    """isort's order for imported names: CONSTANTS, then Classes, then functions."""
    name = item.name or ""
    kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    return (kind, name.lower(), item.asname or "")


def _from_line(module: str, names: list[str]) -> str:
    """One ``from`` line; when too long, isort's grid: names aligned after the parenthesis."""
    line = f"from {module} import {', '.join(names)}"
    if len(line) <= _LINE:
        return line
    head = f"from {module} import ("
    indent = " " * len(head)
    lines: list[str] = []
    current = head
    for i, name in enumerate(names):
        piece = name + ("," if i < len(names) - 1 else ")")
        fresh = current in (head, indent)
        candidate = current + ("" if fresh else " ") + piece
        if len(candidate) > _LINE and not fresh:
            lines.append(current)
            current = indent + piece
        else:
            current = candidate
    lines.append(current)
    return "\n".join(lines)
