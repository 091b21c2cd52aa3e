"""Syntax highlighting with Pygments, shared by the HTML and LaTeX writers."""

from __future__ import annotations

from functools import lru_cache

from pygments import highlight
from pygments.formatter import Formatter
from pygments.formatters import HtmlFormatter, LatexFormatter
from pygments.lexer import Lexer
from pygments.lexers import TextLexer, get_lexer_by_name
from pygments.util import ClassNotFound

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
def _html_formatter() -> Formatter:
    return HtmlFormatter(nowrap=True)


@lru_cache(maxsize=4)
def _latex_formatter() -> Formatter:
    return LatexFormatter(commandprefix="PYG")


def _magic_start(source: str) -> str:
    return "%" if any(line.lstrip().startswith(("%", "!")) for line in source.split("\n")[:3]) else ""


def highlight_html(source: str, language: str) -> str:
    """HTML spans for ``source`` (no ``<pre>`` around them)."""
    return highlight(source, lexer_for(language, _magic_start(source)), _html_formatter())


def highlight_latex(source: str, language: str) -> str:
    """A ``Verbatim`` environment with Pygments' colour commands."""
    return highlight(source, lexer_for(language, _magic_start(source)), _latex_formatter())


def html_style_css(style: str, selector: str) -> str:
    """The colour rules of a Pygments style, scoped under ``selector``."""
    return HtmlFormatter(style=style).get_style_defs(selector)


def latex_style_defs() -> str:
    return LatexFormatter(commandprefix="PYG").get_style_defs()
