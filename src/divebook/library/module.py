"""One tab's library module from its saved blocks.

The blocks are taken in reading order and turned into one module:

* each top-level ``def``/``class`` gets "Defined in :numref:`label`" at the
  end of its docstring (a new docstring when it has none), naming the
  section it was saved in, as the published ``d2l`` package has it;
* a function saved with ``@X.add_to_class(Cls)`` (outermost decorator) is
  moved into the body of the saved ``class Cls`` before it, without the
  decorator; a method of the same name already there is replaced, as the
  later definition wins at run time too;
* top-level imports move to the top (``imports.py``);
* the aliases of the configuration come last (``aliases.py``).

A block that does not compile is reported and left out; the rest is kept.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from ..tree import Pos
from .collect import Problem, Saved
from .imports import Imports

_QUOTE = re.compile(r"^([rRuU]?)(\"\"\"|'''|\"|')")


@dataclass(frozen=True, slots=True)
class Definition:
    """A name a saved block defines, for the checks (twice in a tab, missing in a twin tab)."""

    name: str  # "train_ch6", "Trainer", "Trainer.fit_epoch"
    kind: str  # "def" | "class" | "method"
    shape: str  # the code without blank lines and trailing spaces
    pos: Pos
    page: str
    stub: bool = False  # only a docstring and ``raise NotImplementedError`` (or ``pass``)


@dataclass(slots=True)
class _Piece:
    """A stretch of the module: one def or class (``name``) or other top-level code."""

    text: str
    name: str = ""
    kind: str = ""  # "def" | "class" | ""
    shape: str = ""
    stub: bool = False


@dataclass(slots=True)
class ModuleParts:
    """What a tab's blocks make: the code pieces in order, the imports and the definitions."""

    pieces: list[_Piece] = field(default_factory=list)
    imports: Imports = field(default_factory=Imports)
    definitions: list[Definition] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: the piece each top-level name is bound to now (reading order so far)
    bound: dict[str, _Piece] = field(default_factory=dict)

    def body(self) -> str:
        return "\n\n\n".join(p.text.strip("\n") for p in self.pieces if p.text.strip())


def note(label: str) -> str:
    return f"Defined in :numref:`{label}`"


def parse_block(saved: Saved) -> ast.Module | SyntaxError:
    try:
        return ast.parse(saved.code)
    except SyntaxError as exc:
        return exc


def add_blocks(parts: ModuleParts, blocks: list[Saved]) -> ModuleParts:
    """Add ``blocks`` (one tab, reading order) to ``parts``."""
    for saved in blocks:
        tree = parse_block(saved)
        if isinstance(tree, SyntaxError):
            line = saved.pos.line + max((tree.lineno or 1) - 1, 0)
            hint = " (IPython `%`/`!` lines cannot go into the library)" \
                if re.search(r"^\s*[%!]", saved.code, re.M) else ""
            parts.problems.append(Problem(Pos(saved.pos.file, line),
                                          f"the saved code does not compile: {tree.msg}{hint}; "
                                          "fix it, or move the mark so that it saves whole statements"))
            continue
        _add_statements(parts, saved, tree)
    return parts


def _add_statements(parts: ModuleParts, saved: Saved, tree: ast.Module) -> None:
    lines = saved.code.split("\n")
    pending: list[str] = []  # other code kept from this block, in order
    previous_end = 0
    for node in tree.body:
        start = _first_line(node)
        leading = lines[previous_end:start - 1]  # comments and blank lines above the statement
        text = "\n".join(lines[start - 1:node.end_lineno])
        previous_end = node.end_lineno or start
        pos = Pos(saved.pos.file, saved.pos.line + start - 1)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            parts.imports.add(node, pos)
            continue
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for name in _assigned_names(node):
                parts.bound.pop(name, None)
            pending.extend(leading + [text])
            continue
        shape = _shape(text)
        stub = is_stub(node)
        labelled = with_note(text, saved.label) if saved.label else text
        target = _added_to(node)
        cls = parts.bound.get(target) if target else None
        if cls is not None and cls.kind == "class" and not isinstance(node, ast.ClassDef):
            folded = fold_method(cls.text, labelled, node.name)
            if folded is not None:
                cls.text = folded
                parts.definitions.append(Definition(f"{cls.name}.{node.name}", "method", shape, pos,
                                                    saved.page, stub))
                continue
        kind = "class" if isinstance(node, ast.ClassDef) else "def"
        parts.definitions.append(Definition(node.name, kind, shape, pos, saved.page, stub))
        _flush(parts, pending)
        previous = parts.bound.get(node.name)
        if previous is not None and previous.shape == shape:
            continue  # the same code saved again: once is enough
        if previous is not None and previous.stub:
            previous.text = ""  # an interface shown early, implemented here
        piece = _Piece("\n".join(leading + [labelled]).strip("\n"), node.name, kind, shape, stub)
        parts.pieces.append(piece)
        parts.bound[node.name] = piece
    pending.extend(lines[previous_end:])
    _flush(parts, pending)


def _shape(text: str) -> str:
    """The code without blank lines and trailing spaces: what "the same code" means here."""
    return "\n".join(line.rstrip() for line in text.split("\n") if line.strip())


def _flush(parts: ModuleParts, pending: list[str]) -> None:
    text = "\n".join(pending).strip("\n")
    if text.strip():
        parts.pieces.append(_Piece(text))
    pending.clear()


