"""Language views of paired blocks: one language, the other, or both side by side."""

from __future__ import annotations

import textwrap
from pathlib import Path

from divebook.diagnostics import Diagnostics
from divebook.languages.pairing import pair_page
from divebook.languages.script import LanguagePair, block_text
from divebook.reader.page import read_page
from divebook.languages.views import (
    ORIGINAL, TRANSLATION, keep_language, resolve_page_language, side_by_side,
)
from divebook.languages.status import page_status
from divebook.tree import (
    CodeCell, Heading, ListBlock, Paragraph, Translated, plain_text, walk_blocks,
)

EN_KO = LanguagePair("en", "ko")

SOURCE = """
    # Title
    :label:`sec_t`

    # 제목

    First paragraph.

    첫 번째 문단.

    이어지는 번역 문단.

    ```{.python .input}
    x = 1
    ```

    Untranslated paragraph.

    * One item.
    * 항목 하나.
    * Untranslated item.

    역자 주: 덧붙인 문단.
"""


def paired_page():
    diags = Diagnostics()
    page = read_page(Path("."), "p.md", textwrap.dedent(SOURCE).lstrip("\n").encode(), ["python"], diags)
    return pair_page(page, EN_KO, diags), diags


def texts(blocks) -> list[str]:
    out = []
    for b in blocks:
        if isinstance(b, Translated):
            out.append("[untranslated] " + " ".join(block_text(b.original).split()))
        elif isinstance(b, ListBlock):
            out.append("list: " + " / ".join(" ".join(texts(item)) for item in b.items))
        elif isinstance(b, CodeCell):
            out.append("code")
        else:
            out.append(" ".join(block_text(b).split()))
    return out


def test_the_translation_view_keeps_translations_and_marks_the_rest():
    page, _ = paired_page()
    view = keep_language(page.blocks, TRANSLATION)
    assert texts(view) == [
        "제목", "첫 번째 문단.", "이어지는 번역 문단.", "code", "[untranslated] Untranslated paragraph.",
        "list: 항목 하나. / [untranslated] Untranslated item.", "역자 주: 덧붙인 문단.",
    ]
    assert view[0].label == "sec_t"
    # the pairs themselves are left as they were (the side-by-side view needs them)
    assert isinstance(page.blocks[0], Translated)


def test_the_original_view_keeps_originals_and_drops_additions():
    page, _ = paired_page()
    view = keep_language(page.blocks, ORIGINAL)
    assert texts(view) == ["Title", "First paragraph.", "code", "Untranslated paragraph.",
                           "list: One item. / Untranslated item."]
    assert not any(isinstance(b, Translated) for b in walk_blocks(view))


def test_an_untranslated_list_is_marked_item_by_item():
    diags = Diagnostics()
    text = "# T\n\n# 티\n\n* a first point\n* a second point\n"
    page = pair_page(read_page(Path("."), "p.md", text.encode(), ["python"], diags), EN_KO, diags)
    view = keep_language(page.blocks, TRANSLATION)
    lst = view[1]
    assert isinstance(lst, ListBlock)  # still a list, so it renders as one
    assert all(isinstance(item[0], Translated) and item[0].translation is None for item in lst.items)


def test_page_title_follows_the_view():
    page, _ = paired_page()
    resolve_page_language(page, TRANSLATION, "ko")
    assert plain_text(page.title) == "제목" and page.lang == "ko"


def test_side_by_side_aligns_every_pair():
    page, _ = paired_page()
    translated = keep_language(page.blocks, TRANSLATION)
    original = keep_language(page.blocks, ORIGINAL)
    for b in walk_blocks(original):
        if isinstance(b, Heading):
            b.anchor = "title"
    both = side_by_side(page.blocks, translated, original)
    rows = [(" ".join(block_text(b.original).split()) if b.original else "",
             " ".join(block_text(b.translation).split()) if b.translation else "",
             [" ".join(block_text(m).split()) for m in b.more])
            for b in walk_blocks(both) if isinstance(b, Translated)]
    assert rows == [
        ("Title", "제목", []),
        ("First paragraph.", "첫 번째 문단.", ["이어지는 번역 문단."]),
        ("Untranslated paragraph.", "", []),
        ("One item.", "항목 하나.", []),
        ("Untranslated item.", "", []),
        ("", "역자 주: 덧붙인 문단.", []),
    ]
    assert sum(isinstance(b, CodeCell) for b in walk_blocks(both)) == 1
    # ids stay unique: the original's anchors move aside when a translation carries them
    assert both[0].original.anchor == "original-title"


def test_status_counts_translated_missing_stale_and_added():
    page, _ = paired_page()
    for b in walk_blocks(page.blocks):
        if isinstance(b, Translated) and b.original is not None and b.translation is not None \
                and isinstance(b.original, Paragraph) and "First" in block_text(b.original):
            b.stale = True
    status = page_status(page)
    assert (status["translated"], status["missing"], status["stale"], status["added"]) == (2, 2, 1, 1)
    assert status["paragraphs"] == 5 and status["percent"] == 40.0
    assert status["title"] == "제목" and status["layout"] == "interleaved"
    items = {(i["status"], i["line"]) for i in status["items"]}
    assert items == {("stale", 6), ("missing", 16), ("missing", 20)}
