"""The EPUB writer on small books: the package's structure, XHTML that parses as XML, math,
footnotes, links that resolve, one EPUB per tab, and rebuilds that render only what changed.
(epubcheck itself runs in tests/integration/test_epub_books.py.)"""

from __future__ import annotations

import json
import posixpath
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from lxml import etree

from divebook.cli import main
from divebook.writers.epub.package import split_authors
from divebook.writers.math.mathml import to_mathml
from divebook.writers.epub.xhtml import MATHML, OPS, SVG, XHTML, foreign_fragment, xml_id
from tests.conftest import write_book

BOOK = {
    "config.ini": "[project]\nname = tiny\ntitle = Tiny Book\nauthor = Ann Lee, Bo Kim, and Cy Park\n"
                  "[build]\ntabs = pytorch, mxnet\n",
    "index.md": """
        # Tiny Book

        ```toc
        :numbered:

        ch/a
        ch/b
        refs
        ```
    """,
    "ch/a.md": """
        # Alpha
        :label:`sec_a`

        Inline $x^2$ and a note[^n].

        $$y = wx + b.$$
        :eqlabel:`eq_line`

        ![A figure.](../img/x.svg)
        :label:`fig_x`

        | a | b |
        |---|---|
        | 1 | 2 |

        ```{.python .input}
        #@tab pytorch
        import torch
        ```

        ```{.python .input}
        #@tab mxnet
        from mxnet import np
        ```

        <center>raw <b>html</b><br></center>

        A [missing file](../data/none.csv) and :cite:`Real.2000`.

        [^n]: The footnote's text.
    """,
    "ch/b.md": """
        # Beta

        See :numref:`fig_x`, :eqref:`eq_line` and :numref:`sec_a`.
    """,
    "refs.md": "# References\n\n:bibliography:`refs.bib`\n",
    "refs.bib": "@book{Real.2000, author = {Real, A.}, title = {T}, publisher = {P}, year = {2000}}\n",
    "img/x.svg": "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'/>",
}


def build(book: Path, out: Path, *extra: str) -> dict:
    assert main(["build", "epub", "--no-eval", "-C", str(book), "--out", str(out), "-q", *extra]) == 0
    return json.loads((out / "report.json").read_text())