def is_stub(node: ast.stmt) -> bool:
    """A function that only states its interface: a docstring, ``raise NotImplementedError``, ``pass``."""
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    if not body:
        return True
    for stmt in body:
        if isinstance(stmt, ast.Pass):
            continue
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) \
                and stmt.value.value is ...:
            continue
        if isinstance(stmt, ast.Raise) and stmt.exc is not None:
            exc = stmt.exc.func if isinstance(stmt.exc, ast.Call) else stmt.exc
            if isinstance(exc, ast.Name) and exc.id in ("NotImplementedError", "NotImplemented"):
                continue
        return False
    return True


def _first_line(node: ast.stmt) -> int:
    decorators = getattr(node, "decorator_list", [])
    return min([node.lineno] + [d.lineno for d in decorators])


def _assigned_names(node: ast.stmt) -> list[str]:
    targets: list[ast.expr] = []
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
        targets = [node.target]
    return [t.id for t in targets if isinstance(t, ast.Name)]


def _added_to(node: ast.stmt) -> str | None:
    """``Cls`` when the outermost decorator is ``add_to_class(Cls)`` / ``x.add_to_class(x.Cls)``."""
    decorators = getattr(node, "decorator_list", [])
    if not decorators:
        return None
    call = decorators[0]
    if not (isinstance(call, ast.Call) and len(call.args) == 1 and not call.keywords):
        return None
    func = call.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
    if name != "add_to_class":
        return None
    arg = call.args[0]
    if isinstance(arg, ast.Name):
        return arg.id
    if isinstance(arg, ast.Attribute):
        return arg.attr
    return None


def with_note(text: str, label: str) -> str:
    """``text`` (one top-level def/class) with the section note ending its docstring."""
    try:
        node = ast.parse(text).body[0]
    except SyntaxError:
        return text
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) or not node.body:
        return text
    body0 = node.body[0]
    lines = text.split("\n")
    message = note(label)
    doc = ast.get_docstring(node, clean=False)
    if doc is not None and message in doc:
        return text
    if doc is not None:
        expr = body0
        first, last = expr.lineno - 1, (expr.end_lineno or expr.lineno) - 1
        token = "\n".join(lines[first:last + 1])
        start = _chars(lines[first], expr.col_offset)
        end = len(token) - (len(lines[last]) - _chars(lines[last], expr.end_col_offset or 0))
        literal = token[start:end]
        m = _QUOTE.match(literal)
        if m is None or not literal.endswith(m.group(2)):
            return text  # implicit concatenation or the like: leave it alone
        prefix, quote = m.groups()
        inner = literal[len(prefix) + len(quote):-len(quote)]
        indent = " " * start
        new_literal = f'{prefix}"""{inner}\n\n{indent}{message}"""' if len(quote) == 1 \
            else f"{prefix}{quote}{inner}\n\n{indent}{message}{quote}"
        new_token = token[:start] + new_literal + token[end:]
        candidate = "\n".join(lines[:first] + new_token.split("\n") + lines[last + 1:])
    else:
        if body0.lineno == node.lineno:
            return text  # a one-line def: no place for a docstring
        indent = " " * body0.col_offset
        at = _first_line(body0) - 1
        candidate = "\n".join(lines[:at] + [f'{indent}"""{message}"""'] + lines[at:])
    try:
        check = ast.parse(candidate).body[0]
    except SyntaxError:
        return text
    new_doc = ast.get_docstring(check, clean=False) if isinstance(
        check, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) else None
    return candidate if new_doc and new_doc.endswith(message) else text


def _chars(line: str, byte_offset: int) -> int:
    """ast columns count UTF-8 bytes; strings count characters."""
    return len(line.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore"))


def fold_method(class_text: str, method_text: str, name: str) -> str | None:
    """The class with ``method_text`` (a decorated top-level def) as a method; None if it cannot."""
    try:
        cls = ast.parse(class_text).body[0]
        method = ast.parse(method_text).body[0]
    except SyntaxError:
        return None
    if not isinstance(cls, ast.ClassDef) or cls.body[0].lineno == cls.lineno:
        return None
    decorator = method.decorator_list[0]  # type: ignore[attr-defined]
    drop = set(range(decorator.lineno - 1, decorator.end_lineno or decorator.lineno))
    indented = _indent(method_text, drop)
    class_lines = class_text.split("\n")
    for member in cls.body:
        if isinstance(member, (ast.FunctionDef, ast.AsyncFunctionDef)) and member.name == name:
            first, last = _first_line(member) - 1, (member.end_lineno or member.lineno)
            return "\n".join(class_lines[:first] + indented + class_lines[last:])
    return class_text.rstrip("\n") + "\n\n" + "\n".join(indented)


def _indent(code: str, drop: set[int]) -> list[str]:
    """Lines of ``code`` one level deeper, except those inside non-docstring strings."""
    keep_as_is = _string_continuation_lines(code)
    out = []
    for i, line in enumerate(code.split("\n")):
        if i in drop:
            continue
        if i in keep_as_is or not line.strip():
            out.append(line if line.strip() else "")
        else:
            out.append("    " + line)
    return out


def _string_continuation_lines(code: str) -> set[int]:
    """0-based lines that start inside a multi-line string other than a docstring."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and \
                node.body and isinstance(node.body[0], ast.Expr) and \
                isinstance(node.body[0].value, ast.Constant):
            docstrings.add(id(node.body[0].value))
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Constant, ast.JoinedStr)) and id(node) not in docstrings and \
                isinstance(getattr(node, "value", ""), str) and (node.end_lineno or 0) > node.lineno:
            lines.update(range(node.lineno, node.end_lineno or node.lineno))
    return lines
