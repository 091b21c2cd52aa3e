"""Python highlighted from tree-sitter's parse looks as Pygments' PythonLexer makes it look."""

from __future__ import annotations

import html
import re

import pygments
import pytest
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer
from pygments.token import Keyword, Name, Number, Operator, String

from divebook.config import load_config
from divebook.diagnostics import Diagnostics
from divebook.reader.book import read_book
from divebook.tree import CodeCell, walk_blocks
from divebook.writers.code.highlight import (
    SITE_STYLES, _magic_start, css_class, highlight_html, highlight_latex, html_spans,
    lexer_for, tokens_for, tree_sitter_tokens,
)
from divebook.writers.code.python_tokens import python_tokens

SNIPPETS = {
    "decorators": "@property\ndef x(self):\n    return self._x\n\n@d2l.add_to_class(Model)  #@save\n"
                  "def f(): pass\n\n@functools.lru_cache(maxsize=None)\nclass C: ...\n",
    "f-strings": "s = f\"{d['k']!r:>{width}} {{lit}} {x=} {y = }\"\nt = f'{\"a\" + \"b\"} \\n {x:.2f}'\n"
                 "u = f'''\n{ a +\n  b }\n'''\nv = rf'\\d{x}' + F\"{x!s}\"\n",
    "docstrings": "def f():\n    \"\"\"Doc.\n\n    More.\"\"\"\n    r'''raw doc'''\n    x = \"\"\"not\"\"\"\n"
                  "    return u\"\"\"\n  at line start\"\"\"\n",
    "lambda": "key = lambda x, *a, y=1, **k: (x[1], y)\nsorted(d, key=lambda: 0)\n",
    "walrus": "if (n := len(a)) > 10:\n    print(f'{n=}')\nwhile chunk := f.read(8):\n    pass\n",
    "type hints": "def f(a: int, b: list[str] = None) -> dict[str, int]: ...\n"
                  "x: Optional[torch.Tensor] = None\ntype Pair[T] = tuple[T, T]\n",
    "async": "async def main():\n    async with s as t:\n        await t\n    async for x in y:\n"
             "        pass\n    return [i async for i in g()]\n",
    "match": "match cmd:\n    case [x, _]:\n        pass\n    case {'k': v} | None:\n        pass\n"
             "    case Point(x=0) as p if p:\n        pass\n    case _:\n        pass\nmatch = 1\n",
    "continuation": "x = 1 + \\\n    2\nassert x, \\\n    'message'\n",
    "comments": "# top\nx = 1  # trailing\n#!not a hashbang\n    # indented\n",
    "hashbang": "#!/usr/bin/env python\nimport sys\n",
    "unicode": "π = 3.14\nnaïve = 'café'  # ünïcode ✓\nprint(π, naïve, '😀', \"\\N{BULLET}\")\n",
    "imports": "import os.path as osp, sys\nfrom . import a\nfrom ..b.c import (d as e,\n    f)\n"
               "from __future__ import annotations\nfrom m import *\nimport torch.nn.functional as F\n",
    "numbers": "a = 0x1F + 0o17 + 0b101 + 1_000 + 1.5e-3 + 2j + 1.5j + 1e3j + .5 + 5. + 0XFF\n",
    "strings": "b'\\x00\\n' + rb'\\d\\'' + u'x' + '%s %(n)d %5.2f %% {0} {name:>10} {{no}}' % x\n"
               "y = 'a' 'b' \"c\\\"d\" '\\u00e9 \\x41 \\101 \\q'\nz = '''multi\nline %s'''\n",
    "classes": "class A(B, metaclass=M):\n    def __init__(self, *args, **kw):\n"
               "        super().__init__(*args, **kw)\n        self.__dict__, cls.__name__\n"
               "    def __repr__(self): return repr(self.x)\n    def list(self): return list()\n",
    "yield and raise": "def g():\n    yield from h()\n    yield\n    raise ValueError('x') from None\n"
                       "    raise E from err\n",
    "statements": "global g\ndef f():\n    nonlocal n\n    del a[0], b\n    try:\n        pass\n"
                  "    except (KeyError, OSError) as e:\n        raise\n    except* TypeError:\n"
                  "        pass\n    else:\n        continue\n    finally:\n        break\n"
                  "with open(p) as f, g() as h:\n    pass\nfor i in range(3):\n    if i is not None and not i in x or i:\n"
                  "        pass\n    elif True:\n        pass\n",
    "operators": "a //= b ** c @ d; e = f != g <= h >> 2\nx[1:2, ::3]; ~y; -z; a@b; q if 0 else r\n"
                 "m @= n; o **= 2; print(*a, sep='', end=...)\n",
    "soft keywords as names": "print(x); type = 2; _ = 3; case = 4\nexec('x')\n",
    "builtins": "len(x); Exception; self.len; NotImplemented; Ellipsis; __import__('os'); ZeroDivisionError\n"
                "obj.__class__; isinstance(a, int); __version__ = '1'\n",
    "empty": "",
    "blank": "\n\n   \n",
    "crlf": "x = 1\r\ny = 2\r\n",
}


