"""Whole-book passes: page order, numbering, labels, citations and tab views."""

from __future__ import annotations

from divebook.config import load_config
from divebook.diagnostics import Diagnostics
from divebook.reader.book import read_book
from divebook.transforms import resolve_book
from divebook.transforms.tabs import code_for_tab, group_tabs, select_tab
from divebook.tree import (
    Cite, CodeCell, Figure, Heading, MathBlock, Paragraph, Ref, Table, TabContent, TabGroup, Pos,
    Text, page_inlines, walk_blocks,
)

BOOK = {
    "config.ini": """
        [project]
        title = T
        [build]
        tabs = pytorch, mxnet
        [pdf]
        bibfile = refs.bib
    """,
    "index.md": """
        # T

        ```toc
        :maxdepth: 1

        front/preface
        ```

        ```toc
        :numbered:

        ch1/index
        ch2/index
        ```

        ```toc
        back/refs
        ```
    """,
    "front/preface.md": """
        # Preface
        :label:`sec_preface`

        ![A figure in the preface.](../img/a.svg)
        :label:`fig_pre`
    """,
    "ch1/index.md": """
        # One
        :label:`chap_one`

        ```toc
        a
        b
        ```
    """,
    "ch1/a.md": """
        # A
        :label:`sec_a`

        ![First.](../img/a.svg)
        :label:`fig_first`

        ## Sub A
        :label:`subsec_a`

        ### Deeper

        ![Second.](../img/a.svg)
        :label:`fig_second`

        $$x$$
        :eqlabel:`eq_x`

        $$y$$

        : Cap
        :label:`tab_a`

        | a |
        |---|
        | 1 |
    """,
    "ch1/b.md": """
        # B

        See :numref:`fig_second`, :numref:`sec_a`, :numref:`chap_one`, :eqref:`eq_x`,
        :numref:`tab_a`, :ref:`subsec_a` and :numref:`fig_pre`. Cited :cite:`Smith.2000,Jones.Lee.2001`
        and :citet:`Many.2002`. [Link](a.md#subsec_a).
    """,
    "ch2/index.md": """
        # Two

        ## Intro section

        ![In a chapter page.](../img/a.svg)
        :label:`fig_chapter`
    """,
    "back/refs.md": """
        # References

        :bibliography:`../refs.bib`
    """,
    "refs.bib": """
        @article{Smith.2000, author = {Smith, Ann}, title = {One}, journal = {J}, year = {2000}}
        @article{Jones.Lee.2001, author = {Jones, Bob and Lee, Cy}, title = {Two}, journal = {J}, year = {2001}}
        @book{Many.2002, author = {Many, A. and Others, B. and Third, C.}, title = {Three},
              publisher = {P}, year = {2002}}
        @book{Unused.1999, author = {Nobody, N.}, title = {Never}, publisher = {P}, year = {1999}}
    """,
    "img/a.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
}


def resolved(make_book, files=BOOK):
    root = make_book(files)
    diags = Diagnostics()
    config = load_config(root, diags)
    book = read_book(config, None, 1, diags)
    resolve_book(book, config, None, diags)
    return book, diags


def test_order_parts_and_page_numbers(make_book):
    book, diags = resolved(make_book)
    assert book.order == ["index.md", "front/preface.md", "ch1/index.md", "ch1/a.md", "ch1/b.md",
                          "ch2/index.md", "back/refs.md"]
    numbers = {s: (p.number, p.part) for s, p in book.pages.items()}
    assert numbers["front/preface.md"] == (None, "front")
    assert numbers["ch1/index.md"] == ("1", "main")
    assert numbers["ch1/b.md"] == ("1.2", "main")
    assert numbers["ch2/index.md"] == ("2", "main")
    assert numbers["back/refs.md"] == (None, "back")
    assert not diags.items


