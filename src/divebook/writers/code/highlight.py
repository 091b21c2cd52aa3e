"""Syntax highlighting with Pygments, shared by the HTML and LaTeX writers.

Python is tokenized from a tree-sitter parse (``python_tokens``: five times
faster than Pygments' PythonLexer, with the same token types); other
languages, and Python that tree-sitter cannot parse, go to Pygments' lexers.
Either token stream is set by Pygments' LaTeX formatter for the PDF and by
``html_spans`` — the markup of ``HtmlFormatter(nowrap=True)``, written
directly — for the website.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from io import StringIO

from pygments.formatter import Formatter
from pygments.formatters import HtmlFormatter, LatexFormatter
from pygments.lexer import Lexer
from pygments.lexers import TextLexer, get_lexer_by_name
from pygments.styles import get_style_by_name
from pygments.token import STANDARD_TYPES, Token as BaseToken, _TokenType
from pygments.util import ClassNotFound

from .python_tokens import Token, python_tokens

#: The site's Pygments styles: light, and dark for screens in dark mode.
SITE_STYLES = ("default", "github-dark")

_ALIASES = {"": "text", "py": "python", "python3": "python", "sh": "bash", "shell": "bash",
            "console": "bash", "ipython": "ipython3"}


@lru_cache(maxsize=64)
def lexer_for(language: str, source_start: str = "") -> Lexer:
    """The lexer for a fence's language; IPython's for cells with magics."""
    name = _ALIASES.get(language.lower(), language.lower())
    if name == "python" and source_start.lstrip().startswith(("%", "!")):
        name = "ipython3"
    try:
        return get_lexer_by_name(name, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return TextLexer(stripnl=False, ensurenl=False)


@lru_cache(maxsize=4)
def _latex_formatter() -> Formatter:
    return LatexFormatter(commandprefix="PYG")


def _magic_start(source: str) -> str:
    return "%" if any(line.lstrip().startswith(("%", "!")) for line in source.split("\n")[:3]) else ""


def tree_sitter_tokens(source: str, language: str) -> list[Token] | None:
    """The tokens of a Python cell that tree-sitter reads (leading line magics allowed)."""
    if _ALIASES.get(language.lower(), language.lower()) != "python":
        return None
    if _magic_start(source) and not source.lstrip("\n").startswith("%"):
        return None  # magics or shell escapes below the first line: IPython's lexer
    return python_tokens(source)


def tokens_for(source: str, language: str) -> Iterable[Token]:
    """Pygments' token stream for ``source``: from tree-sitter for Python, else from Pygments."""
    tokens = tree_sitter_tokens(source, language)
    if tokens is None:
        return lexer_for(language, _magic_start(source)).get_tokens(source)
    return tokens


@lru_cache(maxsize=256)
def css_class(ttype: _TokenType) -> str:
    """HtmlFormatter's classes for a token type: ``"k"``; ``"n n-Foo"`` for a non-standard one."""
    if ttype in STANDARD_TYPES:
        return STANDARD_TYPES[ttype]
    suffix, known = "", ttype
    while known not in STANDARD_TYPES:
        suffix, known = "-" + known[-1] + suffix, known.parent
    return f"{css_class(ttype.parent)} {STANDARD_TYPES[known]}{suffix}"


_VISIBLE = ("color", "bgcolor", "bold", "italic", "underline", "border")
_VISIBLE_ON_BLANKS = ("bgcolor", "underline", "border")


@lru_cache(maxsize=512)
def looks_plain(ttype: _TokenType, blank: bool) -> bool:
    """Whether text of this type looks like plain code text in every site style (``blank``:
    text that is only spaces, whose colour no one sees), so that a span around it is mere
    weight: names and punctuation are a third of a page's code markup."""
    keys = _VISIBLE_ON_BLANKS if blank else _VISIBLE
    for name in SITE_STYLES:
        style = get_style_by_name(name)
        mine, base = style.style_for_token(ttype), style.style_for_token(BaseToken)
        if any(mine[key] != base[key] for key in keys):
            return False
    return True


def html_spans(tokens: Iterable[Token], drop_plain: bool = False) -> str:
    """What ``HtmlFormatter(nowrap=True)`` writes for ``tokens``, in a third of its time:
    adjacent tokens with the same classes share a span, spans close at each line end, and
    a last line without a newline gets one.  ``drop_plain``: no span around text that
    would look the same without it (see ``looks_plain``)."""
    out: list[str] = []
    append = out.append
    opened = ""  # the classes of the open span
    for ttype, text in tokens:
        css = css_class(ttype)
        if drop_plain and css and looks_plain(ttype, text.isspace()):
            css = ""
        if "&" in text or "<" in text or ">" in text:
            text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        while text:
            line, newline, text = text.partition("\n")
            if line:
                if css != opened:
                    if opened:
                        append("</span>")
                    if css:
                        append(f'<span class="{css}">')
                    opened = css
                append(line)
            if newline:
                if opened:
                    append("</span>")
                    opened = ""
                append("\n")
    if opened:
        append("</span>")
    if out and out[-1] != "\n":
        append("\n")
    return "".join(out)


def highlight_html(source: str, language: str) -> str:
    """HTML spans for ``source`` (no ``<pre>`` around them), none around plain text."""
    return html_spans(tokens_for(source, language), drop_plain=True)


def highlight_latex(source: str, language: str) -> str:
    """A ``Verbatim`` environment with Pygments' colour commands."""
    out = StringIO()
    _latex_formatter().format(tokens_for(source, language), out)
    return out.getvalue()


def html_style_css(style: str, selector: str) -> str:
    """The colour rules of a Pygments style, scoped under ``selector``."""
    return HtmlFormatter(style=style).get_style_defs(selector)


def latex_style_defs() -> str:
    return LatexFormatter(commandprefix="PYG").get_style_defs()
