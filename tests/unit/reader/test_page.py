"""The reader: every construct of the d2l dialect, on tiny pages."""

from __future__ import annotations

import textwrap
from pathlib import Path

from divebook.diagnostics import Diagnostics
from divebook.codemarks import strip_hide_marks
from divebook.reader.fences import parse_info, read_cell
from divebook.reader.page import read_page
from divebook.reader.slides import strip_slide_marks
from divebook.tree import (
    Bibliography, Cite, Code, CodeCell, Directive, Emph, Figure, FootnoteDef, FootnoteRef, Heading,
    Image, ListBlock, Math, MathBlock, Paragraph, Raw, Ref, Role, Strong, Table, TabContent, Text,
    Toc, plain_text, walk_blocks,
)

TABS = ["pytorch", "mxnet", "jax"]


def read(text: str, tabs: list[str] = TABS, root: Path = Path(".")) -> tuple:
    diags = Diagnostics()
    page = read_page(root, "ch/page.md", textwrap.dedent(text).lstrip("\n").encode(), tabs, diags)
    return page, diags


def blocks_of(page, kind):
    return [b for b in walk_blocks(page.blocks) if isinstance(b, kind)]


# ---------------------------------------------------------------- code cells


def test_fence_info_strings():
    assert parse_info("{.python .input}").executable
    info = parse_info("{.python .input  n=3}")
    assert info.language == "python" and info.attrs == {"n": "3"} and info.executable
    assert not parse_info("python").executable
    assert parse_info("bash").language == "bash"


def test_code_cell_tabs_from_first_line():
    page, diags = read("""
        ```{.python .input}
        x = 1
        ```

        ```{.python .input}
        #@tab mxnet, jax
        y = 2
        ```

        ```{.python .input}
        %%tab all
        z = 3
        ```

        ```python
        shown_only = True
        ```
    """)
    cells = blocks_of(page, CodeCell)
    assert [c.tabs for c in cells[:3]] == [["pytorch"], ["mxnet", "jax"], TABS]
    assert cells[1].source == "y = 2" and cells[1].source_line == 7
    assert not cells[3].executable and cells[3].language == "python"
    assert not diags.items


def test_tab_line_after_a_blank_line_and_repeated_tab_lines():
    head = read_cell("\n%%tab pytorch, jax\nx = 1\n#@tab pytorch, jax\ny = 2\n")
    assert head.tabs == ["pytorch", "jax"] and head.source == "x = 1\ny = 2"
    assert head.conflicting_tab_line == 0
    assert read_cell("#@tab mxnet\nx\n#@tab jax\n").conflicting_tab_line == 3


def test_unknown_tab_is_a_warning_with_line():
    page, diags = read("""
        # T

        ```{.python .input}
        #@tab tensorflow
        x = 1
        ```
    """)
    assert [(d.line, d.code) for d in diags.items] == [(3, "unknown-tab")]


def test_marks_are_recorded_and_hide_marks_not_shown():
    page, _ = read("""
        ```{.python .input}
        def f():  #@save
            return 1
        #@hide_output
        ```
    """)
    cell = blocks_of(page, CodeCell)[0]
    assert cell.marks == {"save", "hide_output"}
    assert strip_hide_marks(cell.source) == "def f():  #@save\n    return 1"


def test_tab_selector_cell_is_dropped():
    page, _ = read("""
        ```{.python .input}
        %load_ext d2lbook.tab
        tab.interact_select(['mxnet', 'pytorch'])
        ```

        # Title
    """)
    assert not blocks_of(page, CodeCell)


# ---------------------------------------------------------------- tab prose


def test_begin_tab_blocks_own_paragraphs_and_lists():
    page, diags = read("""
        :begin_tab:`mxnet`
        MXNet prose.
        :end_tab:

        :begin_tab:`pytorch`
        * one
        * two
        :end_tab:
        * after the tab
    """)
    tabs = [b for b in page.blocks if isinstance(b, TabContent)]
    assert [t.tabs for t in tabs] == [["mxnet"], ["pytorch"]]
    assert plain_text(tabs[0].children[0].children) == "MXNet prose."
    assert isinstance(tabs[1].children[0], ListBlock)
    assert isinstance(page.blocks[-1], ListBlock)  # the list after :end_tab: is outside
    assert not diags.items


