"""Rewrite ``divebook`` imports written against the old module layout (issue 15).

    python tools/rehome_imports.py FILE...        # rewrite in place
    python tools/rehome_imports.py --check FILE...  # list what would change, exit 1 if any

The table is ``tools/module_moves.toml``.  Every ``from X import a, b`` (absolute,
or relative to where the file is *or was*) is resolved; when the module or a name
is no longer where the import says, the import is rewritten to the new home
(split in several lines when its names went to different modules), relative
imports staying relative.  Imports that already work are left alone, so running
it twice changes nothing.  Plain ``import divebook.x`` lines are rewritten by the
module table only.  Imports of test helpers (``from tests.unit.test_x import
helper``) follow the moved test modules (``[test_modules]``).
"""

from __future__ import annotations

import argparse
import ast
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"


class Layout:
    """What modules exist under ``src/`` now, and the names each defines."""

    def __init__(self, src: Path) -> None:
        self.src = src
        self._names: dict[str, set[str] | None] = {}

    def path(self, module: str) -> Path | None:
        base = self.src.joinpath(*module.split("."))
        for p in (base.with_suffix(".py"), base / "__init__.py"):
            if p.is_file():
                return p
        return base if base.is_dir() else None  # a namespace package

    def is_package(self, module: str) -> bool:
        p = self.path(module)
        return p is not None and (p.is_dir() or p.name == "__init__.py")

    def names(self, module: str) -> set[str] | None:
        """Top-level names of ``module`` (None: no such module)."""
        if module not in self._names:
            p = self.path(module)
            if p is None:
                self._names[module] = None
            else:
                found: set[str] = set()
                if p.is_file():
                    found |= _top_level_names(ast.parse(p.read_text(encoding="utf-8")))
                folder = p if p.is_dir() else p.parent if p.name == "__init__.py" else None
                if folder is not None:
                    found |= {c.stem if c.suffix == ".py" else c.name for c in folder.iterdir()
                              if (c.suffix == ".py" and c.stem != "__init__") or (c.is_dir() and c.name != "__pycache__")}
                self._names[module] = found
        return self._names[module]

    def has(self, module: str, name: str | None = None) -> bool:
        names = self.names(module)
        return names is not None and (name is None or name == "*" or name in names)


def _top_level_names(tree: ast.Module) -> set[str]:
    names: set[str] = set()

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for t in targets:
                    for n in ast.walk(t):
                        if isinstance(n, ast.Name):
                            names.add(n.id)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                for a in node.names:
                    names.add(a.asname or a.name.split(".")[0])
            elif isinstance(node, (ast.If, ast.Try)):
                visit(node.body)
                visit(getattr(node, "orelse", []))
                for h in getattr(node, "handlers", []):
                    visit(h.body)
                visit(getattr(node, "finalbody", []))
    visit(tree.body)
    return names


class Table:
    def __init__(self, path: Path) -> None:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        self.modules: dict[str, str] = {**data.get("modules", {}), **data.get("test_modules", {})}
        self.symbols: dict[str, str] = data.get("symbols", {})
        #: new module -> (old module, was it a package)
        self.origin: dict[str, tuple[str, bool]] = {}
        for old, new in self.modules.items():
            was_pkg = any(o.startswith(old + ".") for o in self.modules)
            self.origin[new] = (old, was_pkg)
        for old, new in data.get("files", {}).items():
            if old.endswith(".py") and new.endswith(".py"):
                self.origin[_module_of(Path(new))[0]] = (_module_of(Path(old))[0], old.endswith("__init__.py"))

    def new_home(self, module: str, name: str | None) -> str:
        """Where ``module``'s ``name`` lives now (a moved module, then a name moved out of it)."""
        if name is not None and f"{module}.{name}" in self.symbols:
            return self.symbols[f"{module}.{name}"]
        moved = self.modules.get(module, module)
        return self.symbols.get(f"{moved}.{name}", moved)

    def knows(self, module: str, name: str) -> bool:
        """Whether the table says where ``module``'s ``name`` went."""
        return f"{module}.{name}" in self.symbols or f"{module}.{name}" in self.modules


def _module_of(path: Path) -> tuple[str, bool]:
    """(dotted module, is a package) of a path like src/divebook/x/y.py."""
    parts = list(path.with_suffix("").parts)
    if "src" in parts:
        parts = parts[parts.index("src") + 1:]
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def _absolute(level: int, module: str | None, here: str, is_pkg: bool) -> str | None:
    base = here.split(".") if is_pkg else here.split(".")[:-1]
    if level - 1 > len(base) - 1:
        return None
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([module] if module else []))


def _relative(target: str, here: str, is_pkg: bool) -> tuple[int, str]:
    """``target`` written relative to ``here`` (level, module-or-empty)."""
    base = here.split(".") if is_pkg else here.split(".")[:-1]
    parts = target.split(".")
    common = 0
    while common < min(len(base), len(parts)) and base[common] == parts[common]:
        common += 1
    return len(base) - common + 1, ".".join(parts[common:])


