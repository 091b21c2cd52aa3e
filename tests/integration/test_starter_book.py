"""The starter book's shape: every section teaches with prose, math, a figure, code and
exercises, in English followed by Korean, and the book builds without a warning."""

from __future__ import annotations

import re
import tomllib

import pytest

from divebook.cli import main
from divebook.reader.slides import strip_slide_marks
from tests.integration.starter_build import STARTER, page_cells, read_starter

HANGUL = re.compile(r"[\uac00-\ud7a3]")
SECTIONS = [
    "chapter_preliminaries/ndarray.md", "chapter_preliminaries/autograd.md",
    "chapter_linear/linear-regression-scratch.md", "chapter_linear/linear-regression-concise.md",
    "chapter_linear/softmax-regression.md", "chapter_deep/mlp.md", "chapter_deep/cnn.md",
    "chapter_deep/attention.md",
]
FRONT = ["chapter_preface/index.md", "chapter_installation/index.md"]


def prose_blocks(text: str) -> list[str]:
    """Paragraphs, headings and lists outside code fences, without label lines, as the book
    shows them (slide marks removed: `(**$$x$$**)` is an equation)."""
    text = strip_slide_marks(text)
    text = re.sub(r"^```.*?^```", "", text, flags=re.DOTALL | re.MULTILINE)
    blocks = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line for line in block.strip().splitlines()
                 if not re.match(r"\s*:(label|eqlabel|width|begin_tab|end_tab)", line)]
        block = "\n".join(lines).strip()
        if block and not block.startswith("$$") and not block.startswith(":bibliography:"):
            blocks.append(block)
    return blocks


def test_the_book_has_the_planned_pages():
    _, book = read_starter()
    for source in SECTIONS + FRONT + ["chapter_references/index.md"]:
        assert source in book.order, source


@pytest.mark.parametrize("source", SECTIONS + FRONT)
def test_every_original_block_is_followed_by_its_korean_translation(source):
    blocks = prose_blocks((STARTER / source).read_text(encoding="utf-8"))
    assert blocks
    i = 0
    while i < len(blocks):
        original = blocks[i]
        assert not HANGUL.search(original), f"{source}: expected English, got: {original[:80]}"
        assert i + 1 < len(blocks), f"{source}: no translation after: {original[:80]}"
        translation = blocks[i + 1]
        assert HANGUL.search(translation), f"{source}: no Korean after: {original[:80]}"
        # the same kind of block, with the same math and references
        assert original.lstrip("#")[:1] == translation.lstrip("#")[:1] or not original.startswith("#")
        assert original.count("#") == translation.count("#") or not original.startswith("#")
        for pattern in (r"\$[^$]+\$", r":(?:numref|eqref|cite|citet):`[^`]+`"):
            assert sorted(re.findall(pattern, original)) == sorted(re.findall(pattern, translation)), \
                f"{source}: math or references differ between\n{original}\n{translation}"
        i += 2


@pytest.mark.parametrize("source", SECTIONS)
def test_every_section_has_prose_math_figure_code_and_exercises(source):
    text = (STARTER / source).read_text(encoding="utf-8")
    assert "$$" in text, "display math"
    assert re.search(r"!\[[^\]]+\]\(\.\./img/[\w-]+\.svg\)\n:label:", text), "a labelled figure"
    assert "## Exercises" in text and "## 연습 문제" in text
    _, book = read_starter()
    for tab in ("pytorch", "mxnet"):
        assert page_cells(book, source, tab), f"code for {tab}"
    for target in re.findall(r"\.\./img/([\w-]+\.svg)", text):
        assert (STARTER / "img" / target).exists()


def test_later_pages_import_the_companion_library_and_never_d2l():
    _, book = read_starter()
    saved = 0
    for source in SECTIONS:
        for tab, module in (("pytorch", "torch"), ("mxnet", "mxnet")):
            code = "\n".join(page_cells(book, source, tab))
            assert "d2l" not in code
            saved += code.count("#@save")
            if source != "chapter_preliminaries/ndarray.md":
                assert f"from sprout import {module} as sprout" in code, (source, tab)
    assert saved >= 20


def test_from_scratch_pages_use_no_layers():
    _, book = read_starter()
    for tab in ("pytorch", "mxnet"):
        code = "\n".join(page_cells(book, "chapter_linear/linear-regression-scratch.md", tab))
        assert "nn." not in code and "optim" not in code and "Trainer" not in code
        concise = "\n".join(page_cells(book, "chapter_linear/linear-regression-concise.md", tab))
        assert "nn.Linear" in concise or "nn.Dense" in concise


def test_installation_page_shows_the_real_requirements():
    config = tomllib.loads((STARTER / "divebook.toml").read_text(encoding="utf-8"))
    page = (STARTER / "chapter_installation/index.md").read_text(encoding="utf-8")
    shown = tomllib.loads(re.search(r"```toml\n(.*?)```", page, re.DOTALL).group(1))
    for tab in ("pytorch", "mxnet"):
        assert shown["tabs"][tab]["requirements"] == config["tabs"][tab]["requirements"]
    assert config["project"]["lang"] == "ko" and config["translation"]["origin_lang"] == "en"
    assert config["tabs"]["pytorch"]["library"]["file"] == "sprout/torch.py"
    assert config["tabs"]["mxnet"]["library"]["file"] == "sprout/mxnet.py"


def test_the_book_builds_without_warnings(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", "html", "-C", str(STARTER), "--out", str(out), "--no-eval", "--strict"]) == 0
    report = (out / "report.json").read_text(encoding="utf-8")
    assert '"errors": []' in report
    assert (out / "html" / "chapter_deep" / "attention.html").exists()
