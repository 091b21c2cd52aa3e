"""The import graph of ``src/divebook``: no cycle, and data flows one way.

Imports are read with ``ast`` (function-level ones included), so the test sees
what runs, not only the top of each file.  Layers, highest first; a module may
import modules of its own layer or of a lower one, never of a higher one.  The
most specific prefix places a module; every module must be placed (a new
module is added here, and to docs/architecture.md, where it belongs).

Imports under ``if TYPE_CHECKING:`` never run: they count for the layers (a
lower layer does not even name a higher one's types) but not for cycles
(two modules of a layer may annotate with each other's types).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"

#: (layer, module prefixes), highest first: docs/architecture.md lists the same.
LAYERS: list[tuple[str, list[str]]] = [
    ("entry", ["divebook.cli", "divebook.__main__"]),
    ("commands", ["divebook.build", "divebook.checks", "divebook.serve", "divebook.preview",
                  "divebook.init", "divebook.languages.report"]),
    ("writers", ["divebook.writers", "divebook.library.write"]),
    ("stages", ["divebook.reader", "divebook.execute", "divebook.transforms", "divebook.languages",
                "divebook.library", "divebook.envs", "divebook.linkcheck"]),
    ("base", ["divebook.context", "divebook.config", "divebook.confine", "divebook.cache",
              "divebook.buildstate", "divebook.diagnostics", "divebook.bookpaths",
              "divebook.codemarks", "divebook.console", "divebook.fingerprint", "divebook.globs",
              "divebook.outlock", "divebook.parallel"]),
    ("tree", ["divebook.tree", "=divebook"]),  # "=": that module only (the package's version)
]


def modules(src: Path = SRC) -> dict[str, Path]:
    found = {}
    for path in sorted((src / "divebook").rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _type_checking_nodes(tree: ast.Module) -> set[int]:
    """ids of the import nodes inside ``if TYPE_CHECKING:`` blocks."""
    ids: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            ids |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    return ids


def imports(mods: dict[str, Path]) -> dict[str, dict[str, bool]]:
    """module -> {imported divebook module: runs (False: only under TYPE_CHECKING)}."""
    graph: dict[str, dict[str, bool]] = {}
    for name, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = _type_checking_nodes(tree)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges: dict[str, bool] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    module = ".".join(base + ([node.module] if node.module else []))
                else:
                    module = node.module or ""
                # ``from pkg import submodule`` imports the submodule
                targets = [f"{module}.{a.name}" if f"{module}.{a.name}" in mods else module
                           for a in node.names]
            else:
                continue
            for target in targets:
                while target and target not in mods:  # ``import a.b.c`` names a.b.c
                    target = target.rpartition(".")[0]
                if target and target != name:
                    runs = id(node) not in typing_only
                    edges[target] = edges.get(target, False) or runs
        graph[name] = edges
    return graph


def layer_of(module: str) -> int:
    best, rank = -1, None
    for i, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if prefix.startswith("="):
                hit = module == prefix[1:]
            else:
                hit = module == prefix or module.startswith(prefix + ".")
            if hit and len(prefix) > best:
                best, rank = len(prefix), i
    if rank is None:
        raise LookupError(module)
    return rank


def cycles(graph: dict[str, dict[str, bool]]) -> list[list[str]]:
    """Strongly connected components of more than one module (imports that run)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w, runs in graph.get(v, {}).items():
            if not runs:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_every_module_has_a_layer():
    unplaced = []
    for module in modules():
        try:
            layer_of(module)
        except LookupError:
            unplaced.append(module)
    assert not unplaced, f"add these modules to LAYERS (and docs/architecture.md): {unplaced}"


def test_no_import_cycle():
    found = cycles(imports(modules()))
    assert not found, "import cycles (move the shared part below both): " + "; ".join(
        " <-> ".join(c) for c in found)


def test_no_layer_imports_a_higher_one():
    wrong = []
    for module, edges in imports(modules()).items():
        for target in edges:
            if layer_of(target) < layer_of(module):
                wrong.append(f"{module} ({LAYERS[layer_of(module)][0]}) imports {target} "
                             f"({LAYERS[layer_of(target)][0]})")
    assert not wrong, "\n".join(wrong)


def test_the_tree_depends_on_nothing_else():
    graph = imports(modules())
    for module, edges in graph.items():
        if layer_of(module) == len(LAYERS) - 1:
            assert all(layer_of(t) == len(LAYERS) - 1 for t in edges), (module, edges)


@pytest.mark.parametrize("edges, expected", [
    ({"a": {"b": True}, "b": {"a": True}}, [["a", "b"]]),
    ({"a": {"b": True}, "b": {"a": False}}, []),  # only under TYPE_CHECKING
    ({"a": {"b": True}, "b": {"c": True}, "c": {"a": True}, "d": {"a": True}}, [["a", "b", "c"]]),
])
def test_cycles_are_found(edges, expected):
    assert cycles(edges) == expected


def test_function_level_and_relative_imports_are_read(tmp_path):
    pkg = tmp_path / "divebook"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "low.py").write_text("def f():\n    from .sub import high\n")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "high.py").write_text(
        "from typing import TYPE_CHECKING\nfrom ..low import f\nif TYPE_CHECKING:\n    from .. import low\n")
    graph = imports(modules(tmp_path))
    assert graph["divebook.low"] == {"divebook.sub.high": True}
    assert graph["divebook.sub.high"] == {"divebook.low": True}
    assert cycles(graph) == [["divebook.low", "divebook.sub.high"]]


MAX_LINES = 500


def test_no_module_is_over_500_lines():
    """Big modules are split by concern (issue 15): a module is read in one sitting."""
    long = {name: n for name, path in modules().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines (move a cohesive group out): {long}"
