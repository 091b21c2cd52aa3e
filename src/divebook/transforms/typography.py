"""Smart punctuation in prose, as Sphinx (d2l.ai) and pandoc's ``smart`` extension make it.

``--`` becomes an en dash (–), ``---`` an em dash (—), ``...`` an ellipsis
(…), and straight quotes curl: ``"`` opens after a space, an opening bracket,
a dash or the start of the text, and closes otherwise; ``'`` after a letter or
digit is an apostrophe (it's, students').  The curly quotes are the
language's (“…” in English, Korean and Chinese, „…“ in German, 「…」 in
Japanese); an untranslated original in a translated book takes its own
language's.

Only prose changes: code, math, raw HTML, URLs (in links and written out in
text), references and citations keep every character.  Quotes pair across
emphasis and links (``"*word*"``) because the text of a paragraph is walked
in order with the character before each piece.  The pass runs after
numbering, so anchors made from headings do not change; it is idempotent.
"""

from __future__ import annotations

import re
from typing import Iterable

from ..tree import (
    Block, Book, Code, Emph, HardBreak, Image, Inline, Link, Math, RawInline, SoftBreak, Strike,
    Strong, Text, Translated, block_inlines, child_blocks,
)

#: (double open, double close, single open, single close) by base language
QUOTES: dict[str, tuple[str, str, str, str]] = {
    "en": ("\u201c", "\u201d", "\u2018", "\u2019"),
    "ko": ("\u201c", "\u201d", "\u2018", "\u2019"),
    "zh": ("\u201c", "\u201d", "\u2018", "\u2019"),
    "ja": ("\u300c", "\u300d", "\u300e", "\u300f"),
    "de": ("\u201e", "\u201c", "\u201a", "\u2018"),
    "fr": ("\u00ab\u202f", "\u202f\u00bb", "\u2039\u202f", "\u202f\u203a"),
    "ru": ("\u00ab", "\u00bb", "\u201e", "\u201c"),
}
APOSTROPHE = "\u2019"
_URL = re.compile(r"(?:https?|ftp)://\S+|www\.\S+|\S+@\S+\.\w+")
_OPENS_AFTER = set(" \t\n([{<\u2013\u2014/-\u00a0") | {""}


def quotes_for(lang: str) -> tuple[str, str, str, str]:
    base = (lang or "en").replace("_", "-").split("-")[0].lower()
    return QUOTES.get(base, QUOTES["en"])


def smarten_book(book: Book, lang: str, origin_lang: str = "") -> None:
    """Curl the quotes and make the dashes of every page's prose (in place)."""
    for page in book.pages.values():
        quotes = quotes_for(page.lang or book.lang or lang)  # type: ignore[attr-defined]
        original = quotes_for(origin_lang) if origin_lang else quotes
        smarten(page.title, quotes)
        _blocks(page.blocks, quotes, original)


def _blocks(blocks: Iterable[Block], quotes: tuple[str, str, str, str],
            original: tuple[str, str, str, str]) -> None:
    for block in blocks:
        if isinstance(block, Translated):
            if block.original is not None:
                _blocks([block.original], original, original)
            _blocks([b for b in (block.translation, *block.more) if b is not None], quotes, original)
            continue
        for inlines in block_inlines(block):
            smarten(inlines, quotes)
        _blocks(child_blocks(block), quotes, original)


def smarten(nodes: list[Inline], quotes: tuple[str, str, str, str], before: str = "") -> str:
    """Smart punctuation in ``nodes``' text; returns the last character (the context)."""
    for node in nodes:
        if isinstance(node, Text):
            node.text = smart_text(node.text, quotes, before)
            before = node.text[-1:] or before
        elif isinstance(node, (Emph, Strong, Strike)):
            before = smarten(node.children, quotes, before)
        elif isinstance(node, Link):
            # an autolink's text is its address: leave it as written
            if "".join(c.text for c in node.children if isinstance(c, Text)).strip() != node.url.strip():
                before = smarten(node.children, quotes, before)
            else:
                before = "x"
        elif isinstance(node, (SoftBreak, HardBreak)):
            before = " "
        elif isinstance(node, (Code, Math, RawInline, Image)):
            before = "x"  # a word: a quote after it closes
        else:  # references, citations, footnote marks, roles: a word
            before = "x"
    return before


def smart_text(text: str, quotes: tuple[str, str, str, str], before: str = "") -> str:
    """``text`` with smart dashes, ellipses and quotes; URLs in it are kept as written."""
    if not any(c in text for c in "-.\"'"):
        return text
    out: list[str] = []
    last = 0
    for m in _URL.finditer(text):
        out.append(_plain(text[last:m.start()], quotes, before if last == 0 else text[last - 1]))
        out.append(m.group(0))
        last = m.end()
    out.append(_plain(text[last:], quotes, before if last == 0 else text[last - 1]))
    return "".join(out)


def _plain(text: str, quotes: tuple[str, str, str, str], before: str) -> str:
    text = text.replace("---", "\u2014").replace("--", "\u2013").replace("...", "\u2026")
    if '"' not in text and "'" not in text:
        return text
    d_open, d_close, s_open, s_close = quotes
    chars = list(text)
    single_open = False  # a ' after a word closes a quote only when one is open (it's, students')
    for i, c in enumerate(chars):
        prev = chars[i - 1] if i else before
        opens = prev in _OPENS_AFTER or prev in (d_open, s_open)
        if c == '"':
            chars[i] = d_open if opens else d_close
        elif c == "'":
            if opens:
                chars[i], single_open = s_open, True
            elif single_open and not (i + 1 < len(chars) and chars[i + 1].isalpha()):
                chars[i], single_open = s_close, False
            else:
                chars[i] = APOSTROPHE
    return "".join(chars)
