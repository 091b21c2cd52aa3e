"""The reader never crashes: random and mutated Markdown only ever gives diagnostics."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from divebook.diagnostics import Diagnostics
from divebook.reader.page import read_page
from divebook.tree import walk_blocks

FRAGMENTS = [
    "# Title\n", ":label:`sec_x`\n", "## Sub\n", "![cap $x$](../img/a.svg)\n", ":width:`400px`\n",
    "$$x = y$$\n", ":eqlabel:`eq_x`\n", "$a_b$ ", ": Caption\n", "| a | b |\n|---|---|\n| 1 | 2 |\n",
    ":begin_tab:`mxnet`\n", ":end_tab:\n", "```{.python .input}\n", "```\n", "#@tab all\n",
    "%%tab pytorch\n", "x = 1  #@save\n", "```toc\n:maxdepth: 2\n\nintro\n```\n",
    "```eval_rst\n.. raw:: html\n\n   <b>x</b>\n```\n", ":numref:`fig_a`", ":cite:`A.1,B.2`",
    "[**slide**]", "(**\n", "**)", "[~~gone~~]", "* item\n", "1. first\n", "> quote\n", "\n", "\n\n",
    "text ", "`code` ", "[link](other.md#x)", "[^1]", "[^1]: note\n", "---\nkey: [\n---\n",
    "<div>html</div>\n", ":bibliography:`refs.bib`\n", "\\", "{", "}", "&", "%", "#", "$", "`",
    ":", "::", ":numref:``x``", "    indented code\n", "***\n", "~~~\n",
]


def _read(text: str) -> Diagnostics:
    diags = Diagnostics()
    page = read_page(Path("."), "p.md", text.encode("utf-8", "surrogatepass"), ["pytorch", "mxnet"], diags)
    list(walk_blocks(page.blocks))
    for d in diags.items:
        assert d.file == "p.md" and d.line >= 0 and d.message
    return diags


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=40))
def test_dialect_fragments_in_any_order(parts: list[str]) -> None:
    _read("".join(parts))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_arbitrary_text(text: str) -> None:
    _read(text)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=25),
       st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(["", "`", ":", "\n", "$", "|", "*"])),
                max_size=8))
def test_mutated_documents(parts: list[str], edits: list[tuple[int, str]]) -> None:
    text = "".join(parts)
    for position, replacement in edits:
        i = position % (len(text) + 1)
        text = text[:i] + replacement + text[i + 1:]
    _read(text)