def _from_line(where: str, items: list[str], width: int = 99) -> str:
    """``from where import items``, wrapped in parentheses when it would be too long."""
    line = f"from {where} import {', '.join(items)}"
    if len(line) <= width:
        return line
    rows, row = [], "   "
    for item in items:
        if len(row) + len(item) + 2 > width - 4 and row.strip():
            rows.append(row)
            row = "   "
        row += f" {item},"
    rows.append(row)
    return f"from {where} import (\n" + "\n".join(rows) + "\n)"


def _works(layout: Layout, table: Table, module: str | None, names: list[str]) -> bool:
    """Every name is found where the import looks (and is not an old module moved away)."""
    return module is not None and all(layout.has(module, n) and f"{module}.{n}" not in table.modules
                                      for n in names)


def rewrite(path: Path, layout: Layout, table: Table, here: tuple[str, bool] | None = None) -> str | None:
    """The file's text with its imports re-homed, or None when nothing changes.

    ``here``: the file's dotted module and whether it is a package's ``__init__``
    (default: from its place under ``src/``; outside it, relative imports are left).
    """
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    if here is None:
        here = _module_of(path.resolve().relative_to(layout.src.parent)) \
            if path.resolve().is_relative_to(layout.src) else ("", False)
    here, here_pkg = here
    old_here, old_pkg = table.origin.get(here, (here, here_pkg))
    edits: list[tuple[int, int, str]] = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            new = [(a, table.modules.get(a.name)) for a in node.names]
            if any(n and n != a.name for a, n in new):
                parts = [f"{n or a.name}" + (f" as {a.asname}" if a.asname else "") for a, n in new]
                edits.append((node.lineno, node.end_lineno or node.lineno, "import " + ", ".join(parts)))
            continue
        if not isinstance(node, ast.ImportFrom):
            continue
        names = [a.name for a in node.names]
        if node.level == 0:
            if not (node.module or "").startswith("divebook") and node.module not in table.modules:
                continue  # not ours, or a test module that did not move
            module = node.module
            if _works(layout, table, module, names) and not any(table.knows(module, n) for n in names):
                continue
        elif not here:
            continue  # a relative import outside src/: nothing to resolve it against
        else:
            module = _absolute(node.level, node.module, here, here_pkg)
            if module is not None and layout.names(module) is not None and all(
                    layout.has(module, n) or table.knows(module, n) for n in names):
                if _works(layout, table, module, names) and not any(table.knows(module, n) for n in names):
                    continue
            else:
                module = _absolute(node.level, node.module, old_here, old_pkg)
                if module is None:
                    continue
        groups: dict[str, list[str]] = {}
        for a in node.names:
            target = table.new_home(module, a.name)
            if layout.has(f"{module}.{a.name}") or f"{module}.{a.name}" in table.modules:
                # ``from pkg import submodule``: follow the submodule
                sub = table.modules.get(f"{module}.{a.name}", f"{module}.{a.name}")
                target, real = sub.rsplit(".", 1)
                alias = a.asname or (a.name if real != a.name else None)
                groups.setdefault(target, []).append(real + (f" as {alias}" if alias else ""))
                continue
            if not layout.has(target, a.name) and layout.has(module, a.name):
                target = module  # the package still offers it
            groups.setdefault(target, []).append(a.name + (f" as {a.asname}" if a.asname else ""))
        out = []
        for target, items in groups.items():
            if node.level:
                level, rel = _relative(target, here, here_pkg)
                where = "." * level + rel
            else:
                where = target
            out.append(_from_line(where, items))
        edits.append((node.lineno, node.end_lineno or node.lineno, "\n".join(out)))
    if not edits:
        return None
    for start, end, new in sorted(edits, reverse=True):
        first = lines[start - 1]
        indent = first[: len(first) - len(first.lstrip())]
        tail = lines[end - 1].rstrip("\n")
        comment = tail[tail.index("  #"):] if "  #" in tail else ""
        body = "\n".join(indent + line for line in new.split("\n"))
        lines[start - 1:end] = [body + comment + "\n"]
    new_text = "".join(lines)
    return None if new_text == text else new_text


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--check", action="store_true", help="only list the files that would change")
    ap.add_argument("--table", type=Path, default=ROOT / "tools" / "module_moves.toml")
    args = ap.parse_args(argv)
    layout, table = Layout(SRC), Table(args.table)
    changed = 0
    for path in args.files:
        if path.suffix != ".py":
            continue
        new = rewrite(path, layout, table)
        if new is not None:
            changed += 1
            print(path)
            if not args.check:
                path.write_text(new, encoding="utf-8")
    return 1 if (args.check and changed) else 0


if __name__ == "__main__":
    sys.exit(main())
