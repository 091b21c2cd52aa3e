"""Slides: d2lbook's cutting rules, and the ``slides`` target on small books (no kernel)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from divebook.cli import main
from divebook.reader.slides import strip_slide_marks
from divebook.writers.slides.cutting import (
    cut_slides, find_marks, slide_text, slides_of, strip_comments,
)
from divebook.writers.slides.source import keep_language, mark_tab_blocks, unclosed_marks


def md(source: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_markdown_cell(source)


def code(source: str, output: str | None = None) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    if output is not None:
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=output)]
    return cell


def notebook(*cells: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    return nb


def kinds(nb: nbformat.NotebookNode) -> list[str]:
    return [c.metadata["slideshow"]["slide_type"] if c.cell_type == "markdown" else "code" for c in nb.cells]


# ---------------------------------------------------------------- marks


def test_marks_in_order_of_all_four_kinds():
    marks, problems = find_marks("a (**two**) b [**one**] [~~three~~] (~~four~~) c")
    assert [(m.opening, m.text) for m in marks] == [
        ("(**", "two"), ("[**", "one"), ("[~~", "three"), ("(~~", "four")]
    assert [m.starts_slide for m in marks] == [False, True, True, False]
    assert problems == []


def test_bold_link_and_inline_code_are_not_marks():
    marks, problems = find_marks("[**Bold link**](https://x.org) and `f(**kwargs)` and [**real**]")
    assert [m.text for m in marks] == ["real"]
    assert problems == []


def test_unclosed_mark_is_a_problem_with_its_offset():
    text = "fine [**kept**]\nthen (**never closed"
    marks, problems = find_marks(text)
    assert [m.text for m in marks] == ["kept"]
    assert [(p.opening, p.offset) for p in problems] == [("(**", text.index("(**"))]


def test_marks_may_span_paragraphs_until_code():
    text = "Intro.\n[**Given $A$,\n\n$$x = 1,$$\n**]\n\n```{.python .input}\n(**x\n```\n"
    assert unclosed_marks(text) == []
    assert unclosed_marks("ok\n\n(**open\n\n```{.python .input}\nx\n```\n**)\n") == [(3, "(**")]
    # the book shows the text without its marks, on the same lines
    stripped = strip_slide_marks(text)
    assert "[**" not in stripped and "**]" not in stripped and stripped.count("\n") == text.count("\n")


def test_slide_only_text_leaves_the_book():
    out = strip_slide_marks("We (**keep**) this (~~not this~~) and [~~nor this~~].\n")
    assert out == "We keep this  and .\n"


# ---------------------------------------------------------------- text rules


def test_sentence_case_after_full_stops_and_trailing_punctuation():
    marks, _ = find_marks("[**we start here. then go on.**]\n(**and end, with a colon:**)")
    assert slide_text(marks) == "We start here. Then go on.\nAnd end, with a colon"


def test_full_stop_before_closing_dollars_and_full_width_punctuation():
    marks, _ = find_marks("(**$$y = x.$$**) (**$$z = 1,$$**)")
    assert slide_text(marks) == "$$y = x$$\n$$z = 1$$"
    marks, _ = find_marks("[**我们定义模型。**]")
    assert slide_text(marks) == "我们定义模型"


def test_a_bare_full_stop_in_code_keeps_its_case():
    marks, _ = find_marks("[**call `a.text()` now. it works.**]")
    assert slide_text(marks) == "Call `a.text()` now. It works"


def test_comments_leave_code_and_strings_keep_their_hash():
    src = "x = 1  # one\n# whole line\nprint('# not a comment')\ny = 2  #@save\n#@save\ndef f():\n    return 3"
    assert strip_comments(src) == "x = 1\nprint('# not a comment')\ny = 2  #@save\n#@save\ndef f():\n    return 3"


# ---------------------------------------------------------------- cutting a notebook


def test_cells_become_slides_by_d2lbook_rules():
    nb = notebook(
        md("# Title\n:label:`sec_x`\n\nIntro (**first words.**) unmarked prose."),
        code("import torch  # the framework"),
        md("Prose without marks is left out."),
        code("a = 1\n#@save\ndef g():\n    pass"),
        code("b = 2", output="2\n"),
        md("[**a new slide**] and (**more of it**)"),
        code("c = 3"),
        code("d = 4"),
    )
    rise = cut_slides(nb)
    assert rise is not None
    assert kinds(rise) == ["-", "code", "slide", "code"]
    assert rise.cells[0].source == "# Title\n\nFirst words"
    # cells without output merge into the next one that has output (or the run's last)
    assert rise.cells[1].source == "import torch\n\na = 1\ndef g():\n    pass\n\nb = 2"
    assert rise.cells[1].outputs[0]["text"] == "2\n"
    assert rise.cells[2].source == "A new slide\nmore of it"
    assert rise.cells[3].source == "c = 3\n\nd = 4"
    assert [len(s) for s in slides_of(rise)] == [2, 2]
    nbformat.validate(rise)


def test_a_page_without_marks_has_no_slides():
    assert cut_slides(notebook(md("# Title\n\nJust prose with **bold**."), code("x = 1"))) is None


def test_heading_cell_without_marks_continues_the_slide():
    rise = cut_slides(notebook(md("# Only a title"), md("[**slide**]")))
    assert rise is not None and kinds(rise) == ["-", "slide"]
    assert rise.cells[0].source == "# Only a title\n\n"


# ---------------------------------------------------------------- sources


def test_tab_blocks_are_cut_out_and_fences_left_alone():
    text = "a\n:begin_tab:`mxnet`\nb\n:end_tab:\n```\n:begin_tab:`x`\n```\n"
    out = mark_tab_blocks(text)
    assert out.split("\n")[1] == "\x01:begin_tab:`mxnet`" and out.split("\n")[3] == ":end_tab:\x01"
    assert out.split("\n")[5] == ":begin_tab:`x`"


def test_one_language_loses_the_other_languages_marks_and_title():
    text = ("# Title\n:label:`x`\n\n# 제목\n\n[**English.**]\n\n[**한국어.**]\n:end_tab:\n\n"
            "Plain 한국어 without marks.\n\n```\ncode\n```")
    english = keep_language(text, shown={1, 6, 12, 14})
    assert english.split("\n") == ["# Title", ":label:`x`", "", "", "", "[**English.**]", "", "",
                                   ":end_tab:", "", "Plain 한국어 without marks.", "", "```", "code", "```"]
    korean = keep_language(text, shown={4, 8, 11, 14})
    assert korean.split("\n")[:9] == ["", ":label:`x`", "", "# 제목", "", "", "", "[**한국어.**]", ":end_tab:"]


# ---------------------------------------------------------------- the target

BOOK = {
    "config.ini": """
        [project]
        name = talks
        title = Talks

        [build]
        tabs = pytorch, mxnet

        [slides]
        top_right = <img height=80px src='img/logo.svg'/>
        top_left = <img src='https://example.org/remote.png'/> Lecture
        """,
    "index.md": """
        # Talks

        ```toc
        :numbered:

        ch/a
        ch/plain
        ```
        """,
    "ch/a.md": """
        # Linear Models
        :label:`sec_a`

        [**A model predicts $\\hat{y} = \\mathbf{w}^\\top \\mathbf{x}$.**] Words not on slides.

        ```{.python .input}
        #@tab pytorch
        import torch  # the framework
        x = torch.ones(2)
        ```

        ```{.python .input}
        #@tab mxnet
        from mxnet import np
        x = np.ones(2)
        ```

        :begin_tab:`mxnet`
        [**Gluon infers the shapes.**]
        :end_tab:

        (**Then we train (:numref:`sec_a`) with ![a figure](../img/logo.svg) nearby**) (~~slide-only words~~).

        ```{.python .input}
        #@tab all
        y = x + 1
        ```
        """,
    "ch/plain.md": """
        # Plain

        No marks here, only `f(**kwargs)` in code.

        ```{.python .input}
        f = 1
        ```
        """,
    "img/logo.svg": "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'/>",
}


def _build(book: Path, out: Path, *targets: str) -> tuple[int, dict]:
    status = main(["build", *targets, "--no-eval", "-C", str(book), "--out", str(out), "-q"])
    return status, json.loads((out / "report.json").read_text(encoding="utf-8"))


def test_build_slides_writes_a_deck_and_a_rise_notebook_per_tab(make_book, tmp_path):
    book = make_book(BOOK)
    out = tmp_path / "out"
    status, report = _build(book, out, "html", "slides")
    assert status == 0
    slides = out / "slides"
    assert sorted(p.relative_to(slides).as_posix() for p in slides.rglob("*.html")
                  if not p.name.startswith("_")) == ["mxnet/ch/a.html", "pytorch/ch/a.html"]
    assert report["slides"]["decks"] == 2

    rise = nbformat.read(slides / "pytorch/ch/a.ipynb", as_version=4)
    nbformat.validate(rise)
    assert kinds(rise) == ["slide", "code", "-", "code"]
    assert rise.cells[0].source == "# Linear Models\n\nA model predicts $\\hat{y} = \\mathbf{w}^\\top \\mathbf{x}$"
    assert rise.cells[1].source == "import torch\nx = torch.ones(2)"
    assert rise.cells[2].source == "Then we train (:numref:`sec_a`) with ![a figure](../img/logo.svg) nearby\nslide-only words"
    assert "my-top-right" in rise.metadata["rise"]["overlay"] and rise.metadata["rise"]["scroll"] is True
    assert all("divebook_cell" not in c.metadata for c in rise.cells)

    mx = nbformat.read(slides / "mxnet/ch/a.ipynb", as_version=4)
    assert [c.source for c in mx.cells if c.cell_type == "markdown"][1] == "Gluon infers the shapes"
    assert kinds(mx) == ["slide", "code", "slide", "-", "code"]

    deck = (slides / "pytorch/ch/a.html").read_text(encoding="utf-8")
    assert deck.count("<section") == 1 and (slides / "mxnet/ch/a.html").read_text().count("<section") == 2
    assert "<math" in deck and 'class="highlight language-python"' in deck
    assert "Words not on slides" not in deck and "Gluon" not in deck
    assert 'src="../../img/logo.svg"' in deck and (slides / "img/logo.svg").is_file()
    assert "https://example.org" not in deck and "http" not in deck.split("<body>")[1].split("<script")[0]
    assert "src='../../_reveal/corner/logo.svg'" in deck and "Lecture" in deck
    assert 'href="../../../../ch/a.html"' in deck  # back to its page, from _downloads/slides/
    # a reference is resolved as on the page and links to the site's page
    assert re.search(r'<a class="ref numref" href="../../../../ch/a.html(#[^"]+)?">Section 1</a>', deck)
    for asset in ("reveal.js", "reveal.css", "notes.js", "LICENSE", "deck.css", "highlight.css"):
        assert (slides / "_reveal" / asset).is_file()

    warnings = [w for w in report["warnings"] if w["code"] == "slides-image"]
    assert len(warnings) == 1 and warnings[0]["file"] == "config.ini" and warnings[0]["line"] == 10
    assert "https://example.org/remote.png" in warnings[0]["message"]

    # the book itself shows neither marks nor slide-only words
    page = (out / "html/ch/a.html").read_text(encoding="utf-8")
    assert "[**" not in page and "slide-only" not in page and "Words not on slides" in page
    # the site holds the decks and lists them for its pages
    site_deck = out / "html/_downloads/slides/pytorch/ch/a.html"
    assert site_deck.read_bytes() == (slides / "pytorch/ch/a.html").read_bytes()
    manifest = (out / "html/_downloads/downloads.js").read_text(encoding="utf-8")
    assert '"slides":["ch/a"]' in manifest
    assert (out / "html" / "_downloads/slides/pytorch/ch/a.html").resolve().parent.joinpath(
        "../../../../ch/a.html").resolve() == (out / "html/ch/a.html").resolve()


def test_a_page_that_loses_its_marks_loses_its_decks(make_book, tmp_path):
    book = make_book(BOOK)
    out = tmp_path / "out"
    assert _build(book, out, "slides")[0] == 0
    page = book / "ch/a.md"
    page.write_text(page.read_text(encoding="utf-8").replace("[**", "").replace("**]", "")
                    .replace("(**", "").replace("**)", "").replace("(~~slide-only words~~)", ""),
                    encoding="utf-8")
    assert _build(book, out, "slides")[0] == 0
    assert not list((out / "slides").rglob("*.html")) and not list((out / "slides").rglob("*.ipynb"))


def test_an_unclosed_mark_is_a_warning_with_its_line(make_book, tmp_path):
    files = dict(BOOK)
    files["ch/plain.md"] = "# Plain\n\nFirst line.\nA (**mark left open here.\n"
    book = make_book(files)
    status, report = _build(book, tmp_path / "out", "slides")
    assert status == 0
    found = [w for w in report["warnings"] if w["code"] == "slide-mark"]
    assert [(w["file"], w["line"]) for w in found] == [("ch/plain.md", 4)]
    assert "`**)`" in found[0]["message"]


def test_all_includes_slides(make_book, tmp_path):
    book = make_book(BOOK)
    out = tmp_path / "out"
    status = main(["build", "all", "--no-eval", "-C", str(book), "--out", str(out), "-q"])
    assert status == 0
    assert (out / "slides/pytorch/ch/a.html").is_file()


BILINGUAL = {
    "divebook.toml": '[project]\nname = "duo"\nlang = "ko"\n[translation]\norigin_lang = "en"\n',
    "index.md": """
        # Duo

        # 듀오

        ```toc
        talk
        ```
        """,
    "talk.md": """
        # Growth

        # 성장

        [**Things grow over time.**] More English prose here.

        [**시간이 지나면 모든 것이 자랍니다.**] 한국어 설명이 더 있습니다.

        ```{.python .input}
        x = 1
        ```

        (**We measure it.**)

        (**우리는 그것을 잽니다.**)
        """,
}


def _deck_texts(out: Path, rel: str) -> list[str]:
    rise = nbformat.read(out / "slides" / rel, as_version=4)
    return [c.source for c in rise.cells if c.cell_type == "markdown"]


def test_each_language_of_an_interleaved_page_has_its_own_deck(make_book, tmp_path):
    book = make_book(BILINGUAL)
    out = tmp_path / "out"
    assert _build(book, out, "slides")[0] == 0
    assert _deck_texts(out, "python/talk.ipynb") == ["# 성장\n\n시간이 지나면 모든 것이 자랍니다",
                                                     "우리는 그것을 잽니다"]
    assert _deck_texts(out, "python/en/talk.ipynb") == ["# Growth\n\nThings grow over time",
                                                        "We measure it"]
    # one language built alone is still that language alone
    alone = tmp_path / "alone"
    status = main(["build", "slides", "--no-eval", "--lang", "en", "-C", str(book), "--out", str(alone), "-q"])
    assert status == 0
    assert _deck_texts(alone, "python/en/talk.ipynb") == ["# Growth\n\nThings grow over time", "We measure it"]


# ---------------------------------------------------------------- any input

PIECES = ["[**", "**]", "(**", "**)", "[~~", "~~]", "(~~", "~~)", "text", ". ", ".\n", "\n\n", "`", "$$",
          "# Title\n", ":begin_tab:`pytorch`\n", ":end_tab:\n", "](url)", "，", "。", " ", "x"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.sampled_from(PIECES), max_size=12), max_size=6),
       st.lists(st.booleans(), max_size=6))
def test_any_cells_cut_without_error(texts, has_output):
    cells = []
    for i, parts in enumerate(texts):
        cells.append(md("".join(parts)))
        cells.append(code("# c\nx = 1  # y\n#@save", output="1\n" if i < len(has_output) and has_output[i]
                          else None))
    rise = cut_slides(notebook(*cells))
    if rise is not None:
        nbformat.validate(rise)
        assert sum(len(s) for s in slides_of(rise)) == len(rise.cells)
    text = "".join("".join(parts) + "\n\n```{.python .input}\nx\n```\n" for parts in texts)
    for line, opening in unclosed_marks(text):
        assert 1 <= line <= text.count("\n") + 1 and opening in ("[**", "(**", "[~~", "(~~")
    assert keep_language(text, set()).count("\n") == text.count("\n")
    assert mark_tab_blocks(text).count("\n") == text.count("\n")