def test_heading_figure_table_equation_numbers(make_book):
    book, _ = resolved(make_book)
    page = book.pages["ch1/a.md"]
    headings = [(h.number, h.anchor) for h in walk_blocks(page.blocks) if isinstance(h, Heading)]
    assert headings == [("1.1", "sec_a"), ("1.1.1", "subsec_a"), ("1.1.1.1", "deeper")]
    figures = [f.number for f in walk_blocks(page.blocks) if isinstance(f, Figure)]
    assert figures == ["1.1.1", "1.1.2"]  # per section, whatever the subsection
    maths = [m.number for m in walk_blocks(page.blocks) if isinstance(m, MathBlock)]
    assert maths == ["1.1.1", None]  # only labelled equations are numbered
    assert [t.number for t in walk_blocks(page.blocks) if isinstance(t, Table)] == ["1.1.1"]
    chapter = book.pages["ch2/index.md"]
    assert [h.number for h in walk_blocks(chapter.blocks) if isinstance(h, Heading)] == ["2", "2.1"]
    assert [f.number for f in walk_blocks(chapter.blocks) if isinstance(f, Figure)] == ["2.1.1"]
    preface = book.pages["front/preface.md"]
    assert [f.number for f in walk_blocks(preface.blocks) if isinstance(f, Figure)] == ["1"]


def test_references_resolve_across_pages(make_book):
    book, diags = resolved(make_book)
    refs = {r.target: r for r in page_inlines(book.pages["ch1/b.md"].blocks) if isinstance(r, Ref)}
    assert (refs["fig_second"].number, refs["fig_second"].page, refs["fig_second"].anchor) == (
        "1.1.2", "ch1/a.md", "fig_second")
    assert refs["sec_a"].label_kind == "section" and refs["sec_a"].number == "1.1"
    assert refs["chap_one"].label_kind == "chapter" and refs["chap_one"].number == "1"
    assert refs["eq_x"].number == "1.1.1" and refs["tab_a"].label_kind == "table"
    assert refs["fig_pre"].number == "1"
    assert all(r.resolved for r in refs.values())
    link = next(n for n in page_inlines(book.pages["ch1/b.md"].blocks) if hasattr(n, "target_page"))
    assert (link.target_page, link.target_anchor) == ("ch1/a.md", "subsec_a")


def test_citations_author_year_and_bibliography(make_book):
    book, diags = resolved(make_book)
    cites = [c for c in page_inlines(book.pages["ch1/b.md"].blocks) if isinstance(c, Cite)]
    assert [(e.authors, e.year) for e in cites[0].entries] == [("Smith", "2000"), ("Jones and Lee", "2001")]
    assert [(e.authors, e.year) for e in cites[1].entries] == [("Many et al.", "2002")]
    assert [item.key for item in book.bibliography] == ["Jones.Lee.2001", "Many.2002", "Smith.2000"]
    assert book.bibliography_page == "back/refs.md"
    assert "One" in book.bibliography[-1].html


def test_url_in_a_bib_field_is_a_link_not_raw_latex(make_book):
    files = dict(BOOK)
    files["refs.bib"] = BOOK["refs.bib"].replace(
        "publisher = {P}, year = {2002}}",
        "publisher = {P}, year = {2002}, note = {\\url{http://www.example.org/a?b=1&c=2}}}")
    book, _ = resolved(make_book, files)
    item = next(i for i in book.bibliography if i.key == "Many.2002")
    assert '<a href="http://www.example.org/a?b=1&amp;c=2">http://www.example.org/a?b=1&amp;c=2</a>' \
        in item.html
    assert "\\url" not in item.html and "\\url" not in item.text
    assert "http://www.example.org/a?b=1&c=2" in item.text


def test_bad_references_are_reported_with_lines(make_book):
    files = dict(BOOK)
    files["ch1/b.md"] = """
        # B
        :label:`sec_a`

        See :numref:`fig_secnd` and :cite:`Nobody.2020`.
    """
    _, diags = resolved(make_book, files)
    found = sorted((d.file, d.line, d.code) for d in diags.items)
    assert found == [("ch1/b.md", 1, "duplicate-label"), ("ch1/b.md", 4, "missing-citation"),
                     ("ch1/b.md", 4, "unresolved-ref")]
    message = next(d.message for d in diags.items if d.code == "unresolved-ref")
    assert "fig_second" in message  # a suggestion


