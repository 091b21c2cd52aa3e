"""The website's reader-facing parts, checked on the HTML (the browser tests run it)."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import nbformat
import pytest

from divebook.cli import main
from divebook.config import Config, TabConfig
from divebook.tree import Link, Paragraph, Pos, TabContent, Text
from divebook.writers.html.colab import colab_notebook, colab_url, excluded, install_cell_source
from divebook.writers.html.discussion import link_for_tab, qr_svg, split_discussion
from divebook.writers.html.downloads import sync_downloads
from divebook.writers.html.icons import icon_for
from divebook.writers.html.search import index_exists, pagefind_binary
from tests.conftest import require
from tests.integration.browser_kit import DEEP_WORD, add_notebooks, make_test_book

P = Pos("x.md", 1)


def para(*children) -> Paragraph:
    return Paragraph(list(children), P)


def discuss(url: str, text: str = "Discussions") -> Paragraph:
    return para(Link(url, [Text(text)]))


# ---------------------------------------------------------------- discussion links


def test_discussion_links_leave_the_page_per_tab() -> None:
    blocks = [para(Text("Exercises.")),
              TabContent(["mxnet"], [discuss("https://discuss.d2l.ai/t/52")], P),
              TabContent(["pytorch"], [discuss("https://discuss.d2l.ai/t/53")], P)]
    kept, links = split_discussion(blocks)
    assert kept == [blocks[0]]
    assert links == {"mxnet": "https://discuss.d2l.ai/t/52", "pytorch": "https://discuss.d2l.ai/t/53"}
    assert link_for_tab(links, "pytorch") == "https://discuss.d2l.ai/t/53"
    assert link_for_tab(links, "jax") is None


def test_shared_discussion_link_and_ordinary_links() -> None:
    ordinary = para(Text("See "), Link("https://example.org", [Text("this")]))
    lone_other = para(Link("https://example.org/page", [Text("A page")]))
    kept, links = split_discussion([ordinary, lone_other, discuss("https://forum.example/t/1", "讨论")])
    assert kept == [ordinary, lone_other]
    assert links == {"": "https://forum.example/t/1"}
    # a tab block with more than the link keeps its other blocks
    other = para(Text("MXNet only."))
    kept, links = split_discussion([TabContent(["mxnet"], [other, discuss("https://discuss.x/t/9")], P)])
    assert isinstance(kept[0], TabContent) and kept[0].children == [other]
    assert links == {"mxnet": "https://discuss.x/t/9"}


def test_qr_code_is_svg_that_encodes_something() -> None:
    svg = qr_svg("https://discuss.d2l.ai/t/53")
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert 'width="' in svg and "<path" in svg
    assert qr_svg("https://discuss.d2l.ai/t/54") != svg


# ---------------------------------------------------------------- colab


def test_colab_url_and_exclusions() -> None:
    assert colab_url("d2l-ai/d2l-pytorch-colab", "chapter_x/y.html") == \
        "https://colab.research.google.com/github/d2l-ai/d2l-pytorch-colab/blob/master/chapter_x/y.ipynb"
    patterns = ["*.html", "**/index.html"]
    assert excluded("index.html", patterns)
    assert excluded("chapter_x/index.html", patterns)
    assert not excluded("chapter_x/y.html", patterns)


def test_colab_notebook_installs_what_it_imports() -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("![x](../img/a.svg) and ![y](../img/b.png)"),
                nbformat.v4.new_code_cell("from d2l import torch as d2l\n# import flax\nx = d2l.try_gpu()")]
    libs = [("d2l", "d2l==1.0.3"), ("flax", "flax"), ("jaxlib", "jaxlib")]
    assert install_cell_source(["from d2l import torch as d2l"], libs) == "!pip install d2l==1.0.3\n"
    colab = colab_notebook(json.loads(nbformat.writes(nb)), libs, header="Install first:",
                           gpu_pattern="try_gpu", svg_rule=("img", "http://d2l.ai/_images"),
                           path="chapter_x/y.ipynb")
    cells = colab["cells"]
    assert cells[0]["cell_type"] == "markdown" and cells[0]["source"] == "Install first:"
    assert cells[1]["source"] == "!pip install d2l==1.0.3"  # flax is only in a comment
    assert "http://d2l.ai/_images/a.svg" in cells[2]["source"]
    assert "../img/b.png" in cells[2]["source"]  # only SVGs are pointed online, as configured
    assert colab["metadata"]["accelerator"] == "GPU"
    assert colab["metadata"]["kernelspec"]["name"] == "python3"
    nbformat.validate(nbformat.from_dict(colab))
    assert len(nb.cells) == 2  # the input is not changed


def test_colab_notebook_without_known_imports_is_unchanged_in_cells() -> None:
    nb = json.loads(nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])))
    assert len(colab_notebook(nb, [("d2l", "d2l")])["cells"]) == 1


# ---------------------------------------------------------------- downloads


def _config(tmp_path: Path) -> Config:
    return Config(root=tmp_path, name="book", tabs=[TabConfig("pytorch"), TabConfig("mxnet")])


def test_downloads_are_brought_into_the_site_and_listed(tmp_path: Path) -> None:
    out = tmp_path / "_build"
    (out / "html").mkdir(parents=True)
    add_notebooks(out, ["pytorch", "mxnet"], ["a/b"], name="book")
    (out / "pdf").mkdir()
    (out / "pdf" / "book.pdf").write_bytes(b"%PDF-1.5 book")
    (out / "pdf" / "book-mxnet.pdf").write_bytes(b"%PDF-1.5 mxnet")
    (out / "pdf" / "figure.pdf").write_bytes(b"%PDF-1.5 a figure")
    written = sync_downloads(out, _config(tmp_path))
    site = out / "html" / "_downloads"
    assert (site / "notebooks/pytorch/a/b.ipynb").read_bytes() == \
        (out / "notebooks/pytorch/a/b.ipynb").read_bytes()
    assert zipfile.ZipFile(site / "book-mxnet.zip").namelist() == ["a/b.ipynb"]
    assert not (site / "figure.pdf").exists()
    script = (site / "downloads.js").read_text()
    manifest = json.loads(re.search(r"= (\{.*\});", script).group(1))
    assert manifest == {"tabs": {"mxnet": {"pages": ["a/b"], "zip": "book-mxnet.zip", "pdf": "book-mxnet.pdf"},
                                 "pytorch": {"pages": ["a/b"], "zip": "book-pytorch.zip"}},
                        "pdf": "book.pdf"}
    assert "_downloads/downloads.js" in written
    # nothing changed: nothing written; a notebook gone: gone from the site too
    assert sync_downloads(out, _config(tmp_path)) == []
    (out / "notebooks/pytorch/a/b.ipynb").unlink()
    sync_downloads(out, _config(tmp_path))
    assert not (site / "notebooks/pytorch/a/b.ipynb").exists()
    assert (site / "notebooks/mxnet/a/b.ipynb").exists()


def test_a_rewritten_notebook_replaces_the_linked_one(tmp_path: Path) -> None:
    out = tmp_path / "_build"
    (out / "html").mkdir(parents=True)
    add_notebooks(out, ["pytorch"], ["p"], name="book")
    sync_downloads(out, _config(tmp_path))
    source = out / "notebooks/pytorch/p.ipynb"
    replacement = source.with_name("new.tmp")
    replacement.write_text(source.read_text().replace("hello", "changed"))
    replacement.replace(source)  # as an atomic writer does: a new file under the old name
    sync_downloads(out, _config(tmp_path))
    assert "changed" in (out / "html/_downloads/notebooks/pytorch/p.ipynb").read_text()


# ---------------------------------------------------------------- the built pages


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    book = make_test_book(tmp_path_factory.mktemp("site") / "book")
    assert main(["build", "html", "--no-eval", "-C", str(book), "-q"]) == 0
    return book / "_build" / "html"


def read(site: Path, page: str) -> str:
    return (site / page).read_text(encoding="utf-8")


def test_page_language_focus_and_anchors(built: Path) -> None:
    html = read(built, "chapter_basics/tabs.html")
    assert html.startswith('<!DOCTYPE html>\n<html lang="en"')
    assert re.search(r'<h2 id="at-the-prompt">At the Prompt<a class="headerlink" href="#at-the-prompt"', html)
    assert 'class="skip-link" href="#content"' in html
    figure = read(built, "chapter_basics/math.html")
    assert 'alt="A line drawn on a transparent background."' in figure


def test_discussion_becomes_one_link_at_the_end(built: Path) -> None:
    html = read(built, "chapter_basics/tabs.html")
    article = html[html.index("<article"):html.index("</article>")]
    assert "discuss.example.org" not in article  # taken out of the text
    end = html[html.index('<footer class="page-end">'):]
    assert end.count('class="discuss"') == 2
    assert 'data-for-tabs="pytorch"><a' not in end  # one block per link, in tab order
    assert re.search(r'data-for-tabs="pytorch">\s*<a href="https://discuss.example.org/t/101"', end)
    assert re.search(r'data-for-tabs="mxnet" hidden>\s*<a href="https://discuss.example.org/t/102"', end)
    assert "Discuss this section" in end and "<svg" in end  # QR code for print
    shared = read(built, "chapter_basics/math.html")
    assert re.search(r'<div class="discuss">\s*<a href="https://discuss.example.org/t/200"', shared)


def test_header_links_colab_and_edit_link(built: Path) -> None:
    html = read(built, "chapter_basics/tabs.html")
    assert re.search(r'<a href="https://github.com/example/testbook" rel="noopener"><svg class="icon"', html)
    assert ('href="https://colab.research.google.com/github/example/testbook-pytorch-colab/blob/master/'
            'chapter_basics/tabs.ipynb"') in html
    assert 'data-tab="mxnet" href="https://colab.research.google.com/github/example/testbook-mxnet-colab' in html
    assert 'href="https://github.com/example/testbook/edit/main/chapter_basics/tabs.md"' in html
    assert "colab.research.google.com" not in read(built, "chapter_basics/index.html")  # excluded


def test_page_with_code_for_one_tab_says_so(built: Path) -> None:
    html = read(built, "chapter_deep/torch-only.html")
    assert 'class="tab-note" data-pagefind-ignore>This section has code for PyTorch only.</p>' in html
    assert 'data-tab="mxnet"' not in html.split('<article')[1]  # no empty MXNet tabs
    assert "testbook-mxnet-colab" not in html
    assert "tab-note" not in read(built, "chapter_basics/tabs.html")


def test_group_lacking_a_tab_of_the_page_says_so(tmp_path: Path) -> None:
    book = make_test_book(tmp_path / "book")
    (book / "chapter_deep" / "deeper.md").write_text(
        (book / "chapter_deep" / "deeper.md").read_text() + "\nBetween the groups.\n\n```{.python .input}\n#@tab mxnet\nnpx.set_np()\n```\n")
    assert main(["build", "html", "--no-eval", "-C", str(book), "-q"]) == 0
    html = read(book / "_build" / "html", "chapter_deep/deeper.html")
    assert '<p class="tab-only">This code is for MXNet only.</p>' in html
    assert "tab-note" not in html


def test_search_index_is_built_and_skipped_when_nothing_changed(built: Path) -> None:
    require(pagefind_binary() is not None, "Pagefind (pip install 'pagefind[extended]')")
    assert index_exists(built)
    entry = json.loads((built / "_pagefind" / "pagefind-entry.json").read_text())
    assert list(entry["languages"]) == ["en"]
    assert entry["languages"]["en"]["page_count"] == 7
    fragments = list((built / "_pagefind" / "fragment").glob("*.pf_fragment"))
    assert fragments
    report = json.loads((built.parent / "report.json").read_text())
    assert report["html"]["search_indexed"] is True
    book = built.parent.parent
    assert main(["build", "html", "--no-eval", "-C", str(book), "-q"]) == 0
    report = json.loads((built.parent / "report.json").read_text())
    assert "search_indexed" not in report["html"]  # no page changed: Pagefind did not run


def test_each_language_gets_its_own_index(tmp_path: Path) -> None:
    require(pagefind_binary() is not None, "Pagefind (pip install 'pagefind[extended]')")
    from divebook.writers.html.search import index_site

    site = tmp_path / "html"
    for lang, path, word in [("en", "en/a.html", "river"), ("zh", "zh/a.html", "河流")]:
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_text(f'<!DOCTYPE html><html lang="{lang}"><head><title>{word}</title></head>'
                                 f'<body><article data-pagefind-body><h1>{word}</h1><p>{word} {DEEP_WORD}</p>'
                                 "</article></body></html>", encoding="utf-8")
    index_site(site)
    entry = json.loads((site / "_pagefind" / "pagefind-entry.json").read_text())
    assert sorted(entry["languages"]) == ["en", "zh"]
    assert all(v["page_count"] == 1 for v in entry["languages"].values())


def test_missing_pagefind_is_a_warning_not_a_failure(monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    import divebook.writers.html.search as search

    monkeypatch.setattr(search, "pagefind_binary", lambda: None)
    book = make_test_book(tmp_path / "book")
    assert main(["build", "html", "--no-eval", "-C", str(book), "-q"]) == 0
    report = json.loads((book / "_build" / "report.json").read_text())
    assert any("Pagefind is not installed" in w["message"] for w in report["warnings"])


def test_icons_for_font_awesome_names() -> None:
    assert icon_for("fab fa-github") != icon_for("fas fa-file-pdf")
    assert icon_for("fas fa-unknown-thing") == icon_for("")
    assert icon_for("fab fa-github").startswith("<svg") and 'aria-hidden="true"' in icon_for("x")


def test_missing_logo_and_css_are_not_linked(tmp_path: Path) -> None:
    book = make_test_book(tmp_path / "book")
    (book / "config.ini").write_text(
        (book / "config.ini").read_text().replace("[html]", "[html]\nhtml_logo = static/logo.png\n"
                                                  "include_css = static/x.css"))
    assert main(["build", "html", "--no-eval", "-C", str(book), "-q"]) == 0
    html = read(book / "_build" / "html", "index.html")
    assert "static/logo.png" not in html and "static/x.css" not in html
    (book / "static").mkdir()
    (book / "static" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    assert main(["build", "html", "--no-eval", "-C", str(book), "-q"]) == 0
    assert 'src="static/logo.png"' in read(book / "_build" / "html", "index.html")


def test_diagnostics_stay_clean(built: Path) -> None:
    report = json.loads((built.parent / "report.json").read_text())
    assert report["errors"] == [] and report["warnings"] == []
