"""The reader's walk over markdown-it's flat token list sees the tree that ``SyntaxTreeNode`` builds.

``reader/convert.py`` finds nodes with ``closing``/``child_nodes`` instead of
building markdown-it's ``SyntaxTreeNode`` tree (which costs more than the
conversion).  These tests check, on every page of the real corpus and on
generated dialect text, that both give the same nodes: type, first line
(inherited from the nearest ancestor with a source map, as the converter
reads it), the token that carries the node's attributes, and the children.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode

from divebook.config import load_config
from divebook.diagnostics import Diagnostics
from divebook.reader.book import find_markdown
from divebook.reader.convert import child_nodes, closing, node_type
from divebook.reader.markdown import parser
from divebook.reader.slides import strip_slide_marks

from tests.unit.reader.test_page_fuzz import FRAGMENTS

Shape = tuple[str, int, int, list["Shape"]]  # type, first line, id of the attribute token, children


def _walked(tokens: list[Token], start: int, end: int, parent_line: int) -> list[Shape]:
    """The nodes as the converter walks them."""
    out: list[Shape] = []
    for i in child_nodes(tokens, start, end):
        token = tokens[i]
        line = token.map[0] if token.map else parent_line
        j = closing(tokens, i)
        if j == i:
            children = token.children or []
            kids = _walked(children, 0, len(children), line)
        else:
            kids = _walked(tokens, i + 1, j, line)
        out.append((node_type(token), line, id(token), kids))
    return out


def _built(node: SyntaxTreeNode, parent_line: int) -> list[Shape]:
    """The children of ``node`` as markdown-it's tree has them."""
    out: list[Shape] = []
    for child in node.children:
        token = child.token if child.token is not None else child.nester_tokens.opening  # type: ignore[union-attr]
        line = child.map[0] if child.map else parent_line
        out.append((child.type, line, id(token), _built(child, line)))
    return out


def _same_nodes(text: str) -> None:
    tokens = parser().parse(strip_slide_marks(text))
    walked = _walked(tokens, 0, len(tokens), 0)
    assert walked == _built(SyntaxTreeNode(tokens), 0)


@pytest.mark.corpus
def test_corpus_pages_walk_as_the_syntax_tree(corpus: Path) -> None:
    root = corpus / "d2l-en"
    config = load_config(root, Diagnostics())
    sources = find_markdown(config)
    assert len(sources) > 150
    for source in sources:
        text = (root / source).read_bytes().decode("utf-8").replace("\r\n", "\n")
        _same_nodes(text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS + ["  * nested\n", "> * in quote\n", "**b *i* b**",
                                             "~~s *e~~ x*", "![a **b**](c.png)"]), max_size=40))
def test_generated_text_walks_as_the_syntax_tree(parts: list[str]) -> None:
    _same_nodes("".join(parts))


def test_a_lone_closing_token_is_refused_as_by_the_syntax_tree() -> None:
    tokens = [Token("paragraph_close", "p", -1)]
    with pytest.raises(ValueError):
        SyntaxTreeNode(tokens)
    with pytest.raises(ValueError):
        child_nodes(tokens, 0, 1)
    with pytest.raises(ValueError):
        closing([Token("paragraph_open", "p", 1)], 0)
