"""Roles written with a space before the backtick (``:numref: `x```), read as d2lbook reads them.

d2lbook finds its marks with ``:name:`value``` and no space; with a space,
a tab mark still splits the page but names no tab, and any other role is
text for Sphinx.  The reader reads them the same way and says where and how
to mend them.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from divebook.diagnostics import Diagnostics
from divebook.reader.page import read_page
from divebook.tree import Cite, Code, Figure, ListBlock, Paragraph, Ref, TabContent, page_inlines, plain_text

TABS = ["pytorch", "mxnet"]


def read(text: str):
    diags = Diagnostics()
    page = read_page(Path("."), "ch/page.md", textwrap.dedent(text).lstrip("\n").encode(), TABS, diags)
    return page, diags


@pytest.mark.parametrize("role", ["numref", "ref", "eqref", "cite", "citet", "citep"])
def test_spaced_reference_is_shown_as_written_with_a_warning(role):
    page, diags = read(f"""
        # Title

        See :{role}: `sec_x` here.
    """)
    assert [(d.severity, d.line, d.code) for d in diags.items] == [("warning", 3, "role-space")]
    assert f"write `:{role}:`sec_x``" in diags.items[0].message
    para = page.blocks[1]
    assert not [n for n in page_inlines(page.blocks) if isinstance(n, (Ref, Cite))]
    assert Code(f":{role}: `sec_x`") in para.children
    assert plain_text(para.children) == f"See :{role}: `sec_x` here."


def test_spaced_label_labels_nothing_and_is_not_a_caption():
    page, diags = read("""
        ![A plot](plot.png)
        :label: `fig_plot`

        :label: `tab_x`

        | a |
        |---|
        | 1 |
    """)
    assert [(d.line, d.code) for d in diags.items] == [(2, "role-space"), (4, "role-space")]
    assert not any(isinstance(b, Figure) and b.label for b in page.blocks)
    assert "caption" not in " ".join(d.message for d in diags.items)


def test_spaced_role_on_a_later_line_of_a_paragraph_has_its_line():
    _, diags = read("""
        First line,
        second line :eqref: `eq_a`,
        third :numref:`fine`.
    """)
    assert [(d.line, d.code) for d in diags.items] == [(2, "role-space")]


def test_spaced_begin_tab_shows_its_text_in_every_tab():
    page, diags = read("""
        :begin_tab: `pytorch`
        Text for PyTorch.
        :end_tab:

        :begin_tab:`mxnet`
        MXNet only.
        :end_tab:

        After.
    """)
    assert [(d.line, d.code) for d in diags.items] == [(1, "tab-mark")]
    assert "write `:begin_tab:`pytorch``" in diags.items[0].message
    assert "caption" not in diags.items[0].message
    first, tab, after = page.blocks
    assert isinstance(first, Paragraph) and plain_text(first.children) == "Text for PyTorch."
    assert isinstance(tab, TabContent) and tab.tabs == ["mxnet"]
    assert plain_text(after.children) == "After."


def test_spaced_begin_tab_splits_the_paragraph_and_wraps_a_list():
    page, diags = read("""
        Before.
        :begin_tab: `mxnet`
        * one
        * two
        :end_tab:
        After.
    """)
    assert [(d.line, d.code) for d in diags.items] == [(2, "tab-mark")]
    assert [type(b) for b in page.blocks] == [Paragraph, ListBlock, Paragraph]
    assert [plain_text(p.children) for p in (page.blocks[0], page.blocks[2])] == ["Before.", "After."]


def test_begin_tab_naming_no_tab_is_a_warning():
    page, diags = read("""
        :begin_tab:``
        Text.
        :end_tab:
    """)
    assert [(d.line, d.code) for d in diags.items] == [(1, "tab-mark")]
    assert [type(b) for b in page.blocks] == [Paragraph]


def test_unknown_name_with_a_space_is_plain_text():
    page, diags = read("Note: `x` and :note: `y`.\n")
    assert not diags.items
    assert plain_text(page.blocks[0].children) == "Note: x and :note: y."
