"""A section's discussion link: found in the page, shown as one clear link.

d2l-style pages end with ``[Discussions](https://discuss.d2l.ai/t/NNN)``,
often once per framework inside ``:begin_tab:`` blocks.  Writers take these
paragraphs out of the page and show a "Discuss this section" link at its
end instead (the website), or a QR code in the margin (print and PDF).
"""

from __future__ import annotations

import io
from dataclasses import replace
from functools import lru_cache
from urllib.parse import urlsplit

from ...tree import Block, Link, Paragraph, SoftBreak, TabContent, Text, plain_text

#: Link texts that mark a discussion link, in the languages d2l is written in.
DISCUSSION_WORDS = {"discussions", "discussion", "discuss", "讨论", "討論", "토론", "ディスカッション",
                    "diskussion", "discusiones", "discussões"}


def _discussion_url(block: Block) -> str | None:
    """The URL if ``block`` is a paragraph holding nothing but a discussion link."""
    if not isinstance(block, Paragraph) or len(block.children) > 3:
        return None
    content = [n for n in block.children
               if not (isinstance(n, SoftBreak) or (isinstance(n, Text) and not n.text.strip()))]
    if len(content) != 1 or not isinstance(content[0], Link):
        return None
    link = content[0]
    host = urlsplit(link.url).netloc.lower()
    text = plain_text(link.children).strip().casefold()
    if text in DISCUSSION_WORDS or (host.startswith("discuss.") and link.url.startswith("http")):
        return link.url
    return None


def split_discussion(blocks: list[Block]) -> tuple[list[Block], dict[str, str]]:
    """Remove the page's top-level discussion links.

    Returns the other blocks and the links: ``{"": url}`` for a link shared by
    every tab, ``{tab: url}`` for links inside ``:begin_tab:`` blocks.
    """
    links: dict[str, str] = {}
    kept: list[Block] = []
    for block in blocks:
        url = _discussion_url(block)
        if url is not None:
            links.setdefault("", url)
            continue
        if isinstance(block, TabContent):
            rest = []
            for child in block.children:
                child_url = _discussion_url(child)
                if child_url is None:
                    rest.append(child)
                else:
                    for tab in block.tabs:
                        links.setdefault(tab, child_url)
            if rest:
                kept.append(block if len(rest) == len(block.children) else replace(block, children=rest))
            continue
        kept.append(block)
    return kept, links


def link_for_tab(links: dict[str, str], tab: str) -> str | None:
    """The discussion link a reader of ``tab`` should follow."""
    return links.get(tab) or links.get("")


@lru_cache(maxsize=1024)
def qr_svg(url: str, scale: int = 3, dark: str = "#000", light: str | None = "#fff") -> str:
    """A QR code for ``url`` as inline SVG (no XML declaration), made by segno."""
    import segno

    buffer = io.BytesIO()
    # A fixed mask: choosing the best of eight costs 8x the time (seconds for a
    # book with a few hundred discussion links) and any mask scans.
    segno.make(url, error="m", micro=False, mask=0).save(
        buffer, kind="svg", scale=scale, dark=dark, light=light, xmldecl=False, svgns=True,
        omitsize=False, title=None, nl=False)
    return buffer.getvalue().decode("utf-8")
