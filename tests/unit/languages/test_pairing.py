"""Pairing originals with translations: interleaved pages and paired files."""

from __future__ import annotations

import textwrap
from pathlib import Path

from divebook.diagnostics import Diagnostics
from divebook.languages.files import companion_of, is_companion
from divebook.languages.pairing import pair_page
from divebook.languages.script import LanguagePair, block_text
from divebook.reader.page import read_page
from divebook.tree import (
    CodeCell, Heading, ListBlock, MathBlock, Paragraph, TabContent, Translated, walk_blocks,
)

EN_KO = LanguagePair("en", "ko")
TABS = ["pytorch", "mxnet"]


def read(text: str, source: str = "ch/page.md", origin: str | None = None,
         langs: LanguagePair = EN_KO) -> tuple[list, Diagnostics]:
    """The page's pairs and the problems found (paired files: the alignment and its problems)."""
    diags = Diagnostics()
    data = textwrap.dedent(text).lstrip("\n").encode()
    page = read_page(Path("."), source, data, TABS, diags)
    if origin is None:
        pair_page(page, langs, diags)
        return page.blocks, diags
    written = read_page(Path("."), source, data, TABS, Diagnostics()).blocks
    origin_page = read_page(Path("."), companion_of(source),
                            textwrap.dedent(origin).lstrip("\n").encode(), TABS, Diagnostics())
    pair_page(page, langs, diags, origin_page)
    assert diags.items == []  # pairing problems are the translation's, kept with the page
    assert page.blocks == written  # x.md as written: the translation's site shows it alone
    assert page.origin is not None and page.origin.page is origin_page
    return page.origin.pairs, Diagnostics(page.origin.problems)


def words(block) -> str:
    return " ".join(block_text(block).split()) if block is not None else ""


def pairs(blocks) -> list[tuple[str, str]]:
    return [(words(b.original), words(b.translation)) for b in walk_blocks(blocks)
            if isinstance(b, Translated)]


def codes(diags: Diagnostics) -> list[tuple[int, str]]:
    return [(d.line, d.code) for d in diags.items]


INTERLEAVED = """
    # Linear Regression
    :label:`sec_linreg`

    # 선형 회귀

    Regression problems pop up whenever we want to predict a number.

    회귀 문제는 숫자를 예측하고 싶을 때마다 나타납니다.

    ```{.python .input}
    #@tab all
    import math
    ```

    The loss is the squared error $l = (y - \\hat{y})^2$.

    손실은 제곱 오차 $l = (y - \\hat{y})^2$ 입니다.
"""


def test_interleaved_blocks_become_pairs_and_code_is_shared():
    blocks, diags = read(INTERLEAVED)
    assert pairs(blocks) == [
        ("Linear Regression", "선형 회귀"),
        ("Regression problems pop up whenever we want to predict a number.",
         "회귀 문제는 숫자를 예측하고 싶을 때마다 나타납니다."),
        ("The loss is the squared error .", "손실은 제곱 오차 입니다."),
    ]
    top = [type(b).__name__ for b in blocks]
    assert top == ["Translated", "Translated", "CodeCell", "Translated"]
    cells = [b for b in walk_blocks(blocks) if isinstance(b, CodeCell)]
    assert len(cells) == 1  # once, outside the pairs
    # the label written under the English heading belongs to both
    heading = blocks[0]
    assert heading.original.label == heading.translation.label == "sec_linreg"
    assert heading.pos.line == 1 and heading.translation.pos.line == 4
    assert diags.items == []


def test_an_original_without_translation_is_kept_and_reported():
    blocks, diags = read("""
        # Title

        # 제목

        This paragraph was never translated.

        ## Next

        ## 다음
    """)
    assert pairs(blocks) == [("Title", "제목"), ("This paragraph was never translated.", ""),
                             ("Next", "다음")]
    assert blocks[1].translation is None
    assert codes(diags) == [(5, "untranslated")]
    assert "no ko translation" in diags.items[0].message


