"""Pygments tokens for Python from a tree-sitter parse.

Pygments' PythonLexer, a regular-expression state machine, was the largest
single cost of a cold website build (d2l-en: 1.3 s for 2,713 cells);
tree-sitter parses the same code in 0.09 s. This module turns its syntax tree
into the token stream PythonLexer would give — the same token types for
keywords, names, strings, numbers, comments and operators, PythonLexer's
quirks included (``raise E from err`` reads ``err`` as a module, ``a@b`` has a
decorator) — so Pygments' formatters, styles and the site's CSS are used
unchanged. Code tree-sitter cannot parse cleanly (shell commands in a Python
fence, IPython magics past the opening lines) is left to Pygments:
``python_tokens`` returns None.
"""

from __future__ import annotations

import builtins
import re
from functools import lru_cache
from types import MappingProxyType
from typing import NamedTuple

from pygments.token import (Comment, Keyword, Name, Number, Operator, Punctuation, String, Text,
                            Whitespace, _TokenType)

Token = tuple[_TokenType, str]


@lru_cache(maxsize=1)
def _language():
    """tree-sitter's Python grammar, loaded on first use. (A Parser is made per cell: it costs
    0.2 µs, and one Parser shared by threads — serve renders in several — would be unsafe.)"""
    import tree_sitter_python
    from tree_sitter import Language
    return Language(tree_sitter_python.language())


def _anonymous_tokens() -> dict[str, Token]:
    """PythonLexer's token for each anonymous leaf of tree-sitter's grammar (the text is the kind)."""
    words = {"import": Keyword.Namespace, "from": Keyword.Namespace, "__future__": Name.Namespace,
             "and": Operator.Word, "or": Operator.Word, "not": Operator.Word, "in": Operator.Word,
             "is": Operator.Word, "print": Name.Builtin, "exec": Name, "type": Name.Builtin}
    language = _language()
    kinds = [(language.node_kind_for_id(i), language.node_kind_is_named(i))
             for i in range(language.node_kind_count) if language.node_kind_is_visible(i)]
    named = {kind for kind, is_named in kinds if is_named}
    tokens = {}
    for kind, is_named in kinds:
        # `not in` and `is not` are two leaves; yield, lambda, await and type also name
        # nodes with children (their leaves are in _LEAVES)
        if is_named or not kind or " " in kind or kind in named:
            continue
        if kind in words:
            token = words[kind]
        elif kind[0].isalpha() or kind[0] == "_":
            token = Keyword
        elif kind in ("(", ")", "[", "]", "{", "}", ":", ",", ";"):
            token = Punctuation
        elif kind == "\\":
            token = Text
        else:
            token = Operator
        tokens[kind] = (token, kind)
    return tokens


# Anonymous leaves whose token (or the blank around them) depends on where they are; in an
# import statement all are.
_CONTEXTUAL = frozenset({"def", "class", "import", "from"})
_NUMBERS = MappingProxyType({"0x": Number.Hex, "0X": Number.Hex, "0o": Number.Oct,
                             "0O": Number.Oct, "0b": Number.Bin, "0B": Number.Bin})


def _special_methods() -> frozenset[str]:
    """Dunder methods of Python's data model (PythonLexer's Name.Function.Magic)."""
    kinds = (object, int, float, complex, str, bytes, list, dict, set, type, property, slice)
    found = {n for k in kinds for n in dir(k) if n.startswith("__") and callable(getattr(k, n, None))}
    found |= {f"__{n}__" for n in (
        "enter exit aenter aexit aiter anext await get set delete set_name missing prepare "
        "instancecheck subclasscheck length_hint matmul rmatmul imatmul index bytes "
        "floordiv rfloordiv ifloordiv truediv rtruediv itruediv call del").split()}
    return frozenset(found - {"__class__", "__subclasshook__", "__init_subclass__",
                              "__class_getitem__"})


# Special attributes of Python's data model (PythonLexer's Name.Variable.Magic).
_MAGIC_VARS = frozenset(f"__{n}__" for n in (
    "annotations bases class closure code defaults dict doc file func globals kwdefaults "
    "module mro name objclass qualname self slots weakref").split())


def _builtin_names() -> dict[str, _TokenType]:
    """Names of the ``builtins`` module, typed as PythonLexer types them (unless after a dot)."""
    kinds: dict[str, _TokenType] = {"__import__": Name.Builtin}
    for name in dir(builtins):
        value = getattr(builtins, name)
        if name.startswith("_") or type(value).__module__ == "_sitebuiltins":
            continue  # help, exit, copyright, …: added by site, not builtins
        if isinstance(value, type) and issubclass(value, BaseException):
            kinds[name] = Name.Exception
        elif callable(value):
            kinds[name] = Name.Builtin
    del kinds["exec"]  # a keyword in Python 2: PythonLexer leaves it a plain name
    for name in ("self", "cls", "Ellipsis", "NotImplemented"):
        kinds[name] = Name.Builtin.Pseudo
    return kinds


