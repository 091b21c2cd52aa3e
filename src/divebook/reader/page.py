"""Read one Markdown file into a ``Page``."""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml
from markdown_it.token import Token

from ..diagnostics import Diagnostics
from ..tree import Heading, Page, Pos, walk_blocks
from .convert import Context, child_nodes, convert_tokens, node_type
from .labels import attach_labels, leftover_roles
from .markdown import parser
from .slides import strip_slide_marks
from .tabs import group_tab_blocks


def read_page(book_root: Path, source: str, data: bytes, tab_names: list[str],
              diags: Diagnostics) -> Page:
    """Parse ``data`` (the bytes of ``source``, a book-relative path) into a page."""
    digest = hashlib.sha256(data).hexdigest()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        diags.warning(Pos(source, line), "the file is not valid UTF-8; save it as UTF-8", "encoding")
        text = data.decode("utf-8", errors="replace")
    # A byte-order mark (Windows editors write one) is not text: left in, it would
    # turn the first `# Title` into a paragraph.
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    text = strip_slide_marks(text)
    tokens = parser().parse(text)
    ctx = Context(source, book_root, tab_names, diags, lines=text.split("\n"))
    front_matter = _front_matter(tokens, source, diags)
    blocks = convert_tokens(tokens, ctx)
    blocks = group_tab_blocks(blocks, tab_names, diags)
    blocks = attach_labels(blocks, diags)
    leftover_roles(blocks, diags)
    title = next((b.children for b in walk_blocks(blocks) if isinstance(b, Heading)), [])
    return Page(source=source, blocks=blocks, front_matter=front_matter, digest=digest, title=title,
                text=text)


def _front_matter(tokens: list[Token], source: str, diags: Diagnostics) -> dict:
    node = next((tokens[i] for i in child_nodes(tokens, 0, len(tokens))
                 if node_type(tokens[i]) == "front_matter"), None)
    if node is None:
        return {}
    try:
        value = yaml.safe_load(node.content) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = (mark.line + 2) if mark is not None else 1
        diags.warning(Pos(source, line), f"front matter is not valid YAML: "
                      f"{getattr(exc, 'problem', None) or exc}", "front-matter")
        return {}
    if not isinstance(value, dict):
        diags.warning(Pos(source, 1), "front matter must be a mapping of `key: value` lines", "front-matter")
        return {}
    return value