def _plain(source: str) -> str:
    return source.replace("\r\n", "\n").replace("\r", "\n")


def _classes(tokens) -> list[str]:
    """The CSS class of each character."""
    return [css_class(kind) for kind, value in tokens for _ in value]


@pytest.mark.parametrize("name", SNIPPETS)
def test_tokens_cover_the_source_exactly(name):
    source = SNIPPETS[name]
    tokens = python_tokens(source)
    assert tokens is not None, "tree-sitter parses it"
    assert "".join(value for _, value in tokens) == _plain(source)
    assert all(value for _, value in tokens if _), "no empty tokens"


@pytest.mark.parametrize("name", SNIPPETS)
def test_each_character_has_pygments_class(name):
    """Every character outside blanks gets the CSS class PythonLexer gives it."""
    source = _plain(SNIPPETS[name])
    ours = _classes(python_tokens(source))
    theirs = _classes(PythonLexer(stripnl=False, ensurenl=False).get_tokens(source))
    wrong = [(i, source[i], ours[i], theirs[i]) for i, char in enumerate(source)
             if not char.isspace() and ours[i] != theirs[i]]
    assert wrong == []


def test_the_types_of_notable_tokens():
    def kinds(source):
        return {value: kind for kind, value in python_tokens(source) if value.strip()}
    assert kinds("@property\ndef __init__(self): pass\nclass A: pass")["@property"] is Name.Decorator
    assert kinds("def f(self): pass")["f"] is Name.Function
    assert kinds("def __init__(self): pass")["__init__"] is Name.Function.Magic
    assert kinds("class A: pass")["A"] is Name.Class
    assert kinds("def f(self): pass")["self"] is Name.Builtin.Pseudo
    got = kinds("import torch.nn as nn")
    assert got["torch"] is Name.Namespace and got["nn"] is Name.Namespace
    assert got["import"] is Keyword.Namespace and got["as"] is Keyword
    got = kinds("from d2l import torch as d2l")
    assert got["from"] is Keyword.Namespace and got["torch"] is Name
    got = kinds("x = f'a{b:>3}' if y and None else len(z)")
    assert got["{"] is String.Interpol and got["len"] is Name.Builtin
    assert got["and"] is Operator.Word and got["None"] is Keyword.Constant and got["if"] is Keyword
    got = kinds("a = 0x1F + 1.5 + 2 + 'a\\n' + '%d'")
    assert got["0x1F"] is Number.Hex and got["1.5"] is Number.Float and got["2"] is Number.Integer
    assert got["\\n"] is String.Escape and got["%d"] is String.Interpol


@pytest.mark.parametrize("source", [
    "s = 'unterminated\nx = 1",
    "def f(:\n    pass",
    "x = (1, 2",
    "pip install d2l",
    "net.save('x')\n!ls -lh",
    "%%time\nx = 1",
    "%matplotlib",
    "a = 1\n%timeit f()",
])
def test_what_tree_sitter_cannot_parse_is_left_to_pygments(source):
    assert python_tokens(source) is None
    lexer = lexer_for("python", _magic_start(source))
    assert html_spans(tokens_for(source, "python")) == highlight(source, lexer, HtmlFormatter(nowrap=True))
    assert highlight_latex(source, "python") == highlight(source, lexer, _latex())


def _latex():
    from pygments.formatters import LatexFormatter
    return LatexFormatter(commandprefix="PYG")


def test_leading_line_magics_stay_on_the_fast_path_as_ipython_highlights_them():
    for source in ("%matplotlib inline\nimport torch\n", "\n%matplotlib inline\n%load_ext x\nx = 1"):
        assert python_tokens(source) is not None
        lexer = lexer_for("python", _magic_start(source))
        assert html_spans(tokens_for(source, "python")) == highlight(source, lexer, HtmlFormatter(nowrap=True))


@pytest.mark.parametrize("language", ["bash", "text", "", "json", "no-such-language", "ipython"])
def test_other_languages_are_highlighted_by_pygments(language):
    source = 'echo "a < b" && ls\n{"k": [1, 2]}'
    lexer = lexer_for(language, _magic_start(source))
    assert html_spans(tokens_for(source, language)) == highlight(source, lexer, HtmlFormatter(nowrap=True))