def test_toc_entry_naming_no_file(make_book):
    files = dict(BOOK)
    files["ch1/index.md"] = "# One\n:label:`chap_one`\n\n```toc\na\nmissing\nb\n```\n"
    book, diags = resolved(make_book, files)
    assert [(d.file, d.line, d.code) for d in diags.items] == [("ch1/index.md", 6, "toc")]
    assert book.pages["ch1/b.md"].number == "1.2"


def test_code_for_tab_cuts_branches():
    source = "x = 0\nif tab.selected('mxnet'):\n    x = 1\nif tab.selected('pytorch', 'jax'):\n    x = 2\ny = x"
    assert code_for_tab(source, "mxnet") == "x = 0\nx = 1\ny = x"
    assert code_for_tab(source, "jax") == "x = 0\nx = 2\ny = x"
    chain = "if tab.selected('a'):\n    v = 1\nelif tab.selected('b'):\n    v = 2\nelse:\n    v = 3"
    assert [code_for_tab(chain, t) for t in "abc"] == ["v = 1", "v = 2", "v = 3"]


def test_code_for_tab_cuts_nested_selections_at_any_depth():
    # d2l-en's base Module: a tensorflow-only line inside an mxnet-and-tensorflow branch
    source = ("class M:\n"
              "    if tab.selected('mxnet', 'tensorflow'):\n"
              "        def __init__(self):\n"
              "            self.board = 1\n"
              "            if tab.selected('tensorflow'):\n"
              "                self.training = None\n"
              "                if tab.selected('mxnet'):\n"
              "                    never = 1\n"
              "            elif tab.selected('mxnet'):\n"
              "                self.ctx = 0\n"
              "    def loss(self):\n"
              "        pass")
    assert code_for_tab(source, "mxnet") == (
        "class M:\n    def __init__(self):\n        self.board = 1\n        self.ctx = 0\n"
        "    def loss(self):\n        pass")
    assert code_for_tab(source, "tensorflow") == (
        "class M:\n    def __init__(self):\n        self.board = 1\n        self.training = None\n"
        "    def loss(self):\n        pass")
    assert code_for_tab(source, "jax") == "class M:\n    def loss(self):\n        pass"
    # d2l-en's layout: the nested `if` at the level of the `def` it follows, its body at the
    # function body's level, continues the function (as its author means, and d2lbook reads it)
    d2l = ("class Module:\n"
           "    if tab.selected('mxnet', 'tensorflow'):\n"
           "        def __init__(self):\n"
           "            self.board = 1\n"
           "        if tab.selected('tensorflow'):\n"
           "            self.training = None\n"
           "\n"
           "    if tab.selected('jax'):\n"
           "        board: int = 0\n"
           "\n"
           "    def loss(self):\n"
           "        pass")
    assert code_for_tab(d2l, "tensorflow") == (
        "class Module:\n    def __init__(self):\n        self.board = 1\n        self.training = None\n"
        "\n    def loss(self):\n        pass")
    assert code_for_tab(d2l, "mxnet") == (
        "class Module:\n    def __init__(self):\n        self.board = 1\n    def loss(self):\n        pass")
    # after a loop (not a def) the nested body leaves the loop, as Python reads it
    loop = ("if tab.selected('a', 'b'):\n    for i in x:\n        y = i\n"
            "    if tab.selected('a'):\n        z = 1\n    w = 2")
    assert code_for_tab(loop, "a") == "for i in x:\n    y = i\nz = 1\nw = 2"
    # a selection that is not an if-condition is left as it is
    assert code_for_tab("flag = tab.selected('a')", "a") == "flag = tab.selected('a')"


def _cell(src: str, tabs: list[str]) -> CodeCell:
    return CodeCell(src, Pos("p.md", 1), executable=True, tabs=tabs)


