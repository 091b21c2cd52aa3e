"""What makes two blocks a pair, and what a pair must agree on.

Used by ``pairing.py`` on both layouts: block signatures (to align paired
files), the facts a translation must keep (inline code, math, references,
links), and the heading level and label both sides share.
"""

from __future__ import annotations

import re
from collections import Counter

from ..diagnostics import Diagnostics
from ..tree import (
    Bibliography, Block, Cite, Code, CodeCell, Directive, Figure, FootnoteDef, HardBreak, Heading,
    Image, Inline, Link, ListBlock, Math, MathBlock, Paragraph, Pos, Quote, Raw, Ref, Rule,
    SoftBreak, TabContent, Toc, walk_blocks, walk_inlines,
)
from .script import block_text


def _pos(block: Block) -> Pos:
    return getattr(block, "pos", Pos(""))



def _is_neutral_block(block: Block) -> bool:
    """Blocks with nothing to translate (an image without caption, ``autoclass``)."""
    return isinstance(block, _ALWAYS_NEUTRAL) or (
        isinstance(block, (Figure, Directive)) and not block_text(block).strip())



def _signature(block: Block, coarse: bool) -> tuple:
    """What must match for two blocks of the two files to be one block of the book."""
    if isinstance(block, CodeCell):
        return ("code",) if coarse else ("code", block.source.strip(), tuple(block.tabs))
    if isinstance(block, MathBlock):
        return ("math",) if coarse else ("math", "".join(block.latex.split()))
    if isinstance(block, Figure):
        return ("figure", block.src)
    if isinstance(block, ListBlock):
        return ("list",) if coarse else ("list", block.ordered, len(block.items))
    if isinstance(block, TabContent):
        return ("tab", tuple(block.tabs))
    if isinstance(block, Heading):
        return ("heading",)
    if isinstance(block, Toc):
        return ("toc",) if coarse else ("toc", tuple(e.text for e in block.entries))
    if isinstance(block, Paragraph) and not coarse:
        # What a translation keeps (code, math, references, links) tells paragraphs apart.
        facts = _facts(block)
        return ("paragraph",) + tuple(sorted((k, x) for k, c in facts.items() for x in c.elements()))
    return (_kind(block),)



def _same_content(a: Block, b: Block) -> bool:
    """Whether two shared blocks (code, math, figures...) say the same thing."""
    if type(a) is not type(b):
        return False
    if isinstance(a, CodeCell):
        return a.source.strip() == b.source.strip() and a.tabs == b.tabs  # type: ignore[union-attr]
    if isinstance(a, MathBlock):
        return "".join(a.latex.split()) == "".join(b.latex.split())  # type: ignore[union-attr]
    if isinstance(a, Figure):
        return a.src == b.src  # type: ignore[union-attr]
    if isinstance(a, Raw):
        return a.text.strip() == b.text.strip()  # type: ignore[union-attr]
    if isinstance(a, Toc):
        return [e.text for e in a.entries] == [e.text for e in b.entries]  # type: ignore[union-attr]
    if isinstance(a, Directive):
        return (a.name, a.argument) == (b.name, b.argument)  # type: ignore[union-attr]
    return isinstance(a, Rule)



