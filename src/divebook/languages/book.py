"""The languages of a book: which two, and whether it is read as written, in one.

Most translated d2l books keep the translation alone in ``x.md`` while their
configuration names the original language; such a book is not paired (see
docs/decisions.md).
"""

from __future__ import annotations

from ..config import Config
from ..diagnostics import Diagnostics
from ..tree import Block, ListBlock, Page, Translated, walk_blocks
from .script import LanguagePair
from .compare import _CONTAINERS
from .pairing import _Pairer


def book_languages(config: Config) -> LanguagePair | None:
    """The book's original and translation languages, or None for a one-language book."""
    origin, lang = config.origin_lang.strip(), config.lang.strip()
    if not origin or not lang or origin.lower() == lang.lower():
        return None
    return LanguagePair(origin, lang)



def written_in_one_language(pages: list[Page], langs: LanguagePair) -> bool:
    """Whether a translated book holds its translation alone: no ``x_origin.md``, no
    original paired anywhere, and some page written in the translation (d2l-ja, whose
    title page kept its English title, is one).  Such a book is read as written, in one
    language."""
    if any(page.origin is not None for page in pages):
        return False  # x_origin.md files: the original's site is built from them
    if any(isinstance(b, Translated) and b.original is not None and b.translation is not None
           for page in pages for b in walk_blocks(page.blocks)):
        return False
    pairer = _Pairer(langs, Diagnostics())
    return any(not any(isinstance(b, Translated) for b in walk_blocks(page.blocks))
               and pairer.written_in_translation(page.blocks) for page in pages)



def as_written(blocks: list[Block]) -> list[Block]:
    """``blocks`` without their pairing, in source order (for a book in one language)."""
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, Translated):
            out.extend(as_written([b for b in (block.original, block.translation, *block.more)
                                   if b is not None]))
            continue
        if isinstance(block, ListBlock):
            block.items = [as_written(item) for item in block.items]
        elif isinstance(block, _CONTAINERS):
            block.children = as_written(block.children)  # type: ignore[union-attr]
        out.append(block)
    return out



#: Codes of the problems that only a bilingual reading reports.
PAIRING_CODES = frozenset({
    "untranslated", "translation-extra", "translation-mismatch", "translation-heading",
    "translation-order", "translation-split", "translation-language", "translation-mixed",
})