def test_group_tabs_website_view():
    tabs = ["pytorch", "mxnet"]
    blocks = [
        Paragraph([Text("intro")], Pos("p.md", 1)),
        TabContent(["mxnet"], [Paragraph([Text("mx prose")], Pos("p.md", 2))], Pos("p.md", 2)),
        _cell("import torch", ["pytorch"]),
        _cell("from mxnet import np", ["mxnet"]),
        _cell("shared = 1", tabs),
        _cell("if tab.selected('mxnet'):\n    a = 1\nif tab.selected('pytorch'):\n    a = 2", tabs),
    ]
    out = group_tabs(blocks, tabs)
    assert isinstance(out[1], TabGroup)
    assert list(out[1].panels) == ["pytorch", "mxnet"]  # default tab first
    assert [type(b).__name__ for b in out[1].panels["mxnet"]] == ["Paragraph", "CodeCell"]
    assert isinstance(out[2], CodeCell) and out[2].source == "shared = 1"
    assert isinstance(out[3], TabGroup)
    assert out[3].panels["pytorch"][0].source == "a = 2"


def test_select_tab_pdf_view():
    tabs = ["pytorch", "mxnet"]
    blocks = [
        TabContent(["mxnet"], [Paragraph([Text("mx")], Pos("p.md", 2))], Pos("p.md", 2)),
        _cell("import torch", ["pytorch"]),
        _cell("if tab.selected('mxnet'):\n    a = 1", tabs),
    ]
    mx = select_tab(blocks, "mxnet")
    assert isinstance(mx[0], Paragraph) and mx[1].source == "a = 1" and len(mx) == 2
    assert [b.source for b in select_tab(blocks, "pytorch")] == ["import torch", ""]


def test_et_al_in_a_bib_author_list_reads_as_bibtex_writes_it(make_book):
    """An author list ending "and et al." or "and others" reads "A, B, et al.", never "and et al."."""
    files = dict(BOOK)
    files["refs.bib"] = BOOK["refs.bib"].replace(
        "@book{Unused.1999",
        "@book{Etal.2003, author = {First, Ann and Second, Bob and et al.}, title = {Four},\n"
        "              publisher = {P}, year = {2003}}\n"
        "        @book{Two.2004, author = {Solo, Sam and others}, title = {Five}, publisher = {P}, year = {2004}}\n"
        "        @book{Unused.1999")
    files["ch1/b.md"] = BOOK["ch1/b.md"] + "\nAlso :cite:`Etal.2003,Two.2004`.\n"
    book, _ = resolved(make_book, files)
    items = {i.key: i for i in book.bibliography}
    assert items["Etal.2003"].text.startswith("Ann First, Bob Second, et al. Four")
    assert "Ann First, Bob Second, et&nbsp;al." in items["Etal.2003"].html
    assert "et~al." in items["Etal.2003"].latex and "and et" not in items["Etal.2003"].latex
    assert items["Two.2004"].text.startswith("Sam Solo et al. Five")
    cite = [c for c in page_inlines(book.pages["ch1/b.md"].blocks) if isinstance(c, Cite)][-1]
    assert [e.authors for e in cite.entries] == ["First et al.", "Solo et al."]


def test_works_of_the_same_authors_and_year_get_a_letter(make_book):
    files = dict(BOOK)
    files["refs.bib"] = BOOK["refs.bib"] + (
        "@book{Smith.Book, author = {Smith, Ann}, title = {Book}, publisher = {P}, year = {2000}}\n")
    files["ch1/b.md"] = BOOK["ch1/b.md"] + "\nAgain :cite:`Smith.Book,Smith.2000`.\n"
    book, _ = resolved(make_book, files)
    cites = [c for c in page_inlines(book.pages["ch1/b.md"].blocks) if isinstance(c, Cite)]
    assert [(e.key, e.year) for e in cites[-1].entries] == [("Smith.Book", "2000b"), ("Smith.2000", "2000a")]
    assert [(i.key, i.label) for i in book.bibliography if "Smith" in i.key] == [
        ("Smith.2000", "Smith, 2000a"), ("Smith.Book", "Smith, 2000b")]
    assert ("Jones and Lee", "2001") in book.bib_entries.values()  # one work of a year: no letter
