"""Framework aliases from ``[library-TAB]``: the lines appended to a tab's module.

d2lbook's keys, read the way d2lbook reads them (docs/library.md has examples):

* ``alias``: Python lines copied as they are;
* ``simple_alias``: ``a -> b`` (or just ``a``), separated by commas or new
  lines, gives ``a = LIB.b`` where LIB is ``lib_name``; a trailing ``(``
  on either side is dropped, as d2lbook drops it;
* ``fluent_alias``: ``a -> b`` gives
  ``a = lambda x, *args, **kwargs: x.b(*args, **kwargs)``;
* ``args_alias``: one per line, ``f(a_x, k=v) -> expr`` gives
  ``def f(a_x, k=v):`` returning ``expr``.

A rule that does not parse is reported with its line in the configuration
and left out; the others are still written.
"""

from __future__ import annotations

import ast
import builtins
import re
import textwrap
from dataclasses import dataclass

from ..config import Config, LibraryRules
from ..tree import Pos

_IDENT = re.compile(r"[A-Za-z_]\w*")
_DOTTED = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")


@dataclass(frozen=True, slots=True)
class Term:
    """One ``a -> b`` rule and the line (0-based) it sits on within the setting."""

    left: str
    right: str
    offset: int
    text: str


@dataclass(frozen=True, slots=True)
class AliasProblem:
    key: str
    offset: int
    message: str
    warning: bool = False


def split_terms(text: str, by_comma: bool = True) -> list[Term]:
    """``a -> b, c`` -> [(a, b), (c, c)]; d2lbook's reading of the alias settings."""
    terms = []
    for offset, line in enumerate(text.split("\n")):
        for piece in (line.split(",") if by_comma else [line]):
            piece = piece.strip()
            if not piece:
                continue
            left, arrow, right = piece.partition("->")
            if arrow:
                terms.append(Term(left.strip(), right.strip(), offset, piece))
            else:
                terms.append(Term(piece, piece, offset, piece))
    return terms


def _compiles(code: str) -> str | None:
    """The SyntaxError message for ``code``, or None when it compiles."""
    try:
        compile(code, "<alias>", "exec")
    except SyntaxError as exc:
        return exc.msg
    return None


def alias_lines(rules: LibraryRules) -> tuple[list[str], list[AliasProblem]]:
    """The Python lines the alias settings ask for, and the rules that do not parse."""
    lines: list[str] = []
    problems: list[AliasProblem] = []
    raw = textwrap.dedent(rules.alias).strip("\n")
    if raw.strip() and _compiles(raw) is None:
        lines.extend(raw.split("\n"))
    elif raw.strip():
        # Checked one line at a time so that one bad line does not drop the rest.
        for offset, line in enumerate(rules.alias.split("\n")):
            if not line.strip():
                continue
            error = _compiles(line.strip())
            if error:
                problems.append(AliasProblem("alias", offset, f"alias `{line.strip()}` is not a "
                                             f"Python statement ({error}); write `name = expression`"))
            else:
                lines.append(line.strip())
    lib = rules.lib_name.strip()
    simple = split_terms(rules.simple_alias)
    if simple and not lib:
        problems.append(AliasProblem("simple_alias", 0, "simple_alias needs `lib_name` (the module the "
                                     "names come from, e.g. torch); the simple aliases are left out"))
    elif simple:
        block = []
        for term in simple:
            left, right = term.left, term.right
            if left.endswith("(") or right.endswith("("):
                problems.append(AliasProblem("simple_alias", term.offset, f"simple_alias `{term.text}`: "
                                             "the `(` is ignored (d2lbook ignores it too); remove it",
                                             warning=True))
                left, right = left.rstrip("("), right.rstrip("(")
            if not _IDENT.fullmatch(left) or not _DOTTED.fullmatch(right):
                problems.append(AliasProblem("simple_alias", term.offset, f"simple_alias `{term.text}` "
                                             "does not parse: write `name` or `name -> attribute.path`"))
                continue
            block.append(f"{left} = {lib}.{right}")
        if block:
            lines.append("")
            lines.extend(block)
    fluent = []
    for term in split_terms(rules.fluent_alias):
        line = f"{term.left} = lambda x, *args, **kwargs: x.{term.right}(*args, **kwargs)"
        if not _IDENT.fullmatch(term.left) or _compiles(line):
            problems.append(AliasProblem("fluent_alias", term.offset, f"fluent_alias `{term.text}` does "
                                         "not parse: write `name` or `name -> method` (e.g. "
                                         "`numpy -> detach().numpy`)"))
            continue
        fluent.append(line)
    if fluent:
        lines.extend(fluent)
    for term in split_terms(rules.args_alias, by_comma=False):
        code = f"def {term.left}:\n    return {term.right}"
        head = re.fullmatch(r"([A-Za-z_]\w*)\s*\((.*)\)", term.left)
        if head is None or term.left == term.right or _compiles(code):
            problems.append(AliasProblem("args_alias", term.offset, f"args_alias `{term.text}` does not "
                                         "parse: write `name(a_x, key=default) -> expression`"))
            continue
        lines.append(f"def {term.left}:")
        lines.append(f"    return {term.right}")
    return lines, problems


def alias_pos(config: Config, rules: LibraryRules, key: str, offset: int) -> Pos:
    """Where a rule sits in the configuration: its key's line, plus its line within the value."""
    line = rules.lines.get(key, 0)
    file = rules.file or config.source
    if line and file.endswith(".ini"):
        line += offset
    return Pos(file or ".", line)


def _eager_names(node: ast.AST) -> set[str]:
    """Names a statement reads when it runs (not those inside lambdas or function bodies)."""
    names: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, ast.Name) and isinstance(current.ctx, ast.Load):
            names.add(current.id)
        if isinstance(current, ast.Lambda):
            stack.extend(current.args.defaults + [d for d in current.args.kw_defaults if d])
            continue
        if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef)):
            stack.extend(current.decorator_list + current.args.defaults +
                         [d for d in current.args.kw_defaults if d])
            continue
        stack.extend(ast.iter_child_nodes(current))
    return names


def split_by_need(lines: list[str], available: set[str]) -> tuple[list[str], list[str]]:
    """Alias lines that can run right after the imports, and those that need the saved code.

    Aliases go before the saved code, so that class bases such as
    ``d2l.nn_Module`` exist when the module runs; a line that reads a name
    neither imported, built in nor defined by an earlier alias goes last.
    """
    code = "\n".join(lines)
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return [], lines
    source = code.split("\n")
    known = set(available) | set(dir(builtins))
    early: list[str] = []
    late: list[str] = []
    for node in tree.body:
        text = source[node.lineno - 1:node.end_lineno]
        if _eager_names(node) <= known:
            early.extend(text)
            known.update(bound_names(node))
        else:
            late.extend(text)
    return early, late


def bound_names(node: ast.stmt) -> set[str]:
    """The module-level names a top-level statement binds (imports included)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, ast.Assign):
        return {t.id for t in node.targets if isinstance(t, ast.Name)}
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return {node.target.id}
    if isinstance(node, ast.Import):
        return {a.asname or a.name.split(".")[0] for a in node.names}
    if isinstance(node, ast.ImportFrom):
        return {a.asname or a.name for a in node.names if a.name != "*"}
    return set()


def names_bound(code: str) -> set[str]:
    """The names the top-level statements of ``code`` bind (none when it does not parse)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:  # reported elsewhere (a bad alias line, a header that does not compile)
        return set()
    return set().union(*(bound_names(node) for node in tree.body))
