"""Real PDFs from small books: xelatex through latexmk, read back with poppler.

Korean text keeps its word spaces in the text layer, numbered references
match the website's, the PDF of another tab has that tab's code, LaTeX
errors are reported at the Markdown line, and random prose always compiles.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from divebook.context import BuildOptions
from divebook.build import prepare, read_stage, transform_stage
from divebook.cli import main
from divebook.diagnostics import Diagnostics
from divebook.languages.i18n import strings as ui_strings
from divebook.tree import (
    Code, CodeCell, Figure, Heading, Link, Output, Paragraph, Ref, Table, TableCell, Text,
    walk_blocks,
)
from divebook.writers.latex.book import write_pdf
from divebook.writers.latex.run import needs_rerun
from tests.conftest import REPO, require_tool, write_book
from tests.unit.writers.latex.test_images import make_png

pytestmark = pytest.mark.tex


@pytest.fixture(autouse=True)
def tex_tools():
    for tool in ("xelatex", "latexmk", "pdftotext", "pdftoppm", "rsvg-convert"):
        require_tool(tool)


SVG_PLOT = ("<svg xmlns='http://www.w3.org/2000/svg' width='120' height='80'>"
            "<rect width='120' height='80' fill='white'/><path d='M0 80 L120 0' stroke='black'/></svg>")


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def ink(pdf: Path, page: int, work: Path) -> float:
    """The share of dark pixels on one page, rendered by pdftoppm (grey, 30 dpi)."""
    stem = work / f"ink-{page}"
    subprocess.run(["pdftoppm", "-gray", "-r", "30", "-f", str(page), "-l", str(page), str(pdf),
                    str(stem)], check=True)
    (pgm,) = work.glob(f"ink-{page}*.pgm")
    data = pgm.read_bytes()
    header = data.split(b"\n", 3)  # P5, width height, maxval, pixels
    width, height = map(int, header[1].split())
    pixels = data[-width * height:]
    return sum(1 for b in pixels if b < 128) / len(pixels)


KOREAN = {
    "config.ini": """
        [project]
        name = hangul
        title = 한국어 책
        author = 홍길동
        lang = ko

        [build]
        tabs = pytorch, mxnet
    """,
    "index.md": """
        # 한국어 책

        ```toc
        :numbered:

        ch/index
        ```
    """,
    "ch/index.md": """
        # 기초
        :label:`chap_basics`

        ```toc
        line
        ```
    """,
    "ch/line.md": """
        # 직선
        :label:`sec_line`

        불과 몇 년 전만 해도 딥러닝은 낯선 분야였습니다.

        직선은 기울기와 절편으로 정해집니다.

        $$y = w x + b$$
        :eqlabel:`eq_line`

        ![직선의 그림](../img/line.svg)
        :width:`240px`
        :label:`fig_line`

        : 데이터 표
        :label:`tab_data`

        | x | y |
        |---|---|
        | 0 | 1 |

        :numref:`fig_line`과 :numref:`tab_data`를 보세요.

        식 :eqref:`eq_line`을 다시 봅니다.

        앞의 :numref:`sec_line`을 참고하세요.

        ```{.python .input}
        #@tab pytorch
        x = "파이토치 코드"
        ```

        ```{.python .input}
        #@tab mxnet
        x = "엠엑스넷 코드"
        ```
    """,
}


def test_korean_text_keeps_its_spaces_and_references_read_in_korean(make_book, tmp_path):
    root = make_book({**KOREAN, "img/line.svg": SVG_PLOT})
    status = main(["build", "pdf", "--no-eval", "-C", str(root), "-q"])
    report = json.loads((root / "_build" / "report.json").read_text())
    assert status == 0, report["errors"] + report["warnings"]
    pdf = root / "_build" / "pdf" / "hangul.pdf"
    text = one_line(pdf_text(pdf))
    assert "불과 몇 년 전만 해도 딥러닝은 낯선 분야였습니다." in text
    assert "직선은 기울기와 절편으로 정해집니다." in text
    assert "그림 1.1.1과 표 1.1.1를 보세요." in text
    assert "식 (1.1.1)을 다시 봅니다." in text
    assert "앞의 1.1절을 참고하세요." in text
    assert "그림 1.1.1 직선의 그림" in text and "표 1.1.1 데이터 표" in text
    assert "파이토치 코드" in text and "엠엑스넷" not in text
    assert "목차" in text
    pages = int(re.search(r"Pages:\s+(\d+)",
                          subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                         text=True).stdout).group(1))
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(tmp_path / "page")], check=True)
    pngs = sorted(tmp_path.glob("page-*.png"))
    assert len(pngs) == pages
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)
    assert ink(pdf, pages, tmp_path) > 0.001  # the last page (the chapter) has text and a figure


def test_chinese_punctuation_stays_in_the_cjk_font(make_book):
    # d2l-zh's PDF once lost 、（）：《》 to the Latin font, which has none of them
    root = make_book({"config.ini": "[project]\nname = zh\ntitle = 书\nlang = zh\n",
                      "index.md": "# 书\n\n```toc\nch\n```\n",
                      "ch.md": "# 第一章\n\n线性回归（linear regression）：见《深度学习》、"
                               "\u201c数据\u201d和 what\u2019s next\u2014简单。\n"})
    status = main(["build", "pdf", "--no-eval", "-C", str(root), "-q"])
    report = json.loads((root / "_build" / "report.json").read_text())
    assert status == 0 and not [w for w in report["warnings"] if w["code"] == "missing-glyph"], report["warnings"]
    text = one_line(pdf_text(root / "_build" / "pdf" / "zh.pdf"))
    assert "线性回归（linearregression）：见《深度学习》、" in text.replace(" ", "")  # full-width glyphs: pdftotext spaces them
    assert "what\u2019s next" in text


def pdf_words(pdf: Path) -> list[tuple[str, float, float, float]]:
    """Each word pdftotext finds: its text, left and right edge, and top (points)."""
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    return [(m[4], float(m[1]), float(m[3]), float(m[2])) for m in re.finditer(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', xml)]


def line_width(words: list[tuple[str, float, float, float]], first: str) -> float:
    """The width, edge to edge, of the line whose text (spaces left out) starts with ``first``."""
    for top in sorted({y for *_, y in words}):
        line = sorted((left, right, text) for text, left, right, y in words if abs(y - top) < 1)
        if "".join(text for *_, text in line).startswith(first):
            return line[-1][1] - line[0][0]
    raise AssertionError(f"no line of the PDF starts with {first!r}")


def test_chinese_punctuation_is_full_width_and_a_full_stop_takes_one_space(make_book):
    # kotex halves CJK punctuation (the Korean way): d2l-zh's ， then read as a Latin comma;
    # quotes stay narrow (full width, ”）。 is three ems)
    root = make_book({"config.ini": "[project]\nname = zh\ntitle = 书\nlang = zh\n",
                      "index.md": "# 书\n\n```toc\nch\n```\n",
                      "ch.md": "# 第一章\n\n甲乙丙丁戊\n\n甲，丙；丁：戊\n\n甲\u201c乙\u201d丙\n\n"
                               "Zhang et al. (2023) wrote it.\n"})
    status = main(["build", "pdf", "--no-eval", "-C", str(root), "-q"])
    report = json.loads((root / "_build" / "report.json").read_text())
    assert status == 0, report["errors"] + report["warnings"]
    words = pdf_words(root / "_build" / "pdf" / "zh.pdf")
    five = line_width(words, "甲乙丙丁戊")
    assert line_width(words, "甲，") >= five * 7 / 5 * 0.99  # seven full ems, not 4 + 3 halves
    assert line_width(words, "甲\u201c") < five * 4.5 / 5  # the quotes narrow, not two more ems
    gaps = {a[0]: b[1] - a[2] for a, b in zip(words, words[1:]) if a[3] == b[3]}
    assert gaps["al."] == pytest.approx(gaps["Zhang"], abs=0.3)  # no sentence space after al.


def test_a_display_after_its_sentence_has_no_empty_line_above_it(make_book):
    # a blank line before \\begin{equation} starts an empty paragraph: a line of space above
    root = make_book({"index.md": "# Book\n\n```toc\nch\n```\n",
                      "ch.md": "# One\n\nThe sum of two and two is given by the well known formula\n\n"
                               "$$\\sum_{i=1}^{2} 2 = 4$$\n\nand it holds for every reader who adds.\n"})
    status = main(["build", "pdf", "--no-eval", "-C", str(root), "-q"])
    report = json.loads((root / "_build" / "report.json").read_text())
    assert status == 0, report["errors"] + report["warnings"]
    xml = subprocess.run(["pdftotext", "-bbox", "-f", "3", str(root / "_build" / "pdf" / "book.pdf"), "-"],
                         capture_output=True, text=True, check=True).stdout
    boxes = [(m[3], float(m[1]), float(m[2])) for m in re.finditer(
        r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', xml)]
    before = next(bottom for word, _, bottom in boxes if word == "formula")
    after = next(top for word, top, _ in boxes if word == "holds")
    display = [(top, bottom) for _, top, bottom in boxes if before < top and bottom < after]
    above = min(top for top, _ in display) - before
    below = after - max(bottom for _, bottom in display)
    assert above < below + 2, (above, below)


def test_a_table_column_of_short_words_is_not_squeezed(make_book):
    # d2l-en's table 1.5.1 printed "Mem-ory" and "100" over "MB" beside two wordy columns
    rows = "".join(f"| {year} | {size} K ({what}) | {memory} | {size} MF (Intel {chip}) |\n" for year, size, what, memory, chip in (
        (1980, 1, "house prices in Boston", "100 KB", 80186),
        (1990, 10, "optical character recognition", "10 MB", 80486), (2000, 10, "web pages", "100 MB", "Core")))
    root = make_book({"index.md": "# Book\n\n```toc\nch\n```\n",
                      "ch.md": "# One\n\n| Decade | Dataset | Memory | Floating point calculations per second |\n"
                               "|:--|:--|:--|:--|\n" + rows})
    status = main(["build", "pdf", "--no-eval", "-C", str(root), "-q"])
    report = json.loads((root / "_build" / "report.json").read_text())
    assert status == 0, report["errors"] + report["warnings"]
    text = pdf_text(root / "_build" / "pdf" / "book.pdf")
    assert "Memory" in text and "100 MB" in text and "100 KB" in text, text


def _numbers(pattern: str, text: str) -> list[str]:
    return re.findall(pattern, text)


def test_the_starter_book_in_korean_and_english_for_each_tab(tmp_path):
    """The starter (Korean, translated from English): a PDF per language and tab,
    numbered like its website, the Korean text layer intact, pages rendering."""
    book = tmp_path / "starter"
    shutil.copytree(REPO / "starter", book, ignore=shutil.ignore_patterns("_build", ".divebook"))
    assert main(["build", "html", "pdf", "--no-eval", "-C", str(book), "--tab", "all", "-q"]) == 0
    out = book / "_build"
    report = json.loads((out / "report.json").read_text())
    assert sorted(v["pdf"] for v in report["pdf"].values()) == [
        "divebook-starter-en-mxnet.pdf", "divebook-starter-en.pdf", "divebook-starter-mxnet.pdf",
        "divebook-starter.pdf"]
    pages = [p for p in report["pages"] if p["number"]]
    for name, html_root, lang in (("divebook-starter", out / "html", "ko"),
                                  ("divebook-starter-en", out / "html" / "en", "en")):
        strings = ui_strings(lang)
        tex = (out / "pdf" / f"{name}.tex").read_text()
        text = one_line(pdf_text(out / "pdf" / f"{name}.pdf"))
        html = "".join((html_root / p["output"]).read_text() for p in report["pages"]
                       if (html_root / p["output"]).is_file())
        figure = re.escape(strings["figure_caption"]).replace(r"\{number\}", r"([\d.]+)")
        html_figures = _numbers(r'<span class="caption-number">' + figure + "</span>", html)
        assert len(html_figures) >= 5
        assert _numbers(r"\\renewcommand\{\\thefigure\}\{([\d.]+)\}", tex) == html_figures
        assert _numbers(r"\\tag\{([\d.]+)\}", tex) == \
            _numbers(r'<span class="eqno">\(([\d.]+)\)</span>', html)
        for number in html_figures:  # every caption, numbered as on the website
            assert strings["figure_caption"].format(number=number) in text
        assert strings["contents"] in text
        for page in pages[:6]:
            assert page["number"] in text
    korean = one_line(pdf_text(out / "pdf" / "divebook-starter.pdf"))
    assert "개념, 문맥, 코드" in korean and "연습 문제" in korean  # Korean with its spaces
    assert "".join("이 작은 책은 텐서에서 어텐션까지 딥러닝의 첫 아이디어들을".split()) in \
        "".join(korean.split())
    pytorch = pdf_text(out / "pdf" / "divebook-starter.pdf")
    mxnet = pdf_text(out / "pdf" / "divebook-starter-mxnet.pdf")
    assert "import torch" in pytorch and "from mxnet import" not in pytorch
    assert "from mxnet import" in mxnet and "import torch" not in mxnet
    # every page of the Korean PDF renders
    pdf = out / "pdf" / "divebook-starter.pdf"
    count = int(re.search(r"Pages:\s+(\d+)", subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True).stdout).group(1))
    subprocess.run(["pdftoppm", "-png", "-r", "20", str(pdf), str(tmp_path / "page")], check=True)
    assert len(list(tmp_path.glob("page-*.png"))) == count > 10
    assert ink(pdf, count // 2, tmp_path) > 0.001
    # Nothing changed: LaTeX does not run again, and the PDFs stay as they are.
    before = pdf.stat().st_mtime_ns
    assert main(["build", "pdf", "--no-eval", "-C", str(book), "--tab", "all", "-q"]) == 0
    report = json.loads((out / "report.json").read_text())
    assert [v["latex_ran"] for v in report["pdf"].values()] == [False] * 4
    assert pdf.stat().st_mtime_ns == before


BAD = {
    "index.md": """
        # Bad

        ```toc
        :numbered:

        a
        ```
    """,
    "a.md": """
        # A

        Prose line one
        and $\\foo x$ on line four.

        $$
        x = \\frac{1}{2
        $$

        $$
        y = \\undefinedmacro{z}
        $$

        ![missing](img/nope.png)

        ![broken](img/broken.png)

        After the errors, the rest is printed.
    """,
    "img/broken.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR",
}


def test_latex_errors_point_at_the_markdown_and_the_rest_is_printed(make_book):
    root = make_book(BAD)
    status = main(["build", "pdf", "--no-eval", "-C", str(root), "-q"])
    report = json.loads((root / "_build" / "report.json").read_text())
    assert status == 1
    errors = {(e["file"], e["line"], e["code"]) for e in report["errors"]}
    assert errors == {("a.md", 4, "latex"), ("a.md", 10, "latex")}
    messages = " ".join(e["message"] for e in report["errors"])
    assert "`\\foo`" in messages and "`\\undefinedmacro`" in messages
    assert len(messages) < 1500  # short messages, not the LaTeX log
    warnings = {(w["file"], w["line"], w["code"]) for w in report["warnings"]}
    # Math that cannot be read is caught before LaTeX and shown as written: a warning.
    assert warnings == {("a.md", 6, "math"), ("a.md", 14, "missing-image"), ("a.md", 16, "pdf-image")}
    out = root / "_build" / "pdf"
    assert (out / "book.log").is_file() and (out / "book.tex").is_file()
    text = one_line(pdf_text(out / "book.pdf"))
    assert "After the errors, the rest is printed." in text
    assert "img/nope.png" in text  # the placeholder names the image
    # LaTeX ran until the contents and the links were complete, errors and all
    assert re.search(r"Contents 1 A \d+", text)
    assert not needs_rerun((out / "book.log").read_text())


def resolved(root: Path):
    ctx = prepare(BuildOptions(book=root, out=root / "_build"))
    read_stage(ctx)
    transform_stage(ctx)
    return ctx


def test_outputs_of_executed_cells_are_printed(make_book):
    root = make_book({
        "index.md": "# O\n\n```toc\n:numbered:\n\na\n```\n",
        "a.md": "# A\n\n```{.python .input}\nprint('hi')\n```\n",
    })
    ctx = resolved(root)
    cell = next(b for b in walk_blocks(ctx.book.pages["a.md"].blocks) if isinstance(b, CodeCell))
    cell.outputs = [
        Output("stream", name="stdout", text="epoch 1, loss 0.250 {100%}\n"),
        Output("display_data", data={"image/svg+xml": SVG_PLOT, "text/plain": "<Figure>"}),
        Output("display_data", data={"image/png": base64.b64encode(make_png(30, 20)).decode()}),
        Output("error", ename="KeyError", evalue="'x'", traceback=["KeyError: 'x'"]),
    ]
    diags = Diagnostics()
    result = write_pdf(ctx.book, ctx.config, ctx.config.default_tab, root / "_build" / "pdf",
                       ctx.store, diags)
    assert diags.errors == [] and result.pdf is not None
    text = one_line(pdf_text(result.pdf))
    assert "epoch 1, loss 0.250 {100%}" in text and "KeyError: 'x'" in text
    tex = (root / "_build" / "pdf" / "book.tex").read_text()
    assert tex.split(r"\begin{document}")[1].count(r"\dboutputimage{") == 2
    # the SVG plot was converted once and is in the cache for the next build
    assert any((root / "_build" / ".cache" / "svg2pdf").rglob("*"))


_PROSE = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_PROSE, min_size=8, max_size=8))
def test_random_prose_always_compiles(tmp_path_factory, texts):
    root = write_book(tmp_path_factory.mktemp("random"), {
        "index.md": "# R\n\n```toc\n:numbered:\n\na\n```\n",
        "a.md": "# A\n\nWords.\n\n![cap](x.png)\n\n| h |\n|---|\n| c |\n\n```python\ncode\n```\n",
        "x.png": make_png(),
    })
    ctx = resolved(root)
    blocks = ctx.book.pages["a.md"].blocks
    heading = next(b for b in blocks if isinstance(b, Heading))
    heading.children = [Text(texts[0])]
    paragraph = next(b for b in blocks if isinstance(b, Paragraph))
    figure = next(b for b in blocks if isinstance(b, Figure))
    figure.caption, figure.anchor = [Text(texts[5])], texts[7]  # any label the book may use
    paragraph.children = [Text(texts[1]), Code(texts[2]),
                          Link(f"https://example.com/{texts[3]}", [Text(texts[4])]),
                          Ref("numref", texts[7], figure.pos, resolved=True, label_kind="figure",
                              number=figure.number, page="a.md", anchor=texts[7])]
    next(b for b in blocks if isinstance(b, Table)).body = [[TableCell([Text(texts[6])])]]
    next(b for b in blocks if isinstance(b, CodeCell)).source = texts[2] + "\n" + texts[6]
    diags = Diagnostics()
    result = write_pdf(ctx.book, ctx.config, ctx.config.default_tab, root / "_build" / "pdf",
                       None, diags)
    latex_errors = [d for d in diags.errors if d.code in ("latex", "latex-timeout")]
    assert not latex_errors and result.pdf is not None, (texts, [str(d) for d in diags.items])
    tex = (root / "_build" / "pdf" / "book.tex").read_text()
    assert "\\hyperref[" in tex  # the reference found its (randomly named) label
    # glyphs no font has are warnings, never errors
    assert all(d.code == "missing-glyph" for d in diags.warnings), [str(d) for d in diags.warnings]


def test_footnotes_in_headings_captions_and_tables_are_numbered_in_reading_order(make_book):
    root = make_book({
        "index.md": "# F\n\n```toc\n:numbered:\n\na\n```\n",
        "a.md": """
            # A heading with a note[^h]

            Text with a note[^p].

            ![Caption with a note[^c]](x.svg)

            : Table caption[^t]

            | a[^u] | b |
            |---|---|
            | 1 | 2 |

            [^h]: Heading note.
            [^p]: Paragraph note with $x^2$ and a [link](https://example.com/?a=1&b=2#c).
            [^c]: Caption note.
            [^t]: Table note.
            [^u]: Cell note.
        """,
        "x.svg": SVG_PLOT,
    })
    assert main(["build", "pdf", "--no-eval", "-C", str(root), "-q"]) == 0
    text = one_line(pdf_text(root / "_build" / "pdf" / "book.pdf"))
    assert "A heading with a note1" in text and "Text with a note2" in text
    assert "Caption with a note3" in text and "Table caption4" in text and "a5" in text
    for n, note in enumerate(["Heading note.", "Paragraph note with x2 and a link.",
                              "Caption note.", "Table note.", "Cell note."], 1):
        assert f"{n} {note}" in text


def test_raw_latex_reads_and_writes_no_file_outside_the_pdf_folder(make_book, tmp_path):
    """TeX runs with openin_any=p and openout_any=p: no absolute path, no `..`."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRETWORD\n")
    root = make_book({
        "index.md": "# S\n\n```toc\na\nb\n```\n",
        "a.md": "# A\n\nBefore the raw block.\n\n```eval_rst\n.. raw:: latex\n\n"
                f"   \\input{{{secret}}}\n\n   \\input{{../../../secret.txt}}\n```\n\n"
                "After the raw block.\n",
        "b.md": "# B\n\n![plot](img/plot.svg)\n\nThe book's own image still prints.\n",
        "img/plot.svg": SVG_PLOT,
    })
    assert (root / "_build/pdf/../../../secret.txt").resolve() == secret  # the relative path reaches it
    status = main(["build", "pdf", "--no-eval", "-C", str(root), "-q"])
    assert status == 1
    report = json.loads((root / "_build" / "report.json").read_text())
    errors = [(e["file"], e["line"], e["code"]) for e in report["errors"]]
    assert errors == [("a.md", 6, "latex")] * 2
    messages = [e["message"] for e in report["errors"]]
    assert f"cannot input `{secret}'" in messages[0] and "cannot input `../../../secret.txt'" in messages[1]
    text = one_line(pdf_text(root / "_build/pdf/book.pdf"))
    assert "TOPSECRETWORD" not in text
    assert "Before the raw block." in text and "After the raw block." in text  # the rest prints
    assert "The book\u2019s own image still prints." in text and "img/plot.svg" not in text  # no placeholder
    assert "TOPSECRETWORD" not in (root / "_build/pdf/book.log").read_text(errors="replace")


def test_raw_latex_cannot_write_outside_the_pdf_folder(make_book, tmp_path):
    target = tmp_path / "written.txt"
    root = make_book({
        "index.md": "# W\n\n```toc\na\n```\n",
        "a.md": "# A\n\n```eval_rst\n.. raw:: latex\n\n   \\newwrite\\dbw\n"
                f"   \\immediate\\openout\\dbw={target}\n   \\immediate\\write\\dbw{{hello}}\n"
                "   \\immediate\\closeout\\dbw\n```\n",
    })
    assert main(["build", "pdf", "--no-eval", "-C", str(root), "-q"]) == 1
    assert not target.exists()
    report = json.loads((root / "_build" / "report.json").read_text())
    assert any(e["file"] == "a.md" and "can't write on file" in e["message"] for e in report["errors"])