class _Tables(NamedTuple):
    """Lookups of the walk, built once (plain dicts, for speed; never changed)."""
    anonymous: dict[str, Token]     # anonymous leaf -> its token
    names: dict[str, _TokenType]    # builtins and magic names
    dotted: dict[str, _TokenType]   # magic names (after a dot builtins are plain names)


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    magic = {**{n: Name.Function.Magic for n in _special_methods()},
             **{n: Name.Variable.Magic for n in _MAGIC_VARS}}
    return _Tables(_anonymous_tokens(), {**_builtin_names(), **magic}, magic)


# Inside string literals: escapes, then %-formatting and str.format fields (not in f-strings);
# ``{{`` is plain text in a str.format string and an escape in an f-string.
_ESC_STR = r"\\(?:N\{.*?\}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|x[0-9a-fA-F]{2}|[0-7]{1,3}|[\\'\"abfnrtv\n])"
_ESC_BYTES = r"\\(?:x[0-9a-fA-F]{2}|[0-7]{1,3}|[\\'\"abfnrtv\n])"
_FORMATS = (r"|(?P<i>%(?:\(\w+\))?[-#0 +]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[hlL]?[diouxXeEfFgGcrsa%]"
            r"|\{(?:\w+(?:\.\w+|\[[^\]]+\])*)?(?:![rsa])?"
            r"(?::(?:.?[<>=^])?[-+ ]?#?0?\d*,?(?:\.\d+)?[bcdeEfFgGnosxX%]?)?\})|(?P<t>\{\{)")


@lru_cache(maxsize=32)
def _content_pattern(prefix: str, quote: str) -> re.Pattern[str]:
    """What is special inside a string with this prefix and opening quote."""
    raw, fmt = "r" in prefix, "f" in prefix or "t" in prefix
    if not raw:
        escape = _ESC_BYTES if "b" in prefix else _ESC_STR
    elif len(quote) == 1:
        escape = r"\\[\\\n" + quote + "]"
    else:
        escape = r"(?!)"
    if fmt:
        return re.compile(f"(?P<e>{escape}|{{{{|}}}})")
    return re.compile(f"(?P<e>{escape}){_FORMATS}")


def _number(text: str, out: list[Token]) -> None:
    """PythonLexer's tokens for a number: ``1j`` is an integer and the name ``j``, ``1e3j`` a float."""
    kind = _NUMBERS.get(text[:2])
    if kind is None:
        exponent = "." not in text and ("e" in text or "E" in text)
        kind = Number.Float if exponent or "." in text else Number.Integer
        if text[-1] in "jJ" and not exponent:  # PythonLexer keeps the j of 1e3j only
            out += ((kind, text[:-1]), (Name, text[-1]))
            return
    out.append((kind, text))


# Nodes with their own method of _Tokens.
_SPECIAL = frozenset({"string", "import_statement", "import_from_statement", "raise_statement",
                      "keyword_identifier"})
_NEWLINE = (Whitespace, "\n")
_AT = (Operator, "@")
_SPACES = re.compile(r"[ \t\f]*")
_LEAVES = MappingProxyType({"comment": Comment.Single, "true": Keyword.Constant,
                            "false": Keyword.Constant, "none": Keyword.Constant,
                            "ellipsis": Operator, "line_continuation": Text,
                            "yield": Keyword, "lambda": Keyword, "await": Keyword,
                            "type": Name.Builtin})


def _blank(gap: str, out: list[Token], kind: _TokenType = Text) -> None:
    """The blank between two leaves: Text, with each newline a Whitespace token, as PythonLexer has it."""
    if kind is not Text or "\n" not in gap:
        out.append((kind, gap))
        return
    for i, line in enumerate(gap.split("\n")):
        if i:
            out.append(_NEWLINE)
        if line:
            out.append((Text, line))