def test_unclosed_begin_tab_is_a_warning_and_content_kept():
    page, diags = read("""
        :begin_tab:`mxnet`
        Text.
    """)
    assert [(d.severity, d.line, d.code) for d in diags.items] == [("warning", 1, "tab-mark")]
    assert isinstance(page.blocks[0], TabContent)


def test_end_tab_without_begin():
    _, diags = read("Text.\n\n:end_tab:\n")
    assert [(d.severity, d.line) for d in diags.items] == [("warning", 3)]


# ---------------------------------------------------------------- labels, figures, tables, math


def test_heading_label_on_next_line_and_before_text():
    page, diags = read("""
        # Title
        :label:`sec_title`

        ## Sub
        :label:`sec_sub`
        Text right after the label.
    """)
    headings = blocks_of(page, Heading)
    assert [h.label for h in headings] == ["sec_title", "sec_sub"]
    assert plain_text(page.title) == "Title"
    assert isinstance(page.blocks[-1], Paragraph)
    assert not diags.items


def test_figure_with_width_and_label():
    page, _ = read("""
        ![A *nice* plot of $x$.](../img/a.svg)
        :width:`400px`
        :label:`fig_a`
    """)
    fig = blocks_of(page, Figure)[0]
    assert (fig.src, fig.width, fig.label) == ("../img/a.svg", "400px", "fig_a")
    assert any(isinstance(n, Emph) for n in fig.caption) and any(isinstance(n, Math) for n in fig.caption)


def test_image_inside_text_stays_inline():
    page, _ = read("See ![icon](i.png) here.\n")
    para = page.blocks[0]
    assert isinstance(para, Paragraph) and any(isinstance(n, Image) for n in para.children)


def test_equation_labels_in_every_written_form():
    page, diags = read("""
        $$a = b$$
        :eqlabel:`eq_a`

        $$c = d$$ :eqlabel:`eq_c`

        Some text first
        $$e = f$$
        :eqlabel:`eq_e`
    """)
    maths = blocks_of(page, MathBlock)
    assert [(m.latex, m.label) for m in maths] == [("a = b", "eq_a"), ("c = d", "eq_c"), ("e = f", "eq_e")]
    assert not diags.items


def test_table_caption_and_label_before_or_after():
    page, diags = read("""
        : First caption
        :label:`tab_one`

        | a | b |
        |:--|--:|
        | 1 | 2 |

        :Second caption

        | c |
        |---|
        | 3 |
        :label:`tab_two`
    """)
    tables = blocks_of(page, Table)
    assert [(plain_text(t.caption), t.label) for t in tables] == [("First caption", "tab_one"),
                                                                  ("Second caption", "tab_two")]
    assert tables[0].align == ["left", "right"]
    assert len(tables[1].body) == 1  # the label row is not a table row
    assert not diags.items


def test_label_after_a_paragraph_is_a_warning():
    _, diags = read("Some text.\n\n:label:`lost`\n")
    assert [(d.severity, d.line, d.code) for d in diags.items] == [("warning", 3, "label")]


def test_label_in_running_text_is_a_warning():
    _, diags = read("Text :label:`x` more text.\n")
    assert [(d.severity, d.code) for d in diags.items] == [("warning", "label")]


# ---------------------------------------------------------------- inline roles


def test_reference_roles():
    page, _ = read("See :numref:`fig_a`, :ref:`sec_b`, :eqref:`eq_c` and :numref:`Figure %s <fig_d>`.\n")
    refs = [n for n in page.blocks[0].children if isinstance(n, Ref)]
    assert [(r.kind, r.target, r.text) for r in refs] == [
        ("numref", "fig_a", None), ("ref", "sec_b", None), ("eqref", "eq_c", None),
        ("numref", "fig_d", "Figure %s")]
    assert refs[0].pos.line == 1


def test_role_with_double_backticks():
    page, _ = read("In :numref:``sec_x`` we saw.\n")
    assert [n.target for n in page.blocks[0].children if isinstance(n, Ref)] == ["sec_x"]