def _harmonise(original: Block, translation: Block, diags: Diagnostics, change: bool = True) -> None:
    """Both sides of an interleaved pair get the same heading level and the same label.

    ``change=False`` (paired files): each file is built as written, so the
    differences are only reported.
    """
    where = f"line {original.pos.line}" if change else str(original.pos)  # type: ignore[union-attr]
    if isinstance(original, Heading) and isinstance(translation, Heading) \
            and original.level != translation.level:
        diags.warning(translation.pos, f"this heading is level {translation.level} ("
                      f"{'#' * translation.level}) but its original at {where} is "
                      f"level {original.level}" + ("; the original's level is used" if change else ""),
                      "translation-heading")
        if change:
            translation.level = original.level
    o_label = getattr(original, "label", None)
    t_label = getattr(translation, "label", None)
    if not hasattr(original, "label") or not hasattr(translation, "label"):
        return
    if o_label and t_label and o_label != t_label:
        diags.warning(translation.pos, f"the translation is labelled `{t_label}` but its original at "  # type: ignore[union-attr]
                      f"{where} is `{o_label}`" + (f"; `{o_label}` is used for both" if change else
                                                   "; references to either name work in one "
                                                   "language only"),
                      "translation-mismatch")
        if change:
            translation.label = o_label  # type: ignore[union-attr]
    elif not change:
        if bool(o_label) != bool(t_label):
            label, side = (o_label, "original") if o_label else (t_label, "translation")
            diags.warning(translation.pos, f"only the {side} is labelled (`{label}`, "  # type: ignore[union-attr]
                          f"original at {where}); label both alike", "translation-mismatch")
    elif o_label and not t_label:
        translation.label = o_label  # type: ignore[union-attr]
    elif t_label and not o_label:
        original.label = t_label  # type: ignore[union-attr]



_URL_END = re.compile(r"/+$")



def _norm_url(url: str) -> str:
    url = url.strip()
    url = re.sub(r"^https?://", "//", url, flags=re.I)
    return _URL_END.sub("", url)



def _facts(block: Block) -> dict[str, Counter[str]]:
    """Inline code, math, referenced labels and link targets of a block, counted."""
    facts: dict[str, Counter[str]] = {"code": Counter(), "math": Counter(), "labels": Counter(),
                                      "links": Counter()}
    for b in walk_blocks([block]):
        label = getattr(b, "label", None)
        if label and not isinstance(b, Heading):
            facts["labels"][label] += 1
        for inlines in _inline_lists(b):
            for node in walk_inlines(inlines):
                if isinstance(node, Code):
                    facts["code"][node.text.strip()] += 1
                elif isinstance(node, Math):
                    facts["math"]["".join(node.latex.split())] += 1
                elif isinstance(node, Ref):
                    facts["labels"][node.target] += 1
                elif isinstance(node, Cite):
                    for key in node.keys:
                        facts["labels"][key] += 1
                elif isinstance(node, Link):
                    facts["links"][_norm_url(node.url)] += 1
                elif isinstance(node, Image):
                    facts["links"][_norm_url(node.src)] += 1
    if isinstance(block, Figure):
        facts["links"][_norm_url(block.src)] += 1
    return facts



def _inline_lists(block: Block) -> list[list[Inline]]:
    from ..tree import block_inlines

    return list(block_inlines(block))



def _describe(block: Block) -> str:
    if isinstance(block, ListBlock) and len(block.items) == 1:
        return "list item"
    return {
        "Heading": "heading", "Paragraph": "paragraph", "ListBlock": "list", "Figure": "figure caption",
        "Table": "table", "Quote": "quote", "TabContent": "tab text", "CodeCell": "code cell",
        "MathBlock": "equation", "Directive": "directive", "FootnoteDef": "footnote", "Raw": "HTML block",
    }.get(_kind(block), _kind(block).lower())


_ALWAYS_NEUTRAL = (CodeCell, MathBlock, Toc, Raw, Rule, Bibliography)



def _kind(block: Block) -> str:
    """Blocks of the same kind can translate each other."""
    return type(block).__name__


_CONTAINERS = (ListBlock, Quote, TabContent, Directive, FootnoteDef)


def _text_key(block: Block) -> str:
    return " ".join(block_text(block).split())



def _split_children(children: list[Inline], cut: int) -> tuple[list[Inline], list[Inline]]:
    """The inlines of the lines before line ``cut`` and from it on (breaks dropped at the cut)."""
    line = 0
    for index, node in enumerate(children):
        if isinstance(node, (SoftBreak, HardBreak)):
            line += 1
            if line == cut:
                return children[:index], children[index + 1:]
    return children, []