def unpack(epub: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(epub) as z:
        first = z.infolist()[0]
        assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
        return {name: z.read(name) for name in z.namelist()}


def xml(data: bytes) -> etree._Element:
    return etree.fromstring(data)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> tuple[Path, dict]:
    """BOOK built once for the tests that only read its EPUBs: (output folder, report)."""
    root = tmp_path_factory.mktemp("epub")
    book = write_book(root / "book", BOOK)
    return root / "out", build(book, root / "out")


def test_one_epub_per_tab_named_like_the_pdfs(tiny):
    out, data = tiny
    assert sorted(p.name for p in (out / "epub").iterdir()) == ["tiny-mxnet.epub", "tiny.epub"]
    assert set(data["epub"]) == {"pytorch", "mxnet"}
    torch, mx = ("".join(xml(unpack(out / "epub" / n)["EPUB/ch/a.xhtml"]).itertext())
                 for n in ("tiny.epub", "tiny-mxnet.epub"))
    assert "import torch" in torch and "mxnet" not in torch
    assert "from mxnet import np" in mx and "torch" not in mx


def test_package_metadata_nav_and_ncx(tiny):
    files = unpack(tiny[0] / "epub" / "tiny.epub")
    opf = xml(files["EPUB/content.opf"])
    ns = {"o": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
    assert opf.findtext("o:metadata/dc:title", namespaces=ns) == "Tiny Book (PyTorch)"
    assert [c.text for c in opf.findall("o:metadata/dc:creator", ns)] == ["Ann Lee", "Bo Kim", "Cy Park"]
    assert opf.findtext("o:metadata/dc:language", namespaces=ns) == "en"
    assert opf.findtext("o:metadata/dc:identifier", namespaces=ns).startswith("urn:uuid:")
    items = {i.get("href"): i for i in opf.findall("o:manifest/o:item", ns)}
    assert "mathml" in items["ch/a.xhtml"].get("properties")
    assert items["nav.xhtml"].get("properties") == "nav"
    assert "img/x.svg" in items  # the figure, kept as SVG
    for href in items:  # everything the manifest names is in the zip, and the reverse
        assert "EPUB/" + unquote(href) in files
    assert {n for n in files if n.startswith("EPUB/")} - {"EPUB/" + unquote(h) for h in items} \
        == {"EPUB/content.opf"}
    nav = xml(files["EPUB/nav.xhtml"])
    labels = [" ".join("".join(a.itertext()).split()) for a in nav.iter("{%s}a" % XHTML)]
    assert labels == ["Tiny Book", "1 Alpha", "2 Beta", "3 References"]
    ncx = files["EPUB/toc.ncx"].decode()
    assert "<text>1 Alpha</text>" in ncx and 'src="ch/a.xhtml"' in ncx


def test_pages_are_xhtml_with_mathml_footnotes_and_links_that_resolve(tiny):
    files = unpack(tiny[0] / "epub" / "tiny.epub")
    pages = {n[5:]: xml(d) for n, d in files.items() if n.endswith(".xhtml")}
    a = pages["ch/a.xhtml"]
    maths = list(a.iter("{%s}math" % MATHML))
    assert len(maths) == 2 and {m.get("alttext") for m in maths} == {"x^2", "y = wx + b."}
    numbered = a.find(".//{%s}div[@id='eq_line']" % XHTML)
    assert numbered is not None and "(1.1)" in "".join(numbered.itertext())
    note = [el for el in a.iter("{%s}aside" % XHTML) if el.get("{%s}type" % OPS) == "footnote"]
    assert len(note) == 1 and "footnote\u2019s text" in "".join(note[0].itertext())  # smart quotes, as on the site
    assert a.find(".//{%s}center" % XHTML) is None  # obsolete HTML turned into a div
    refs = [el for el in a.iter("{%s}a" % XHTML) if el.get("{%s}type" % OPS) == "noteref"]
    assert [r.get("href") for r in refs] == ["#fn-n"]
    assert "headerlink" not in etree.tostring(a, encoding="unicode")  # no "#" after headings
    assert a.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    ids = {path: {el.get("id") for el in root.iter() if el.get("id")} for path, root in pages.items()}
    checked = 0
    for path, root in pages.items():
        for el in root.iter("{%s}a" % XHTML):
            href = el.get("href")
            if href is None or urlsplit(href).scheme:
                continue
            target, _, fragment = href.partition("#")
            target = posixpath.normpath(posixpath.join(posixpath.dirname(path), unquote(target))) \
                if target else path
            assert "EPUB/" + target in files, (path, href)
            if fragment:
                assert fragment in ids[target], (path, href)
            checked += 1
    assert checked >= 6  # references, citation, footnote, toc
    b = etree.tostring(pages["ch/b.xhtml"], encoding="unicode")
    assert "Fig. 1.1" in b and "a.xhtml#eq_line" in b
    # the link to a file the book does not ship stays as text
    assert "missing file" in etree.tostring(a, encoding="unicode")
    assert "none.csv" not in etree.tostring(a, encoding="unicode")


def test_a_one_sentence_edit_renders_one_page_again(make_book, tmp_path):
    book = make_book(BOOK)
    out = tmp_path / "out"
    first = build(book, out)
    assert first["epub"]["pytorch"]["rendered"] == 4
    # pages without tab code are rendered once for both tabs
    assert first["epub"]["mxnet"]["rendered"] == 1
    before = (out / "epub" / "tiny.epub").read_bytes()
    path = book / "ch" / "b.md"
    path.write_text(path.read_text() + "\nOne more sentence.\n")
    second = build(book, out)
    assert second["epub"]["pytorch"]["rendered"] == 1 and second["epub"]["mxnet"]["rendered"] == 0
    after = unpack(out / "epub" / "tiny.epub")
    assert b"One more sentence." in after["EPUB/ch/b.xhtml"] and after != before


def test_the_download_menu_lists_the_epubs(make_book, tmp_path):
    book = make_book(BOOK)
    out = tmp_path / "out"
    assert main(["build", "html", "epub", "--no-eval", "-C", str(book), "--out", str(out), "-q"]) == 0
    script = (out / "html" / "_downloads" / "downloads.js").read_text()
    manifest = json.loads(script.split("=", 1)[1].strip().rstrip(";"))
    assert manifest["epub"] == "tiny.epub" and manifest["tabs"]["mxnet"]["epub"] == "tiny-mxnet.epub"
    assert (out / "html" / "_downloads" / "tiny-mxnet.epub").is_file()


def test_korean_book_says_its_language(make_book, tmp_path):
    book = make_book({"config.ini": "[project]\nname = ko\ntitle = 책\nlang = ko\n",
                      "index.md": "# 책\n\n```toc\nch\n```\n", "ch.md": "# 장\n\n안녕하세요.\n"})
    build(book, tmp_path / "out")
    files = unpack(tmp_path / "out" / "epub" / "ko.epub")
    page = xml(files["EPUB/ch.xhtml"])
    assert page.get("lang") == "ko" and page.get("{http://www.w3.org/XML/1998/namespace}lang") == "ko"
    assert "목차" in files["EPUB/nav.xhtml"].decode()


def test_a_long_inline_formula_is_one_math_element_with_all_its_latex(make_book, tmp_path):
    # the website cuts it at its operators so phones can wrap it (math/mathml_break.py)
    book = make_book({"config.ini": "[project]\nname = m\n",
                      "index.md": "# M\n\n```toc\nch\n```\n",
                      "ch.md": "# C\n\nThen $a = b + c$ holds.\n"})
    build(book, tmp_path / "out")
    assert to_mathml("a = b + c", display=False).count("<math") == 3  # the site's: "a =", "b +", "c"
    page = xml(unpack(tmp_path / "out" / "epub" / "m.epub")["EPUB/ch.xhtml"])
    maths = list(page.iter("{%s}math" % MATHML))
    assert len(maths) == 1 and maths[0].get("alttext") == "a = b + c"
    assert [el.text for el in maths[0].iter("{%s}mi" % MATHML)] == ["a", "b", "c"]


def test_our_markup_is_read_as_xml_without_the_html_parser(make_book):
    """Only markup that is not ours goes through html5lib (slow); the rest must be XML."""
    from divebook.context import BuildOptions
    from divebook.build import prepare, read_stage, transform_stage
    from divebook.transforms.tabs import select_tab
    from divebook.writers.epub.render import EpubRenderer
    from divebook.writers.epub.target import _site
    from divebook.writers.epub.xhtml import parse_xml_body

    ctx = prepare(BuildOptions(make_book(BOOK), evaluate=False))
    book = read_stage(ctx)
    transform_stage(ctx)
    site = _site(book, ctx.config, None)
    for source, page in book.pages.items():
        renderer = EpubRenderer(site, source, ctx.diags, {}, "pytorch")
        assert parse_xml_body(renderer.render_body(select_tab(page.blocks, "pytorch"))) is not None, source


def test_svg_figures_readers_may_not_show_become_png(make_book, tmp_path):
    from tests.conftest import require_tool

    require_tool("rsvg-convert")
    svg = "<svg xmlns='http://www.w3.org/2000/svg' width='20' height='10'>{}</svg>"
    book = make_book({
        "config.ini": "[project]\nname = s\ntitle = S\n",
        "index.md": "# S\n\n```toc\nch\n```\n",
        "ch.md": "# Ch\n\n![Plain.](img/plain.svg)\n\n![Html.](img/html.svg)\n\n![Again.](img/html.svg)\n",
        "img/plain.svg": svg.format("<rect width='5' height='5'/>"),
        "img/html.svg": svg.format("<foreignObject width='20' height='10'>"
                                   "<div xmlns='http://www.w3.org/1999/xhtml'>text</div></foreignObject>"),
    })
    build(book, tmp_path / "out")
    files = unpack(tmp_path / "out" / "epub" / "s.epub")
    page = etree.tostring(xml(files["EPUB/ch.xhtml"]), encoding="unicode")
    assert "img/plain.svg" in page and "EPUB/img/plain.svg" in files
    assert page.count("images/img-html.png") == 2 and "EPUB/img/html.svg" not in files
    assert files["EPUB/images/img-html.png"].startswith(b"\x89PNG")


def test_without_rsvg_convert_the_svg_stays_with_a_warning_at_its_line(make_book, tmp_path, monkeypatch):
    import divebook.writers.epub.render as render

    monkeypatch.setattr(render.shutil, "which", lambda name: None)
    book = make_book({
        "config.ini": "[project]\nname = s\ntitle = S\n",
        "index.md": "# S\n\n```toc\nch\n```\n",
        "ch.md": "# Ch\n\nText.\n\n![Html.](img/html.svg)\n",
        "img/html.svg": "<svg xmlns='http://www.w3.org/2000/svg' width='20' height='10'><foreignObject "
                        "width='20' height='10'><div xmlns='http://www.w3.org/1999/xhtml'>t</div>"
                        "</foreignObject></svg>",
    })
    report = build(book, tmp_path / "out")
    warnings = [w for w in report["warnings"] if w["code"] == "epub-image"]
    assert [(w["file"], w["line"]) for w in warnings] == [("ch.md", 5)]
    assert "rsvg-convert" in warnings[0]["message"]


def test_the_books_logo_is_the_cover_image(make_book, tmp_path):
    book = make_book({"config.ini": "[project]\nname = c\ntitle = Covered\n[html]\nhtml_logo = img/logo.svg\n",
                      "index.md": "# Covered\n", "img/logo.svg": BOOK["img/x.svg"]})
    build(book, tmp_path / "out")
    files = unpack(tmp_path / "out" / "epub" / "c.epub")
    opf = files["EPUB/content.opf"].decode()
    assert 'href="cover.svg" media-type="image/svg+xml" properties="cover-image"' in opf
    assert files["EPUB/cover.svg"] == BOOK["img/x.svg"].encode()
    cover = etree.tostring(xml(files["EPUB/cover.xhtml"]), encoding="unicode")
    assert 'src="cover.svg"' in cover and "Covered" in cover


def test_ids_become_xml_names_the_same_way_each_time():
    assert xml_id("sec_a") == "sec_a"
    assert xml_id("Zhang.Lipton.Li.ea.2021") == "Zhang.Lipton.Li.ea.2021"
    odd = xml_id("1 two:three")
    assert odd == xml_id("1 two:three") and odd[0].isalpha() and " " not in odd and ":" not in odd
    assert xml_id("a b") != xml_id("a_b")


def test_foreign_html_keeps_svg_names_and_namespaces():
    out = foreign_fragment('<div><svg viewBox="0 0 2 2"><linearGradient id="g"/></svg><br></div>')
    root = etree.fromstring(f'<div xmlns="{XHTML}">{out}</div>')
    svg = root.find(".//{%s}svg" % SVG)
    assert svg is not None and svg.get("viewBox") == "0 0 2 2"
    assert svg.find("{%s}linearGradient" % SVG) is not None
    assert root.find(".//{%s}br" % XHTML) is not None


def test_authors_split_into_creators():
    assert split_authors("Aston Zhang, Zachary C. Lipton, Mu Li, and Alexander J. Smola") == \
        ["Aston Zhang", "Zachary C. Lipton", "Mu Li", "Alexander J. Smola"]
    assert split_authors("A and B") == ["A", "B"]
    assert split_authors("") == []
