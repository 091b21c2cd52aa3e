"""The book as LaTeX (no TeX run): numbers as on the website, tabs, escaping, bad input."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

from divebook.context import BuildOptions
from divebook.build import prepare, read_stage, transform_stage
from divebook.diagnostics import Diagnostics
from divebook.languages.i18n import ref_text
from divebook.tree import CodeCell, Output, walk_blocks
from divebook.writers.latex import book as latex_writer
from divebook.writers.latex import fonts as latex_fonts
from divebook.writers.latex.book import pdf_name, pdf_tabs, render_book, write_pdf
from divebook.writers.latex.images import ImageMaker
from divebook.writers.latex.nodes import latex_length, only_applies

from tests.unit.writers.latex.test_images import make_png

BOOK = {
    "config.ini": """
        [project]
        name = tiny
        title = Tiny & Co. 100%
        author = A_B
        [build]
        tabs = pytorch, mxnet
        [pdf]
        bibfile = refs.bib
    """,
    "index.md": """
        # Tiny

        Front words.

        ```toc
        :maxdepth: 1

        front/preface
        ```

        ```toc
        :numbered:

        ch/index
        ```

        ```toc
        back/refs
        ```
    """,
    "front/preface.md": """
        # Preface

        See :numref:`sec_lines` and :numref:`fig_line` and :eqref:`eq_line`.
    """,
    "ch/index.md": """
        # Chapter
        :label:`chap_x`

        ```toc
        lines
        ```
    """,
    "ch/lines.md": """
        # Lines
        :label:`sec_lines`

        A line $y = wx + b$ with 100% # & _ { } \\ ~ ^ [x] in prose,
        and `code_with % # { } \\ ~ ^` inline, after :citet:`Gauss.1809`.

        $$y = w x + b$$
        :eqlabel:`eq_line`

        ![The line $y = 2x$ with 50% & #1 in the caption_.](../img/a.png)
        :width:`320px`
        :label:`fig_line`

        : Points, {braces} & 10%
        :label:`tab_points`

        | x_1 | y#2 |
        |----:|:---:|
        | 0   | 1 \\| 2 |

        Visit [the site](https://example.com/a_b?x=1&y=2#f~g) or <https://example.com/z%20>.

        ```{.python .input}
        #@tab pytorch
        import torch  # 100% {braces} \\n
        ```

        ```{.python .input}
        #@tab mxnet
        from mxnet import np
        ```

        :begin_tab:`mxnet`
        Only MXNet readers see this.
        :end_tab:

        ## Exercises

        1. Fit the line of :numref:`tab_points`.
    """,
    "back/refs.md": """
        # References

        :bibliography:`../refs.bib`
    """,
    "refs.bib": """
        @book{Gauss.1809,
          author = {Gauss, Carl Friedrich},
          title = {Theoria motus},
          publisher = {Perthes},
          year = {1809}
        }
    """,
}


def resolved(root: Path):
    ctx = prepare(BuildOptions(book=root, out=root / "_build"))
    read_stage(ctx)
    transform_stage(ctx)
    return ctx


def render(root: Path, tab: str | None = None):
    ctx = resolved(root)
    diags = Diagnostics()
    doc = render_book(ctx.book, ctx.config, tab or ctx.config.default_tab,
                      ImageMaker(ctx.config.root, root / "_work", None), diags)
    return doc, diags, ctx


@pytest.fixture
def book(make_book):
    root = make_book(BOOK)
    (root / "img").mkdir()
    (root / "img" / "a.png").write_bytes(make_png(400, 300))
    return root


def test_numbers_and_reference_texts_are_the_websites(book):
    doc, diags, ctx = render(book)
    tex = doc.tex
    assert diags.errors == []
    assert r"\section*{\dbsecnum{1.1}Lines}" in tex
    assert r"\addcontentsline{toc}{section}{\protect\numberline{1.1}" in tex
    assert r"\tag{1.1.1}" in tex
    assert r"\renewcommand{\thefigure}{1.1.1}" in tex
    assert r"\renewcommand{\thetable}{1.1.1}" in tex
    assert r"\DeclareCaptionLabelFormat{dbfigure}{Fig. #2}" in tex
    for kind, number in (("section", "1.1"), ("figure", "1.1.1"), ("table", "1.1.1")):
        assert "{" + ref_text("en", kind, number) + "}" in tex, kind
    # :eqref: is \eqref, which prints "(" + the \tag + ")": "(1.1.1)" as on the website
    assert ref_text("en", "equation", "1.1.1") == "(1.1.1)"
    assert r"\eqref{db:ch/lines.md+7c+eq+5f+line}" in tex
    # every reference points at a label the document defines
    labels = set(re.findall(r"\\label\{([^}]*)\}", tex))
    for key in re.findall(r"\\hyperref\[([^\]]*)\]|\\eqref\{([^}]*)\}", tex):
        assert (key[0] or key[1]) in labels


def test_front_main_and_back_matter_are_in_their_places(book):
    tex, _, _ = render(book)
    tex = tex.tex
    front = tex.index(r"\chapter*{Preface}")
    toc = tex.index("\n\\tableofcontents\n")  # the contents, not the preamble's restyling of them
    assert toc < front < tex.index(r"\mainmatter")
    assert tex.index(r"\mainmatter") < tex.index(r"\chapter*{\dbsecnum{1}Chapter}") \
        < tex.index(r"\backmatter") < tex.index(r"\chapter*{References}")
    assert tex.index("Front words.") < toc
    assert r"\dbbibitem{db:cite+7c+Gauss.1809}{Gauss, 1809}" in tex
    assert r"Gauss (\hyperlink{db:cite+7c+Gauss.1809}{1809})" in tex
    assert r"{\Huge\bfseries Tiny \& Co. 100\%\par}" in tex


def test_special_characters_are_escaped_everywhere(book):
    tex = render(book)[0].tex
    assert r"100\% \# \& \_ \{ \} \textbackslash{} \textasciitilde{} \textasciicircum{} {[}x{]}" in tex
    assert r"\texttt{code\_\dbbreak{}with \% \# \{ \} \textbackslash{} \textasciitilde{} " \
        r"\textasciicircum{}}" in tex
    assert r"\caption[{The line $y = 2x$ with 50\% \& \#1 in the caption\_.}]" in tex
    assert r"Points, \{braces\} \& 10\%" in tex
    assert r"x\_1 & y\#2 \\" in tex and r"\begin{tabulary}{\linewidth}{RC}" in tex
    assert r"\href{https://example.com/a_b?x=1\&y=2\#f\~g}{the site}" in tex
    assert r"\href{https://example.com/z\%20}{\dburl{https:/\dbbreak{}/" in tex  # an autolink
    assert r"\PYGZsh{} 100\PYGZpc{} \PYGZob{}braces\PYGZcb{}" in tex  # Pygments escapes code
    assert r"\author" not in tex and "A\\_B" in tex


def test_one_tab_per_pdf(book):
    torch_tex = render(book)[0].tex
    mxnet_tex = render(book, "mxnet")[0].tex
    assert "torch" in torch_tex and "mxnet" not in torch_tex.split(r"\begin{document}")[1]
    assert "Only MXNet readers" not in torch_tex
    assert "mxnet" in mxnet_tex and "Only MXNet readers see this." in mxnet_tex
    assert r"{\Large MXNet\par}" in mxnet_tex
    config = resolved(book).config
    assert pdf_name(config, "pytorch") == "tiny" and pdf_name(config, "mxnet") == "tiny-mxnet"
    assert pdf_tabs(config, None) == ["pytorch"] and pdf_tabs(config, "all") == ["pytorch", "mxnet"]


def test_images_are_sized_as_on_the_website(book):
    tex = render(book)[0].tex
    assert re.search(r"\\dbimage\[width=240bp,max width=\\linewidth,max height=0.8\\textheight\]"
                     r"\{img/[0-9a-f]+\.png\}", tex)
    assert latex_length("320px", "width") == "240bp"
    assert latex_length("50%", "width") == r"0.5\linewidth"
    assert latex_length("3cm", "height") == "3cm"
    assert latex_length("big", "width") is None


def test_lines_of_the_tex_lead_back_to_the_markdown(book):
    doc = render(book)[0]
    lines = doc.tex.split("\n")
    prose = next(i for i, line in enumerate(lines, 1) if line.startswith("and \\texttt{code"))
    assert doc.linemap.lookup(prose).file == "ch/lines.md"
    source = (book / "ch" / "lines.md").read_text().split("\n")
    assert source[doc.linemap.lookup(prose).line - 1].startswith("and `code_with")
    code = next(i for i, line in enumerate(lines, 1) if r"\PYG{n+nn}{torch}" in line)
    assert source[doc.linemap.lookup(code).line - 1].startswith("import torch")
    assert doc.linemap.lookup(1) is None  # the preamble is the template's


def test_bad_math_and_images_are_reported_with_file_and_line(make_book):
    root = make_book({
        "index.md": "# B\n\n```toc\n:numbered:\n\na\n```\n",
        "a.md": "# A\n\nText $\\frac{1}{2$ here.\n\n$$\\begin{cases} x\n$$\n\n"
                "![gone](img/gone.png)\n\n![web](https://example.com/x.png)\n",
    })
    doc, diags, _ = render(root)
    # Math LaTeX cannot read is a warning (as Sphinx's imgmath): the PDF shows it as written.
    warnings = {(d.file, d.line, d.code) for d in diags.warnings}
    assert ("a.md", 3, "math") in warnings and ("a.md", 5, "math") in warnings
    assert ("a.md", 8, "missing-image") in warnings and ("a.md", 10, "remote-image") in warnings
    assert doc.tex.count(r"\dbmatherror{") == 2 and doc.tex.count(r"\dbmissingimage{") == 2
    assert r"\dbmissingimage{https:/\dbbreak{}/\dbbreak{}example.\dbbreak{}com/\dbbreak{}x.\dbbreak{}png}" \
        in doc.tex


def test_korean_books_get_korean_words_and_fonts(make_book, monkeypatch):
    monkeypatch.setattr(latex_fonts, "font_installed", lambda family: True)
    root = make_book({
        "config.ini": "[project]\ntitle = 시험\nlang = ko\n",
        "index.md": "# 시험\n\n```toc\n:numbered:\n\na\n```\n",
        "a.md": "# 장\n\n불과 몇 년 전만 해도 :numref:`fig_k`.\n\n![그림 설명](x.png)\n:label:`fig_k`\n",
        "x.png": make_png(),
    })
    tex = render(root)[0].tex
    assert r"\usepackage{kotex}" in tex and r"\setmainhangulfont{Noto Serif CJK KR}" in tex
    assert r"\DeclareCaptionLabelFormat{dbfigure}{그림 #2}" in tex
    assert "{그림 1.1}" in tex
    assert r"\renewcommand{\contentsname}{목차}" in tex


def test_english_books_without_cjk_do_not_load_kotex(book):
    assert "kotex" not in render(book)[0].tex


def test_missing_fonts_fall_back_with_a_warning(make_book, monkeypatch):
    monkeypatch.setattr(latex_fonts, "font_installed", lambda family: family.startswith("DejaVu"))
    root = make_book({
        "config.ini": "[project]\ntitle = F\n[pdf]\nmain_font = Source Serif Pro\n",
        "index.md": "# F\n\nText.\n",
    })
    doc, diags, _ = render(root)
    (warning,) = [d for d in diags.warnings if d.code == "font-missing"]
    assert (warning.file, warning.line) == ("config.ini", 4)
    assert "Source Serif Pro" in warning.message and "DejaVu Serif" in warning.message
    assert r"\setmainfont{DejaVu Serif}" in doc.tex


def test_a_book_can_bring_its_own_template(make_book):
    root = make_book({
        "config.ini": "[project]\ntitle = T\n[pdf]\ntemplate = my.tex\n",
        "index.md": "# T\n\n```toc\n:numbered:\n\na\n```\n",
        "a.md": "# A\n\nHello.\n",
        "my.tex": "% mine: ((( title )))\n((( root )))((( front )))((( main )))((( back )))\n",
    })
    doc, diags, _ = render(root)
    assert doc.tex.startswith("% mine: T\n") and "Hello." in doc.tex and diags.errors == []
    (root / "my.tex").write_text("((( main )")
    doc, diags, _ = render(root)
    assert [d.code for d in diags.errors] == ["pdf-template"] and r"\documentclass" in doc.tex


def test_cell_outputs_are_printed(book):
    ctx = resolved(book)
    page = ctx.book.pages["ch/lines.md"]
    cell = next(b for b in walk_blocks(page.blocks) if isinstance(b, CodeCell) and "pytorch" in b.tabs)
    cell.outputs = [
        Output("stream", name="stdout", text="loss 0.25 {50%}\n"),
        Output("display_data", data={"image/png": base64.b64encode(make_png(8, 8)).decode(),
                                     "text/plain": "<Figure>"}),
        Output("error", ename="ValueError", evalue="bad", traceback=["\x1b[31mValueError\x1b[0m: bad"]),
        Output("execute_result", data={"text/html": "<b>x</b>", "text/plain": "tensor([1.])"}),
    ]
    diags = Diagnostics()
    tex = render_book(ctx.book, ctx.config, "pytorch", ImageMaker(ctx.config.root, book / "_w", None),
                      diags).tex
    assert r"\begin{dboutput}" in tex and r"loss 0.25 \PYGZob{}50\PYGZpc{}\PYGZcb{}" in tex
    assert re.search(r"\\dboutputimage\{\\dbimage\[width=6bp[^]]*\]\{img/[0-9a-f]+\.png\}\}", tex)
    assert r"\begin{dberror}" in tex and "ValueError: bad" in tex
    assert "\x1b" not in tex and "[31m" not in tex and "[0m" not in tex
    assert "tensor([1.])" in tex and "<b>" not in tex


def test_without_tex_the_tex_is_kept_and_the_error_says_what_to_install(book, monkeypatch):
    monkeypatch.setattr(latex_writer, "tex_available", lambda: "xelatex and latexmk")
    ctx = resolved(book)
    diags = Diagnostics()
    result = write_pdf(ctx.book, ctx.config, "pytorch", book / "_build" / "pdf", None, diags)
    assert result.pdf is None and (book / "_build" / "pdf" / "tiny.tex").is_file()
    (error,) = diags.errors
    assert error.code == "tex-missing" and "apt-get install texlive-xetex latexmk" in error.message


def test_only_directives_follow_sphinx_tags():
    assert only_applies("latex") and only_applies("not html") and only_applies("")
    assert not only_applies("html") and only_applies("html or latex")
    assert not only_applies("__import__('os')")


def test_images_no_kept_tex_includes_are_removed(tmp_path):
    from divebook.writers.latex.book import prune_images

    (tmp_path / "img").mkdir()
    for name in ("aa.png", "bb.pdf", "cc.png"):
        (tmp_path / "img" / name).write_bytes(b"x")
    (tmp_path / "book.tex").write_text(r"\dbimage[width=1bp]{img/aa.png}")
    (tmp_path / "book-mxnet.tex").write_text(r"\includegraphics{img/bb.pdf}")
    prune_images(tmp_path)
    assert sorted(p.name for p in (tmp_path / "img").iterdir()) == ["aa.png", "bb.pdf"]
