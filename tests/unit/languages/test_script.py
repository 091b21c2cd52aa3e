"""Script detection: which side of a bilingual book a piece of prose is on."""

from __future__ import annotations

import datetime
import tomllib
from pathlib import Path

import pytest

from divebook.languages.i18n import available, format_date, strings
from divebook.languages.script import (
    AMBIGUOUS, NEUTRAL, ORIGIN, TRANSLATION, UNKNOWN, LanguagePair, base_lang, block_text,
    count_scripts, inline_text, script_of_lang,
)
from divebook.tree import Code, Figure, Link, ListBlock, Math, Paragraph, Pos, Ref, Text

EN_KO = LanguagePair("en", "ko")


def test_scripts_are_counted_per_letter():
    counts = count_scripts("Deep 러닝 深度 ディープ Глубокое 123 !?")
    assert counts["Latin"] == 4 and counts["Hangul"] == 2 and counts["Han"] == 2
    assert counts["Kana"] == 4 and counts["Cyrillic"] == 8
    assert sum(counts.values()) == 20  # digits and punctuation are not letters


@pytest.mark.parametrize("text, side", [
    ("Deep learning has taken the world by surprise.", ORIGIN),
    ("딥러닝은 세상을 놀라게 했습니다.", TRANSLATION),
    # A translation keeps names and terms of the original and is still a translation.
    ("전반적으로 MXNet 라이브러리와 Gluon 인터페이스로 작업하게 될 것입니다.", TRANSLATION),
    ("Acknowledgments: bowen0701, Chaitanya Prakash Bapat, Rahul Agarwal 에게 감사드립니다.", TRANSLATION),
    # An English sentence quoting one Korean word stays English.
    ("The Korean word for deep learning is written 딥러닝 in this book, and we keep it.", ORIGIN),
    ("1 + 2 = 3", NEUTRAL),
    ("", NEUTRAL),
    ("Глубокое обучение изменило мир.", UNKNOWN),
])
def test_english_and_korean_are_told_apart(text, side):
    assert EN_KO.classify(text).side == side


def test_chinese_and_japanese_are_told_apart_by_kana():
    en_zh, en_ja = LanguagePair("en", "zh-CN"), LanguagePair("en", "ja")
    chinese, japanese = "深度学习改变了世界。", "深層学習は世界を変えました。"
    assert en_zh.classify(chinese).side == TRANSLATION
    assert en_ja.classify(japanese).side == TRANSLATION
    assert en_ja.classify(chinese).side == UNKNOWN  # Han without Kana is not Japanese
    assert en_zh.classify(japanese).side != TRANSLATION
    # Chinese as the original, English as the translation.
    zh_en = LanguagePair("zh", "en")
    assert zh_en.classify(chinese).side == ORIGIN and zh_en.classify("Deep learning").side == TRANSLATION


def test_latin_script_pairs_use_marks_and_common_words():
    en_vi = LanguagePair("en", "vi")
    assert en_vi.same_script
    assert en_vi.classify("Deep learning is a branch of machine learning.").side == ORIGIN
    assert en_vi.classify("Học sâu là một nhánh của học máy.").side == TRANSLATION
    assert en_vi.classify("Softmax").side == AMBIGUOUS  # a name: its place decides
    en_pt = LanguagePair("en", "pt")
    assert en_pt.classify("A regressão linear é uma das ferramentas mais simples.").side == TRANSLATION
    en_tr = LanguagePair("en", "tr")
    assert en_tr.classify("Doğrusal bağlanım en basit araçlardan biridir.").side == TRANSLATION


def test_a_mixed_block_is_flagged():
    verdict = EN_KO.classify("Deep learning changed the world. 딥러닝은 세상을 바꿨습니다.")
    assert verdict.side == TRANSLATION and verdict.mixed
    assert not EN_KO.classify("딥러닝은 세상을 바꿨습니다. 감사합니다, Rahul Agarwal.").mixed


def test_prose_leaves_out_code_math_urls_and_labels():
    nodes = [Text("See "), Code("np.dot"), Text(" and "), Math(r"\mathbf{x}"),
             Link("https://example.com/long/path", [Text("the site")]),
             Ref("numref", "sec_intro", Pos("x.md", 1))]
    text = inline_text(nodes)
    assert "np" not in text and "mathbf" not in text and "example" not in text
    assert "sec_intro" not in text and "the site" in text
    figure = Figure("img/a.svg", [Text("A caption")], Pos("x.md", 1))
    assert block_text(figure) == "A caption"
    lst = ListBlock([[Paragraph([Text("one")], Pos("x.md", 1))], [Paragraph([Text("two")], Pos("x.md", 2))]],
                    Pos("x.md", 1))
    assert block_text(lst) == "one two"


def test_language_codes():
    assert base_lang("zh-CN") == "zh" and base_lang("pt_BR") == "pt"
    assert script_of_lang("ko") == "Hangul" and script_of_lang("ja") == "Japanese"
    assert script_of_lang("vi") == "Latin" and script_of_lang("ru") == "Cyrillic"


# --------------------------------------------------------------------------
# UI strings
# --------------------------------------------------------------------------

I18N = Path(__file__).resolve().parents[3] / "src" / "divebook" / "languages" / "i18n"


def test_every_language_has_every_ui_string():
    english = tomllib.loads((I18N / "en.toml").read_text(encoding="utf-8"))
    assert {"en", "ko", "zh", "ja"} <= set(available())
    for lang in available():
        table = tomllib.loads((I18N / f"{lang}.toml").read_text(encoding="utf-8"))
        missing = set(english) - set(table) - {"months"}
        assert not missing, f"{lang}.toml lacks {sorted(missing)}"
        for key, value in table.items():
            if isinstance(value, str) and "{" in english.get(key, ""):
                # the same placeholders as English, so formatting never fails
                assert sorted(_fields(value)) == sorted(_fields(english[key])) or key == "date", (lang, key)


def _fields(text: str) -> list[str]:
    import string

    return [f for _, f, _, _ in string.Formatter().parse(text) if f]


def test_dates_and_references_read_as_each_language_writes_them():
    day = datetime.date(2026, 3, 5)
    assert format_date("en", day) == "March 5, 2026"
    assert format_date("ko", day) == "2026년 3월 5일"
    assert format_date("zh-CN", day) == "2026年3月5日"
    assert format_date("ja", day) == "2026年3月5日"
    assert strings("ko")["figure"].format(number="3.1") == "그림 3.1"
    assert strings("pt")["figure"] == strings("en")["figure"]  # no table yet: English
