"""The reader's ``$`` math against real pandoc, on generated paragraphs.

d2lbook renders a page's Markdown through pandoc, so pandoc's reading is
the one books were written against.  Each example is one document of many
short paragraphs, read once by ``pandoc -f markdown-raw_tex`` (raw TeX off:
pandoc would otherwise take ``\\text{...}`` outside math as a TeX command,
which is not the rule under test) and once by the reader's markdown-it
parser; every paragraph must hold the same math, in the same order.
"""

from __future__ import annotations

import json
import re
import subprocess

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from divebook.reader.markdown import parser

from tests.conftest import require_tool

#: No tab: pandoc expands tabs to spaces before it parses, by column, so ``\\`` and a tab
#: before a closing ``$`` is an escaped space and more spaces there; divebook keeps the tab.
_PIECES = ["a", "x", "1", "$", "$$", " ", "  ", "\n", "\\", "\\$", "{", "}", "`",
           "\\text{", "\u00a0", "5", "\\\\"]
_SPACE = re.compile(r"[ \t\n]+")


def _norm(tex: str) -> str:
    """Pandoc turns the spaces inside inline math into one space."""
    return _SPACE.sub(" ", tex).strip(" ")


def _paragraph(text: str, lead: str) -> str:
    """One paragraph: no blank line inside, starting with ``lead`` (a letter, or ``$$`` that
    may open an equation block), ending with ``a`` and then enough ``}`` to close every brace.

    Pandoc's math parser reads past a paragraph's end in two places, where
    divebook (like CommonMark) finds the blocks first: a ``\\`` at the end of
    the paragraph takes the line break, and a ``\\text{`` takes everything up
    to its balancing ``}``, blank lines included.  The ending keeps both inside
    the paragraph.
    """
    lines = [line for line in text.split("\n") if line.strip()]
    body = "\n".join([lead + lines[0]] + lines[1:]) if lines else lead
    return body + "a" + "}" * (body.count("{") + 1)


def _pandoc_math(doc: str, pandoc: str) -> list[list[tuple[str, bool]]]:
    out = subprocess.run([pandoc, "-f", "markdown-raw_tex", "-t", "json"], input=doc.encode(),
                         capture_output=True, check=True).stdout
    paragraphs = []

    def walk(node, found):
        if isinstance(node, dict):
            if node.get("t") == "Math":
                kind, tex = node["c"]
                found.append((_norm(tex), kind["t"] == "DisplayMath"))
            else:
                walk(node.get("c"), found)
        elif isinstance(node, list):
            for child in node:
                walk(child, found)

    for block in json.loads(out)["blocks"]:
        found: list[tuple[str, bool]] = []
        walk(block, found)
        paragraphs.append(found)
    return paragraphs


def _reader_math(doc: str) -> list[list[tuple[str, bool]]]:
    paragraphs = []
    for token in parser().parse(doc):
        if token.type == "math_block":
            paragraphs.append([(_norm(token.content), True)])
        elif token.type == "inline":
            paragraphs.append([(_norm(c.content), c.type == "math_inline_double") for c in token.children or []
                               if c.type in ("math_inline", "math_inline_double")])
    return paragraphs


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.lists(st.sampled_from(_PIECES), max_size=24).map("".join),
                          st.sampled_from(["a", "$$"])), min_size=1, max_size=40))
@example([(t, "a") for t in ["costs $5 and $10", "5 $ and 10 $", "$ $x$", "$x$5 y$", "$$$x$$$", "$a\n$",
                             "$\\text{a $b$ c}$"]] + [("x\n$$", "$$"), ("a$$b$$", "$$"), ("x$$ $$y$$", "$$"), ("x\n$$\ny", "$$")])
def test_reader_finds_the_math_pandoc_finds(texts):
    pandoc = require_tool("pandoc")
    paragraphs = [_paragraph(t, lead) for t, lead in texts]
    doc = "\n\n".join(paragraphs) + "\n"
    theirs, mine = _pandoc_math(doc, pandoc), _reader_math(doc)
    # an equation block ends at its closing `$$`, where pandoc's paragraph goes on: the
    # same math, but not always the same paragraphs
    assert sum(mine, []) == sum(theirs, []), doc