class _Tokens:
    """Walks a syntax tree in source order, appending (token type, text) to ``out``.

    Positions are tree-sitter's byte offsets: ``text`` has one character per byte of the
    source (the source itself when it is ASCII). Each step takes the position where the
    tokens so far end and returns where its own end."""

    __slots__ = ("text", "out", "anonymous", "names", "dotted")

    def __init__(self, text: str) -> None:
        self.text = text
        self.out: list[Token] = []
        self.anonymous, self.names, self.dotted = _tables()

    def walk(self, nodes, parent: str, pos: int, namespace: bool = False) -> int:
        """Tokens for ``nodes``, children of a ``parent`` node. ``namespace``: names and dots
        are module names (``import a.b``). The hot loop of the module: kept flat."""
        text, out, anonymous = self.text, self.out, self.anonymous
        for node in nodes:
            kind = node.type
            token = anonymous.get(kind)
            if token is not None:
                if namespace or kind in _CONTEXTUAL:
                    pos = self.contextual(node, kind, parent, pos, namespace)
                    continue
                start = node.start_byte
                if start != pos:
                    _blank(text[pos:start], out)
                out.append(token)
                pos = start + len(kind)  # an anonymous leaf's text is its kind
            elif kind == "identifier":
                pos = self.identifier(node, parent, pos, namespace)
            elif node.child_count:
                if kind in _SPECIAL:  # a method of this name
                    pos = getattr(self, kind)(node, parent, pos, namespace)
                else:
                    pos = self.walk(node.children, kind, pos, namespace)
            else:
                start = node.start_byte
                if start != pos:
                    _blank(text[pos:start], out)
                pos = node.end_byte
                value = text[start:pos]
                if kind == "integer" or kind == "float":
                    _number(value, out)
                elif kind == "comment" and start == 0 and value.startswith("#!"):
                    out.append((Comment.Hashbang, value))
                else:
                    out.append((_LEAVES.get(kind, Name), value))
        return pos

    def identifier(self, node, parent: str, pos: int, namespace: bool = False) -> int:
        start, end = node.start_byte, node.end_byte
        text, out = self.text, self.out
        name = text[start:end]
        if namespace:
            token = Name.Namespace
        elif parent == "function_definition":
            token = Name.Function.Magic if self.dotted.get(name) is Name.Function.Magic else Name.Function
        elif parent == "class_definition":
            token = Name.Class
        elif start and text[start - 1] == ".":
            token = self.dotted.get(name, Name)  # obj.list is no builtin; obj.__init__ still magic
        else:
            token = self.names.get(name, Name)
        if start != pos:
            _blank(text[pos:start], out)
        elif out and out[-1] == _AT:
            out[-1] = (Name.Decorator, "@" + name)  # PythonLexer: @ and a name are a decorator
            return end
        out.append((token, name))
        return end

    def keyword_identifier(self, node, parent: str, pos: int, namespace: bool) -> int:
        """A soft keyword used as a name (``match = 1``, ``print(x)``)."""
        return self.identifier(node, parent, pos, namespace)

    def contextual(self, node, kind: str, parent: str, pos: int, namespace: bool) -> int:
        """def, class, import, from, and the as, commas and dots of ``import a.b as c, d``,
        with the blanks around them that PythonLexer calls Whitespace."""
        token = self.anonymous[kind]
        before, after = Text, False
        if kind == "def" or kind == "class":
            after = True
        elif kind == "import":
            if parent == "import_statement":
                after = True
            else:
                before = Whitespace  # `from m import`
        elif kind == "from":
            if parent == "yield":
                token, before = (Keyword, kind), Keyword  # one keyword: `yield from`
            elif parent in ("raise_statement", "import_from_statement", "future_import_statement"):
                after = True
            else:
                token = (Keyword, kind)
        elif kind == ".":
            token = (Name.Namespace, kind)
        elif kind == ",":
            token, after = (Operator, kind), True
        elif kind == "as":
            before, after = Whitespace, True
        start = node.start_byte
        if start != pos:
            _blank(self.text[pos:start], self.out, before)
        self.out.append(token)
        pos = start + len(kind)
        if after:
            blank = _SPACES.match(self.text, pos).end()
            if blank != pos:
                self.out.append((Whitespace, self.text[pos:blank]))
            pos = blank
        return pos

    def import_statement(self, node, parent: str, pos: int, namespace: bool) -> int:
        return self.walk(node.children, "import_statement", pos, True)

    def import_from_statement(self, node, parent: str, pos: int, namespace: bool) -> int:
        module = node.child_by_field_name("module_name")
        for child in node.children:
            pos = self.walk((child,), "import_from_statement", pos, child == module)
        return pos

    def raise_statement(self, node, parent: str, pos: int, namespace: bool) -> int:
        """PythonLexer reads the ``err`` of ``raise E from err`` as a module name."""
        module = False
        for child in node.children:
            pos = self.walk((child,), "raise_statement", pos, module and child.type == "identifier")
            module = child.type == "from"
        return pos

    def string(self, node, parent: str, pos: int, namespace: bool) -> int:
        start, end = node.start_byte, node.end_byte
        children = node.children
        first, last = children[0], children[-1]
        opening = self.text[start:first.end_byte]
        quote = opening.lstrip("rRbBuUfFtT")
        prefix = opening[:len(opening) - len(quote)]
        kind = String.Double if quote[0] == '"' else String.Single
        lower = prefix.lower()
        formatted = "f" in lower or "t" in lower
        out = self.out
        if len(quote) == 3 and not formatted and self.at_line_start(start):
            # PythonLexer: a triple-quoted string opening a line is a docstring
            if start != pos:
                _blank(self.text[pos:start], out, Whitespace)
            if prefix:
                out.append((String.Affix, prefix))
            out.append((String.Doc, self.text[start + len(prefix):end]))
            return end
        if start != pos:
            _blank(self.text[pos:start], out)
        if prefix:
            out.append((String.Affix, prefix))
        out.append((kind, quote))
        pattern = _content_pattern(lower, quote)
        if formatted:
            pos = first.end_byte
            for child in children[1:-1]:
                if child.type == "interpolation":
                    pos = self.interpolation(child, kind, pattern, pos)
                else:
                    pos = self.content(pos, child.end_byte, kind, pattern)
        else:
            self.content(first.end_byte, last.start_byte, kind, pattern)
        out.append((kind, self.text[last.start_byte:end]))
        return end

    def at_line_start(self, start: int) -> bool:
        line = self.text.rfind("\n", 0, start) + 1
        return not self.text[line:start].strip()

    def content(self, start: int, end: int, kind: _TokenType, pattern: re.Pattern[str]) -> int:
        """String text from ``start`` to ``end``, with escapes and formatting fields picked out."""
        text, out, last = self.text[start:end], self.out, 0
        for m in pattern.finditer(text):
            group = m.lastgroup
            if group == "t":
                continue
            if m.start() > last:
                out.append((kind, text[last:m.start()]))
            out.append((String.Escape if group == "e" else String.Interpol, m.group()))
            last = m.end()
        if last < len(text):
            out.append((kind, text[last:]))
        return end

    def interpolation(self, node, kind: _TokenType, pattern: re.Pattern[str], pos: int) -> int:
        """``{expression=!r:spec}`` in an f-string: all but the expression is String.Interpol,
        but for the text of the spec."""
        for child in node.children:
            ctype = child.type
            if ctype in ("{", "}", "=", "type_conversion"):
                if child.start_byte != pos:
                    _blank(self.text[pos:child.start_byte], self.out)
                self.out.append((String.Interpol, self.text[child.start_byte:child.end_byte]))
                pos = child.end_byte
            elif ctype == "format_specifier":
                for part in child.children:
                    if part.type == ":":
                        if part.start_byte != pos:
                            _blank(self.text[pos:part.start_byte], self.out)
                        self.out.append((String.Interpol, ":"))
                        pos = part.end_byte
                    else:
                        pos = self.content(pos, part.start_byte, kind, pattern)
                        pos = self.interpolation(part, kind, pattern, pos)
                pos = self.content(pos, child.end_byte, kind, pattern)
            else:  # PythonLexer calls blanks in the expression Whitespace
                mark = len(self.out)
                pos = self.walk((child,), "interpolation", pos)
                self.out[mark:] = [(Whitespace if t is Text else t, v)
                                   for t, v in self.out[mark:]]
        return pos