def test_citation_roles_and_their_lines():
    page, _ = read("Text\n:cite:`A.2000,B.2001` and :citet:`C.2002`.\n")
    cites = [n for n in page.blocks[0].children if isinstance(n, Cite)]
    assert [(c.kind, c.keys, c.pos.line) for c in cites] == [
        ("cite", ["A.2000", "B.2001"], 2), ("citet", ["C.2002"], 2)]


def test_unknown_role_is_a_warning():
    page, diags = read("A :frobnicate:`x` role.\n")
    assert [d.code for d in diags.items] == ["unknown-role"]
    assert any(isinstance(n, Role) for n in page.blocks[0].children)


def test_bibliography_block():
    page, _ = read(":bibliography:`../refs.bib`\n")
    assert isinstance(page.blocks[0], Bibliography) and page.blocks[0].files == ["../refs.bib"]


# ---------------------------------------------------------------- slides, toc, rst, misc


def test_slide_marks():
    text = "[**Keep this**] and (**this too**) [~~drop~~] `f(**kw)` **bold**\n(**\n$$x$$\n**)\n"
    out = strip_slide_marks(text)
    assert out.split("\n")[0] == "Keep this and this too  `f(**kw)` **bold**"
    assert out.count("\n") == text.count("\n")
    assert "```\n[**code**]\n```" in strip_slide_marks("```\n[**code**]\n```\n")


def test_slide_marks_keep_markup_inside():
    page, _ = read("[**The *key* idea.**] Rest.\n")
    para = page.blocks[0]
    assert not any(isinstance(n, Strong) for n in para.children)
    assert plain_text(para.children) == "The key idea. Rest."


def test_toc_block():
    page, _ = read("""
        ```toc
        :maxdepth: 2
        :numbered:

        intro
        Title <other>
        ```
    """)
    toc = blocks_of(page, Toc)[0]
    assert (toc.maxdepth, toc.numbered) == (2, True)
    assert [(e.text, e.line) for e in toc.entries] == [("intro", 5), ("Title <other>", 6)]


def test_eval_rst_directives(tmp_path):
    (tmp_path / "ch").mkdir()
    (tmp_path / "ch" / "front.html").write_text("<b>front</b>")
    page, diags = read("""
        ```eval_rst
        .. raw:: html
           :file: front.html

        .. only:: html

           References
           ==========

        .. autoclass:: Trainer
           :members:
        ```
    """, root=tmp_path)
    assert isinstance(page.blocks[0], Raw) and page.blocks[0].text == "<b>front</b>"
    only = page.blocks[1]
    assert isinstance(only, Directive) and isinstance(only.children[0], Heading)
    assert page.blocks[2].name == "autoclass" and page.blocks[2].argument == "Trainer"
    assert not diags.items


def test_missing_raw_file_is_a_warning():
    _, diags = read("```eval_rst\n.. raw:: html\n   :file: nope.html\n```\n")
    assert [(d.severity, d.line, d.code) for d in diags.items] == [("warning", 2, "missing-file")]


def test_footnotes():
    page, _ = read("Text[^n].\n\n[^n]: The note.\n")
    ref = [n for n in page.blocks[0].children if isinstance(n, FootnoteRef)][0]
    note = blocks_of(page, FootnoteDef)[0]
    assert ref.number == note.number == 1


def test_front_matter():
    page, diags = read("---\ninputs: [data.csv]\nresources: {gpus: 1}\n---\n# T\n")
    assert page.front_matter == {"inputs": ["data.csv"], "resources": {"gpus": 1}}
    _, diags = read("---\n: bad: [\n---\n# T\n")
    assert [d.code for d in diags.items] == ["front-matter"]


def test_inline_code_and_math_survive():
    page, _ = read("Use `np.arange(n)` for $n$-dimensional $10^{-6}$ values.\n")
    kinds = [type(n) for n in page.blocks[0].children]
    assert Code in kinds and kinds.count(Math) == 2
    assert isinstance(page.blocks[0].children[0], Text)


def test_invalid_utf8_is_reported_with_line():
    diags = Diagnostics()
    read_page(Path("."), "p.md", b"# T\n\nok\n\xff\xfe bad\n", TABS, diags)
    assert [(d.line, d.code) for d in diags.items] == [(4, "encoding")]
