"""Files as they are on disk: names with other scripts or spaces, and a byte-order mark."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

from divebook.bookpaths import book_path, url_of
from divebook.context import BuildOptions
from divebook.build import prepare, read_stage, transform_stage
from divebook.cli import main
from divebook.diagnostics import Diagnostics
from divebook.reader.markdown import parser
from divebook.writers.latex.book import render_book
from divebook.writers.latex.images import ImageMaker

from tests.unit.writers.latex.test_images import make_png

BOOK = {
    "index.md": "# Book\n\n```toc\n:numbered:\n\nch/figs\n```\n",
    "ch/figs.md": """
        # Figures

        ![Symbols.](../img/ch04/符号.png)
        :label:`fig_symbols`

        ![Spaced.](../img/a b.png)

        ![Encoded in the page.](../img/a%20b.png "with a title")

        Inline ![i](../img/ch04/符号.png) too.

        ```{.python .input}
        1 + 1
        ```
    """,
}


def make(make_book) -> Path:
    root = make_book(BOOK)
    (root / "img" / "ch04").mkdir(parents=True)
    (root / "img" / "ch04" / "符号.png").write_bytes(make_png(40, 30))
    (root / "img" / "a b.png").write_bytes(make_png(20, 10))
    return root


def test_addresses_are_decoded_to_find_files_and_encoded_for_links() -> None:
    assert book_path("ch/x.md", "../img/%E7%AC%A6%E5%8F%B7.png") == "img/符号.png"
    assert book_path("ch/x.md", "../img/a%20b.png?raw=1#top") == "img/a b.png"
    assert book_path("x.md", "100%25.png") == "100%.png"
    assert url_of("../img/a b.png") == "../img/a%20b.png"
    assert url_of("../img/符号.png") == "../img/%E7%AC%A6%E5%8F%B7.png"
    assert url_of("../img/plain-name_1.svg") == "../img/plain-name_1.svg"


def test_spaces_in_a_file_address_as_pandoc_reads_them() -> None:
    def first(src: str):  # type: ignore[no-untyped-def]
        return next(t for t in parser().parseInline(src)[0].children if t.attrs)

    assert first("![x](../img/a b.png)").attrs["src"] == "../img/a%20b.png"
    image = first('![x](a  b.png "T")')
    assert image.attrs["src"] == "a%20b.png" and image.attrs["title"] == "T"
    assert first("[x](<a b.md>)").attrs["href"] == "a%20b.md"
    # a space in a web address is a typo: CommonMark's reading keeps the text after it
    assert first("[x](https://a.org/p）（see) more").attrs["href"] == "https://a.org/p%EF%BC%89%EF%BC%88see"
    typo = parser().parseInline("see [x](https://a.org/p （by :cite:`K`)")[0].children
    assert "link_open" not in [t.type for t in typo] and "role" in [t.type for t in typo]


def test_website_finds_copies_and_links_such_files(make_book, tmp_path: Path) -> None:
    root = make(make_book)
    out = tmp_path / "out"
    assert main(["build", "html", "notebooks", "--no-eval", "-C", str(root), "--out", str(out), "-q"]) == 0
    report = json.loads((out / "report.json").read_text())
    assert report["errors"] == [] and report["warnings"] == []
    html = (out / "html" / "ch" / "figs.html").read_text()
    assert html.count('src="../img/ch04/%E7%AC%A6%E5%8F%B7.png"') == 2
    assert html.count('src="../img/a%20b.png"') == 2
    assert (out / "html" / "img" / "ch04" / "符号.png").read_bytes() == (root / "img" / "ch04" / "符号.png").read_bytes()
    assert (out / "html" / "img" / "a b.png").is_file()
    # the notebooks' zip carries the files, and the notebook shows the spaced one
    with zipfile.ZipFile(out / "notebooks" / "book-python.zip") as zf:
        names = set(zf.namelist())
        notebook = json.loads(zf.read("book-python/ch/figs.ipynb"))
    assert {"book-python/img/ch04/符号.png", "book-python/img/a b.png"} <= names
    prose = "".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown")
    assert "![Spaced.](<../img/a b.png>)" in prose and "](../img/ch04/符号.png)" in prose


def test_pdf_includes_such_files(make_book) -> None:
    root = make(make_book)
    ctx = prepare(BuildOptions(book=root, out=root / "_build"))
    read_stage(ctx)
    transform_stage(ctx)
    diags = Diagnostics()
    doc = render_book(ctx.book, ctx.config, "python", ImageMaker(root, root / "_work", None), diags)
    assert diags.items == []
    assert "\\dbmissingimage{" not in doc.tex
    includes = re.findall(r"\\dbimage\[[^\]]*\]\{([^}]*)\}", doc.tex)
    assert len(includes) == 4
    # LaTeX sees content-named copies, never the names with spaces or other scripts
    assert all(re.fullmatch(r"img/[0-9a-f]+\.png", name) for name in includes)
    assert len(set(includes)) == 2


def test_a_byte_order_mark_is_not_text(make_book, tmp_path: Path) -> None:
    bom = "\ufeff"
    root = make_book({
        "config.ini": (bom + "[project]\nname = marked\ntitle = Marked\n").encode("utf-8"),
        "index.md": (bom + "# Marked\n\n```toc\n:numbered:\n\na\n```\n").encode("utf-8"),
        "a.md": (bom + "# First\n:label:`sec_first`\n\n## Later\n\nSee :numref:`sec_first`.\n").encode("utf-8"),
    })
    out = tmp_path / "out"
    assert main(["build", "html", "--no-eval", "-C", str(root), "--out", str(out), "-q"]) == 0
    report = json.loads((out / "report.json").read_text())
    assert report["errors"] == [] and report["warnings"] == []
    assert [(p["title"], p["number"]) for p in report["pages"]] == [("Marked", None), ("First", "1")]
    assert report["book"]["title"] == "Marked"
    html = (out / "html" / "a.html").read_text()
    assert "\ufeff" not in html and '<h1 id="sec_first">' in html


def test_a_byte_order_mark_in_divebook_toml(make_book) -> None:
    root = make_book({
        "divebook.toml": ("\ufeff[project]\ntitle = \"Marked\"\n").encode("utf-8"),
        "index.md": "# Marked\n",
    })
    from divebook.config import load_config

    assert load_config(root, Diagnostics()).title == "Marked"


NAMED_PAGES = {
    "index.md": "# Named\n\n```toc\n:numbered:\n\nchapter 1/a b\n장/소개\n```\n",
    "chapter 1/a b.md": """
        # Spaced
        :label:`sec_spaced`

        To [the intro](<../장/소개.md>), to [its section](<../장/소개.md#소개-절>),
        :numref:`sec_intro`, and [a file](<../img/a b.png>).

        ![Spaced.](<../img/a b.png>)
    """,
    "장/소개.md": """
        # 소개
        :label:`sec_intro`

        ## 소개 절

        Back to [the spaced page](<../chapter 1/a b.md>).
    """,
}

_ADDRESS = re.compile(r"""\b(?:href|src)="([^"]*)\"""")


def test_links_to_pages_so_named_are_encoded_as_image_sources_are(make_book, tmp_path: Path) -> None:
    from urllib.parse import unquote, urlsplit

    root = make_book(NAMED_PAGES)
    (root / "img").mkdir()
    (root / "img" / "a b.png").write_bytes(make_png(20, 10))
    out = tmp_path / "out"
    assert main(["build", "html", "epub", "--no-eval", "-C", str(root), "--out", str(out), "-q"]) == 0
    report = json.loads((out / "report.json").read_text())
    assert report["errors"] == [] and report["warnings"] == []  # the link check agrees
    site = out / "html"
    spaced = (site / "chapter 1" / "a b.html").read_text()
    intro = (site / "장" / "소개.html").read_text()
    korean = "../%EC%9E%A5/%EC%86%8C%EA%B0%9C.html"
    assert f'href="{korean}"' in spaced  # the sidebar, the link, the reference, "next"
    assert f'href="{korean}#%EC%86%8C%EA%B0%9C-%EC%A0%88"' in spaced
    assert 'href="../chapter%201/a%20b.html"' in intro
    assert 'href="a%20b.html"' in spaced  # the sidebar's entry of the page itself
    # every address of every page is plain ASCII and leads to a file of the site
    for page in ("index.html", "chapter 1/a b.html", "장/소개.html"):
        for address in _ADDRESS.findall((site / page).read_text()):
            parts = urlsplit(address)
            if parts.scheme or not parts.path:
                continue
            assert address.isascii() and " " not in address, (page, address)
            target = (site / page).parent / unquote(parts.path)
            assert target.is_file(), (page, address)
    # the EPUB: its contents (nav, NCX) and pages link with encoded names too
    with zipfile.ZipFile(out / "epub" / "book.epub") as zf:
        nav = zf.read("EPUB/nav.xhtml").decode()
        ncx = zf.read("EPUB/toc.ncx").decode()
        page = zf.read("EPUB/chapter 1/a b.xhtml").decode()
    assert 'href="chapter%201/a%20b.xhtml"' in nav and 'src="chapter%201/a%20b.xhtml"' in ncx
    assert 'href="%EC%9E%A5/%EC%86%8C%EA%B0%9C.xhtml"' in nav
    assert " " not in "".join(re.findall(r'href="([^"]*)"', nav + ncx + page))
    # a link to an anchor written encoded (%EC%86%8C...) keeps it: the id is the decoded one
    assert 'href="../%EC%9E%A5/%EC%86%8C%EA%B0%9C.xhtml#소개-절"' in page


def test_colab_and_edit_links_encode_the_page_s_path(make_book, tmp_path: Path) -> None:
    from divebook.writers.html.colab import colab_url

    assert colab_url("me/named-colab", "장/a b.html") == \
        "https://colab.research.google.com/github/me/named-colab/blob/master/%EC%9E%A5/a%20b.ipynb"
    root = make_book({**NAMED_PAGES, "config.ini": "[project]\nname = named\n[repository]\ngithub = me/named\n"})
    (root / "img").mkdir()
    (root / "img" / "a b.png").write_bytes(make_png(20, 10))
    out = tmp_path / "out"
    assert main(["build", "html", "--no-eval", "-C", str(root), "--out", str(out), "-q"]) == 0
    spaced = (out / "html" / "chapter 1" / "a b.html").read_text()
    assert 'href="https://github.com/me/named/edit/' in spaced and "/chapter%201/a%20b.md\"" in spaced
