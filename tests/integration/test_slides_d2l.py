"""d2l-en's slides (``build slides --no-eval``): a deck for every page with marks, and five
pages cut exactly as d2lbook's rules cut them (expected slides worked out by hand from the
Markdown: which marks start a slide, sentence case, trailing punctuation, headings)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from divebook.cli import main
from divebook.writers.slides.cutting import slides_of

pytestmark = pytest.mark.corpus

#: page -> its slides in the default tab (pytorch), each the text of its Markdown cells
EXPECTED = {
    # one slide: the title cell and a `(**` cell continue it; the tab blocks hold no marks
    "chapter_recurrent-modern/deep-rnn": [
        ["# Deep Recurrent Neural Networks\n\n",
         "Select a nontrivial number of hidden layers \nby specifying the value of `num_layers`"],
    ],
    "chapter_linear-classification/classification": [
        ["# The Base Classification Model\n\n"],
        ["Compare the predicted class with the ground truth `y` elementwise"],
    ],
    "chapter_convolutional-neural-networks/padding-and-strides": [
        ["# Padding and Stride\n\n", "Apply 1 pixel of padding on all sides"],
        ["Setting different padding numbers for height and width"],
        ["Set the strides on both the height and width to 2", "A slightly more complicated example"],
    ],
    # the title shares its cell with the first mark; a mark over two lines keeps its line break
    "chapter_preliminaries/pandas": [
        ["# Data Preprocessing\n\nCreate a CSV file below"],
        ["For categorical input fields, \nwe can treat `NaN` as a category"],
        ["Replace the `NaN` entries with \nthe mean value of the corresponding column"],
        ["All the entries in `inputs` and `targets` are numerical,\nwe can load them into a tensor"],
    ],
    # the title is cut from the tab blocks after it (their own cells, without marks)
    "chapter_preliminaries/lookup-api": [
        ["# Documentation\n\n", "Query all properties in the module for generating random numbers"],
        ["Explore the usage instructions for tensors' `ones` function", "Run a quick test"],
    ],
}

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.S)
_OPEN = re.compile(r"\[\*\*|\(\*\*|\[~~|\(~~")


def has_marks_in_prose(text: str) -> bool:
    """Whether the Markdown has a slide mark outside code (a scan of its own, for the count)."""
    prose, fence = [], ""
    for line in text.splitlines():
        m = _FENCE.match(line)
        if fence:
            fence = "" if m and m.group(1)[0] == fence[0] else fence
            continue
        if m:
            fence = m.group(1)
            continue
        prose.append(line)
    return bool(_OPEN.search(_CODE_SPAN.sub("", "\n".join(prose))))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    from tests.conftest import CORPUS, require_corpus

    require_corpus("d2l-en")
    out = tmp_path_factory.mktemp("d2l-en-slides")
    status = main(["build", "slides", "--no-eval", "-C", str(CORPUS / "d2l-en"), "--out", str(out), "-q"])
    assert status == 0
    return out


def test_every_page_with_marks_has_a_deck_in_the_default_tab(built, corpus):
    root = corpus / "d2l-en"
    marked = {p.relative_to(root).with_suffix("").as_posix() for p in root.rglob("*.md")
              if "contrib" not in p.parts and "_build" not in p.parts
              and has_marks_in_prose(p.read_text(encoding="utf-8"))}
    decks = {p.relative_to(built / "slides/pytorch").with_suffix("").as_posix()
             for p in (built / "slides/pytorch").rglob("*.html")}
    assert decks == marked
    assert len(decks) == 75  # 85 files have `(**`, 10 of them only in code (`f(**kwargs)`)
    for deck in decks:
        rise = nbformat.read(built / "slides/pytorch" / f"{deck}.ipynb", as_version=4)
        nbformat.validate(rise)
        html = (built / "slides/pytorch" / f"{deck}.html").read_text(encoding="utf-8")
        assert html.count("<section ") == len(slides_of(rise)), deck


@pytest.mark.parametrize("page", sorted(EXPECTED))
def test_slides_are_cut_by_d2lbook_rules(built, page):
    rise = nbformat.read(built / "slides/pytorch" / f"{page}.ipynb", as_version=4)
    got = [[c.source for c in slide if c.cell_type == "markdown"] for slide in slides_of(rise)]
    assert got == EXPECTED[page]
    # a code cell never keeps a `# ` comment line or a #@save mark
    for cell in rise.cells:
        if cell.cell_type == "code":
            assert "#@save" not in cell.source
            assert not any(line.lstrip().startswith("# ") for line in cell.source.splitlines())