@pytest.mark.parametrize("name", SNIPPETS)
def test_spans_are_what_htmlformatter_writes(name):
    """html_spans writes HtmlFormatter(nowrap=True)'s markup for the same tokens."""
    source = _plain(SNIPPETS[name]) + "\nx = '<a & b>'\n'''two\nlines'''  \n  "
    for tokens in (list(PythonLexer(stripnl=False, ensurenl=False).get_tokens(source)),
                   python_tokens(source)):
        assert html_spans(tokens) == pygments.format(tokens, HtmlFormatter(nowrap=True))


@pytest.mark.parametrize("name", SNIPPETS)
def test_the_site_leaves_out_only_spans_that_change_nothing(name):
    """highlight_html drops the spans of plain text: in both site styles every character keeps
    the look Pygments' full markup gives it (blanks: their background, underline and border)."""
    source = _plain(SNIPPETS[name]) + "\nx = '<a & b>'  # note\n"
    full = html_spans(tokens_for(source, "python"))
    light = highlight_html(source, "python")
    assert len(light) < len(full) and _text(light) == _text(full)
    assert _looks(light) == _looks(full)


def _looks(markup: str) -> list[tuple]:
    """For each character of highlighted HTML: its visible style in each site style."""
    from pygments.styles import get_style_by_name
    from pygments.token import STANDARD_TYPES, Token

    types = {css: ttype for ttype, css in STANDARD_TYPES.items()}
    styles = [get_style_by_name(name) for name in SITE_STYLES]
    out = []
    for m in re.finditer(r'<span class="([^"]+)">([^<]*)</span>|([^<]+)', markup):
        ttype = types[m[1].split()[0]] if m[1] else Token
        text = html.unescape(m[2] if m[1] else m[3])
        for char in text:
            keys = ("bgcolor", "underline", "border") if char.isspace() else \
                ("color", "bgcolor", "bold", "italic", "underline", "border")
            out.append((char, tuple(style.style_for_token(ttype)[k] for style in styles for k in keys)))
    return out


@pytest.mark.parametrize("name", SNIPPETS)
def test_the_pdf_shows_the_site_s_text_and_colours(name):
    """LaTeX from the same tokens: the same text and, character by character, the same styles as
    Pygments' (it may cut tokens differently: ``**`` is one token here, two there)."""
    source = _plain(SNIPPETS[name]) + "\n"
    ours = highlight_latex(source, "python")
    theirs = highlight(source, PythonLexer(stripnl=False, ensurenl=False), _latex())
    assert _styled_chars(ours) == _styled_chars(theirs)


def _styled_chars(latex: str) -> list[tuple[str, str]]:
    """(style, character) for each character of Pygments' LaTeX, blanks left out."""
    out = []
    pattern = r"\\PYG\{(?P<style>[^}]*)\}\{(?P<text>(?:[^{}\\]|\\PYGZ\w+\{\}|\\[{}])*)\}|(?P<char>.)"
    for m in re.finditer(pattern, latex, re.S):
        chars = re.findall(r"\\PYGZ\w+\{\}|\\[{}]|.", m["text"], re.S) if m["style"] else [m["char"]]
        out.extend((m["style"] or "", c) for c in chars if c.strip())
    return out


@pytest.mark.corpus
def test_corpus_cells_look_as_pygments_makes_them(corpus):
    """All code cells of d2l-en: tree-sitter reads nearly all, and each character outside blanks
    gets Pygments' CSS class; the HTML holds the same text either way."""
    config = load_config(corpus / "d2l-en", Diagnostics())
    book = read_book(config, None, 1, Diagnostics())
    cells = [(b.source, b.language or "text") for page in book.pages.values()
             for b in walk_blocks(page.blocks) if isinstance(b, CodeCell)]
    python = [source for source, language in cells if language == "python"]
    assert len(python) > 2000
    fallback = same = total = 0
    formatter = HtmlFormatter(nowrap=True)
    for source in python:
        tokens = tree_sitter_tokens(source, "python")
        theirs = list(lexer_for("python", _magic_start(source)).get_tokens(source))
        assert _text(highlight_html(source, "python")) == _text(pygments.format(theirs, formatter))
        if tokens is None:
            fallback += 1
            continue
        assert "".join(value for _, value in tokens) == source
        a, b = _classes(tokens), _classes(theirs)
        for i, char in enumerate(source):
            if not char.isspace():
                total += 1
                same += a[i] == b[i]
    print(f"\n{len(python)} python cells, {fallback} left to Pygments "
          f"({fallback / len(python):.1%}); {same / total:.5f} of {total} characters "
          "have Pygments' class")
    assert fallback / len(python) < 0.02
    assert same / total >= 0.999


def _text(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))



def test_threads_highlight_at_once():
    """serve renders pages in several threads: each cell gets its own parser."""
    from concurrent.futures import ThreadPoolExecutor
    sources = [_plain(s) for s in SNIPPETS.values()] * 20
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(python_tokens, sources))
    assert together == [python_tokens(s) for s in sources]
