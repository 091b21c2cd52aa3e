"""Any interleaving of English and Korean blocks: nothing lost, nothing doubled, no crash."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from divebook.diagnostics import Diagnostics
from divebook.languages.pairing import pair_page
from divebook.languages.script import LanguagePair, block_text
from divebook.reader.page import read_page
from divebook.languages.views import ORIGINAL, TRANSLATION, keep_language, side_by_side
from divebook.tree import CodeCell, Translated, child_blocks, walk_blocks

KINDS = ["en", "ko", "en_h", "ko_h", "code", "en_list", "ko_list", "mixed_list", "tab_en", "tab_ko",
         "tab_both", "en_fig", "ko_fig"]


def render(kinds: list[str]) -> tuple[str, list[str], list[str], int]:
    """Markdown for ``kinds``, with the English and Korean sentences it holds, and its code cells."""
    parts, english, korean, code = [], [], [], 0
    for n, kind in enumerate(kinds):
        en, ko = f"English sentence number {n}.", f"한국어 문장 번호 {n}."
        if kind == "en":
            parts.append(en)
            english.append(en)
        elif kind == "ko":
            parts.append(ko)
            korean.append(ko)
        elif kind == "en_h":
            parts.append(f"## Heading {n}")
            english.append(f"Heading {n}")
        elif kind == "ko_h":
            parts.append(f"## 제목 {n}")
            korean.append(f"제목 {n}")
        elif kind == "code":
            parts.append(f"```{{.python .input}}\nx = {n}\n```")
            code += 1
        elif kind == "en_list":
            parts.append(f"* {en}\n* Another point {n}.")
            english += [en, f"Another point {n}."]
        elif kind == "ko_list":
            parts.append(f"* {ko}\n* 다른 요점 {n}.")
            korean += [ko, f"다른 요점 {n}."]
        elif kind == "mixed_list":
            parts.append(f"* {en}\n* {ko}")
            english.append(en)
            korean.append(ko)
        elif kind == "tab_en":
            parts.append(f":begin_tab:`pytorch`\n{en}\n:end_tab:")
            english.append(en)
        elif kind == "tab_ko":
            parts.append(f":begin_tab:`pytorch`\n{ko}\n:end_tab:")
            korean.append(ko)
        elif kind == "tab_both":
            parts.append(f":begin_tab:`pytorch`\n{en}\n\n{ko}\n:end_tab:")
            english.append(en)
            korean.append(ko)
        elif kind == "en_fig":
            parts.append(f"![Figure caption {n}.](img/a.svg)")
            english.append(f"Figure caption {n}.")
        elif kind == "ko_fig":
            parts.append(f"![그림 설명 {n}.](img/a.svg)")
            korean.append(f"그림 설명 {n}.")
    return "\n\n".join(parts) + "\n", english, korean, code


def leaves(blocks) -> list[str]:
    """The sentences a view shows in its own language (not inside a leftover pair)."""
    out = []
    for b in blocks:
        if isinstance(b, Translated):
            continue
        if type(b).__name__ in ("Paragraph", "Heading", "Figure"):
            out.append(" ".join(block_text(b).split()))
        else:
            out.extend(leaves(list(child_blocks(b))))
    return out


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(KINDS), max_size=14))
def test_pairing_keeps_every_sentence_once(kinds):
    text, english, korean, code = render(kinds)
    diags = Diagnostics()
    page = read_page(Path("."), "p.md", text.encode(), ["pytorch", "mxnet"], diags)
    pair_page(page, LanguagePair("en", "ko"), diags)
    assert all(d.file == "p.md" and d.line > 0 for d in diags.items)
    # A page whose Korean outnumbers its English three to one is the translation alone
    # (d2l-zh's layout): nothing is paired and every view shows the page as written.
    alone = bool(korean) and 3 * len(english) <= len(korean)
    if english or korean:
        assert alone == (not any(isinstance(b, Translated) for b in walk_blocks(page.blocks)))
    if alone:
        assert not diags.items
        for view in (keep_language(page.blocks, TRANSLATION), keep_language(page.blocks, ORIGINAL)):
            assert sorted(leaves(view)) == sorted(english + korean)
        return
    translated = keep_language(page.blocks, TRANSLATION)
    original = keep_language(page.blocks, ORIGINAL)
    shown_ko = leaves(translated)
    shown_en = leaves(original)
    # The original view: every English sentence once, nothing Korean.
    assert sorted(shown_en) == sorted(english)
    # The translation view: every Korean sentence once; English ones only where untranslated.
    assert sorted(s for s in shown_ko if s in korean) == sorted(korean)
    assert not [s for s in shown_ko if s in english]
    marked = [" ".join(block_text(b.original).split()) for b in walk_blocks(translated)
              if isinstance(b, Translated) and b.translation is None]
    assert set(marked) <= set(english)
    # Code once in every view.
    for view in (translated, original, page.blocks):
        assert sum(isinstance(b, CodeCell) for b in walk_blocks(view)) == code
    # Side by side has every pair of the page.
    both = side_by_side(page.blocks, translated, original)
    assert sum(isinstance(b, Translated) for b in walk_blocks(both)) == \
        sum(isinstance(b, Translated) for b in walk_blocks(page.blocks))
