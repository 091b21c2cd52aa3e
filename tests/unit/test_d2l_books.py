"""Constructs that real d2lbook books other than d2l-en use, each in a tiny book of our own.

The translated d2l books (Chinese, Japanese, Korean, Turkish...) keep
``[translation] origin_lang`` in their config.ini, which d2lbook reads only
for its ``translate`` command; most of their pages hold the translation
alone.  d2lbook's own documentation uses images without captions.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from divebook.cli import main
from divebook.diagnostics import Diagnostics
from divebook.languages.pairing import pair_page
from divebook.languages.script import TRANSLATION, LanguagePair
from divebook.reader.page import read_page
from divebook.tree import Translated, walk_blocks

EN_ZH = LanguagePair("en", "zh")

TRANSLATED_CONFIG = """
    [project]
    name = mini
    title = 小书
    lang = zh

    [translation]
    origin_repo = someone/mini-en
    origin_lang = en

    [build]
    tabs = mxnet, pytorch
    exclusions = */*_origin.md
"""

#: A page written in Chinese alone, quoting some English as such pages do.
CHINESE_ONLY = """
    # 线性模型
    :label:`sec_linear`

    线性模型用加权和来预测，*权重*（weight）和*偏置*（bias）是它的参数。

    ## 训练

    我们用梯度下降来训练模型。

    * 第一步：计算损失。
    * 第二步：更新参数。

    :begin_tab:`mxnet`
    [Discussions](https://example.org/t/1)
    :end_tab:

    :begin_tab:`pytorch`
    [Discussions](https://example.org/t/2)
    :end_tab:
"""


def run(*args: str) -> int:
    return main(list(args))


def report(out: Path) -> dict:
    return json.loads((out / "report.json").read_text())


def read(text: str, langs: LanguagePair = EN_ZH) -> tuple[list, Diagnostics]:
    diags = Diagnostics()
    page = read_page(Path("."), "ch/page.md", textwrap.dedent(text).lstrip("\n").encode(),
                     ["mxnet", "pytorch"], diags)
    pair_page(page, langs, diags)
    return page.blocks, diags


def test_a_page_holding_the_translation_alone_is_not_paired():
    blocks, diags = read(CHINESE_ONLY)
    assert not any(isinstance(b, Translated) for b in walk_blocks(blocks))
    assert diags.items == []


def test_a_translated_book_without_originals_is_built_in_its_own_language(make_book, tmp_path):
    book = make_book({
        "config.ini": TRANSLATED_CONFIG,
        "index.md": """
            # 小书

            ```toc
            :numbered:

            ch/page
            ```
        """,
        "ch/page.md": CHINESE_ONLY,
    })
    out = tmp_path / "out"
    assert run("build", "html", "--no-eval", "-C", str(book), "--out", str(out)) == 0
    data = report(out)
    assert data["warnings"] == [] and data["errors"] == []
    assert data["book"]["langs"] == ["zh"]
    assert not (out / "html" / "en").exists() and not (out / "html" / "bilingual").exists()
    html = (out / "html" / "ch" / "page.html").read_text()
    assert '<html lang="zh"' in html and "线性模型用加权和来预测" in html


def test_a_page_left_in_the_original_does_not_make_such_a_book_bilingual(make_book, tmp_path):
    # d2l-ja kept its English title on the root page, its chapters hold Japanese alone
    book = make_book({
        "config.ini": TRANSLATED_CONFIG.replace("lang = zh", "lang = ja"),
        "index.md": """
            Dive into Tiny Books
            ====================

            ```toc
            :numbered:

            ch/page
            ```
        """,
        "ch/page.md": """
            # データ前処理

            これまで、既製のテンソルで届いた合成データを扱ってきました。

            * 入力を分けます。
            * 欠損値を補います。
        """,
    })
    out = tmp_path / "out"
    assert run("build", "html", "--no-eval", "-C", str(book), "--out", str(out)) == 0
    data = report(out)
    assert data["warnings"] == [] and data["book"]["langs"] == ["ja"]
    html = (out / "html" / "index.html").read_text()
    assert "Dive into Tiny Books" in html and 'class="untranslated"' not in html


def test_a_book_with_one_paired_page_keeps_its_other_pages_as_written(make_book, tmp_path):
    book = make_book({
        "config.ini": TRANSLATED_CONFIG,
        "index.md": """
            # 小书

            ```toc
            :numbered:

            ch/page
            ch/paired
            ```
        """,
        "ch/page.md": CHINESE_ONLY,
        "ch/paired.md": """
            # 梯度

            梯度指向函数增长最快的方向。
        """,
        "ch/paired_origin.md": """
            # Gradients

            The gradient points where the function grows fastest.
        """,
    })
    out = tmp_path / "out"
    assert run("build", "html", "--no-eval", "-C", str(book), "--out", str(out)) == 0
    data = report(out)
    assert data["warnings"] == [] and data["errors"] == []
    assert data["book"]["langs"] == ["zh", "en"]
    layouts = {p["source"]: p["layout"] for p in data["translation"]["pages"]}
    assert layouts["ch/paired.md"] == "paired" and layouts["ch/page.md"] == "translation only"
    assert "The gradient points" in (out / "html" / "en" / "ch" / "paired.html").read_text()


def test_turkish_letters_that_english_lacks_tell_a_short_title_apart():
    en_tr = LanguagePair("en", "tr")
    assert en_tr.classify("Kaynakça").side == TRANSLATION
    assert en_tr.classify("Özet").side == TRANSLATION


def test_figures_and_tables_without_caption_or_label_are_not_numbered(make_book, tmp_path):
    book = make_book({
        "index.md": """
            # Book

            ```toc
            :numbered:

            ch/a
            ```
        """,
        "ch/a.md": """
            # Pipeline

            ![](../img/x.svg)

            | a | b |
            |---|---|
            | 1 | 2 |

            ![The model.](../img/x.svg)
            :label:`fig_model`

            : Results

            | a | b |
            |---|---|
            | 3 | 4 |

            See :numref:`fig_model`.
        """,
        "img/x.svg": "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'/>",
    })
    out = tmp_path / "out"
    assert run("build", "html", "--no-eval", "-C", str(book), "--out", str(out)) == 0
    html = (out / "html" / "ch" / "a.html").read_text()
    assert html.count('class="caption-number"') == 2
    assert "Fig. 1.1</span> The model." in html and "Table 1.1</span> Results" in html
    assert 'href="#fig_model">Fig. 1.1</a>' in html
    assert "<figcaption></figcaption>" not in html


def test_a_line_break_between_chinese_characters_is_no_space(make_book, tmp_path):
    book = make_book({
        "config.ini": "[project]\nlang = zh\n",
        "index.md": """
            # 书

            我们先计算损失，
            再更新*参数*
            和偏置。
            Then English
            continues here.

            손실을 계산하고
            매개변수를 갱신합니다.
        """,
    })
    out = tmp_path / "out"
    assert run("build", "html", "--no-eval", "-C", str(book), "--out", str(out)) == 0
    html = (out / "html" / "index.html").read_text()
    assert "我们先计算损失，再更新<em>参数</em>和偏置。\nThen English\ncontinues here." in html
    assert "손실을 계산하고\n매개변수를" in html
