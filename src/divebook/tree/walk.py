"""Walking the document tree: blocks inside blocks, inlines inside blocks, plain text.

Kept apart from the node types (``nodes.py``) so each stays short; both are
offered by ``divebook.tree``.
"""

from __future__ import annotations

from typing import Iterator

from .nodes import (
    Block, Cite, Code, Directive, Figure, FootnoteDef, HardBreak, Heading, Image, Inline,
    ListBlock, Math, MathBlock, Paragraph, Quote, Ref, SoftBreak, TabContent, TabGroup, Table,
    Text, Translated,
)


def child_blocks(block: Block) -> Iterator[Block]:
    """The blocks directly inside ``block`` (lists, quotes, tab content...)."""
    if isinstance(block, (Quote, TabContent, Directive, FootnoteDef)):
        yield from block.children
    elif isinstance(block, ListBlock):
        for item in block.items:
            yield from item
    elif isinstance(block, TabGroup):
        for blocks in block.panels.values():
            yield from blocks
    elif isinstance(block, Translated):
        if block.original is not None:
            yield block.original
        if block.translation is not None:
            yield block.translation
        yield from block.more



def walk_blocks(blocks: list[Block]) -> Iterator[Block]:
    """Every block, depth first, in document order."""
    for block in blocks:
        yield block
        yield from walk_blocks(list(child_blocks(block)))



def block_inlines(block: Block) -> Iterator[list[Inline]]:
    """The inline lists that belong directly to ``block``."""
    if isinstance(block, (Heading, Paragraph)):
        yield block.children
    elif isinstance(block, Figure):
        yield block.caption
    elif isinstance(block, Table):
        yield block.caption
        for row in block.head + block.body:
            for cell in row:
                yield cell.children



def walk_inlines(nodes: list[Inline]) -> Iterator[Inline]:
    """Every inline node, depth first."""
    for node in nodes:
        yield node
        children = getattr(node, "children", None)
        if isinstance(children, list):
            yield from walk_inlines(children)



def page_inlines(blocks: list[Block]) -> Iterator[Inline]:
    """Every inline node of every block."""
    for block in walk_blocks(blocks):
        for inlines in block_inlines(block):
            yield from walk_inlines(inlines)



def page_math(blocks: list[Block]) -> Iterator[tuple[str, bool]]:
    """``(LaTeX, display)`` of every formula: equations first, then math in text."""
    for block in walk_blocks(blocks):
        if isinstance(block, MathBlock):
            yield block.latex, True
    for node in page_inlines(blocks):
        if isinstance(node, Math):
            yield node.latex, node.display



def plain_text(nodes: list[Inline]) -> str:
    """The text of inline nodes, without markup (for titles, alt text, search)."""
    out: list[str] = []
    for node in nodes:
        if isinstance(node, Text):
            out.append(node.text)
        elif isinstance(node, (Code,)):
            out.append(node.text)
        elif isinstance(node, Math):
            out.append(node.latex)
        elif isinstance(node, (SoftBreak, HardBreak)):
            out.append(" ")
        elif isinstance(node, Ref):
            if node.text:
                out.append(node.text)
            elif node.number:
                out.append(node.number)
            elif node.title:
                out.append(plain_text(node.title))
            else:
                out.append(node.target)
        elif isinstance(node, Cite):
            out.append(", ".join(f"{e.authors} {e.year}" for e in node.entries) or ",".join(node.keys))
        elif isinstance(node, Image):
            out.append(node.alt)
        elif hasattr(node, "children"):
            out.append(plain_text(node.children))  # type: ignore[union-attr]
    return "".join(out)
