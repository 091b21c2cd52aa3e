"""Bilingual sources -> ``Translated`` pairs, checked, never guessed silently.

A translated book names its languages in its configuration
(``[project] lang = ko`` and ``[translation] origin_lang = en``).  Its pages
come in one of two layouts, both read unchanged:

* **interleaved**: each original block (heading, paragraph, list, caption,
  ``:begin_tab:`` prose) is followed by its translation; code and
  equations appear once and are shared.  Each block's language is told
  from its script (``script.py``).  Lists pair item by item:
  alternating items, or a run of original items followed by as many
  translated ones (d2l's summaries).
* **paired files**: ``x.md`` holds the translation and ``x_origin.md`` the
  original (d2lbook's translate layout).  The page stays ``x.md`` as
  written -- the translation's site shows it alone, as d2lbook does -- and
  the original is kept beside it (``Page.origin``) for the original's site,
  the side-by-side page and the status.  The two block sequences are
  aligned with ``difflib``: identical code cells anchor the alignment and
  the prose between them pairs in order.  What does not pair is a problem
  of the translation (``divebook check --translation``), not of the build.

Whatever does not pair is reported with its file and line and kept: an
original with no translation (interleaved: shown in the original language,
marked), two translations in a row (kept together as one translation), a
translation with no original (a translator's note: shown in the
translation only), a pair whose code, math, references or links differ.
In an interleaved page a heading translated at another level takes the
original's level, and a label written on one side only belongs to both, so
both languages number and link alike; paired files are only compared.
"""

from __future__ import annotations

import difflib
import hashlib
from collections import Counter
from dataclasses import dataclass, field

from ..diagnostics import Diagnostics
from ..tree import (
    Block, CodeCell, Figure, Heading, ListBlock, MathBlock, Origin, Page, Paragraph, Pos,
    Table, Translated, walk_blocks,
)
from .compare import (
    _ALWAYS_NEUTRAL, _CONTAINERS, _describe, _facts, _harmonise, _is_neutral_block, _kind,
    _pos, _same_content, _signature, _split_children, _text_key,
)
from .script import (
    AMBIGUOUS, NEUTRAL, ORIGIN, TRANSLATION, UNKNOWN, LanguagePair, block_text, count_scripts,
    line_texts, share,
)


def pair_page(page: Page, langs: LanguagePair, diags: Diagnostics,
              origin: Page | Origin | None = None) -> Page:
    """Pair the originals and translations of ``page``.

    Interleaved: ``page.blocks`` become original/translation pairs.  Paired
    files (``origin``: its ``x_origin.md``, read): ``page.blocks`` stay as
    written and ``page.origin`` keeps the original, the alignment of the two
    files and its problems (``diags`` gets none of them).
    """
    if origin is not None:
        kept = origin if isinstance(origin, Origin) else Origin(origin)
        problems = Diagnostics(list(kept.problems))
        kept.pairs = _Pairer(langs, problems, paired_files=True).pair_files(
            kept.page.blocks, page.blocks)
        kept.problems = problems.items
        page.origin = kept
        page.digest = hashlib.sha256((page.digest + kept.page.digest).encode()).hexdigest()
    else:
        page.blocks = _Pairer(langs, diags).pair_interleaved(page.blocks, page.source)
    page.lang = langs.translation
    return page


# --------------------------------------------------------------------------
# Which side a block is on
# --------------------------------------------------------------------------

#: a container holding both languages: paired inside, shared as a whole
_MIXED = "mixed"


@dataclass
class _Item:
    block: Block
    side: str