def test_two_translations_in_a_row_are_one_translation():
    blocks, diags = read("""
        We set out to create a resource.

        우리는 자료를 만들기 시작했습니다.

        이 자료는 모든 사람이 자유롭게 이용할 수 있습니다.
    """)
    assert len(blocks) == 1
    pair = blocks[0]
    assert words(pair.translation) == "우리는 자료를 만들기 시작했습니다."
    assert [words(b) for b in pair.more] == ["이 자료는 모든 사람이 자유롭게 이용할 수 있습니다."]
    assert codes(diags) == [(5, "translation-extra")]
    assert "two translations in a row" in diags.items[0].message


def test_a_translation_with_no_original_is_a_translators_addition():
    blocks, diags = read("""
        ```{.python .input}
        x = 1
        ```

        역자 주: 이 절은 번역하면서 덧붙였습니다.

        The end.

        끝.
    """)
    added = blocks[1]
    assert isinstance(added, Translated) and added.original is None
    assert words(added.translation).startswith("역자 주")
    assert codes(diags) == [(5, "translation-extra")]


def test_a_paragraph_holding_both_languages_is_cut_at_the_line_where_the_translation_starts():
    blocks, diags = read("""
        Running `aws s3 ls` also fails at first.
        `aws s3 ls` 실행도 처음에는 실패합니다.
    """)
    assert pairs(blocks) == [("Running also fails at first.", "실행도 처음에는 실패합니다.")]
    assert blocks[0].translation.pos.line == 2
    assert codes(diags) == [(2, "translation-split")]


def test_heading_levels_follow_the_original():
    blocks, diags = read("""
        ### Learning by Doing

        ## 직접 하면서 배우기
    """)
    assert blocks[0].translation.level == 3
    assert codes(diags) == [(3, "translation-heading")]


def test_differences_in_code_math_labels_and_links_are_reported():
    blocks, diags = read("""
        Call `net.forward` on $\\mathbf{x}$ as in :numref:`sec_a`, see [the docs](http://a.org).

        `net.backward` 를 $\\mathbf{x}$ 에 호출합니다. [문서](https://a.org/) 를 보세요.
    """)
    assert len(pairs(blocks)) == 1
    (line, code), = codes(diags)
    assert (line, code) == (3, "translation-mismatch")
    message = diags.items[0].message
    assert "at ch/page.md:1" in message
    assert "code: missing `net.forward`; added `net.backward`" in message
    assert "labels: missing `sec_a`" in message
    assert "links" not in message  # http/https and a trailing slash are the same link
    assert "math" not in message


def test_summary_lists_pair_item_by_item():
    blocks, diags = read("""
        ## Summary

        ## 요약

        * In many cases training and test data differ.
        * Covariate shift can be detected.
        * 많은 경우에 학습 데이터와 테스트 데이터는 다릅니다.
        * 공변량 이동은 탐지할 수 있습니다.

        - Alternating: first.
        - 번갈아: 첫째.
        - Alternating: second.
        - 번갈아: 둘째.
    """)
    lists = [b for b in blocks if isinstance(b, ListBlock)]
    assert len(lists) == 2
    assert [len(lst.items) for lst in lists] == [2, 2]
    assert pairs(blocks)[1:] == [
        ("In many cases training and test data differ.", "많은 경우에 학습 데이터와 테스트 데이터는 다릅니다."),
        ("Covariate shift can be detected.", "공변량 이동은 탐지할 수 있습니다."),
        ("Alternating: first.", "번갈아: 첫째."),
        ("Alternating: second.", "번갈아: 둘째."),
    ]
    assert diags.items == []


def test_tab_prose_pairs_inside_the_tab_and_whole_tabs_pair_too():
    blocks, diags = read("""
        :begin_tab:`mxnet`
        We import `np` from MXNet.

        MXNet에서 `np`를 가져옵니다.
        :end_tab:

        :begin_tab:`pytorch`
        We import `torch`.
        :end_tab:

        :begin_tab:`pytorch`
        `torch`를 가져옵니다.
        :end_tab:
    """)
    first, second = blocks
    assert isinstance(first, TabContent) and first.tabs == ["mxnet"]
    assert [type(b).__name__ for b in first.children] == ["Translated"]
    assert isinstance(second, Translated) and isinstance(second.translation, TabContent)
    assert diags.items == []