_LINE_MAGIC = re.compile(r"(\n*)%(?!%)(\w+)([^\n]*\n)")


def _leading_magics(source: str) -> tuple[list[Token], int]:
    """IPython line magics opening a cell (``%matplotlib inline``), as IPython's lexer gives them."""
    tokens: list[Token] = []
    pos = 0
    while m := _LINE_MAGIC.match(source, pos):
        blank, name, rest = m.groups()
        if name in ("sx", "sc", "system") or rest.startswith("?"):
            break  # shell commands and help: IPython's lexer reads them otherwise
        tokens += [(Whitespace, "\n")] * len(blank) + [(Operator, "%"), (Keyword, name), (Text, rest)]
        pos = m.end()
    return tokens, pos


def python_tokens(source: str) -> list[Token] | None:
    """PythonLexer's tokens for ``source`` (IPython's for leading line magics); None where
    tree-sitter finds a syntax error, so the caller asks Pygments."""
    source = source.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    tokens, skip = _leading_magics(source) if source.lstrip("\n").startswith("%") else ([], 0)
    body = source[skip:]
    data = body.encode()
    from tree_sitter import Parser
    tree = Parser(_language()).parse(data)
    if tree.root_node.has_error:
        return None
    ascii = len(data) == len(body)
    walker = _Tokens(body if ascii else data.decode("latin-1"))
    try:
        end = walker.walk(tree.root_node.children, "module", 0)
    except RecursionError:  # absurdly deep nesting: Pygments copes
        return None
    if end < len(data):
        _blank(walker.text[end:], walker.out)
    if not ascii:  # token boundaries are characters' boundaries
        walker.out = [(kind, value.encode("latin-1").decode()) for kind, value in walker.out]
    return tokens + walker.out
