"""The EPUB container: metadata, navigation, cover, manifest, spine, and the zip.

What EPUB 3.3 asks and readers rely on: ``mimetype`` first and stored,
``META-INF/container.xml`` naming the package document, a navigation
document (``nav.xhtml``) and, for EPUB 2 readers, an NCX built from the same
table of contents.  The zip's dates are fixed, so the same book gives the
same bytes and a rebuild that changes nothing rewrites nothing.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from lxml import etree

from . import xhtml

OPF = "http://www.idpf.org/2007/opf"
DC = "http://purl.org/dc/elements/1.1/"
NCX = "http://www.daisy.org/z3986/2005/ncx/"
CONTENT = "EPUB"  # the package's folder inside the zip
_FIXED_DATE = (1980, 1, 1, 0, 0, 0)


@dataclass
class NavEntry:
    path: str  # package path of the page
    number: str | None
    title: str
    children: list["NavEntry"] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.number} {self.title}" if self.number else self.title


@dataclass
class Metadata:
    identifier: str  # urn:uuid:...
    title: str
    authors: list[str]
    lang: str
    date: str  # YYYY-MM-DD
    modified: str  # YYYY-MM-DDThh:mm:ssZ
    contents_title: str  # "Contents" in the book's language


@dataclass
class Item:
    path: str  # package path
    data: bytes
    media_type: str
    properties: list[str] = field(default_factory=list)
    spine: bool = False
    linear: bool = True


def split_authors(author: str) -> list[str]:
    """``"A, B, and C"`` -> ``["A", "B", "C"]``: one ``dc:creator`` each."""
    parts = re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*;\s*|\s*、\s*|\s*，\s*", author.strip())
    return [p for p in (part.strip() for part in parts) if p]


def _item_id(path: str, used: set[str]) -> str:
    base = xhtml.xml_id("i-" + re.sub(r"[^\w.-]", "_", path))
    name, n = base, 1
    while name in used:
        n += 1
        name = f"{base}-{n}"
    used.add(name)
    return name


def nav_document(meta: Metadata, entries: list[NavEntry], css: str) -> bytes:
    """The EPUB 3 navigation document: the table of contents with section numbers."""
    h = "{%s}" % xhtml.XHTML

    def add(parent: etree._Element, items: list[NavEntry]) -> None:
        ol = etree.SubElement(parent, h + "ol")
        for entry in items:
            li = etree.SubElement(ol, h + "li")
            a = etree.SubElement(li, h + "a", href=_href(entry.path))
            if entry.number:
                etree.SubElement(a, h + "span", {"class": "section-number"}).text = entry.number
                etree.SubElement(a, h + "span").text = " " + entry.title
            else:
                a.text = entry.title
            if entry.children:
                add(li, entry.children)

    nav = etree.Element(h + "nav", {"{%s}type" % xhtml.OPS: "toc", "id": "toc"})
    etree.SubElement(nav, h + "h1").text = meta.contents_title
    add(nav, entries)
    return xhtml.serialise(xhtml.document(meta.contents_title, meta.lang, [nav], css))


def ncx_document(meta: Metadata, entries: list[NavEntry]) -> bytes:
    """The NCX: the same contents for EPUB 2 readers."""
    order = 0
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             f'<ncx xmlns="{NCX}" version="2005-1" xml:lang={quoteattr(meta.lang)}>',
             f'<head><meta name="dtb:uid" content={quoteattr(meta.identifier)}/>'
             f'<meta name="dtb:depth" content="{max(1, _depth(entries))}"/>'
             '<meta name="dtb:totalPageCount" content="0"/><meta name="dtb:maxPageNumber" content="0"/>'
             '</head>',
             f"<docTitle><text>{escape(meta.title)}</text></docTitle>", "<navMap>"]

    def add(items: list[NavEntry]) -> None:
        nonlocal order
        for entry in items:
            order += 1
            lines.append(f'<navPoint id="np-{order}" playOrder="{order}"><navLabel><text>'
                         f'{escape(entry.label)}</text></navLabel><content src={quoteattr(_href(entry.path))}/>')
            add(entry.children)
            lines.append("</navPoint>")

    add(entries)
    lines += ["</navMap>", "</ncx>", ""]
    return "\n".join(lines).encode("utf-8")


def _depth(entries: list[NavEntry]) -> int:
    return max((1 + _depth(e.children) for e in entries), default=0)


def cover_document(meta: Metadata, css: str, image: str | None) -> bytes:
    """A title page: the logo (when the book has one), the title and the authors."""
    h = "{%s}" % xhtml.XHTML
    section = etree.Element(h + "section", {"class": "cover", "{%s}type" % xhtml.OPS: "titlepage"})
    if image:
        etree.SubElement(section, h + "img", src=image, alt="", **{"class": "cover-image"})
    etree.SubElement(section, h + "h1", {"class": "book-title"}).text = meta.title
    for author in meta.authors:
        etree.SubElement(section, h + "p", {"class": "book-author"}).text = author
    return xhtml.serialise(xhtml.document(meta.title, meta.lang, [section], css, "cover"))


def package_document(meta: Metadata, items: list[Item]) -> bytes:
    """``content.opf``: metadata, every file of the book, and the reading order."""
    used: set[str] = set()
    ids = {item.path: _item_id(item.path, used) for item in items}
    authors = "".join(f"<dc:creator id=\"creator-{i}\">{escape(a)}</dc:creator>"
                      for i, a in enumerate(meta.authors, 1))
    manifest = []
    for item in items:
        props = f' properties="{" ".join(item.properties)}"' if item.properties else ""
        manifest.append(f'<item id="{ids[item.path]}" href={quoteattr(_href(item.path))} '
                        f'media-type="{item.media_type}"{props}/>')
    ncx = next(ids[i.path] for i in items if i.media_type == "application/x-dtbncx+xml")
    not_linear = ' linear="no"'
    spine = "".join(f'<itemref idref="{ids[i.path]}"{"" if i.linear else not_linear}/>'
                    for i in items if i.spine)
    text = (f'<?xml version="1.0" encoding="utf-8"?>\n'
            f'<package xmlns="{OPF}" version="3.0" unique-identifier="book-id" '
            f'xml:lang={quoteattr(meta.lang)}>\n'
            f'<metadata xmlns:dc="{DC}">\n'
            f'<dc:identifier id="book-id">{escape(meta.identifier)}</dc:identifier>\n'
            f"<dc:title>{escape(meta.title)}</dc:title>\n{authors}\n"
            f"<dc:language>{escape(meta.lang)}</dc:language>\n"
            f"<dc:date>{meta.date}</dc:date>\n"
            f'<meta property="dcterms:modified">{meta.modified}</meta>\n'
            + "".join(f'<meta name="cover" content="{ids[i.path]}"/>\n' for i in items
                      if "cover-image" in i.properties)
            + "</metadata>\n<manifest>\n" + "\n".join(manifest) + "\n</manifest>\n"
            f'<spine toc="{ncx}">{spine}</spine>\n</package>\n')
    return text.encode("utf-8")


def _href(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="/-_.~")


CONTAINER = (b'<?xml version="1.0" encoding="utf-8"?>\n'
             b'<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
             b'<rootfiles><rootfile full-path="' + CONTENT.encode() + b'/content.opf" '
             b'media-type="application/oebps-package+xml"/></rootfiles></container>\n')


def zip_epub(meta: Metadata, items: list[Item]) -> bytes:
    """The ``.epub``: mimetype first and stored (readers sniff it), then the rest."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        def put(name: str, data: bytes, compress: int = zipfile.ZIP_DEFLATED) -> None:
            info = zipfile.ZipInfo(name, date_time=_FIXED_DATE)
            info.compress_type = compress
            info.external_attr = 0o644 << 16
            z.writestr(info, data, compresslevel=6 if compress == zipfile.ZIP_DEFLATED else None)

        put("mimetype", b"application/epub+zip", zipfile.ZIP_STORED)
        put("META-INF/container.xml", CONTAINER)
        put(f"{CONTENT}/content.opf", package_document(meta, items))
        for item in items:
            stored = item.media_type.startswith("image/") and item.media_type != "image/svg+xml"
            put(posixpath.join(CONTENT, item.path), item.data,
                zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