def test_an_equation_written_after_both_languages_appears_once():
    blocks, diags = read("""
        The model is linear:

        $$\\hat{y} = w x + b.$$

        모델은 선형입니다:

        $$\\hat{y} = w x + b.$$

        Next.

        다음.
    """)
    assert [type(b).__name__ for b in blocks] == ["Translated", "MathBlock", "Translated"]
    assert len([b for b in walk_blocks(blocks) if isinstance(b, MathBlock)]) == 1


def test_originals_then_as_many_translations_pair_in_order_with_a_warning():
    blocks, diags = read("""
        ## Code

        Most code is based on MXNet.

        ## 코드

        대부분의 코드는 MXNet 기반입니다.
    """)
    assert pairs(blocks) == [("Code", "코드"), ("Most code is based on MXNet.", "대부분의 코드는 MXNet 기반입니다.")]
    assert codes(diags) == [(5, "translation-order")]


def test_unknown_scripts_are_shared_and_reported():
    blocks, diags = read("""
        Hello.

        안녕하세요.

        Здравствуйте, это русский текст.
    """)
    assert isinstance(blocks[1], Paragraph)  # in both languages
    assert codes(diags) == [(5, "translation-language")]
    assert "Cyrillic" in diags.items[0].message


def test_a_page_with_no_translation_gets_one_warning():
    blocks, diags = read("""
        # Appendix

        Nothing here is translated.

        Nor here.
    """)
    assert all(isinstance(b, Translated) and b.translation is None for b in blocks)
    assert codes(diags) == [(1, "untranslated")]
    assert "not translated into ko yet (3 blocks" in diags.items[0].message


def test_a_page_written_only_in_the_translation_is_left_alone():
    blocks, diags = read("""
        # 역자 서문

        이 책의 번역에 대하여.
    """)
    added = [b for b in blocks if isinstance(b, Translated)]
    assert all(b.original is None for b in added)


def test_same_script_languages_alternate_when_nothing_decides():
    blocks, diags = read("""
        ## Softmax

        ## Softmax

        The softmax function turns scores into probabilities.

        Hàm softmax biến các điểm số thành xác suất.
    """, langs=LanguagePair("en", "vi"))
    assert pairs(blocks) == [("Softmax", "Softmax"),
                             ("The softmax function turns scores into probabilities.",
                              "Hàm softmax biến các điểm số thành xác suất.")]
    assert diags.items == []


# --------------------------------------------------------------------------
# Paired files: x.md (translation) and x_origin.md (original)
# --------------------------------------------------------------------------

ORIGIN = """
    # Data Manipulation
    :label:`sec_ndarray`

    To start, we import the library.

    ```{.python .input}
    import numpy as np
    ```

    A tensor represents an array of numbers.

    ```{.python .input}
    x = np.arange(12)
    ```

    ## Operations

    We can apply operations elementwise.
"""

TRANSLATED = """
    # 데이터 조작

    먼저 라이브러리를 가져옵니다.

    ```{.python .input}
    import numpy as np
    ```

    텐서는 숫자 배열을 나타냅니다.

    ```{.python .input}
    x = np.arange(12)
    ```

    ## 연산

    We can apply operations elementwise.
"""


def test_paired_files_align_on_their_code():
    blocks, diags = read(TRANSLATED, origin=ORIGIN)
    assert [type(b).__name__ for b in blocks] == [
        "Translated", "Translated", "CodeCell", "Translated", "CodeCell", "Translated", "Translated"]
    assert pairs(blocks)[:4] == [
        ("Data Manipulation", "데이터 조작"),
        ("To start, we import the library.", "먼저 라이브러리를 가져옵니다."),
        ("A tensor represents an array of numbers.", "텐서는 숫자 배열을 나타냅니다."),
        ("Operations", "연산"),
    ]
    # the original's line, in the original's file
    assert blocks[1].original.pos.file == "ch/page_origin.md" and blocks[1].original.pos.line == 4
    assert blocks[1].translation.pos.file == "ch/page.md" and blocks[1].translation.pos.line == 3
    # a copy of the original is not a translation
    last = blocks[-1]
    assert last.translation is None
    assert codes(diags) == [(1, "translation-mismatch"), (17, "untranslated")]
    assert "only the original is labelled (`sec_ndarray`" in diags.items[0].message
    assert blocks[0].translation.label is None  # x.md is not changed: it has no label


