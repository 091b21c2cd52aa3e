"""The markdown-it parser configured for the d2l dialect."""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from .dollarmath import dollarmath
from .links import spaced_destinations_plugin
from .roles import roles_plugin


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    """CommonMark + tables, strikethrough, footnotes, front matter, ``$`` math and roles.

    Built once per process: building the rule chains costs more than parsing
    a short page.
    """
    md = MarkdownIt("commonmark", {"html": True})
    md.enable(["table", "strikethrough"])
    md.use(front_matter_plugin)
    md.use(footnote_plugin)
    md.use(dollarmath)  # `$` as pandoc reads it (d2lbook renders through pandoc)
    md.use(roles_plugin)
    md.use(spaced_destinations_plugin)  # `![](a b.png)`, as pandoc reads it
    return md