@dataclass
class _Pairer:
    langs: LanguagePair
    diags: Diagnostics
    #: warnings held back per page so a page with no translation at all gets one warning
    untranslated: list[Pos] = field(default_factory=list)
    pairs_made: int = 0
    #: x.md and x_origin.md: compare the two files, change neither
    paired_files: bool = False

    # ---------------------------------------------------------------- sides

    def side(self, block: Block) -> str:
        """ORIGIN, TRANSLATION, NEUTRAL, AMBIGUOUS, UNKNOWN or _MIXED (a container of both)."""
        if isinstance(block, _ALWAYS_NEUTRAL):
            return NEUTRAL
        if isinstance(block, _CONTAINERS):
            parts = [b for item in block.items for b in item] if isinstance(block, ListBlock) \
                else list(block.children)
            if any(isinstance(b, CodeCell) and b.executable for b in walk_blocks(parts)):
                return _MIXED  # code inside: pair the prose around it, keep the code once
            if isinstance(block, ListBlock):
                sides = {self._item_side(item) for item in block.items} - {NEUTRAL}
            else:
                sides = {self.side(b) for b in parts} - {NEUTRAL}
            if _MIXED in sides or (ORIGIN in sides and TRANSLATION in sides):
                return _MIXED
            if sides == {ORIGIN} or sides == {ORIGIN, AMBIGUOUS}:
                return ORIGIN
            if sides == {TRANSLATION} or sides == {TRANSLATION, AMBIGUOUS}:
                return TRANSLATION
            return AMBIGUOUS if AMBIGUOUS in sides else (UNKNOWN if sides else NEUTRAL)
        verdict = self.langs.classify(block_text(block))
        if verdict.side == UNKNOWN:
            self.diags.warning(getattr(block, "pos", Pos("")),
                               f"this {_describe(block)} is written in {verdict.script or 'no known'} "
                               f"script, neither {self.langs.origin} nor {self.langs.translation}; it "
                               "is shown in both languages", "translation-language")
            return NEUTRAL
        if verdict.mixed:
            self.diags.warning(getattr(block, "pos", Pos("")),
                               f"this {_describe(block)} mixes {self.langs.origin} and "
                               f"{self.langs.translation} text; it is read as the translation. Put "
                               "the original and its translation in separate blocks",
                               "translation-mixed")
        return verdict.side

    def _item_side(self, item: list[Block]) -> str:
        sides = {self.side(b) for b in item} - {NEUTRAL}
        if _MIXED in sides or (ORIGIN in sides and TRANSLATION in sides):
            return _MIXED
        for side in (ORIGIN, TRANSLATION, AMBIGUOUS):
            if side in sides:
                return side
        return NEUTRAL

    # ---------------------------------------------------------------- interleaved

    def written_in_translation(self, blocks: list[Block]) -> bool:
        """Whether a page holds the translation alone, with no original to pair.

        d2lbook's ``[translation]`` section only drives its ``translate`` command:
        most translated d2l books (d2l-zh, d2l-ja, d2l-ko, d2l-tr) keep the
        translation alone in ``x.md``.  Such a page may still quote some
        original-language text (a link named "Discussions", an English term),
        so it counts as one when its translated prose outnumbers the rest
        three to one; an interleaved page holds as many originals as
        translations, an untranslated one more.
        """
        counts: Counter[str] = Counter()
        for block in walk_blocks(blocks):
            if isinstance(block, Paragraph):  # both languages in one paragraph count as both
                counts.update({self.langs.classify(text).side for text in line_texts(block)})
            elif isinstance(block, (Heading, Figure, Table)):
                counts[self.langs.classify(block_text(block)).side] += 1
        return counts[TRANSLATION] > 0 and 3 * counts[ORIGIN] <= counts[TRANSLATION]

    def pair_interleaved(self, blocks: list[Block], source: str) -> list[Block]:
        if self.written_in_translation(blocks):
            return blocks  # nothing to pair: the page is shared by both languages as written
        held = Diagnostics()
        real, self.diags = self.diags, held
        try:
            out = self.pair_sequence(blocks)
        finally:
            self.diags = real
        untranslated = [d for d in held.items if d.code == "untranslated"]
        if self.pairs_made == 0 and untranslated:
            # Nothing on the page is translated: one warning, not one per paragraph.
            self.diags.warning(Pos(source, 1), f"this page is not translated into "
                               f"{self.langs.translation} yet ({len(untranslated)} blocks in "
                               f"{self.langs.origin}); it is shown in the original language",
                               "untranslated")
            self.diags.extend(d for d in held.items if d.code != "untranslated")
        else:
            self.diags.extend(held.items)
        return out

    def pair_sequence(self, blocks: list[Block]) -> list[Block]:
        """Pair the blocks of one level (a page, a list item, a quote...)."""
        items = self._sides(self._split_lines(blocks))
        return self._pair_items(items, lists=False)

    def _split_lines(self, blocks: list[Block]) -> list[Block]:
        """A paragraph whose first lines are the original and last lines the translation
        (no blank line between them) becomes two paragraphs, with a warning."""
        out: list[Block] = []
        for block in blocks:
            if isinstance(block, Paragraph):
                out.extend(self._split_paragraph(block))
            else:
                out.append(block)
        return out

    def _split_paragraph(self, para: Paragraph) -> list[Block]:
        texts = line_texts(para)
        if len(texts) < 2 or self.langs.same_script:
            return [para]  # one script for both: a line says too little to cut on
        sides = [self.langs.classify(t).side for t in texts]
        cut = next((i for i, s in enumerate(sides) if s == TRANSLATION), None)
        if cut is None or cut == 0:
            return [para]
        before, after = sides[:cut], sides[cut:]
        if ORIGIN not in before or any(s not in (ORIGIN, NEUTRAL, AMBIGUOUS) for s in before) \
                or any(s not in (TRANSLATION, NEUTRAL, AMBIGUOUS) for s in after):
            return [para]
        tail = " ".join(texts[cut:])
        head = " ".join(texts[:cut])
        if share(count_scripts(tail), self.langs.translation) < 0.6 \
                or share(count_scripts(head), self.langs.translation) > 0:
            return [para]
        first, second = _split_children(para.children, cut)
        line = para.pos.line + cut
        self.diags.warning(Pos(para.pos.file, line), "the original and its translation are in one "
                           f"paragraph (the translation starts at line {line}); put a blank line "
                           "between them", "translation-split")
        return [Paragraph(first, para.pos), Paragraph(second, Pos(para.pos.file, line))]

    def _sides(self, blocks: list[Block]) -> list[_Item]:
        """Each block with its side; containers of both languages are paired inside."""
        items: list[_Item] = []
        previous: _Item | None = None  # the last block with a language
        for block in blocks:
            side = self.side(block)
            if side == _MIXED:
                items.append(_Item(self._pair_inside(block), NEUTRAL))
                continue
            if side == AMBIGUOUS:
                # Same script for both languages and nothing decides: alternate.
                side = TRANSLATION if previous is not None and previous.side == ORIGIN else ORIGIN
            elif side == ORIGIN and previous is not None and previous.side == ORIGIN \
                    and isinstance(block, Heading) and isinstance(previous.block, Heading) \
                    and _text_key(previous.block) and _text_key(previous.block) == _text_key(block):
                side = TRANSLATION  # the translator kept the heading as it was (a name)
            item = _Item(block, side)
            items.append(item)
            if side in (ORIGIN, TRANSLATION):
                previous = item
        return items

    def _pair_inside(self, block: Block) -> Block:
        if isinstance(block, ListBlock):
            return self._pair_list(block)
        block.children = self.pair_sequence(block.children)  # type: ignore[union-attr]
        return block

    def _pair_list(self, lst: ListBlock) -> ListBlock:
        items: list[_Item] = []
        previous = ""
        for item in lst.items:
            side = self._item_side(item)
            wrapper = ListBlock([item], lst.pos, lst.ordered, lst.start)
            if side == _MIXED:
                items.append(_Item(ListBlock([self.pair_sequence(item)], lst.pos), NEUTRAL))
                continue
            if side == AMBIGUOUS:
                side = TRANSLATION if previous == ORIGIN else ORIGIN
            items.append(_Item(wrapper, side))
            if side in (ORIGIN, TRANSLATION):
                previous = side
        paired = self._pair_items(items, lists=True)
        new_items: list[list[Block]] = []
        for block in paired:
            if isinstance(block, ListBlock):  # a shared item
                new_items.extend(block.items)
            elif isinstance(block, Translated):
                new_items.append(_pair_item_blocks(block))
        lst.items = new_items
        return lst

    def _pair_items(self, items: list[_Item], lists: bool) -> list[Block]:
        """Runs of originals, then of translations: pair them (see the module's docstring)."""
        out: list[Block] = []
        i, n = 0, len(items)
        last_pair: Translated | None = None
        while i < n:
            item = items[i]
            if item.side == NEUTRAL:
                out.append(item.block)
                last_pair = None  # a translation after this is not part of the pair before it
                i += 1
                continue
            if item.side == TRANSLATION:
                # Translations with no original right before them.
                j = i
                while j < n and items[j].side == TRANSLATION:
                    j += 1
                for extra in items[i:j]:
                    last_pair = self._extra_translation(extra.block, last_pair, out)
                i = j
                continue
            j = i
            while j < n and items[j].side == ORIGIN:
                j += 1
            originals = [it.block for it in items[i:j]]
            k = j
            while k < n and items[k].side == NEUTRAL:
                k += 1
            between = [it.block for it in items[j:k]]
            m = k
            while m < n and items[m].side == TRANSLATION:
                m += 1
            translations = [it.block for it in items[k:m]]
            repeated = m + len(between) <= n and all(
                items[m + x].side == NEUTRAL and _same_content(items[m + x].block, shared)
                for x, shared in enumerate(between))
            if between and not repeated and not all(isinstance(b, MathBlock) for b in between):
                translations = []  # code or a list in between: the translation is not this one's
            if not translations:
                for block in originals:
                    out.append(self._untranslated(block))
                last_pair = None
                i = j  # the neutral blocks are taken by the loop
                continue
            pairs = self._match(originals, translations, lists)
            out.extend(pairs)
            last_pair = None if between else next(
                (p for p in reversed(pairs) if isinstance(p, Translated) and p.original is not None), None)
            out.extend(between)
            # The same code or equation written again after the translation is dropped.
            i = m + len(between) if repeated and between else m
        return out

    def _match(self, originals: list[Block], translations: list[Block], lists: bool) -> list[Block]:
        """Pair a run of originals with the run of translations after it."""
        if len(originals) == len(translations) and all(
                _kind(o) == _kind(t) for o, t in zip(originals, translations)):
            if len(originals) > 1 and not lists:
                self.diags.warning(translations[0].pos, f"{len(originals)} blocks in "  # type: ignore[union-attr]
                                   f"{self.langs.origin} are followed by {len(translations)} in "
                                   f"{self.langs.translation} (from line {originals[0].pos.line}); "  # type: ignore[union-attr]
                                   "they are paired in order. Put each translation right after its "
                                   "original", "translation-order")
            return [self._make_pair(o, t) for o, t in zip(originals, translations)]
        # Otherwise the last original pairs with the first translation after it.
        out: list[Block] = [self._untranslated(o) for o in originals[:-1]]
        last, first = originals[-1], translations[0]
        if _kind(last) != _kind(first):
            out.append(self._untranslated(last))
            pair = None
            for extra in translations:
                pair = self._extra_translation(extra, pair, out)
            return out
        pair = self._make_pair(last, first)
        out.append(pair)
        for extra in translations[1:]:
            self._extra_translation(extra, pair, out)
        return out

    def _extra_translation(self, block: Block, pair: Translated | None, out: list[Block]) -> Translated:
        """A translation with no original of its own: part of the pair before it, or alone."""
        pos = block.pos  # type: ignore[union-attr]
        if pair is not None and pair.translation is not None and _kind(pair.translation) == _kind(block):
            self.diags.warning(pos, f"two translations in a row: this {_describe(block)} follows the "
                               f"translation at line {pair.translation.pos.line} with no "  # type: ignore[union-attr]
                               f"{self.langs.origin} original between them; both are kept as one "
                               "translation", "translation-extra")
            pair.more.append(block)
            return pair
        self.diags.warning(pos, f"this {_describe(block)} in {self.langs.translation} has no "
                           f"original in {self.langs.origin} before it; it is shown in the "
                           f"{self.langs.translation} book only", "translation-extra")
        alone = Translated(None, block, pos)
        out.append(alone)
        return alone

    def _untranslated(self, block: Block) -> Block:
        pos = block.pos  # type: ignore[union-attr]
        shown = (f"the {self.langs.translation} site shows the translation as written"
                 if self.paired_files else "it is shown in the original language")
        self.diags.warning(pos, f"this {_describe(block)} has no {self.langs.translation} "
                           f"translation; {shown}", "untranslated")
        return Translated(block, None, pos)

    def _make_pair(self, original: Block, translation: Block) -> Translated:
        self.pairs_made += 1
        _harmonise(original, translation, self.diags, change=not self.paired_files)
        self._compare(original, translation)
        return Translated(original, translation, original.pos)  # type: ignore[union-attr]

    def _compare(self, original: Block, translation: Block) -> None:
        """Warn when the translation does not keep the original's code, math, labels, links."""
        before, after = _facts(original), _facts(translation)
        problems = []
        for what in ("code", "math", "labels", "links"):
            missing = before[what] - after[what]
            added = after[what] - before[what]
            if missing or added:
                parts = []
                if missing:
                    parts.append("missing " + ", ".join(f"`{x}`" for x in sorted(missing)))
                if added:
                    parts.append("added " + ", ".join(f"`{x}`" for x in sorted(added)))
                problems.append(f"{what}: {'; '.join(parts)}")
        if isinstance(original, ListBlock) and isinstance(translation, ListBlock) \
                and len(original.items) != len(translation.items):
            problems.append(f"items: {len(original.items)} in the original, "
                            f"{len(translation.items)} in the translation")
        if problems:
            self.diags.warning(translation.pos, "the translation differs from its original at "  # type: ignore[union-attr]
                               f"{original.pos}: " + " | ".join(problems), "translation-mismatch")  # type: ignore[union-attr]

    # ---------------------------------------------------------------- paired files

    def pair_files(self, originals: list[Block], translations: list[Block]) -> list[Block]:
        """Align the blocks of ``x_origin.md`` with those of ``x.md``."""
        return self._align(originals, translations, coarse=False)

    def _align(self, originals: list[Block], translations: list[Block], coarse: bool) -> list[Block]:
        a = [_signature(b, coarse) for b in originals]
        b = [_signature(t, coarse) for t in translations]
        out: list[Block] = []
        matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                for o, t in zip(originals[i1:i2], translations[j1:j2]):
                    out.append(self._pair_aligned(o, t))
            elif op == "replace" and not coarse:
                out.extend(self._align(originals[i1:i2], translations[j1:j2], coarse=True))
            else:
                for o in originals[i1:i2]:
                    out.append(self._only_original(o))
                pair: Translated | None = None
                for t in translations[j1:j2]:
                    if _is_neutral_block(t):
                        self.diags.warning(_pos(t), f"this {_describe(t)} is not in the original "
                                           f"({self.langs.origin}); the books differ: add it "
                                           "to the original or remove it",
                                           "translation-mismatch")
                        out.append(t)
                    else:
                        pair = self._extra_translation(t, pair, out)
        return out

    def _pair_aligned(self, original: Block, translation: Block) -> Block:
        if _is_neutral_block(original) or _is_neutral_block(translation):
            if not _same_content(original, translation):
                self.diags.warning(_pos(translation), f"this {_describe(translation)} differs from the "
                                   f"original's at {_pos(original)}; the translation's is used. "
                                   "Bring it up to date with the original", "translation-mismatch")
            return translation
        # A list, quote or tab pairs as a whole: its inside is the translation's, as written.
        if _text_key(original) and _text_key(original) == _text_key(translation) \
                and len(_text_key(original).split()) >= 5:
            self.diags.warning(_pos(translation), f"this {_describe(translation)} is a copy of the "
                               f"original at {_pos(original)}, not a translation", "untranslated")
            return Translated(original, None, _pos(original))
        return self._make_pair(original, translation)

    def _only_original(self, block: Block) -> Block:
        if _is_neutral_block(block):
            self.diags.warning(_pos(block), f"this {_describe(block)} of the original is missing from "
                               "the translation; add it to the translation",
                               "translation-mismatch")
            return block
        return self._untranslated(block)



def _pair_item_blocks(pair: Translated) -> list[Block]:
    """A list item paired with an item: the blocks of the item, paired one by one."""
    o_item = pair.original.items[0] if isinstance(pair.original, ListBlock) else []
    t_items = [b for b in ([pair.translation] + pair.more) if isinstance(b, ListBlock)]
    t_blocks = [blk for t in t_items for item in t.items for blk in item if not _is_neutral_block(blk)]
    if pair.original is None:
        return [Translated(None, t, t.pos) for t in t_blocks]  # type: ignore[union-attr]
    if pair.translation is None:
        return [blk if _is_neutral_block(blk) else Translated(blk, None, _pos(blk)) for blk in o_item]
    out: list[Block] = []
    last: Translated | None = None
    for blk in o_item:
        if _is_neutral_block(blk):
            out.append(blk)
            continue
        trans = t_blocks.pop(0) if t_blocks else None
        last = Translated(blk, trans, _pos(blk), stale=pair.stale)
        out.append(last)
    if last is not None:
        last.more.extend(t_blocks)
    elif t_blocks:
        out.extend(Translated(None, t, _pos(t)) for t in t_blocks)
    return out


__all__ = ["pair_page"]