def test_paired_files_report_what_is_missing_and_what_changed():
    translated = TRANSLATED.replace("    텐서는 숫자 배열을 나타냅니다.\n\n", "").replace(
        "x = np.arange(12)", "x = np.arange(10)")
    blocks, diags = read(translated, origin=ORIGIN)
    found = {(d.file, d.line, d.code) for d in diags.items}
    assert ("ch/page_origin.md", 10, "untranslated") in found
    assert ("ch/page.md", 9, "translation-mismatch") in found
    cells = [b for b in walk_blocks(blocks) if isinstance(b, CodeCell)]
    assert len(cells) == 2 and {c.pos.file for c in cells} == {"ch/page.md"}


def test_companion_names():
    assert companion_of("ch/x.md") == "ch/x_origin.md"
    assert is_companion("ch/x_origin.md", {"ch/x.md", "ch/x_origin.md"})
    assert not is_companion("ch/x_origin.md", {"ch/x_origin.md"})
    assert not is_companion("ch/x.md", {"ch/x.md"})


def test_the_real_preface_pairs_every_translated_paragraph():
    """The corpus example: pairs found by an independent, simpler reading of the file."""
    import re

    from tests.conftest import require_corpus

    text = (require_corpus("bilingual") / "bilingual" / "preface.md").read_text(encoding="utf-8")
    blocks, diags = read(text, source="preface.md")
    # The oracle: chunks between blank lines; a Hangul chunk right after a Latin one is its translation.
    chunks, line = [], 1
    for chunk in re.split(r"(\n\s*\n)", text):
        if chunk.strip() and not chunk.startswith("\n"):
            first = line + len(chunk) - len(chunk.lstrip("\n"))
            chunks.append((first, chunk))
        line += chunk.count("\n")
    hangul = re.compile("[\uac00-\ud7af]")
    expected = []
    for (l1, c1), (l2, c2) in zip(chunks, chunks[1:]):
        if not hangul.search(c1) and re.search("[A-Za-z]", c1) and hangul.search(c2) \
                and not c1.startswith("```"):
            expected.append((l1, l2))
    found = [(b.original.pos.line, b.translation.pos.line) for b in walk_blocks(blocks)
             if isinstance(b, Translated) and b.original is not None and b.translation is not None]
    assert found == expected and len(found) == 19
    # the one code cell is shared, once
    assert len([b for b in walk_blocks(blocks) if isinstance(b, CodeCell)]) == 1
    assert not any(isinstance(b, CodeCell) for t in walk_blocks(blocks) if isinstance(t, Translated)
                   for b in walk_blocks([x for x in (t.original, t.translation) if x is not None]))
    # every heading is paired or kept untranslated, never lost
    heading_lines, in_fence = [], False
    for number, source_line in enumerate(text.split("\n"), 1):
        if source_line.startswith("```"):
            in_fence = not in_fence
        elif not in_fence and re.match(r"#{1,6} ", source_line):
            heading_lines.append(number)
    assert [b.pos.line for b in walk_blocks(blocks) if isinstance(b, Heading)] == heading_lines


def test_a_book_says_which_language_is_the_original(tmp_path):
    from divebook.config import load_config
    from divebook.languages.book import book_languages

    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "divebook.toml").write_text('[project]\nlang = "ko"\n\n[translation]\norigin_lang = "en"\n')
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "config.ini").write_text("[project]\nlang = zh\n\n[translation]\norigin_lang = en\n")
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "config.ini").write_text("[project]\nlang = en\n\n[translation]\norigin_lang = en\n")
    assert book_languages(load_config(tmp_path / "a", Diagnostics())) == LanguagePair("en", "ko")
    assert book_languages(load_config(tmp_path / "b", Diagnostics())) == LanguagePair("en", "zh")
    assert book_languages(load_config(tmp_path / "c", Diagnostics())) is None


def test_a_block_mixing_both_languages_on_one_line_is_reported():
    # (an interleaved page: a page of the mixed line alone would be the translation alone)
    blocks, diags = read("""
        # Deep Learning

        # 딥러닝

        Deep learning changed the world. 딥러닝은 세상을 바꿨습니다.
    """)
    assert codes(diags) == [(5, "translation-mixed"), (5, "translation-extra")]
